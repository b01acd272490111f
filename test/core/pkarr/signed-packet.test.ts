// Signed packets through every crypto provider: the BEP44 signable, relay payload round trip,
// tampering and size limits.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import { homeserverRecords } from '../../../electron/main/core/homeserver/pkdns'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { txtData } from '../../../electron/main/core/pkarr/dns'
import { PkarrError } from '../../../electron/main/core/pkarr/errors'
import {
  fromRelayPayload,
  MAX_DNS_BYTES,
  moreRecentThan,
  parsePublicKey,
  recordsAt,
  signable,
  signPacket,
  toRelayPayload,
} from '../../../electron/main/core/pkarr/signed-packet'

const code = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    return e instanceof PkarrError ? e.code : `not a PkarrError: ${String(e)}`
  }
  return 'no error'
}

describe('pkarr signed packets', () => {
  it('signs over 3:seqi<ts>e1:v<len>:<dns>', () => {
    expect(Buffer.from(signable(1700000000000000n, Uint8Array.of(1, 2))).toString('latin1')).toBe(
      '3:seqi1700000000000000e1:v2:\u0001\u0002',
    )
  })

  const list = providers()
  expect(list.length).toBeGreaterThan(0)
  for (const provider of list) {
    describe(`with the ${provider.name} provider`, () => {
      const secret = new Uint8Array(32)
      const z32 = z32Encode(provider.ed25519PublicKey(secret))

      it('round-trips through the relay payload and verifies with every provider', () => {
        const p = signPacket({
          secret,
          records: homeserverRecords(z32, 6286),
          timestamp: 1_700_000_000_123_456n,
          provider,
        })
        expect(z32).toBe('8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo')
        const payload = toRelayPayload(p)
        expect(payload.length).toBe(72 + p.dns.length)
        expect(Buffer.from(payload.subarray(64, 72)).readBigUInt64BE()).toBe(1_700_000_000_123_456n)
        for (const other of providers()) {
          const back = fromRelayPayload(parsePublicKey(z32), payload, other)
          expect(back.timestamp).toBe(p.timestamp)
          expect(back.dns).toEqual(p.dns)
          expect(recordsAt(back, '@').map((r) => r.data.type)).toEqual(['HTTPS', 'A'])
        }
      })

      it('refuses tampered, foreign, short and oversize payloads with typed errors', () => {
        const p = signPacket({
          secret,
          records: [{ name: `_x.${z32}`, class: 1, ttl: 60, data: txtData('hi') }],
          provider,
        })
        const payload = toRelayPayload(p)
        const key = parsePublicKey(z32)
        const flipDns = payload.slice()
        flipDns[payload.length - 1]! ^= 1
        expect(code(() => fromRelayPayload(key, flipDns, provider))).toBe('pkarr-bad-signature')
        const flipTs = payload.slice()
        flipTs[70]! ^= 1
        expect(code(() => fromRelayPayload(key, flipTs, provider))).toBe('pkarr-bad-signature')
        const other = provider.ed25519PublicKey(new Uint8Array(32).fill(1))
        expect(code(() => fromRelayPayload(other, payload, provider))).toBe('pkarr-bad-signature')
        expect(code(() => fromRelayPayload(key, payload.subarray(0, 71), provider))).toBe(
          'pkarr-payload-too-short',
        )
        const huge = new Uint8Array(72 + MAX_DNS_BYTES + 1)
        expect(code(() => fromRelayPayload(key, huge, provider))).toBe('pkarr-packet-too-large')
        expect(
          code(() =>
            signPacket({
              secret,
              records: [{ name: z32, class: 1, ttl: 1, data: txtData('a'.repeat(1000)) }],
              provider,
            }),
          ),
        ).toBe('pkarr-packet-too-large')
        expect(code(() => parsePublicKey('not-a-key'))).toBe('pkarr-bad-key')
        expect(code(() => parsePublicKey('yy'))).toBe('pkarr-bad-key')
      })

      it('orders packets by timestamp, then by DNS bytes', () => {
        const a = signPacket({ secret, records: [], timestamp: 10n, provider })
        const b = signPacket({ secret, records: [], timestamp: 11n, provider })
        expect(moreRecentThan(b, a)).toBe(true)
        expect(moreRecentThan(a, b)).toBe(false)
        const c = signPacket({
          secret,
          records: [{ name: z32, class: 1, ttl: 1, data: txtData('z') }],
          timestamp: 10n,
          provider,
        })
        expect(moreRecentThan(c, a)).toBe(true)
        expect(moreRecentThan(a, a)).toBe(false)
      })
    })
  }
})
