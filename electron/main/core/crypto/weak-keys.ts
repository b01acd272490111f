/**
 * @module crypto/weak-keys
 * RFC 8032 verification accepts signatures under small-order public keys (the all-zero key verifies
 * an all-zero signature for every message). No honest Pubky identity is small-order, so both
 * providers refuse such keys and non-canonical encodings before verifying.
 */
import { ed25519 } from '@noble/curves/ed25519.js'

const cache = new Map<string, boolean>()

/** True when `publicKey` is not a canonical encoding of a point outside the small-order subgroup. */
export function isWeakEd25519PublicKey(publicKey: Uint8Array): boolean {
  const k = Buffer.from(publicKey).toString('hex')
  const hit = cache.get(k)
  if (hit !== undefined) return hit
  let weak: boolean
  try {
    const point = ed25519.Point.fromBytes(publicKey, false)
    weak = point.isSmallOrder()
  } catch {
    weak = true
  }
  // Keys repeat (merchants, subscribers); a bounded cache keeps verification cheap on the hot path.
  if (cache.size > 4096) cache.clear()
  cache.set(k, weak)
  return weak
}
