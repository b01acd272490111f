/**
 * @module sealed/open
 * Opening Sealed Blobs: v1 (what paykit-rs main writes) and v2 (what pubky-noise writes from
 * 2026-01-20 on: XChaCha20-Poly1305, 24-byte nonce, HKDF info `pubky-envelope/v2`, same salt), both with
 * the caller's AAD string (profile decision 2: read v1 and v2, write v1). Sources: BitcoinErrorLog/
 * pubky-noise `src/sealed_blob.rs` @1ea7991 (v1) and @9095f02 (v2).
 *
 * Stronger than the reference: a low-order `epk` (all-zero shared secret, which anyone could compute)
 * is refused with E006 instead of being used as a key; the envelope size is capped before decoding.
 */
import { CryptoError, defaultProvider, type CryptoProvider } from '../crypto'
import { abytes, concatBytes, equalBytes, fromBase64Url, utf8, wipe } from '../util/bytes'
import { InputError } from '../util/errors'
import { assertEd25519PublicKey } from '../keys/public-key'
import type { X25519KeyPair } from '../keys/device-key'
import { parseEnvelope, sealedBlobKid, type SealedBlobVersion, type SealedEnvelope } from './envelope'
import { SealedBlobError } from './errors'
import { sealedBlobKey } from './kdf'

export interface OpenOptions {
  provider?: CryptoProvider
  /** Versions accepted; default `[1, 2]`. `[1]` behaves like a paykit-rs main reader. */
  versions?: readonly SealedBlobVersion[]
}

/** What an opened blob yields. `kid`, `purpose` and `sender` come from the envelope and are unauthenticated. */
export interface OpenedBlob {
  plaintext: Uint8Array
  version: SealedBlobVersion
  kid?: string
  purpose?: string
  sender?: string
}

/**
 * A recipient key: the X25519 secret (its public key is then computed) or a key pair (saves one
 * scalar multiplication per open; a wrong public key simply fails to open).
 */
export type RecipientKey = Uint8Array | X25519KeyPair

function keyPair(key: RecipientKey, provider: CryptoProvider): X25519KeyPair {
  if (key instanceof Uint8Array) {
    abytes(key, 'recipient X25519 secret key', 32)
    return { secretKey: key, publicKey: provider.x25519PublicKey(key) }
  }
  if (typeof key !== 'object' || key === null)
    throw new InputError('recipient key must be bytes or a key pair')
  abytes(key.secretKey, 'recipient X25519 secret key', 32)
  abytes(key.publicKey, 'recipient X25519 public key', 32)
  return key
}

function decryptWith(
  env: SealedEnvelope,
  pair: X25519KeyPair,
  aad: Uint8Array,
  provider: CryptoProvider,
): Uint8Array {
  let key: Uint8Array | undefined
  try {
    key = sealedBlobKey(provider, env.v, pair.secretKey, env.epk, env.epk, pair.publicKey)
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'low-order') {
      throw new SealedBlobError('E006', 'the ephemeral key (epk) is a low-order point; refusing it', {
        cause: e,
      })
    }
    throw e
  }
  try {
    return env.v === 1
      ? provider.aeadDecrypt(key, env.nonce, aad, env.ct)
      : provider.xaeadDecrypt(key, env.nonce, aad, env.ct)
  } catch (e) {
    if (e instanceof CryptoError) {
      throw new SealedBlobError('E006', 'wrong key, wrong AAD, or the envelope was altered', { cause: e })
    }
    throw e
  } finally {
    wipe(key)
  }
}

function opened(env: SealedEnvelope, plaintext: Uint8Array): OpenedBlob {
  const out: OpenedBlob = { plaintext, version: env.v }
  if (env.kid !== undefined) out.kid = env.kid
  if (env.purpose !== undefined) out.purpose = env.purpose
  if (env.sender !== undefined) out.sender = env.sender
  return out
}

