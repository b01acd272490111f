// BLAKE2s, HMAC-BLAKE2s and the Noise HKDF on the reused @stablelib hasher (crypto/blake2s.ts), held
// to independent implementations: @noble/hashes' blake2s and hmac, and the spec's three-HMAC HKDF
// built from them. Plus the provider methods that expose them (hashInto, noiseHkdf) through every
// provider, aliasing (MixHash and MixKey write over their own input) and typed errors that write nothing.
import { describe, expect, it } from 'vitest'
import { blake2s } from '@noble/hashes/blake2.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { providers } from '../../../electron/main/core/crypto'
import {
  blake2sInto,
  hmacBlake2sInto,
  noiseHkdfBlake2s,
  SHORT_INPUT,
} from '../../../electron/main/core/crypto/blake2s'
import { noiseHkdfWithHmac } from '../../../electron/main/core/crypto/noise-hkdf'
import { HASH_LEN, type HashName } from '../../../electron/main/core/crypto/provider'
import { InputError } from '../../../electron/main/core/util/errors'
import { fromHex, toHex, utf8 } from '../../../electron/main/core/util/bytes'

const all = providers()
const bytes = (n: number, seed: number): Uint8Array =>
  new Uint8Array(n).map((_, i) => (i * 31 + seed * 17 + 5) & 255)
const nobleHash = { sha256, sha512, blake2s } as const
/** The spec's HKDF (Noise §4.3) spelled out over noble's HMAC: the reference the fast paths must equal. */
function referenceHkdf(name: HashName, ck: Uint8Array, ikm: Uint8Array, n: 2 | 3): string[] {
  const h = nobleHash[name]
  const temp = hmac(h, ck, ikm)
  const o1 = hmac(h, temp, Uint8Array.of(1))
  const o2 = hmac(h, temp, new Uint8Array([...o1, 2]))
  const out = [o1, o2]
  if (n === 3) out.push(hmac(h, temp, new Uint8Array([...o2, 3])))
  return out.map(toHex)
}
const inputCode = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return (e as InputError).code
  }
  return undefined
}

describe('BLAKE2s on the reused hasher', () => {
  it('known answers (RFC 7693 appendix B "abc"; empty input)', () => {
    const out = new Uint8Array(32)
    expect(toHex(blake2sInto(out, utf8('abc')))).toBe(
      '508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982',
    )
    expect(toHex(blake2sInto(out, new Uint8Array(0)))).toBe(
      '69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9',
    )
  })

  it('equals noble for every split of a ‖ b across and around block boundaries; out may alias a', () => {
    let n = 0
    for (const len of [0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 300, SHORT_INPUT, SHORT_INPUT + 1]) {
      const data = bytes(len, len)
      const want = toHex(blake2s(data))
      for (const cut of new Set([0, 1, len >> 1, Math.max(0, len - 1), len])) {
        expect(toHex(blake2sInto(new Uint8Array(32), data.subarray(0, cut), data.subarray(cut)))).toBe(want)
        n++
      }
    }
    expect(n).toBeGreaterThan(50)
    // MixHash: h = HASH(h ‖ data) written over h.
    const h = bytes(32, 1)
    const data = bytes(40, 2)
    const want = toHex(blake2s(new Uint8Array([...h, ...data])))
    expect(toHex(blake2sInto(h, h, data))).toBe(want)
    expect(toHex(h)).toBe(want)
  })

  it('HMAC-BLAKE2s equals noble hmac for keys shorter than, equal to and longer than a block', () => {
    let n = 0
    for (const keyLen of [0, 1, 16, 32, 63, 64, 65, 100, 200]) {
      for (const dataLen of [0, 1, 32, 33, 64, 65, 200]) {
        const key = bytes(keyLen, keyLen + 3)
        const data = bytes(dataLen, dataLen + 7)
        expect(toHex(hmacBlake2sInto(new Uint8Array(32), key, data))).toBe(toHex(hmac(blake2s, key, data)))
        n++
      }
    }
    expect(n).toBe(63)
    // out may be the key (a chaining key replaced in place).
    const k = bytes(32, 9)
    const want = toHex(hmac(blake2s, k, utf8('x')))
    expect(toHex(hmacBlake2sInto(k, k, utf8('x')))).toBe(want)
  })

  it('Noise HKDF (§4.3) equals the three-HMAC definition, with out1 written over the chaining key', () => {
    for (const ikmLen of [0, 32, 64]) {
      const ck = bytes(32, ikmLen)
      const ikm = bytes(ikmLen, 4)
      const two = referenceHkdf('blake2s', ck, ikm, 2)
      const three = referenceHkdf('blake2s', ck, ikm, 3)
      const o = [new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)] as const
      noiseHkdfBlake2s(ck, ikm, o[0], o[1])
      expect([toHex(o[0]), toHex(o[1])]).toEqual(two)
      noiseHkdfBlake2s(ck, ikm, o[0], o[1], o[2])
      expect(o.map(toHex)).toEqual(three)
      // MixKey: ck ← out1 in place.
      const inPlace = ck.slice()
      noiseHkdfBlake2s(inPlace, ikm, inPlace, o[1])
      expect([toHex(inPlace), toHex(o[1])]).toEqual(two)
    }
  })

  it('a wrong-size output is InputError before anything is written, and the next call is unaffected', () => {
    const out1 = new Uint8Array(32).fill(7)
    const short = new Uint8Array(31).fill(7)
    expect(inputCode(() => noiseHkdfBlake2s(bytes(32, 1), bytes(32, 2), out1, short))).toBe('invalid-input')
    expect(inputCode(() => hmacBlake2sInto(short, bytes(32, 1), bytes(3, 2)))).toBe('invalid-input')
    expect(inputCode(() => blake2sInto(short, bytes(3, 1)))).toBe('invalid-input')
    expect(inputCode(() => blake2sInto(out1, 'abc' as unknown as Uint8Array))).toBe('invalid-input')
    expect([...out1].every((b) => b === 7)).toBe(true)
    expect([...short].every((b) => b === 7)).toBe(true)
    expect(toHex(hmacBlake2sInto(out1, bytes(32, 1), bytes(3, 2)))).toBe(
      toHex(hmac(blake2s, bytes(32, 1), bytes(3, 2))),
    )
  })

  it('the generic HKDF over any HMAC (SHA-256 suites, noble) equals the definition too', () => {
    const ck = bytes(32, 5)
    const ikm = bytes(32, 6)
    const o = [new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)] as const
    noiseHkdfWithHmac((k, d) => hmac(sha256, k, d), 32, ck, ikm, o[0], o[1], o[2])
    expect(o.map(toHex)).toEqual(referenceHkdf('sha256', ck, ikm, 3))
    expect(
      inputCode(() => noiseHkdfWithHmac((k, d) => hmac(sha256, k, d), 32, ck, ikm, o[0], new Uint8Array(64))),
    ).toBe('invalid-input')
  })
})

