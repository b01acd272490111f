// Unit tests for the directory's parsing and validation branches (no network): method endpoints,
// the /noise record, supported.json, and discovery on the in-memory port.
import { describe, expect, it } from 'vitest'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { encodeBolt11 } from '../../../electron/main/core/payments/bolt11-encode'
import {
  discoverDirectory,
  formatNoiseEndpointRecord,
  formatSupportedSnapshot,
  parseNoiseEndpointRecord,
  parseSupportedSnapshot,
  publishNoiseKeyBinding,
  readNoiseKeyBindings,
  validateEndpoint,
  validateMethodFile,
  PAYKIT_V0_PREFIX,
  NOISE_KEY_DIR,
} from '../../../electron/main/core/directory'
import { MemoryHomeservers } from '../store/memory-store'

const NOW = 1_790_000_000
const clock = new ManualClock(NOW * 1000)
const ADDRESS = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'
const main = { network: 'mainnet' as const }
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)
const bolt = (network: 'bitcoin' | 'regtest', timestamp = NOW, expirySecs = 3600): string =>
  encodeBolt11(
    {
      network,
      amountMsat: 1_000_000n,
      timestamp,
      paymentHash: new Uint8Array(32).fill(4),
      paymentSecret: new Uint8Array(32).fill(5),
      description: 'x',
      expirySecs,
      features: [14],
    },
    new Uint8Array(32).fill(6),
    nativeProvider,
  )

