/**
 * @module keys/identity
 * The merchant's Ed25519 (pkarr/Pubky) identity and its BIP-39 recovery phrase.
 *
 * Derivation is Pubky Ring's, so a phrase written down in Ring restores the same pubky here and back:
 * Ring calls `@synonymdev/react-native-pubky` `mnemonicPhraseToKeypair`, which is
 * `pubky/pubky-core-ffi` `src/keypair.rs` `mnemonic_to_secret_key` (added at 5e10f4f "feat: add BIP39
 * mnemonic phrase support", unchanged through HEAD 782d6c0): parse the English phrase, BIP-39 seed with
 * the **empty** passphrase (PBKDF2-HMAC-SHA512, 2048 rounds), and the **first 32 bytes** of the 64-byte
 * seed are the Ed25519 secret (RFC 8032 seed). No SLIP-10, no BIP-32 path. Ring generates 12 words
 * (`Mnemonic::generate_in(English, 12)`); parsing accepts every BIP-39 length.
 *
 * A phrase is canonicalised as the Rust `bip39` crate does before hashing (Unicode NFKD, words split
 * on any whitespace and joined by single spaces), and additionally lowercased: the wordlist is
 * lowercase, so this accepts capitalised input without ever changing the key of a phrase Ring accepts.
 */
import { entropyToMnemonic, mnemonicToSeedSync, validateMnemonic as scureValidate } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { abytes, wipe } from '../util/bytes'
import { InputError } from '../util/errors'
import { systemRng, type Rng } from '../util/rng'
import { z32Encode } from './z32'

export type Identity = { secretKey: Uint8Array; publicKey: Uint8Array; z32: string }

const WORD_COUNTS = [12, 15, 18, 21, 24]
const WORDS = new Set(wordlist)
/** Longest phrase text looked at (24 words of at most 8 letters plus generous whitespace). */
const MAX_PHRASE = 1000

function canonicalWords(phrase: string): string[] {
  if (typeof phrase !== 'string') throw new InputError('recovery phrase must be text')
  if (phrase.length > MAX_PHRASE) {
    throw new InputError(`recovery phrase is ${phrase.length} characters long; no BIP-39 phrase is that long`)
  }
  const trimmed = phrase.normalize('NFKD').toLowerCase().trim()
  return trimmed === '' ? [] : trimmed.split(/\s+/u)
}

/** A new 12-word English recovery phrase (128 bits of entropy from `rng`), as Ring generates. */
export function generateMnemonic(rng: Rng = systemRng): string {
  const entropy = rng(16)
  abytes(entropy, 'entropy from rng', 16)
  try {
    return entropyToMnemonic(entropy, wordlist)
  } finally {
    wipe(entropy)
  }
}

/**
 * Throws `InputError` saying what is wrong with a phrase: the word count, the first unknown word, or a
 * checksum mismatch (a wrong or misplaced word).
 */
export function validateMnemonic(phrase: string): void {
  const words = canonicalWords(phrase)
  if (!WORD_COUNTS.includes(words.length)) {
    throw new InputError(
      `recovery phrase has ${words.length} word${words.length === 1 ? '' : 's'}; expected 12, 15, 18, 21 or 24`,
    )
  }
  words.forEach((w, i) => {
    if (!WORDS.has(w)) {
      throw new InputError(
        `unknown word "${w.slice(0, 32)}" (word ${i + 1}) is not in the BIP-39 English list`,
      )
    }
  })
  if (!scureValidate(words.join(' '), wordlist)) {
    throw new InputError(
      'recovery phrase checksum does not match: a word is wrong or the words are out of order',
    )
  }
}

/** The identity for a 32-byte Ed25519 secret (RFC 8032 seed, pkarr `Keypair::from_secret_key`). */
export function identityFromSecret(
  secret: Uint8Array,
  provider: CryptoProvider = defaultProvider(),
): Identity {
  abytes(secret, 'Ed25519 secret key', 32)
  const secretKey = secret.slice()
  const publicKey = provider.ed25519PublicKey(secretKey)
  return { secretKey, publicKey, z32: z32Encode(publicKey) }
}

/**
 * The identity Pubky Ring derives from a recovery phrase: first 32 bytes of the BIP-39 seed. Ring always
 * uses an empty `passphrase`; a non-empty one gives a different identity that Ring cannot restore.
 */
export function identityFromMnemonic(
  phrase: string,
  passphrase = '',
  provider: CryptoProvider = defaultProvider(),
): Identity {
  validateMnemonic(phrase)
  if (typeof passphrase !== 'string') throw new InputError('passphrase must be text')
  const seed = mnemonicToSeedSync(canonicalWords(phrase).join(' '), passphrase)
  try {
    return identityFromSecret(seed.subarray(0, 32), provider)
  } finally {
    wipe(seed)
  }
}
