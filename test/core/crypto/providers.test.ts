// RFC 7748 / RFC 8032 values (from ../shared/vectors/paykit/rfc_crypto.json) through every provider,
// plus cross-provider agreement on AEAD, hashes and HKDF over the same inputs.
import { describe, expect, it } from 'vitest'
import { providers, CryptoError } from '../../../electron/main/core/crypto'
import { fromHex, toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()

describe.skipIf(!vectorsPresent)('rfc_crypto.json (needs ../shared/vectors)', () => {
  const v = vectorsPresent ? loadVectors('paykit/rfc_crypto.json') : { x25519: [], ed25519: [] }
  for (const p of all) {
    it(`${p.name}: X25519 keys and shared secrets`, () => {
      let checked = 0
      for (const c of v.x25519) {
        if (c.pk) {
          expect(toHex(p.x25519PublicKey(fromHex(c.sk)))).toBe(c.pk)
          checked++
        }
        if (c.shared) {
          expect(toHex(p.x25519(fromHex(c.sk), fromHex(c.peer_pk)))).toBe(c.shared)
          checked++
        }
      }
      expect(checked).toBeGreaterThan(0)
    })
    it(`${p.name}: Ed25519 keys and signatures`, () => {
      expect(v.ed25519.length).toBeGreaterThan(0)
      for (const c of v.ed25519) {
        const msg = fromHex(c.msg)
        expect(toHex(p.ed25519PublicKey(fromHex(c.sk)))).toBe(c.pk)
        expect(toHex(p.ed25519Sign(fromHex(c.sk), msg))).toBe(c.sig)
        expect(p.ed25519Verify(fromHex(c.sig), msg, fromHex(c.pk))).toBe(true)
      }
    })
  }
})

describe('providers agree', () => {
  const key = new Uint8Array(32).map((_, i) => i)
  const nonce = new Uint8Array(12).fill(9)
  const aad = utf8('aad')
  const msg = utf8('the quick brown fox')
  const [first, ...rest] = all
  for (const p of rest) {
    it(`${p.name} matches ${first!.name}`, () => {
      expect(toHex(p.aeadEncrypt(key, nonce, aad, msg))).toBe(toHex(first!.aeadEncrypt(key, nonce, aad, msg)))
      for (const h of ['sha256', 'sha512', 'blake2s'] as const) {
        expect(toHex(p.hash(h, msg))).toBe(toHex(first!.hash(h, msg)))
        expect(toHex(p.hmac(h, key, msg))).toBe(toHex(first!.hmac(h, key, msg)))
        expect(toHex(p.hkdf(h, msg, key, aad, 77))).toBe(toHex(first!.hkdf(h, msg, key, aad, 77)))
      }
    })
  }
  for (const p of all) {
    it(`${p.name}: rejects tampered ciphertext and low-order peers with typed errors`, () => {
      const ct = p.aeadEncrypt(key, nonce, aad, msg)
      ct[0]! ^= 1
      expect(() => p.aeadDecrypt(key, nonce, aad, ct)).toThrow(CryptoError)
      expect(() => p.x25519(key, new Uint8Array(32))).toThrow(CryptoError)
      expect(p.ed25519Verify(new Uint8Array(64), msg, new Uint8Array(32))).toBe(false)
      const xn = new Uint8Array(24)
      expect(p.xaeadDecrypt(key, xn, aad, p.xaeadEncrypt(key, xn, aad, msg))).toEqual(msg)
    })
  }
})
