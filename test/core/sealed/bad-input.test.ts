// Sealed Blob behaviour beyond the vectors: round trips at the size limits, every malformed-envelope
// shape getting its typed code (and never a raw TypeError), low-order keys, the key ring, and the v2
// sender signature. Runs through every provider.
import { describe, expect, it } from 'vitest'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { providers } from '../../../electron/main/core/crypto'
import {
  isSealedBlob,
  openSealedBlob,
  openSealedBlobWithKeys,
  parseEnvelope,
  sealV1,
  SEALED_BLOB_MAX_ENVELOPE,
  SEALED_BLOB_MAX_PLAINTEXT,
  SEALED_PURPOSE,
  SealedBlobError,
  verifySealedBlobSignature,
} from '../../../electron/main/core/sealed'
import { sealedBlobKey } from '../../../electron/main/core/sealed/kdf'
import { clampX25519Secret } from '../../../electron/main/core/keys/device-key'
import { concatBytes, toBase64Url, utf8 } from '../../../electron/main/core/util/bytes'
import { InputError } from '../../../electron/main/core/util/errors'

const all = providers()
const sk = clampX25519Secret(new Uint8Array(32).fill(0x42))
const aad = 'paykit:v0:request:/pub/paykit.app/v0/requests/abc/req_1:req_1'

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof SealedBlobError || e instanceof InputError) return e.code
    throw new Error(`untyped error: ${String(e)}`)
  }
  return 'no error'
}

// Points of order 1, 2, 4 and 8 on Curve25519 (RFC 7748 §5 / cr.yp.to "low-order" list).
const LOW_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
]

