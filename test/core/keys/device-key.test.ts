// X25519 device-key derivations against ../shared/vectors/paykit/kdf.json and
// noise/computed-kdf.json, RFC 7748 values from noise/pubky-noise-repo-x25519.json, through every
// provider; plus device-id rules.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import {
  assertDeviceId,
  clampX25519Secret,
  deriveNoiseSeed,
  deriveX25519ForDeviceEpoch,
  deriveX25519Static,
  generateDeviceId,
} from '../../../electron/main/core/keys/device-key'
import { fromHex, toHex } from '../../../electron/main/core/util/bytes'
import { InputError } from '../../../electron/main/core/util/errors'
import { fixedRng } from '../../../electron/main/core/util/rng'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()

describe.skipIf(!vectorsPresent)('kdf vectors (needs ../shared/vectors)', () => {
  const paykit = vectorsPresent ? loadVectors('paykit/kdf.json') : {}
  const noise = vectorsPresent ? loadVectors('noise/computed-kdf.json') : { vectors: [] }
  const x = vectorsPresent ? loadVectors('noise/pubky-noise-repo-x25519.json') : { vectors: [] }

  for (const p of all) {
    it(`${p.name}: paykit/kdf.json`, () => {
      let n = 0
      for (const c of paykit.derive_x25519_for_device_epoch) {
        expect(toHex(new TextEncoder().encode(c.device_id_utf8))).toBe(c.device_id_bytes_hex)
        const kp = deriveX25519ForDeviceEpoch(fromHex(c.seed_hex), c.device_id_utf8, c.epoch, p)
        expect(toHex(kp.secretKey)).toBe(c.expected_x25519_sk_hex)
        expect(toHex(kp.publicKey)).toBe(c.expected_x25519_pk_hex)
        n++
      }
      for (const c of paykit.derive_noise_seed) {
        expect(toHex(deriveNoiseSeed(fromHex(c.ed25519_secret_hex), c.device_id_utf8, p))).toBe(
          c.expected_seed_hex,
        )
        n++
      }
      expect(n).toBe(4)
    })

    it(`${p.name}: noise/computed-kdf.json (0.8.0 static, 1.x epoch, noise seed)`, () => {
      let n = 0
      for (const c of noise.vectors) {
        if (c.function === 'derive_x25519_for_device_epoch') {
          const kp = deriveX25519ForDeviceEpoch(fromHex(c.seed_hex), c.device_id_utf8, c.epoch, p)
          expect(
            toHex(
              p.hkdf(
                'sha512',
                fromHex(c.seed_hex),
                new TextEncoder().encode(c.salt_utf8),
                fromHex(c.info_hex),
                32,
              ),
            ),
          ).toBe(c.okm_unclamped_hex)
          expect(toHex(kp.secretKey)).toBe(c.x25519_secret_hex)
          expect(toHex(kp.publicKey)).toBe(c.x25519_public_hex)
        } else if (c.function === 'derive_x25519_static') {
          const kp = deriveX25519Static(fromHex(c.seed_hex), c.context_utf8, p)
          expect(toHex(kp.secretKey)).toBe(c.x25519_secret_hex)
          expect(toHex(kp.publicKey)).toBe(c.x25519_public_hex)
          expect(toHex(clampX25519Secret(fromHex(c.okm_unclamped_hex)))).toBe(c.x25519_secret_hex)
        } else if (c.function === 'derive_noise_seed') {
          expect(toHex(deriveNoiseSeed(fromHex(c.ed25519_secret_hex), c.device_id_utf8, p))).toBe(
            c.noise_seed_hex,
          )
        } else {
          // The legacy public-key case: RFC 7748 X25519 of an unclamped secret (what we compute).
          expect(toHex(p.x25519PublicKey(fromHex(c.secret_hex)))).toBe(c.x25519_rfc7748_public_hex)
          expect(c.legacy_0_8_to_1_1_public_hex).not.toBe(c.x25519_rfc7748_public_hex)
        }
        n++
      }
      expect(n).toBe(10)
    })

    it(`${p.name}: RFC 7748 keys, shared secret, zero-key rejection`, () => {
      let n = 0
      for (const c of x.vectors) {
        if (c.public_hex) {
          expect(toHex(p.x25519PublicKey(fromHex(c.secret_hex)))).toBe(c.public_hex)
        } else if (c.shared_hex) {
          expect(toHex(p.x25519(fromHex(c.alice_secret_hex), fromHex(c.bob_public_hex)))).toBe(c.shared_hex)
        } else if (c.peer_public_hex) {
          expect(() => p.x25519(fromHex(c.secret_hex), fromHex(c.peer_public_hex))).toThrow()
        } else {
          for (const k of c.cases) {
            const sk = new Uint8Array(32).fill(Number(k.sk_byte))
            const pk = new Uint8Array(32).fill(Number(k.pk_byte))
            expect(k.shared_secret_nonzero).toBe(false)
            expect(() => p.x25519(sk, pk)).toThrow()
          }
        }
        n++
      }
      expect(n).toBe(5)
    })
  }
})

describe('derivation input checks', () => {
  const seed = new Uint8Array(32).fill(1)
  it('bad seeds, device ids and epochs are InputErrors', () => {
    expect(() => deriveX25519Static(new Uint8Array(31), 'd')).toThrow(InputError)
    expect(() => deriveX25519Static(seed, '')).toThrow(InputError)
    expect(() => deriveX25519ForDeviceEpoch(seed, 'd', -1)).toThrow(InputError)
    expect(() => deriveX25519ForDeviceEpoch(seed, 'd', 2 ** 32)).toThrow(InputError)
    expect(() => deriveX25519ForDeviceEpoch(seed, 'd', 1.5)).toThrow(InputError)
    expect(() => deriveX25519ForDeviceEpoch(seed, 'x'.repeat(257), 0)).toThrow(InputError)
    expect(() => deriveNoiseSeed(seed, new Uint8Array(0))).toThrow(InputError)
  })
  it('device ids: generated as 32 hex chars; checked for path and DNS-label use', () => {
    expect(generateDeviceId(fixedRng(new Uint8Array(16).fill(0xab)))).toBe('ab'.repeat(16))
    expect(generateDeviceId()).toMatch(/^[0-9a-f]{32}$/)
    expect(assertDeviceId('bitkit-device-1')).toBe('bitkit-device-1')
    expect(() => assertDeviceId('default', { forNewKeys: true })).toThrow(/at least 16/)
    for (const bad of ['', 'a/b', 'a.b', 'x'.repeat(64), 'é'])
      expect(() => assertDeviceId(bad)).toThrow(InputError)
  })
  it('byte and string device ids derive the same key', () => {
    expect(deriveX25519ForDeviceEpoch(seed, 'dev', 0).secretKey).toEqual(
      deriveX25519ForDeviceEpoch(seed, new TextEncoder().encode('dev'), 0).secretKey,
    )
  })
})
