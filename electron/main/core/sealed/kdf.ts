/**
 * @module sealed/kdf
 * The Sealed Blob key schedule shared by seal and open:
 * `key = HKDF-SHA256(salt = epk || recipient_pk, ikm = X25519(sk, pk), info, 32)`, with info
 * `paykit-sealed-blob-v1` (v1) or `pubky-envelope/v2` (v2).
 */
import { CryptoError, type CryptoProvider } from '../crypto'
import { concatBytes, utf8, wipe } from '../util/bytes'
import type { SealedBlobVersion } from './envelope'

export const SEALED_BLOB_HKDF_INFO: Readonly<Record<SealedBlobVersion, Uint8Array>> = {
  1: utf8('paykit-sealed-blob-v1'),
  2: utf8('pubky-envelope/v2'),
}

/**
 * Derives the AEAD key. `ownSecret` is the ephemeral secret (seal) or the recipient's (open); the DH
 * peer is the other side. Throws `CryptoError('low-order')` when the DH output would be all zero.
 */
export function sealedBlobKey(
  provider: CryptoProvider,
  version: SealedBlobVersion,
  ownSecret: Uint8Array,
  peerPublic: Uint8Array,
  epk: Uint8Array,
  recipientPublic: Uint8Array,
): Uint8Array {
  const shared = provider.x25519(ownSecret, peerPublic)
  try {
    return provider.hkdf(
      'sha256',
      shared,
      concatBytes(epk, recipientPublic),
      SEALED_BLOB_HKDF_INFO[version],
      32,
    )
  } finally {
    wipe(shared)
  }
}

export { CryptoError }
