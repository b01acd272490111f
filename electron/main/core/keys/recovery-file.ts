/**
 * @module keys/recovery-file
 * The Pubky recovery file (`@synonymdev/pubky` `Keypair.createRecoveryFile` / `fromRecoveryFile`, Ring's
 * "encrypted file" backup), byte-compatible with `pubky/pubky-core` `pubky-common/src/recovery_file.rs`
 * and `pubky-common/src/crypto.rs`:
 *
 *   "pubky.org/recovery" "\n" nonce(24) XSalsa20-Poly1305(key, nonce, secret(32))   = 91 bytes
 *   key = Argon2id(passphrase UTF-8, salt "recovery", m = 19456 KiB, t = 2, p = 1, 32 bytes)
 *
 * (the Rust `argon2` crate's defaults, version 0x13). Reading also accepts the legacy spec line
 * `pkarr.org/recovery`, and like the reference any spec line that starts with either.
 *
 * Argon2id and XSalsa20-Poly1305 are not `CryptoProvider` primitives (nothing on a hot path needs them
 * and OpenSSL in Node 20 has neither), so this module uses @noble directly.
 */
import { argon2id } from '@noble/hashes/argon2.js'
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js'
import { abytes, concatBytes, utf8, wipe } from '../util/bytes'
import { InputError, PaykitError } from '../util/errors'
import { systemRng, type Rng } from '../util/rng'

export const RECOVERY_SPEC_LINE = 'pubky.org/recovery'
const LEGACY_SPEC_LINE = 'pkarr.org/recovery'
const SALT = utf8('recovery')
const ARGON2_PARAMS = { t: 2, m: 19456, p: 1, dkLen: 32, version: 0x13 } as const
const NONCE_LEN = 24
const TAG_LEN = 16
/** A recovery file is 91 bytes; anything much longer is not one and is refused before any work. */
const MAX_FILE = 1024
const MAX_PASSPHRASE = 1024

export type RecoveryFileErrorCode = 'recovery-malformed' | 'recovery-unsupported' | 'recovery-decrypt'

export class RecoveryFileError extends PaykitError<RecoveryFileErrorCode> {}

function passphraseKey(passphrase: string): Uint8Array {
  if (typeof passphrase !== 'string') throw new InputError('passphrase must be text')
  if (passphrase.length > MAX_PASSPHRASE)
    throw new InputError(`passphrase is longer than ${MAX_PASSPHRASE} characters`)
  const pw = utf8(passphrase)
  try {
    return argon2id(pw, SALT, ARGON2_PARAMS)
  } finally {
    wipe(pw)
  }
}

/** Encrypts a 32-byte Ed25519 secret into a recovery file the SDK and Ring can read. */
export function encryptRecoveryFile(
  secret: Uint8Array,
  passphrase: string,
  rng: Rng = systemRng,
): Uint8Array {
  abytes(secret, 'Ed25519 secret key', 32)
  const key = passphraseKey(passphrase)
  try {
    const nonce = rng(NONCE_LEN)
    abytes(nonce, 'nonce from rng', NONCE_LEN)
    const sealed = xsalsa20poly1305(key, nonce).encrypt(secret)
    return concatBytes(utf8(`${RECOVERY_SPEC_LINE}\n`), nonce, sealed)
  } finally {
    wipe(key)
  }
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  const p = utf8(prefix)
  if (bytes.length < p.length) return false
  for (let i = 0; i < p.length; i++) if (bytes[i] !== p[i]) return false
  return true
}

/**
 * Decrypts a recovery file and returns the 32-byte Ed25519 secret. Throws `RecoveryFileError`:
 * `recovery-malformed` (not a recovery file), `recovery-unsupported` (unknown spec line) or
 * `recovery-decrypt` (wrong passphrase, or the file was altered: the two cannot be told apart).
 */
export function decryptRecoveryFile(file: Uint8Array, passphrase: string): Uint8Array {
  abytes(file, 'recovery file')
  if (file.length > MAX_FILE) {
    throw new RecoveryFileError(
      'recovery-malformed',
      `recovery file is ${file.length} bytes; a real one is 91`,
    )
  }
  const newline = file.indexOf(0x0a)
  if (newline < 0) {
    throw new RecoveryFileError(
      'recovery-malformed',
      'recovery file should start with a spec line followed by a newline character',
    )
  }
  const specLine = file.subarray(0, newline)
  if (!startsWith(specLine, RECOVERY_SPEC_LINE) && !startsWith(specLine, LEGACY_SPEC_LINE)) {
    throw new RecoveryFileError(
      'recovery-unsupported',
      `recovery file does not start with "${RECOVERY_SPEC_LINE}"; it is another format or version`,
    )
  }
  const encrypted = file.subarray(newline + 1)
  if (encrypted.length === 0) {
    throw new RecoveryFileError(
      'recovery-malformed',
      'recovery file has no encrypted secret after the spec line',
    )
  }
  if (encrypted.length < NONCE_LEN + TAG_LEN) {
    throw new RecoveryFileError(
      'recovery-malformed',
      `recovery file's encrypted part is ${encrypted.length} bytes; it needs at least ${NONCE_LEN + TAG_LEN}`,
    )
  }
  const key = passphraseKey(passphrase)
  let secret: Uint8Array
  try {
    secret = xsalsa20poly1305(key, encrypted.subarray(0, NONCE_LEN)).decrypt(encrypted.subarray(NONCE_LEN))
  } catch (e) {
    throw new RecoveryFileError('recovery-decrypt', 'wrong passphrase, or the recovery file is damaged', {
      cause: e,
    })
  } finally {
    wipe(key)
  }
  if (secret.length !== 32) {
    const n = secret.length
    wipe(secret)
    throw new RecoveryFileError('recovery-malformed', `recovery file holds a ${n}-byte secret; it must be 32`)
  }
  return secret
}
