// The loopback simulator service over real sockets on 127.0.0.1: the payer's flows through the
// client, and bad input (non-JSON, oversize, missing/unknown fields, wrong method/route/type).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { Address, p2wpkh } from '@scure/btc-signer'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { CHAIN_PARAMS, SimulatedChain } from '../../../electron/main/core/payments/chain'
import { SimulatedLightningNode } from '../../../electron/main/core/payments/lightning'
import { verifyLightningProof, verifyOnchainProof } from '../../../electron/main/core/payments/proof'
import { SimServiceClient, SimServiceError } from '../../../electron/main/core/payments/sim-client'
import { startSimService, type RunningSimService } from '../../../electron/main/core/payments/sim-service'

const clock = new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0))
const node = new SimulatedLightningNode({ nodeSecretKey: SimulatedLightningNode.generateNodeKey(), clock })
const chain = new SimulatedChain()
let service: RunningSimService
let client: SimServiceClient

beforeAll(async () => {
  service = await startSimService({ lightning: node, chain, maxBodyBytes: 4096 })
  client = new SimServiceClient(service.url)
})
afterAll(async () => {
  await service.close()
})

interface RawReply {
  status: number
  body: Record<string, unknown>
}

/** A raw HTTP exchange, so the tests can send what the client never would. */
function raw(
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(`${service.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

const json = { 'content-type': 'application/json' }
const errorCode = (r: RawReply): unknown => (r.body['error'] as { code?: unknown } | undefined)?.code

async function clientError(p: Promise<unknown>): Promise<SimServiceError> {
  try {
    await p
  } catch (e) {
    if (e instanceof SimServiceError) return e
    throw e
  }
  throw new Error('expected a SimServiceError')
}

describe('sim-service over loopback', () => {
  it('listens on 127.0.0.1 only and labels itself a simulator', async () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const info = await client.info()
    expect(info).toEqual({ network: 'regtest', nodeId: node.nodeId, height: 100 })
    const r = await raw('GET', '/info')
    expect(r.body['simulated']).toBe(true)
  })

  it('a payer pays an invoice through the service and the POS verifies the preimage', async () => {
    const invoice = await node.createInvoice({ amountSats: 2500, memo: 'Latte', expirySecs: 300 })
    const paid = await client.pay(invoice.bolt11)
    expect(paid.paymentHash).toBe(invoice.paymentHash)
    expect(paid.amountMsat).toBe(2_500_000n)
    expect(
      verifyLightningProof(invoice.bolt11, paid.preimage, { payeeNodeKey: node.nodeId }).paymentHash,
    ).toBe(invoice.paymentHash)
    expect(await node.lookup(invoice.paymentHash)).toBe('paid')
    // Pay-once holds across the wire: 409 with the typed code.
    const again = await clientError(client.pay(invoice.bolt11))
    expect([again.code, again.status]).toEqual(['invoice-already-paid', 409])
  })

  it('expired, unknown and amountless invoices come back as typed errors', async () => {
    const expiring = await node.createInvoice({ amountSats: 10, memo: 'soon gone', expirySecs: 30 })
    clock.advance(30_000)
    const expired = await clientError(client.pay(expiring.bolt11))
    expect([expired.code, expired.status]).toEqual(['invoice-expired', 410])
    const other = new SimulatedLightningNode({
      nodeSecretKey: SimulatedLightningNode.generateNodeKey(),
      clock,
    })
    const foreign = other.createInvoiceSync({ amountSats: 10, memo: 'elsewhere' })
    const unknown = await clientError(client.pay(foreign.bolt11))
    expect([unknown.code, unknown.status]).toEqual(['invoice-unknown-payee', 404])
    const any = await node.createInvoice({ memo: 'tip' })
    expect((await clientError(client.pay(any.bolt11))).code).toBe('invoice-amount-required')
    expect((await client.pay(any.bolt11, 321)).amountMsat).toBe(321_000n)
    const junk = await clientError(client.pay('lnbcrt1junk'))
    expect([junk.code, junk.status]).toEqual(['bolt11-malformed', 422])
  })

  it('a payer sends coins and mines through the service and the POS verifies the txid', async () => {
    const to = Address(CHAIN_PARAMS.regtest).encode(
      p2wpkh(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true), CHAIN_PARAMS.regtest),
    )
    const txid = await client.send(to, 75_000)
    expect(txid).toMatch(/^[0-9a-f]{64}$/)
    const before = await verifyOnchainProof(txid, to, 75_000, chain)
    expect(before.confirmations).toBe(0)
    const height = await client.mine(3)
    expect(height).toBe(chain.height)
    const after = await verifyOnchainProof(txid, to, 75_000, chain, { minConfirmations: 3 })
    expect(after).toMatchObject({ status: 'paid', confirmations: 3 })
    const bad = await clientError(client.send('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 1000))
    expect([bad.code, bad.status]).toEqual(['chain-bad-address', 422])
  })

  it('bad input gets a typed JSON error, labelled simulated, and changes nothing', async () => {
    const heightBefore = chain.height
    const cases: [Promise<RawReply>, number, string][] = [
      [raw('POST', '/chain/mine', '{not json', json), 400, 'invalid-json'],
      [raw('POST', '/chain/mine', Buffer.from([0xff, 0xfe]), json), 400, 'invalid-json'],
      [raw('POST', '/chain/mine', '[1]', json), 400, 'invalid-body'],
      [raw('POST', '/chain/mine', '{}', json), 400, 'invalid-body'],
      [raw('POST', '/chain/mine', '{"blocks":"3"}', json), 400, 'invalid-body'],
      [raw('POST', '/chain/mine', '{"blocks":0}', json), 400, 'invalid-body'],
      [raw('POST', '/chain/mine', '{"blocks":1,"extra":true}', json), 400, 'invalid-body'],
      [raw('POST', '/chain/send', '{"address":"bcrt1q"}', json), 400, 'invalid-body'],
      [raw('POST', '/lightning/pay', '{"bolt11":""}', json), 400, 'invalid-body'],
      [raw('POST', '/lightning/pay', '{"invoice":"lnbc"}', json), 400, 'invalid-body'],
      [
        raw('POST', '/chain/mine', JSON.stringify({ blocks: 1, pad: 'x'.repeat(5000) }), json),
        413,
        'body-too-large',
      ],
      [
        raw('POST', '/chain/mine', '{"blocks":1}', { 'content-type': 'text/plain' }),
        415,
        'unsupported-media-type',
      ],
      [raw('GET', '/chain/mine'), 405, 'method-not-allowed'],
      [raw('POST', '/info', '{}', json), 405, 'method-not-allowed'],
      [raw('POST', '/chain/burn', '{}', json), 404, 'not-found'],
    ]
    for (const [reply, status, code] of cases) {
      const r = await reply
      expect([r.status, errorCode(r)], code).toEqual([status, code])
      expect(r.body['simulated']).toBe(true)
      expect(typeof (r.body['error'] as { message?: unknown }).message).toBe('string')
    }
    expect(cases).toHaveLength(15)
    expect(chain.height).toBe(heightBefore)
    // The service still answers after all that.
    expect((await client.info()).height).toBe(heightBefore)
  })

  it('a body far over the limit is cut off without being buffered, and the service survives', async () => {
    const big = Buffer.alloc(4096 * 8 + 100_000, 0x20)
    const outcome = await raw('POST', '/chain/mine', big, json).then(
      (r) => r.status,
      (e: NodeJS.ErrnoException) => e.code,
    )
    // Either the 413 arrives or the socket is reset mid-upload; both refuse the request.
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(outcome)
    expect((await client.info()).nodeId).toBe(node.nodeId)
  })

  it('the client talks only to loopback and only to a simulator', async () => {
    const err = (fn: () => unknown): string => {
      try {
        fn()
      } catch (e) {
        return (e as SimServiceError).code
      }
      return 'none'
    }
    expect(err(() => new SimServiceClient('http://192.168.1.10:8080'))).toBe('sim-not-loopback')
    expect(err(() => new SimServiceClient('https://127.0.0.1:8080'))).toBe('sim-not-loopback')
    expect(err(() => new SimServiceClient('not a url'))).toBe('sim-not-loopback')
    expect(err(() => new SimServiceClient('http://localhost:1'))).toBe('none')
    // Nothing listens on the closed port of a stopped service.
    const stopped = await startSimService({ lightning: node, chain })
    await stopped.close()
    const down = await clientError(new SimServiceClient(stopped.url).info())
    expect(down.code).toBe('sim-unreachable')
    // Something on loopback that is not the simulator: its replies are refused.
    const impostor = createServer((_req, res) => res.end('{"network":"regtest","nodeId":"x","height":1}'))
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve))
    const port = (impostor.address() as AddressInfo).port
    const refused = await clientError(new SimServiceClient(`http://127.0.0.1:${port}`).info())
    await new Promise<void>((resolve) => impostor.close(() => resolve()))
    expect(refused.code).toBe('sim-bad-reply')
  })
})