for (const p of all) {
  describe(`${p.name}`, () => {
    const pk = p.x25519PublicKey(sk)
    const good = sealV1(pk, 'hello', aad, { provider: p, purpose: SEALED_PURPOSE.request })

    it('round-trips 0 bytes and the 65,536-byte maximum; 65,537 is E007 before any work', () => {
      for (const size of [0, 1, 1024, SEALED_BLOB_MAX_PLAINTEXT]) {
        const msg = new Uint8Array(size).fill(7)
        const json = sealV1(pk, msg, aad, { provider: p })
        expect(json.length).toBeLessThanOrEqual(SEALED_BLOB_MAX_ENVELOPE)
        expect(openSealedBlob(json, sk, aad, { provider: p })).toEqual(msg)
        expect(openSealedBlob(utf8(json), sk, aad, { provider: p })).toEqual(msg)
      }
      expect(
        codeOf(() => sealV1(pk, new Uint8Array(SEALED_BLOB_MAX_PLAINTEXT + 1), aad, { provider: p })),
      ).toBe('E007')
    })

    it('wrong key and wrong AAD are E006 and indistinguishable', () => {
      const other = clampX25519Secret(new Uint8Array(32).fill(0x43))
      const a = (() => {
        try {
          openSealedBlob(good, other, aad, { provider: p })
        } catch (e) {
          return (e as Error).message
        }
      })()
      const b = (() => {
        try {
          openSealedBlob(good, sk, `${aad}x`, { provider: p })
        } catch (e) {
          return (e as Error).message
        }
      })()
      expect(a).toBe(b)
      expect(a).toMatch(/^E006: Decryption failed/)
    })

    it('malformed envelopes get their codes, never a raw TypeError', () => {
      const env = JSON.parse(good) as Record<string, unknown>
      const with_ = (patch: Record<string, unknown>): string => JSON.stringify({ ...env, ...patch })
      const cases: [string | Uint8Array, string][] = [
        ['', 'E002'],
        ['not json', 'E002'],
        ['null', 'E002'],
        ['[1,2]', 'E002'],
        ['"string"', 'E002'],
        ['{"v":1', 'E002'],
        [with_({ v: '1' }), 'E002'],
        [with_({ v: 1.5 }), 'E002'],
        [with_({ v: 256 }), 'E002'],
        [with_({ v: -1 }), 'E002'],
        [with_({ v: 0 }), 'E001'],
        [with_({ v: 99 }), 'E001'],
        [with_({ epk: 42 }), 'E002'],
        [with_({ nonce: null }), 'E002'],
        [with_({ kid: 5 }), 'E002'],
        [with_({ purpose: {} }), 'E002'],
        [with_({ kid: null, purpose: null, extra: [1, 2] }), 'no error'],
        [with_({ ct: 'AAA=' }), 'E003'],
        [with_({ ct: 'AA+/' }), 'E003'],
        [with_({ ct: 'A' }), 'E003'],
        [with_({ ct: 'AB' }), 'E003'], // non-zero padding bits
        [with_({ epk: toBase64Url(new Uint8Array(33).fill(9)) }), 'E004'],
        [with_({ nonce: toBase64Url(new Uint8Array(24)) }), 'E005'],
        [with_({ ct: toBase64Url(new Uint8Array(15)) }), 'E006'],
        [with_({ ct: '' }), 'E006'],
        [new Uint8Array([0xff, 0xfe, 0x7b]), 'E002'], // not UTF-8
        ['x'.repeat(SEALED_BLOB_MAX_ENVELOPE + 1), 'E002'],
        [new Uint8Array(SEALED_BLOB_MAX_ENVELOPE + 1), 'E002'],
        ['['.repeat(50_000) + ']'.repeat(50_000), 'E002'],
        [42 as unknown as string, 'E002'],
      ]
      for (const [input, code] of cases) {
        const label = typeof input === 'string' ? input.slice(0, 60) : `bytes(${input.length})`
        expect(
          codeOf(() => openSealedBlob(input, sk, aad, { provider: p })),
          label,
        ).toBe(code)
      }
    })

    it('truncated base64 fields are E003 (bad padding bits) or a size code, depending on where the cut falls', () => {
      const env = JSON.parse(good) as Record<string, unknown>
      let n = 0
      for (const field of ['epk', 'nonce', 'ct'] as const) {
        const text = env[field] as string
        for (let cut = 1; cut <= 5; cut++) {
          const json = JSON.stringify({ ...env, [field]: text.slice(0, -cut) })
          expect(['E003', 'E004', 'E005', 'E006']).toContain(
            codeOf(() => openSealedBlob(json, sk, aad, { provider: p })),
          )
          n++
        }
      }
      expect(n).toBe(15)
    })

    it('a v2 envelope with a 12-byte nonce is E005; v1 with 24 is E005', () => {
      const env = JSON.parse(good) as Record<string, unknown>
      expect(codeOf(() => parseEnvelope(JSON.stringify({ ...env, v: 2 })))).toBe('E005')
      expect(
        codeOf(() => parseEnvelope(JSON.stringify({ ...env, nonce: toBase64Url(new Uint8Array(24)) }))),
      ).toBe('E005')
    })

    it('low-order ephemeral keys are refused (E006) rather than used as an all-zero secret', () => {
      const env = JSON.parse(good) as Record<string, unknown>
      for (const hex of LOW_ORDER) {
        const epk = Buffer.from(hex, 'hex')
        const json = JSON.stringify({ ...env, epk: toBase64Url(epk) })
        expect(
          codeOf(() => openSealedBlob(json, sk, aad, { provider: p })),
          hex,
        ).toBe('E006')
      }
    })

    it('sealing to a low-order or wrong-size recipient key is an InputError', () => {
      for (const hex of LOW_ORDER) {
        expect(codeOf(() => sealV1(Buffer.from(hex, 'hex'), 'x', aad, { provider: p }))).toBe('invalid-input')
      }
      expect(codeOf(() => sealV1(new Uint8Array(31), 'x', aad, { provider: p }))).toBe('invalid-input')
      expect(codeOf(() => sealV1(pk, 'x', aad, { provider: p, purpose: 'Bad Purpose' }))).toBe(
        'invalid-input',
      )
      expect(codeOf(() => openSealedBlob(good, new Uint8Array(16), aad, { provider: p }))).toBe(
        'invalid-input',
      )
    })

    it('key ring: the kid-matching key opens it; the others are tried when kid is absent', () => {
      const old = clampX25519Secret(new Uint8Array(32).fill(1))
      const keys = [old, { secretKey: sk, publicKey: pk }]
      expect(openSealedBlobWithKeys(good, keys, aad, { provider: p }).keyIndex).toBe(1)
      const { kid: _kid, ...noKid } = JSON.parse(good) as Record<string, unknown>
      const r = openSealedBlobWithKeys(JSON.stringify(noKid), keys, aad, { provider: p })
      expect(r.keyIndex).toBe(1)
      expect(r.plaintext).toEqual(utf8('hello'))
      expect(codeOf(() => openSealedBlobWithKeys(good, [old], aad, { provider: p }))).toBe('E006')
      expect(codeOf(() => openSealedBlobWithKeys(good, [], aad, { provider: p }))).toBe('invalid-input')
    })

    it('v2 sender signature: verifies over "pubky-envelope-sig/v2:" || epk || nonce || ct', () => {
      // A v2 signed envelope built here with noble directly (the product never writes v2).
      const esk = clampX25519Secret(new Uint8Array(32).fill(9))
      const epk = p.x25519PublicKey(esk)
      const nonce = new Uint8Array(24).fill(3)
      const key = sealedBlobKey(p, 2, esk, pk, epk, pk)
      const ct = xchacha20poly1305(key, nonce, utf8(aad)).encrypt(utf8('v2 signed'))
      const senderSk = new Uint8Array(32).fill(5)
      const senderPk = ed25519.getPublicKey(senderSk)
      const sig = ed25519.sign(concatBytes(utf8('pubky-envelope-sig/v2:'), epk, nonce, ct), senderSk)
      const base = { v: 2, epk: toBase64Url(epk), nonce: toBase64Url(nonce), ct: toBase64Url(ct) }
      const signed = JSON.stringify({ ...base, sender: 'z32-sender', sig: toBase64Url(sig) })
      expect(openSealedBlob(signed, sk, aad, { provider: p })).toEqual(utf8('v2 signed'))
      expect(verifySealedBlobSignature(signed, senderPk, p)).toBe(true)
      expect(verifySealedBlobSignature(JSON.stringify(base), senderPk, p)).toBe(false)
      expect(verifySealedBlobSignature(signed, ed25519.getPublicKey(new Uint8Array(32).fill(6)), p)).toBe(
        false,
      )
      expect(
        codeOf(() => verifySealedBlobSignature(JSON.stringify({ ...base, sig: '!!' }), senderPk, p)),
      ).toBe('E003')
      expect(codeOf(() => verifySealedBlobSignature(good, senderPk, p))).toBe('E001')
    })
  })
}

describe('isSealedBlob never throws', () => {
  it('on wrong types and huge input', () => {
    expect(isSealedBlob(undefined as unknown as string)).toBe(false)
    expect(isSealedBlob('{"v":1,"epk":' + ' '.repeat(SEALED_BLOB_MAX_ENVELOPE))).toBe(false)
    expect(isSealedBlob('{"v" : 3, "epk" : "a"}')).toBe(false)
  })
})
