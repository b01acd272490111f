// Publishing and discovering the public Paykit directory against the real embedded homeserver, with
// real SDK writes (PubkyGateway) and both readers (SDK gateway and capped node:http).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { encodeBolt11 } from '../../../electron/main/core/payments/bolt11-encode'
import {
  discoverDirectory,
  publishNoiseEndpoint,
  publishNoiseKeyBinding,
  publishPaymentMethods,
  publishPaymentMethod,
  readNoiseEndpoint,
  removePaymentMethod,
  NOISE_ENDPOINT_PATH,
  PAYKIT_V0_PREFIX,
  SUPPORTED_SNAPSHOT_PATH,
} from '../../../electron/main/core/directory'
import { startNetwork, type TestIdentity, type TestNetwork } from '../store/network'
import type { PubkyReader } from '../../../electron/main/core/store/types'

const NOW = 1_790_000_000
const clock = new ManualClock(NOW * 1000)
const ADDRESS = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'
const TESTNET_ADDRESS = 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx'
const LNURL =
  'LNURL1DP68GURN8GHJ7UM9WFMXJCM99E3K7MF0V9CXJ0M385EKVCENXC6R2C35XVUKXEFCV5MKVV34X5EKZD3EV56NYD3HXQURZEPEXEJXXEPNXSCRVWFNV9NXZCN9XQ6XYEFHVGCXXCMYXYMNSERXFQ5FNS'

function invoice(network: 'bitcoin' | 'testnet', seed: number): string {
  return encodeBolt11(
    {
      network,
      amountMsat: 250_000_000n,
      timestamp: NOW,
      paymentHash: new Uint8Array(32).fill(seed),
      paymentSecret: new Uint8Array(32).fill(seed + 1),
      description: 'coffee',
      expirySecs: 86_400,
      features: [14],
    },
    new Uint8Array(32).fill(seed + 2),
    nativeProvider,
  )
}