describe('validateEndpoint', () => {
  it('accepts every supported shape, returning the payable value', () => {
    expect(validateEndpoint('onchain', ` ${ADDRESS}\n`, main)).toMatchObject({
      endpoint: ADDRESS,
      detail: { kind: 'onchain-address' },
    })
    expect(validateEndpoint('onchain', JSON.stringify({ p2wpkh: ADDRESS }), main).endpoint).toBe(ADDRESS)
    expect(validateEndpoint('onchain', `bitcoin:${ADDRESS}?amount=0.1`, main).detail.kind).toBe('bip21')
    const inv = bolt('bitcoin')
    expect(
      validateEndpoint('lightning', JSON.stringify({ bolt11: inv }), { ...main, clock }).detail.kind,
    ).toBe('bolt11')
    expect(validateEndpoint('lightning', 'alice@example.com', main).detail.kind).toBe('lightning-address')
    expect(validateEndpoint('lnurl', 'alice@example.com', main).detail.kind).toBe('lightning-address')
    expect(validateMethodFile('onchain', JSON.stringify({ endpoint: ADDRESS }), main).endpoint).toBe(ADDRESS)
  })

  it('rejects with the validator code', () => {
    const cases: [string, string, string][] = [
      ['onchain', 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'wrong-network'],
      ['onchain', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr', 'invalid-address'],
      ['onchain', '{"address":5}', 'invalid-endpoint'],
      ['onchain', 'bitcoin:?lightning=' + bolt('bitcoin'), 'invalid-bip21'],
      ['lightning', bolt('regtest'), 'wrong-network'],
      ['lightning', '{"lnurl":"alice@example.com"}', 'invalid-lnurl'],
      ['lightning', '{"other":1}', 'invalid-endpoint'],
      ['lnurl', bolt('bitcoin'), 'invalid-lnurl'],
      ['bolt12', 'lno1', 'directory-unsupported-method'],
    ]
    for (const [id, value, code] of cases) {
      expect(() => validateEndpoint(id, value, main), `${id} ${value.slice(0, 30)}`).toThrow(
        expect.objectContaining({ code }),
      )
    }
    // With a clock, an expired invoice is refused; without one it is not checked.
    const old = bolt('bitcoin', NOW - 7200, 3600)
    expect(() => validateEndpoint('lightning', old, { ...main, clock })).toThrow(
      expect.objectContaining({ code: 'invoice-expired' }),
    )
    expect(validateMethodFile('lightning', old, main).detail.kind).toBe('bolt11')
    expect(() => validateMethodFile('onchain', '   ', main)).toThrow(
      expect.objectContaining({ code: 'invalid-endpoint' }),
    )
  })
})

describe('/noise record', () => {
  const key = new Uint8Array(32).fill(0xab)
  it('writes the reference bytes and reads both key spellings', () => {
    expect(
      formatNoiseEndpointRecord({ host: 'h.example', port: 443, publicKey: key, metadata: '{"v":1}' }),
    ).toBe(`{"host":"h.example","port":443,"pubkey":"${'ab'.repeat(32)}","metadata":"{\\"v\\":1}"}`)
    const legacy = parseNoiseEndpointRecord(`{"host":"h","port":1,"public_key":"${'AB'.repeat(32)}"}`)
    expect(legacy).toMatchObject({ host: 'h', port: 1, pending: false })
    expect(legacy.metadata).toBeUndefined()
  })
  it('rejects malformed records with the reason', () => {
    const bad = [
      'not json',
      '[]',
      '"string"',
      '{"host":"h","port":1}',
      `{"host":"h","port":70000,"pubkey":"${'ab'.repeat(32)}"}`,
      `{"host":"a b","port":1,"pubkey":"${'ab'.repeat(32)}"}`,
      `{"host":"h","port":1,"pubkey":"${'00'.repeat(32)}"}`,
      `{"host":"h","port":1,"pubkey":"${'ab'.repeat(31)}"}`,
      `{"host":"h","port":1,"pubkey":"${'ab'.repeat(32)}","public_key":"${'cd'.repeat(32)}"}`,
      `{"host":"h","port":1,"pubkey":"${'ab'.repeat(32)}","metadata":{}}`,
      'x'.repeat(9000),
    ]
    for (const b of bad) {
      expect(() => parseNoiseEndpointRecord(b), b.slice(0, 40)).toThrow(
        expect.objectContaining({ code: 'directory-invalid-noise-endpoint' }),
      )
    }
    expect(() => parseNoiseEndpointRecord(Uint8Array.of(0xff, 0xfe))).toThrow(
      expect.objectContaining({ code: 'directory-invalid-noise-endpoint' }),
    )
    expect(() => formatNoiseEndpointRecord({ host: 'h', port: -1, publicKey: key })).toThrow(/port/)
  })
})

describe('supported.json', () => {
  it('round-trips and reports bad entries without failing the rest', () => {
    const text = formatSupportedSnapshot(
      [
        { methodId: 'onchain', endpoint: ADDRESS },
        { methodId: 'lightning', endpoint: 'x', enabled: false },
      ],
      clock,
    )
    expect(JSON.parse(text)).toEqual([
      { method_id: 'onchain', endpoint: ADDRESS, enabled: true, updated_at: NOW * 1000 },
      { method_id: 'lightning', endpoint: 'x', enabled: false, updated_at: NOW * 1000 },
    ])
    const parsed = parseSupportedSnapshot(
      enc(
        JSON.stringify([
          { method_id: 'onchain', endpoint: ADDRESS },
          7,
          { method_id: 5 },
          { method_id: 'a', endpoint: 'b', enabled: 'yes' },
        ]),
      ),
    )
    expect(parsed.entries).toEqual([{ methodId: 'onchain', endpoint: ADDRESS, enabled: true }])
    expect(parsed.rejected.map((r) => r.name)).toEqual([
      'supported.json#1',
      'supported.json#2',
      'supported.json#a',
    ])
    expect(() => parseSupportedSnapshot(enc('{"a":1}'))).toThrow(
      expect.objectContaining({ code: 'directory-invalid-record' }),
    )
  })
})

describe('discoverDirectory on the in-memory port', () => {
  it('file beats snapshot, disabled entries and reserved names are skipped, and nothing hostile is payable', async () => {
    const hs = new MemoryHomeservers()
    const owner = z32Encode(nativeProvider.ed25519PublicKey(new Uint8Array(32).fill(9)))
    const D = `${PAYKIT_V0_PREFIX}/`
    hs.plant(owner, `${D}onchain`, ADDRESS)
    hs.plant(owner, `${D}push`, 'token')
    hs.plant(owner, `${D}requests/abc/req1`, 'sealed')
    hs.plant(
      owner,
      `${D}supported.json`,
      JSON.stringify([
        { method_id: 'onchain', endpoint: 'garbage' },
        { method_id: 'lightning', endpoint: 'alice@example.com', enabled: false },
        { method_id: 'lnurl', endpoint: 'bob@example.com' },
        { method_id: 'noise', endpoint: 'x' },
      ]),
    )
    const d = await discoverDirectory(hs, owner, main)
    expect(d.payable.map((m) => [m.methodId, m.source])).toEqual([
      ['onchain', 'file'],
      ['lnurl', 'supported.json'],
    ])
    expect(d.rejected.map((r) => [r.name, r.code])).toEqual([
      ['supported.json#noise', 'directory-invalid-record'],
    ])
    expect([...d.skipped].sort()).toEqual(['push', 'requests/', 'supported.json'])
  })

  it('verifies 0.8.0 key bindings and reports a forged one', async () => {
    const hs = new MemoryHomeservers()
    const secret = new Uint8Array(32).fill(10)
    const owner = z32Encode(nativeProvider.ed25519PublicKey(secret))
    const x = nativeProvider.x25519PublicKey(new Uint8Array(32).fill(11))
    const txt = await publishNoiseKeyBinding(hs.writer(owner), {
      identitySecret: secret,
      x25519PublicKey: x,
      deviceId: 'device-aaaaaaaaaaaa',
      clock,
    })
    expect(txt).toMatch(/^v=1;k=[A-Za-z0-9+/=]{44};sig=[A-Za-z0-9+/=]{88};ts=1790000000$/)
    // Another identity's binding copied under this owner does not verify.
    const other = new Uint8Array(32).fill(12)
    const forged = await publishNoiseKeyBinding(hs.writer('x'.repeat(52)), {
      identitySecret: other,
      x25519PublicKey: x,
      deviceId: 'device-bbbbbbbbbbbb',
      clock,
    })
    hs.plant(owner, `${NOISE_KEY_DIR}device-bbbbbbbbbbbb`, forged)
    const res = await readNoiseKeyBindings(hs, owner, { clock })
    expect(res.verified.map((v) => v.deviceId)).toEqual(['device-aaaaaaaaaaaa'])
    expect(res.rejected.map((r) => [r.deviceId, r.code])).toEqual([
      ['device-bbbbbbbbbbbb', 'pkarr-bad-signature'],
    ])
    const later = new ManualClock((NOW + 31 * 86_400) * 1000)
    expect((await readNoiseKeyBindings(hs, owner, { clock: later })).rejected.map((r) => r.code)).toEqual([
      'pkarr-stale',
      'pkarr-bad-signature',
    ])
  })
})