/** Opens an envelope and returns the plaintext with the envelope's metadata. Throws `SealedBlobError`. */
export function openSealedBlobDetailed(
  envelope: string | Uint8Array,
  recipient: RecipientKey,
  aad: string,
  options: OpenOptions = {},
): OpenedBlob {
  const provider = options.provider ?? defaultProvider()
  if (typeof aad !== 'string') throw new InputError('aad must be a string')
  const pair = keyPair(recipient, provider)
  const env = parseEnvelope(envelope, options.versions ?? [1, 2])
  return opened(env, decryptWith(env, pair, utf8(aad), provider))
}

/** Opens an envelope (v1 or v2) and returns the plaintext. Throws `SealedBlobError` (E001–E006). */
export function openSealedBlob(
  envelope: string | Uint8Array,
  recipient: RecipientKey,
  aad: string,
  options: OpenOptions = {},
): Uint8Array {
  return openSealedBlobDetailed(envelope, recipient, aad, options).plaintext
}

/**
 * Opens with whichever of several recipient keys fits (the merchant keeps old epoch keys to read blobs
 * sealed to them). The key whose `kid` matches is tried first; since `kid` is unauthenticated and
 * optional, the others are tried after it. E006 when none opens it.
 */
export function openSealedBlobWithKeys(
  envelope: string | Uint8Array,
  recipients: readonly RecipientKey[],
  aad: string,
  options: OpenOptions = {},
): OpenedBlob & { keyIndex: number } {
  const provider = options.provider ?? defaultProvider()
  if (typeof aad !== 'string') throw new InputError('aad must be a string')
  if (!Array.isArray(recipients) || recipients.length === 0) throw new InputError('no recipient keys given')
  const env = parseEnvelope(envelope, options.versions ?? [1, 2])
  const pairs = recipients.map((k) => keyPair(k, provider))
  const matches = pairs.map(
    (p) => env.kid !== undefined && sealedBlobKid(p.publicKey, env.v, provider) === env.kid,
  )
  const indices = pairs.map((_, i) => i)
  const order = [...indices.filter((i) => matches[i]), ...indices.filter((i) => !matches[i])]
  const aadBytes = utf8(aad)
  let last: unknown
  for (const i of order) {
    try {
      return { ...opened(env, decryptWith(env, pairs[i]!, aadBytes, provider)), keyIndex: i }
    } catch (e) {
      last = e
    }
  }
  throw last instanceof SealedBlobError
    ? last
    : new SealedBlobError('E006', 'none of the recipient keys opens this envelope', { cause: last })
}

const V2_SIG_DOMAIN = utf8('pubky-envelope-sig/v2:')

/**
 * Verifies the optional v2 sender signature (`sig` over `"pubky-envelope-sig/v2:" || epk || nonce ||
 * ct`) against the sender's Ed25519 key. Returns false when the envelope carries no signature or it
 * does not verify; throws `SealedBlobError` when the envelope itself is malformed.
 */
export function verifySealedBlobSignature(
  envelope: string | Uint8Array,
  senderEd25519PublicKey: Uint8Array,
  provider: CryptoProvider = defaultProvider(),
): boolean {
  assertEd25519PublicKey(senderEd25519PublicKey, 'sender public key')
  const env = parseEnvelope(envelope, [2])
  if (env.sig === undefined) return false
  let sig: Uint8Array
  try {
    sig = fromBase64Url(env.sig, 'sig')
  } catch (e) {
    throw new SealedBlobError('E003', '"sig" is not unpadded base64url', { cause: e })
  }
  if (sig.length !== 64) return false
  return provider.ed25519Verify(
    sig,
    concatBytes(V2_SIG_DOMAIN, env.epk, env.nonce, env.ct),
    senderEd25519PublicKey,
  )
}

/** True when `kid` names `recipientPublicKey` for the given version (constant-time compare). */
export function kidMatches(
  kid: string,
  recipientPublicKey: Uint8Array,
  version: SealedBlobVersion = 1,
  provider: CryptoProvider = defaultProvider(),
): boolean {
  return equalBytes(utf8(kid), utf8(sealedBlobKid(recipientPublicKey, version, provider)))
}
