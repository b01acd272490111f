/**
 * @module crypto/weak-keys
 * RFC 8032 verification accepts signatures under small-order public keys (the all-zero key verifies
 * an all-zero signature for every message). No honest Pubky identity is small-order, so both
 * providers refuse such keys and non-canonical encodings before verifying.
 */
import { ed25519 } from '@noble/curves/ed25519.js'

const cache = new Map<string, boolean>()

/**
 * True when `publicKey` is not a canonical encoding of a point outside the small-order subgroup
 * (this includes encodings that are not on the curve at all). Full decode: ~100 µs for a key not
 * seen before; results are cached because parsers see the same keys again and again.
 */
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

const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'))

/**
 * Every encoding that decodes (strictly) to a point of order 1, 2, 4 or 8: the eight canonical
 * encodings of the 8-torsion subgroup, plus the two where x = 0 carries a sign bit (noble's strict
 * decoding refuses those as non-canonical). The tests rebuild this list from noble.
 */
export const SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = Object.freeze(
  [
    '0100000000000000000000000000000000000000000000000000000000000000', // identity (0, 1)
    '0100000000000000000000000000000000000000000000000000000000000080', // identity, x sign set
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2 (0, -1)
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // order 2, x sign set
    '0000000000000000000000000000000000000000000000000000000000000000', // order 4
    '0000000000000000000000000000000000000000000000000000000000000080', // order 4
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
  ].map(fromHex),
)

/** y >= p = 2^255 - 19 (the sign bit masked off): a non-canonical encoding. */
function yNotReduced(b: Uint8Array): boolean {
  if ((b[31]! & 0x7f) !== 0x7f) return false
  for (let i = 30; i >= 1; i--) if (b[i] !== 0xff) return false
  return b[0]! >= 0xed
}

/**
 * The verification-time check: true when `publicKey` (32 bytes) is a non-canonical encoding or
 * encodes a small-order point. A byte comparison (well under 1 µs, no cache needed), not a decode:
 * it does NOT reject encodings that are off the curve. That is sound only in front of a verifier
 * that decodes the key itself and fails on such encodings — both providers' `ed25519Verify` do
 * (OpenSSL's decode and noble's `Point.fromBytes` refuse a y with no matching x). Together they
 * refuse exactly what `isWeakEd25519PublicKey` refuses, without its ~100 µs decode per new payer.
 */
export function isWeakEd25519Encoding(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return true
  if (yNotReduced(publicKey)) return true
  for (const bad of SMALL_ORDER_ENCODINGS) {
    let diff = 0
    for (let i = 0; i < 32; i++) diff |= bad[i]! ^ publicKey[i]!
    if (diff === 0) return true
  }
  return false
}
