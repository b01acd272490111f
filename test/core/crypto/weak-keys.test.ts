// The verification-time Ed25519 key check (a byte comparison) against the full decode it replaced on
// the verify path: together with each provider's own decode they must refuse exactly the same keys.
import { describe, expect, it } from 'vitest'
import { ed25519 } from '@noble/curves/ed25519.js'
import { providers } from '../../../electron/main/core/crypto'
import {
  SMALL_ORDER_ENCODINGS,
  isWeakEd25519Encoding,
  isWeakEd25519PublicKey,
} from '../../../electron/main/core/crypto/weak-keys'
import { toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { systemRng } from '../../../electron/main/core/util/rng'

const Point = ed25519.Point

/** Strict (RFC 8032) decode succeeds: canonical and on the curve. */
function decodesStrictly(key: Uint8Array): boolean {
  try {
    Point.fromBytes(key, false)
    return true
  } catch {
    return false
  }
}

/** Every y >= p = 2^255 - 19 (19 values), with and without the x sign bit. */
function unreducedEncodings(): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let low = 0xed; low <= 0xff; low++) {
    for (const top of [0x7f, 0xff]) {
      const b = new Uint8Array(32).fill(0xff)
      b[0] = low
      b[31] = top
      out.push(b)
    }
  }
  return out
}

const genuineKeys = (n: number): Uint8Array[] =>
  Array.from({ length: n }, () => ed25519.getPublicKey(systemRng(32)))

describe('SMALL_ORDER_ENCODINGS', () => {
  it('is the whole 8-torsion subgroup (canonical) plus the two x = 0 encodings with a sign bit', () => {
    const order8 = Point.fromBytes(SMALL_ORDER_ENCODINGS[6]!, false)
    expect(order8.multiplyUnsafe(4n).is0()).toBe(false) // order exactly 8: it generates the subgroup
    const subgroup = new Set<string>()
    let q = Point.ZERO
    for (let i = 0; i < 8; i++) {
      subgroup.add(toHex(q.toBytes()))
      q = q.add(order8)
    }
    expect(q.is0()).toBe(true)
    expect(subgroup.size).toBe(8)
    const listed = new Set(SMALL_ORDER_ENCODINGS.map(toHex))
    expect(listed.size).toBe(10)
    for (const e of subgroup) expect(listed.has(e)).toBe(true)
    // The remaining two: x = 0 points (y = 1, y = -1) with the sign bit set, which strict decoding refuses.
    const extra = [...listed].filter((e) => !subgroup.has(e)).sort()
    expect(extra).toEqual([
      '0100000000000000000000000000000000000000000000000000000000000080',
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    ])
    for (const e of extra) expect(decodesStrictly(Uint8Array.from(Buffer.from(e, 'hex')))).toBe(false)
  })
})

describe('isWeakEd25519Encoding', () => {
  it('refuses every small-order encoding, every unreduced y and wrong lengths', () => {
    let n = 0
    for (const k of [...SMALL_ORDER_ENCODINGS, ...unreducedEncodings()]) {
      expect(isWeakEd25519Encoding(k)).toBe(true)
      n++
    }
    expect(n).toBe(10 + 38)
    expect(isWeakEd25519Encoding(new Uint8Array(31))).toBe(true)
    expect(isWeakEd25519Encoding(new Uint8Array(33))).toBe(true)
  })

  it('agrees with the full decode wherever the key is on the curve; off-curve keys are left to the verifier', () => {
    const inputs = [
      ...SMALL_ORDER_ENCODINGS,
      ...unreducedEncodings(),
      ...genuineKeys(100),
      ...Array.from({ length: 200 }, () => systemRng(32)),
      // y = p - 1 - i and small y: on and off the curve near the edges
      ...Array.from({ length: 20 }, (_, i) => {
        const b = new Uint8Array(32).fill(0xff)
        b[0] = 0xec - i
        b[31] = 0x7f
        return b
      }),
      ...Array.from({ length: 20 }, (_, i) => Uint8Array.of(i + 2, ...new Uint8Array(31))),
    ]
    let onCurve = 0
    let offCurve = 0
    for (const k of inputs) {
      const full = isWeakEd25519PublicKey(k)
      if (decodesStrictly(k)) {
        expect(isWeakEd25519Encoding(k), toHex(k)).toBe(full)
        onCurve++
      } else {
        // The full decode refuses it; the byte check may pass it on, and then the verifier must refuse it.
        expect(full).toBe(true)
        offCurve++
      }
    }
    expect(onCurve).toBeGreaterThan(100)
    expect(offCurve).toBeGreaterThan(50)
  })

  it('passes genuine keys', () => {
    for (const k of genuineKeys(50)) expect(isWeakEd25519Encoding(k)).toBe(false)
  })
})

describe('ed25519Verify refuses weak and invalid keys (every provider)', () => {
  const msg = utf8('pay 1000 sat')
  // R = identity, S = 0: satisfies [S]B = R + [k]A for A = identity, for every message.
  const identitySig = new Uint8Array(64)
  identitySig[0] = 1
  const offCurve = (() => {
    for (;;) {
      const k = systemRng(32)
      k[31]! &= 0x7f
      if (!decodesStrictly(k) && !isWeakEd25519Encoding(k)) return k
    }
  })()

  for (const p of providers()) {
    it(`${p.name}: small-order, unreduced and off-curve keys never verify; genuine signatures do`, () => {
      let n = 0
      for (const k of [...SMALL_ORDER_ENCODINGS, ...unreducedEncodings()]) {
        expect(p.ed25519Verify(identitySig, msg, k)).toBe(false)
        expect(p.ed25519Verify(new Uint8Array(64), msg, k)).toBe(false)
        n++
      }
      expect(n).toBe(48)
      // Off the curve: the byte check lets it through, the provider's own decode refuses it.
      const sk = systemRng(32)
      const sig = p.ed25519Sign(sk, msg)
      expect(p.ed25519Verify(sig, msg, offCurve)).toBe(false)
      expect(p.ed25519Verify(identitySig, msg, offCurve)).toBe(false)
      for (let i = 0; i < 5; i++) {
        const s = systemRng(32)
        const pub = p.ed25519PublicKey(s)
        expect(p.ed25519Verify(p.ed25519Sign(s, msg), msg, pub)).toBe(true)
        expect(p.ed25519Verify(p.ed25519Sign(s, msg), utf8('pay 1001 sat'), pub)).toBe(false)
      }
    })
  }
})