describe('directory against the embedded homeserver', () => {
  let net: TestNetwork
  let merchant: TestIdentity
  let customer: TestIdentity
  let hostile: TestIdentity
  beforeAll(async () => {
    net = await startNetwork()
    merchant = await net.identity(0x31)
    customer = await net.identity(0x32)
    hostile = await net.identity(0x33)
  })
  afterAll(async () => net?.close())

  const readers = (): [string, PubkyReader][] => [
    ['sdk gateway', net.reader],
    ['node:http', net.httpReader],
  ]

  it('publishes methods, supported.json, /noise and a key binding; a second identity discovers them', async () => {
    const ln = invoice('bitcoin', 1)
    await publishPaymentMethods(
      merchant.writer,
      [
        { methodId: 'onchain', endpoint: ADDRESS },
        { methodId: 'lightning', endpoint: ln },
        { methodId: 'lnurl', endpoint: LNURL },
      ],
      { network: 'mainnet', clock },
    )
    await publishNoiseEndpoint(merchant.writer, {
      host: '127.0.0.1',
      port: 9735,
      publicKey: merchant.noise.publicKey,
    })
    await publishNoiseKeyBinding(merchant.writer, {
      identitySecret: merchant.secretKey,
      x25519PublicKey: merchant.noise.publicKey,
      deviceId: 'pos-device-0123456789',
      clock,
    })
    // Raw bytes on the wire are the reference's: the raw endpoint string, compact /noise JSON.
    expect(
      new TextDecoder().decode((await net.httpReader.get(merchant.z32, `${PAYKIT_V0_PREFIX}/onchain`))!),
    ).toBe(ADDRESS)
    expect(new TextDecoder().decode((await net.httpReader.get(merchant.z32, NOISE_ENDPOINT_PATH))!)).toBe(
      `{"host":"127.0.0.1","port":9735,"pubkey":"${Buffer.from(merchant.noise.publicKey).toString('hex')}"}`,
    )
    const snap = JSON.parse(
      new TextDecoder().decode((await net.httpReader.get(merchant.z32, SUPPORTED_SNAPSHOT_PATH))!),
    )
    expect(snap.map((e: { method_id: string }) => e.method_id)).toEqual(['onchain', 'lightning', 'lnurl'])
    expect(snap[0]).toEqual({
      method_id: 'onchain',
      endpoint: ADDRESS,
      enabled: true,
      updated_at: NOW * 1000,
    })

    for (const [name, reader] of readers()) {
      const d = await discoverDirectory(reader, merchant.z32, {
        network: 'mainnet',
        clock,
        keyBindings: { clock },
      })
      expect(d.rejected, name).toEqual([])
      expect(d.payable.map((m) => [m.methodId, m.detail.kind, m.source]).sort()).toEqual([
        ['lightning', 'bolt11', 'file'],
        ['lnurl', 'lnurl', 'file'],
        ['onchain', 'onchain-address', 'file'],
      ])
      const bolt = d.payable.find((m) => m.methodId === 'lightning')!
      expect(bolt.detail.kind === 'bolt11' && bolt.detail.invoice.amountSats).toBe(250_000n)
      expect([...d.skipped].sort()).toEqual(['noise', 'supported.json'])
      expect(Buffer.from(d.noise!.publicKey)).toEqual(Buffer.from(merchant.noise.publicKey))
      expect(d.noise!.pending).toBe(false)
      expect(d.noiseKeyBound).toBe(true)
    }
  })

  it('updates and removes a method (a second PUT overwrites; delete makes it disappear)', async () => {
    await publishPaymentMethod(merchant.writer, 'onchain', `bitcoin:${ADDRESS}?amount=0.001`, {
      network: 'mainnet',
    })
    let d = await discoverDirectory(net.reader, merchant.z32, { network: 'mainnet', clock })
    expect(d.payable.find((m) => m.methodId === 'onchain')!.detail.kind).toBe('bip21')
    await removePaymentMethod(merchant.writer, 'lnurl')
    d = await discoverDirectory(net.reader, merchant.z32, { network: 'mainnet', clock, readSnapshot: false })
    expect(d.payable.map((m) => m.methodId).sort()).toEqual(['lightning', 'onchain'])
    // The snapshot still lists lnurl: with the snapshot read, it comes back from there (file wins otherwise).
    d = await discoverDirectory(net.reader, merchant.z32, { network: 'mainnet', clock })
    expect(d.payable.find((m) => m.methodId === 'lnurl')?.source).toBe('supported.json')
  })

  it('refuses to publish what a payer would reject (wrong network, reserved name, garbage)', async () => {
    await expect(
      publishPaymentMethod(merchant.writer, 'onchain', TESTNET_ADDRESS, { network: 'mainnet' }),
    ).rejects.toMatchObject({
      code: 'wrong-network',
    })
    await expect(
      publishPaymentMethod(merchant.writer, 'noise', ADDRESS, { network: 'mainnet' }),
    ).rejects.toMatchObject({
      code: 'invalid-method-id',
    })
    await expect(
      publishPaymentMethod(merchant.writer, 'lightning', 'hello', { network: 'mainnet' }),
    ).rejects.toMatchObject({
      code: 'invalid-invoice',
    })
    // Nothing was written: the onchain method still holds the BIP21 published above.
    const d = await discoverDirectory(net.reader, merchant.z32, { network: 'mainnet', clock })
    expect(d.payable.find((m) => m.methodId === 'onchain')!.detail.kind).toBe('bip21')
  })

  it('reports and skips hostile records: garbage, 1 MB, wrong JSON type, wrong-network BOLT11, a method file named noise', async () => {
    const D = `${PAYKIT_V0_PREFIX}/`
    const w = hostile.writer
    await w.put(`${D}onchain`, Uint8Array.of(0xff, 0xfe, 0x00, 0x41)) // not UTF-8
    await w.put(`${D}lightning`, invoice('testnet', 9)) // a real invoice, for the wrong network
    await w.put(`${D}lnurl`, new Uint8Array(1024 * 1024).fill(0x61)) // 1 MB
    await w.put(`${D}bolt12`, 'lno1qcp4256ypq') // a method we cannot validate
    await w.put(`${D}x-json`, '[1,2,3]')
    await w.put(`${D}noise`, invoice('bitcoin', 3)) // a "method file" named noise
    await w.put(SUPPORTED_SNAPSHOT_PATH, '{"onchain":"bc1q..."}') // snapshot of the wrong JSON type

    for (const [name, reader] of readers()) {
      const d = await discoverDirectory(reader, hostile.z32, { network: 'mainnet', clock })
      expect(d.payable, name).toEqual([])
      expect(d.noise, name).toBeUndefined()
      const byName = Object.fromEntries(d.rejected.map((r) => [r.name, r.code]))
      expect(byName, name).toEqual({
        onchain: 'invalid-input',
        lightning: 'wrong-network',
        lnurl: 'store-too-large',
        bolt12: 'directory-unsupported-method',
        'x-json': 'directory-unsupported-method',
        noise: 'directory-invalid-noise-endpoint',
        'supported.json': 'directory-invalid-record',
      })
      for (const r of d.rejected) expect(r.reason.length, r.name).toBeGreaterThan(10)
    }
  })

  it('reads the JSON-wrapped and legacy forms, and an owner without a directory', async () => {
    const D = `${PAYKIT_V0_PREFIX}/`
    await customer.writer.put(`${D}onchain`, JSON.stringify({ endpoint: ADDRESS }))
    await customer.writer.put(`${D}lightning`, JSON.stringify({ lnurl: LNURL }))
    await customer.writer.put(
      NOISE_ENDPOINT_PATH,
      JSON.stringify({ host: 'pending', port: 0, public_key: 'ab'.repeat(32), metadata: null }),
    )
    const d = await discoverDirectory(net.httpReader, customer.z32, { network: 'mainnet', clock })
    expect(d.rejected).toEqual([])
    expect(d.payable.map((m) => [m.methodId, m.detail.kind, m.endpoint]).sort()).toEqual([
      ['lightning', 'lnurl', LNURL],
      ['onchain', 'onchain-address', ADDRESS],
    ])
    expect(d.noise).toMatchObject({ host: 'pending', port: 0, pending: true })
    const again = await readNoiseEndpoint(net.reader, customer.z32)
    expect(Buffer.from(again!.publicKey).toString('hex')).toBe('ab'.repeat(32))

    const nobody = await net.identity(0x34)
    const empty = await discoverDirectory(net.reader, nobody.z32, { network: 'mainnet', clock })
    expect(empty).toEqual({ owner: nobody.z32, payable: [], rejected: [], skipped: [] })
  })
})
