// The provider's CSPRNG (the default source of Noise ephemeral secrets): right length, fresh bytes
// every call, typed error for a bad count; and HandshakeState draws its ephemeral from it by default.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import type { CryptoProvider } from '../../../electron/main/core/crypto/provider'
import { toHex } from '../../../electron/main/core/util/bytes'
import { InputError } from '../../../electron/main/core/util/errors'
import { HandshakeState } from '../../../electron/main/core/noise/handshake-state'
import { PROTOCOL_NAMES } from '../../../electron/main/core/noise/constants'

describe('provider randomBytes', () => {
  for (const p of providers()) {
    it(`${p.name}: fresh bytes of the asked length; a bad count is a typed error`, () => {
      const seen = new Set<string>()
      for (let i = 0; i < 64; i++) seen.add(toHex(p.randomBytes(32)))
      expect(seen.size).toBe(64)
      expect(p.randomBytes(0).length).toBe(0)
      expect(p.randomBytes(70_000).length).toBe(70_000)
      // 64 × 32 bytes: every byte value shows up (a stuck or zero generator would not).
      const hist = new Set<number>()
      for (const h of seen) for (let i = 0; i < h.length; i += 2) hist.add(parseInt(h.slice(i, i + 2), 16))
      expect(hist.size).toBeGreaterThan(250)
      for (const bad of [-1, 1.5, Number.NaN]) {
        try {
          p.randomBytes(bad)
          expect.unreachable()
        } catch (e) {
          expect(e).toBeInstanceOf(InputError)
          expect((e as InputError).code).toBe('invalid-input')
        }
      }
    })

    it(`${p.name}: a HandshakeState without rng takes its ephemeral from the provider`, () => {
      let draws = 0
      const counted: CryptoProvider = {
        ...p,
        randomBytes(n) {
          draws++
          return p.randomBytes(n)
        },
      }
      const hs = new HandshakeState({ protocolName: PROTOCOL_NAMES.NN, initiator: true, crypto: counted })
      const m1 = hs.writeMessage()
      expect(m1.length).toBe(32)
      expect(draws).toBe(1)
    })
  }
})
