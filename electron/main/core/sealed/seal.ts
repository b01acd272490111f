/**
 * @module sealed/seal
 * Sealed Blob v1 seal, the only version the product writes (profile decision 2): a fresh clamped
 * X25519 ephemeral key, HKDF-SHA256 over the DH output with salt `epk || recipient_pk` and info
 * `paykit-sealed-blob-v1`, ChaCha20-Poly1305 with a random 12-byte nonce and the AAD string's UTF-8
 * bytes, then the compact envelope with `kid` always and `purpose` when given (as paykit-rs writes it).
 *
 * Randomness order is the reference's (ephemeral secret, then nonce), so a fixed `Rng` reproduces the
 * vectors byte for byte.
 */
import { CryptoError, defaultProvider, type CryptoProvider } from '../crypto'
import { abytes, utf8, wipe } from '../util/bytes'
import { InputError } from '../util/errors'
import { systemRng, type Rng } from '../util/rng'
import { clampX25519Secret } from '../keys/device-key'
import { SEALED_BLOB_MAX_PLAINTEXT, sealedBlobKid, serializeEnvelopeV1 } from './envelope'
import { SealedBlobError } from './errors'
import { sealedBlobKey } from './kdf'

export interface SealOptions {
  /** Unauthenticated hint written as `purpose` (e.g. `SEALED_PURPOSE.request`). */
  purpose?: string
  /** Source of the ephemeral secret (32 bytes, then clamped) and the nonce (12 bytes). */
  rng?: Rng
  provider?: CryptoProvider
}

const PURPOSE_RE = /^[a-z0-9_.-]{1,64}$/

/**
 * Seals `plaintext` to `recipientPublicKey` (X25519, 32 bytes) under `aad`; returns the envelope JSON.
 * Throws `SealedBlobError('E007')` above 65,536 bytes and `InputError` for a bad recipient key
 * (including a low-order one, to which the reference would seal a blob anyone can open).
 */
export function sealV1(
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array | string,
  aad: string,
  options: SealOptions = {},
): string {
  const provider = options.provider ?? defaultProvider()
  const rng = options.rng ?? systemRng
  abytes(recipientPublicKey, 'recipient X25519 public key', 32)
  if (typeof aad !== 'string') throw new InputError('aad must be a string')
  if (options.purpose !== undefined && !PURPOSE_RE.test(options.purpose)) {
    throw new InputError('purpose must be 1-64 characters of a-z, 0-9, "_", "-" or "."')
  }
  const message = typeof plaintext === 'string' ? utf8(plaintext) : abytes(plaintext, 'plaintext')
  if (message.length > SEALED_BLOB_MAX_PLAINTEXT) {
    throw new SealedBlobError(
      'E007',
      `plaintext is ${message.length} bytes; the limit is ${SEALED_BLOB_MAX_PLAINTEXT}`,
    )
  }

  const ephemeral = clampX25519Secret(rng(32))
  let key: Uint8Array | undefined
  try {
    const epk = provider.x25519PublicKey(ephemeral)
    try {
      key = sealedBlobKey(provider, 1, ephemeral, recipientPublicKey, epk, recipientPublicKey)
    } catch (e) {
      if (e instanceof CryptoError && e.code === 'low-order') {
        throw new InputError('recipient X25519 public key is a low-order point; refusing to seal to it', {
          cause: e,
        })
      }
      throw e
    }
    const nonce = rng(12)
    abytes(nonce, 'nonce from rng', 12)
    const ct = provider.aeadEncrypt(key, nonce, utf8(aad), message)
    const fields = { epk, nonce, ct, kid: sealedBlobKid(recipientPublicKey, 1, provider) }
    return serializeEnvelopeV1(
      options.purpose === undefined ? fields : { ...fields, purpose: options.purpose },
    )
  } finally {
    wipe(ephemeral, key)
  }
}