describe('provider hashInto / noiseHkdf / blake3', () => {
  for (const p of all) {
    it(`${p.name}: hashInto and noiseHkdf equal the definitions for every hash; wrong sizes write nothing`, () => {
      let n = 0
      for (const name of ['blake2s', 'sha256', 'sha512'] as const) {
        const len = HASH_LEN[name]
        for (const dataLen of [0, 32, 200, SHORT_INPUT, SHORT_INPUT + 40, 5000]) {
          const a = bytes(len, dataLen)
          const b = bytes(dataLen, 3)
          const want = toHex(nobleHash[name](new Uint8Array([...a, ...b])))
          expect(toHex(p.hashInto(name, new Uint8Array(len), a, b))).toBe(want)
          expect(toHex(p.hashInto(name, a, a, b))).toBe(want) // aliasing: h ← HASH(h ‖ data)
          expect(toHex(p.hash(name, b))).toBe(toHex(nobleHash[name](b)))
          n++
        }
        expect(toHex(p.hashInto(name, new Uint8Array(len), bytes(10, 1)))).toBe(
          toHex(nobleHash[name](bytes(10, 1))),
        )
        const ck = bytes(len, 8)
        const ikm = bytes(32, 9)
        const outs = [new Uint8Array(len), new Uint8Array(len), new Uint8Array(len)] as const
        p.noiseHkdf(name, ck, ikm, outs[0], outs[1], outs[2])
        expect(outs.map(toHex)).toEqual(referenceHkdf(name, ck, ikm, 3))
        const inPlace = ck.slice()
        p.noiseHkdf(name, inPlace, ikm, inPlace, outs[1])
        expect([toHex(inPlace), toHex(outs[1])]).toEqual(referenceHkdf(name, ck, ikm, 2))
        expect(toHex(p.hmac(name, ck, ikm))).toBe(toHex(hmac(nobleHash[name], ck, ikm)))
        const wrong = new Uint8Array(len + 1).fill(9)
        expect(inputCode(() => p.hashInto(name, wrong, ikm))).toBe('invalid-input')
        expect(inputCode(() => p.noiseHkdf(name, ck, ikm, outs[0], wrong))).toBe('invalid-input')
        expect([...wrong].every((x) => x === 9)).toBe(true)
      }
      expect(n).toBe(18)
    })

    it(`${p.name}: BLAKE3 on its reused instance equals noble's one-shot, call after call`, () => {
      for (const len of [0, 1, 64, 97, 1024, 1025, 3000]) {
        const data = bytes(len, len)
        expect(toHex(p.blake3(data))).toBe(toHex(blake3(data)))
        expect(toHex(p.blake3(data))).toBe(toHex(blake3(data)))
      }
      // BLAKE3("") from the reference test vectors.
      expect(toHex(p.blake3(new Uint8Array(0)))).toBe(
        toHex(fromHex('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262')),
      )
    })
  }
})
