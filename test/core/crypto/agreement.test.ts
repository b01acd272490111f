// Every provider from providers() (sodium, native, noble here) against RFC 7748's edge vectors and
// against each other byte for byte on random inputs; the failure paths (low-order peers, tampered
// ciphertexts, malleated signatures) must fail the same way, with the same typed error, everywhere.
import { describe, expect, it } from 'vitest'
import { CryptoError, providers, type CryptoProvider } from '../../../electron/main/core/crypto'
import { fromHex, toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { systemRng } from '../../../electron/main/core/util/rng'

const all = providers()

/** Runs fn and returns the CryptoError code it threw (fails the test if it threw anything else). */
function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError)
    return (e as CryptoError).code
  }
  return 'no error'
}

describe('the provider list', () => {
  it('has sodium, native and noble on this machine, fastest first', () => {
    // sodium-native is a product dependency with a linux prebuild: it must load here.
    expect(all.map((p) => p.name)).toEqual(['sodium', 'native', 'noble'])
  })
})

describe('RFC 7748 §5.2 and §6.1 edge vectors (clamping, the high bit of u, iteration)', () => {
  // §5.2: scalars that are not clamped and a u-coordinate with its top bit set.
  const cases = [
    {
      k: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
      u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
      out: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
    },
    {
      k: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
      u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
      out: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
    },
  ]
  for (const p of all) {
    it(`${p.name}: clamps the scalar itself, masks u's top bit, and leaves its inputs untouched`, () => {
      for (const c of cases) {
        const k = fromHex(c.k)
        const u = fromHex(c.u)
        expect(toHex(p.x25519(k, u))).toBe(c.out)
        expect(toHex(k)).toBe(c.k)
        expect(toHex(u)).toBe(c.u)
      }
      // Clamping is idempotent: an unclamped secret and its clamped form give the same public key.
      const raw = fromHex(cases[0]!.k)
      const clamped = raw.slice()
      clamped[0]! &= 248
      clamped[31]! &= 127
      clamped[31]! |= 64
      expect(toHex(p.x25519PublicKey(raw))).toBe(toHex(p.x25519PublicKey(clamped)))
      expect(toHex(raw)).toBe(cases[0]!.k)
    })
    it(`${p.name}: the iterated function, 1 and 1000 rounds`, () => {
      let k: Uint8Array = fromHex('0900000000000000000000000000000000000000000000000000000000000000')
      let u: Uint8Array = k.slice()
      for (let i = 1; i <= 1000; i++) {
        const next = p.x25519(k, u)
        u = k
        k = next
        if (i === 1) expect(toHex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079')
      }
      expect(toHex(k)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51')
    }, 30_000) // noble: ~3 s of scalar multiplications, more on a loaded machine
  }
})

describe('X25519 low-order and non-canonical peer keys', () => {
  // The points whose product with any clamped scalar is zero: 0, 1, the two order-8 points, p - 1,
  // p and p + 1 (non-canonical encodings of 0 and 1), each also with the top bit set (ignored).
  const lowOrder = [
    '0000000000000000000000000000000000000000000000000000000000000000',
    '0100000000000000000000000000000000000000000000000000000000000000',
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  ].flatMap((h) => {
    const b = fromHex(h)
    const high = b.slice()
    high[31]! |= 0x80
    return [b, high]
  })
  for (const p of all) {
    it(`${p.name}: every one is refused with CryptoError 'low-order'; the secret is untouched`, () => {
      const secret = systemRng(32)
      const before = toHex(secret)
      let n = 0
      for (const peer of lowOrder) {
        expect(
          codeOf(() => p.x25519(secret, peer)),
          toHex(peer),
        ).toBe('low-order')
        n++
      }
      expect(n).toBe(14)
      expect(toHex(secret)).toBe(before)
    })
  }
})

/** The value every provider must produce for the same inputs. */
function transcript(p: CryptoProvider, seed: Uint8Array): string[] {
  const at = (i: number, len: number): Uint8Array => {
    const out = new Uint8Array(len)
    for (let j = 0; j < len; j++) out[j] = seed[(i + j * 7) % seed.length]! ^ j
    return out
  }
  const xa = at(0, 32)
  const xb = at(1, 32)
  const ed = at(2, 32)
  const key = at(3, 32)
  const out: string[] = []
  out.push(toHex(p.x25519PublicKey(xa)), toHex(p.x25519(xa, p.x25519PublicKey(xb))))
  const edPub = p.ed25519PublicKey(ed)
  out.push(toHex(edPub))
  for (const len of [0, 1, 63, 64, 65, 400, 1500]) {
    const msg = at(4 + len, len)
    const aad = at(5, len % 50)
    const sig = p.ed25519Sign(ed, msg)
    out.push(toHex(sig), String(p.ed25519Verify(sig, msg, edPub)))
    out.push(toHex(p.aeadEncrypt(key, at(6, 12), aad, msg)), toHex(p.xaeadEncrypt(key, at(7, 24), aad, msg)))
    for (const h of ['sha256', 'sha512', 'blake2s'] as const) {
      out.push(toHex(p.hash(h, msg)), toHex(p.hmac(h, at(8, len % 130), msg)))
      out.push(toHex(p.hkdf(h, msg, aad, at(9, 10), 1 + (len % 97))))
    }
    out.push(toHex(p.blake3(msg)))
  }
  return out
}

describe('providers agree byte for byte on random inputs', () => {
  it('keys, shared secrets, signatures, AEAD, XAEAD, hashes, HMACs, HKDF and BLAKE3', () => {
    let compared = 0
    for (let round = 0; round < 4; round++) {
      const seed = systemRng(97)
      const [first, ...rest] = all.map((p) => transcript(p, seed))
      expect(first!.length).toBe(3 + 7 * 14)
      for (const other of rest) {
        expect(other).toEqual(first)
        compared += other.length
      }
    }
    expect(compared).toBe(4 * (all.length - 1) * (3 + 7 * 14))
  })

  it('each provider opens what every other provider sealed (AEAD and XAEAD)', () => {
    const key = systemRng(32)
    const n12 = systemRng(12)
    const n24 = systemRng(24)
    const aad = utf8('paykit:v0:request')
    const msg = systemRng(777)
    let opened = 0
    for (const a of all) {
      const ct = a.aeadEncrypt(key, n12, aad, msg)
      const xct = a.xaeadEncrypt(key, n24, aad, msg)
      for (const b of all) {
        expect(b.aeadDecrypt(key, n12, aad, ct)).toEqual(msg)
        expect(b.xaeadDecrypt(key, n24, aad, xct)).toEqual(msg)
        opened += 2
      }
    }
    expect(opened).toBe(2 * all.length * all.length)
  })
})

describe('tampering fails with CryptoError, the same way in every provider', () => {
  const key = systemRng(32)
  const aad = utf8('aad')
  const msg = systemRng(100)
  const variants = [
    { name: 'AEAD', nonceLen: 12, enc: 'aeadEncrypt', dec: 'aeadDecrypt' },
    { name: 'XAEAD', nonceLen: 24, enc: 'xaeadEncrypt', dec: 'xaeadDecrypt' },
  ] as const
  for (const p of all) {
    for (const v of variants) {
      it(`${p.name} ${v.name}: every flipped byte, wrong key/nonce/aad and truncation are refused`, () => {
        const nonce = systemRng(v.nonceLen)
        const ct = p[v.enc](key, nonce, aad, msg)
        const pristine = toHex(ct)
        let refused = 0
        for (let i = 0; i < ct.length; i++) {
          const bad = ct.slice()
          bad[i]! ^= 0x01
          expect(codeOf(() => p[v.dec](key, nonce, aad, bad))).toBe('decrypt')
          refused++
        }
        const otherKey = key.slice()
        otherKey[0]! ^= 1
        const otherNonce = nonce.slice()
        otherNonce[v.nonceLen - 1]! ^= 1
        expect(codeOf(() => p[v.dec](otherKey, nonce, aad, ct))).toBe('decrypt')
        expect(codeOf(() => p[v.dec](key, otherNonce, aad, ct))).toBe('decrypt')
        expect(codeOf(() => p[v.dec](key, nonce, utf8('aae'), ct))).toBe('decrypt')
        expect(codeOf(() => p[v.dec](key, nonce, aad, ct.subarray(0, ct.length - 1)))).toBe('decrypt')
        expect(codeOf(() => p[v.dec](key, nonce, aad, ct.subarray(0, 15)))).toBe('decrypt')
        expect(codeOf(() => p[v.dec](key, nonce, aad, new Uint8Array(0)))).toBe('decrypt')
        expect(refused).toBe(msg.length + 16)
        // The input is never modified, and the genuine ciphertext still opens.
        expect(toHex(ct)).toBe(pristine)
        expect(p[v.dec](key, nonce, aad, ct)).toEqual(msg)
      })
    }
  }
})

describe('Ed25519 verification agrees on malleated and mutated signatures', () => {
  // L, the order of the base point, little-endian: S + L is the classic malleation.
  const L = fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
  const addL = (s: Uint8Array): Uint8Array => {
    const out = new Uint8Array(32)
    let carry = 0
    for (let i = 0; i < 32; i++) {
      const v = s[i]! + L[i]! + carry
      out[i] = v & 0xff
      carry = v >> 8
    }
    return out
  }
  it('S + L, flipped bits in R, S, message and key: every provider refuses all, accepts the genuine one', () => {
    const sk = systemRng(32)
    const msg = utf8('pay 1000 sat to the merchant')
    const [signer] = all
    const pub = signer!.ed25519PublicKey(sk)
    const sig = signer!.ed25519Sign(sk, msg)
    const bad: { sig: Uint8Array; msg: Uint8Array; pub: Uint8Array }[] = []
    const malleated = sig.slice()
    malleated.set(addL(sig.subarray(32)), 32)
    bad.push({ sig: malleated, msg, pub })
    for (const i of [0, 17, 31, 32, 45, 63]) {
      const s = sig.slice()
      s[i]! ^= 0x04
      bad.push({ sig: s, msg, pub })
    }
    const m = msg.slice()
    m[3]! ^= 1
    bad.push({ sig, msg: m, pub })
    const k = pub.slice()
    k[5]! ^= 1
    bad.push({ sig, msg, pub: k })
    let n = 0
    for (const p of all) {
      expect(p.ed25519Verify(sig, msg, pub)).toBe(true)
      for (const b of bad) {
        expect(p.ed25519Verify(b.sig, b.msg, b.pub), p.name).toBe(false)
        n++
      }
      // Malformed input is "false", never an exception.
      expect(p.ed25519Verify(sig.subarray(0, 63), msg, pub)).toBe(false)
      expect(p.ed25519Verify(sig, msg, pub.subarray(0, 31))).toBe(false)
    }
    expect(n).toBe(all.length * 9)
  })
})
