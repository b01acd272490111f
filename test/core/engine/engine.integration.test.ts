// The merchant engine end to end, with real sockets: PosEngine on its own embedded homeserver and
// payment simulators, payers built from core/noise initiators and core/interactive encoders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PosEngine } from '../../../electron/main/core/engine/pos-engine'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { PubkyGateway } from '../../../electron/main/core/pubky/gateway'
import { GatewayWriter } from '../../../electron/main/core/store/gateway-store'
import { HttpPubkyReader } from '../../../electron/main/core/store/http-reader'
import { publishNoiseEndpoint } from '../../../electron/main/core/directory'
import { pollInbox } from '../../../electron/main/core/requests/inbox'
import { MemoryRequestDedupe } from '../../../electron/main/core/requests/dedupe'
import { systemClock } from '../../../electron/main/core/util/clock'
import type { EngineEvents, EngineIdentity } from '../../../electron/main/core/engine/types'
import { memoryLogger } from '../../../electron/main/core/observe/logger'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { parseCheckoutUri } from '../../../electron/main/core/uri/checkout'
import { paymentHashOf } from '../../../electron/main/core/listener/intake'
import { OutboxRepo } from '../../../electron/main/core/billing/requests-repo'
import { isJsonObject, type JsonObject } from '../../../electron/main/core/interactive/json'
import type { Dialect, DecodedMessage } from '../../../electron/main/core/interactive/messages'
import type { Database } from '../../../electron/main/core/storage/db'
import { fromHex, toBase64Url, toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { deriveX25519Static } from '../../../electron/main/core/keys/device-key'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { systemRng } from '../../../electron/main/core/util/rng'
import {
  connectPayer,
  lightningProof,
  newPayer,
  receiptFor,
  requestReceipt,
  txidProof,
  type PayerKeys,
} from './payer'

/** Real time plus an offset the expiry test can move. */
class OffsetClock {
  offset = 0
  now(): number {
    return Date.now() + this.offset
  }
}

const clock = new OffsetClock()
const log = memoryLogger('debug')
let dir: string
let engine: PosEngine
let me: EngineIdentity
let merchant: Uint8Array
const events: { name: keyof EngineEvents; payload: unknown }[] = []
/** Every preimage a payer learned during the run: none may appear in the logs. */
const preimages: string[] = []

let node: EmbeddedNode
let gateway: PubkyGateway

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-engine-'))
  // The engine attaches to a node the test started, so the test can sign up a customer on it.
  node = await startEmbeddedNode({ dataDir: join(dir, 'node') })
  gateway = await PubkyGateway.open({ kind: 'embedded', relayUrl: node.relayUrl })
  engine = new PosEngine({
    dataDir: join(dir, 'merchant'),
    identitySecret: new Uint8Array(32).fill(0x41),
    network: { kind: 'embedded', node },
    // Every payer here is 127.0.0.1: lift the per-IP limits (the limits have their own tests).
    listener: {
      wsPort: 0,
      rateLimit: { maxAttempts: 10_000 },
      connectionLimit: { maxPerIp: 1000, maxPerSubnet: 1000 },
    },
    clock,
    logger: log.logger,
  })
  for (const name of ['checkout:paid', 'checkout:changed', 'receipt', 'request'] as const)
    engine.events.on(name, (payload) => events.push({ name, payload }))
  await engine.start()
  me = await engine.identity()
  merchant = z32Decode(me.merchant)
})

afterAll(async () => {
  await engine?.stop()
  await node?.close()
  rmSync(dir, { recursive: true, force: true })
})

const to = (): { host: string; port: number; wsPort: number | null; noisePubkey: string } => me

/** Everything the ledger holds that intake may touch. */
function snapshot(db: Database): string {
  return JSON.stringify([
    db.all('SELECT * FROM receipts ORDER BY receipt_id'),
    db.all('SELECT * FROM checkouts ORDER BY checkout_id'),
    db.all('SELECT * FROM checkout_payments ORDER BY checkout_id, proof_value'),
    db.all('SELECT * FROM requests_out ORDER BY request_id'),
    db.all('SELECT * FROM onchain_addresses ORDER BY address'),
  ])
}

function meta(m: DecodedMessage): JsonObject {
  if (m.message.type !== 'ConfirmReceipt')
    throw new Error(`expected ConfirmReceipt, got ${JSON.stringify(m.message)}`)
  const md = m.message.receipt.metadata
  if (!isJsonObject(md)) throw new Error('metadata is not an object')
  return md
}

function errorCode(m: DecodedMessage): string {
  if (m.message.type !== 'Error') throw new Error(`expected Error, got ${m.message.type}`)
  return m.message.code
}

async function startCheckout(amountSats = 1500, ttlMs?: number) {
  return engine.checkoutStart({ amountSats, memo: 'flat white', ...(ttlMs ? { ttlMs } : {}) })
}

describe('PosEngine: Lightning checkout end to end', () => {
  it('confirms with our BOLT11, verifies the preimage, marks the checkout paid and fires events', async () => {
    const payer = newPayer()
    const started = await startCheckout(2100)
    const qr = parseCheckoutUri(started.uri)
    expect(qr.id).toBe(started.checkout.checkout_id)
    expect(qr.amount.toString()).toBe('2100')
    expect(started.endpoint.port).toBe(me.port)

    const conn = await connectPayer(payer, to(), { generation: '0.8.0' })
    const receipt = receiptFor(payer, merchant, {
      receiptId: `receipt_${toHex(systemRng(8))}`,
      methodId: 'lightning',
      amount: '2100',
      metadata: { order: { order_id: qr.id } },
    })
    const confirm = await conn.ask(requestReceipt(receipt, 'rust'))
    expect(confirm.dialect).toBe('rust')
    const m = meta(confirm)
    expect(m['bolt11']).toBe(started.checkout.lightning_invoice)
    expect(m['checkout_id']).toBe(qr.id)
    expect(
      engine.db.get('SELECT COUNT(*) AS n FROM receipts WHERE receipt_id = ?', receipt.receiptId),
    ).toEqual({ n: 1 })

    // The customer's wallet pays on the simulated network and gets the preimage.
    const paid = engine.simulators!.lightning.pay(m['bolt11'] as string)
    preimages.push(paid.preimage)
    const before = events.length
    const proofReply = await conn.ask(
      requestReceipt(
        { ...receipt, metadata: { payment_proof: lightningProof(paid.preimage, paid.paymentHash) } },
        'rust',
      ),
    )
    const settlement = meta(proofReply)['settlement'] as JsonObject
    expect(settlement['status']).toBe('paid')
    expect(settlement['paid_sats']).toBe(2100)
    const row = await engine.checkoutGet(qr.id)
    expect(row?.state).toBe('paid')
    expect(row?.received_sats).toBe(2100)
    const stored = await engine.receiptsGet(receipt.receiptId)
    expect(stored?.proof_type).toBe('lightning_preimage')
    const fired = events.slice(before).map((e) => e.name)
    expect(fired).toContain('checkout:paid')
    expect(fired).toContain('receipt')
    conn.close()
  })
})

describe('PosEngine: on-chain checkout end to end', () => {
  it('hands out a fresh address, looks the txid up on the chain and settles', async () => {
    const payer = newPayer()
    const a = await startCheckout(50_000)
    const b = await startCheckout(50_000)
    expect(a.checkout.onchain_address).not.toBe(b.checkout.onchain_address)
    const directory = (await engine.directoryMethods()).find((x) => x.methodId === 'onchain')!.endpoint
    expect(a.checkout.onchain_address).not.toBe(directory)

    const conn = await connectPayer(payer, to(), { transport: 'ws', generation: '1.1.0' })
    const receipt = receiptFor(payer, merchant, {
      receiptId: `rcpt_${toHex(systemRng(8))}`,
      methodId: 'onchain',
      amount: '50000',
      metadata: { checkout_id: a.checkout.checkout_id },
    })
    const confirm = await conn.ask(requestReceipt(receipt, 'mobile-builder'))
    expect(confirm.dialect).toBe('mobile-builder')
    const address = meta(confirm)['address'] as string
    expect(address).toBe(a.checkout.onchain_address)

    const chain = engine.simulators!.chain
    // A partial payment first: recorded and reported, checkout still open.
    const short = chain.send(address, 20_000)
    const partial = meta(
      await conn.ask(
        requestReceipt({ ...receipt, metadata: { payment_proof: txidProof(short) } }, 'mobile-builder'),
      ),
    )
    expect((partial['settlement'] as JsonObject)['status']).toBe('partial')
    expect((partial['settlement'] as JsonObject)['remaining_sats']).toBe(30_000)
    expect((await engine.checkoutGet(a.checkout.checkout_id))?.state).toBe('open')

    const rest = chain.send(address, 30_000)
    chain.mine(1)
    const done = meta(
      await conn.ask(
        requestReceipt({ ...receipt, metadata: { payment_proof: txidProof(rest) } }, 'mobile-builder'),
      ),
    )
    expect((done['settlement'] as JsonObject)['status']).toBe('paid')
    const row = await engine.checkoutGet(a.checkout.checkout_id)
    expect(row?.state).toBe('paid')
    expect(row?.received_sats).toBe(50_000)
    expect((await engine.receiptsGet(receipt.receiptId))?.proof_value).toBe(rest)
    conn.close()
  })
})

describe('PosEngine: every dialect and generation is answered in kind', () => {
  const dialects: Dialect[] = ['rust', 'mobile-builder', 'mobile-flat']
  const generations = ['0.8.0', '1.1.0', '1.2.0'] as const
  let n = 0
  for (const dialect of dialects)
    for (const generation of generations)
      for (const transport of ['tcp', 'ws'] as const) {
        const framing = n++ % 2 === 0 ? 'prefixed' : 'raw'
        it(`${dialect} over ${transport} (${framing}), generation ${generation}`, async () => {
          const payer = newPayer()
          const c = await startCheckout(777)
          const conn = await connectPayer(payer, to(), { transport, generation, framing })
          const r = receiptFor(payer, merchant, {
            receiptId: `rcpt_${toHex(systemRng(8))}`,
            methodId: 'lightning',
            amount: '777',
            metadata: { checkout_id: c.checkout.checkout_id },
          })
          const reply = await conn.ask(requestReceipt(r, dialect))
          expect(reply.dialect).toBe(dialect)
          expect(reply.message.type).toBe('ConfirmReceipt')
          expect(meta(reply)['bolt11']).toBe(c.checkout.lightning_invoice)
          // And an error is answered in kind too.
          const bad = await conn.ask(
            requestReceipt({ ...r, receiptId: `${r.receiptId}x`, amount: '778' }, dialect),
          )
          expect(bad.dialect).toBe(dialect)
          expect(errorCode(bad)).toBe('AMOUNT_MISMATCH')
          conn.close()
        })
      }
  it('ran every combination', () => expect(n).toBe(18))
  it('counted handshakes by pattern and generation', async () => {
    const snap = await engine.metrics()
    const keys = Object.keys(snap.counters).filter((k) => k.startsWith('listener.handshake{'))
    for (const g of generations) expect(keys.some((k) => k.includes(`generation=${g}`))).toBe(true)
    expect(snap.histograms['listener.encrypt_ms']?.count ?? 0).toBeGreaterThan(0)
  })
})

describe('PosEngine: refusals are typed and change nothing', () => {
  let payer: PayerKeys
  beforeAll(() => {
    payer = newPayer()
  })

  async function refused(
    build: (checkoutId: string) => string,
    expectedCode: string,
    dialect: Dialect = 'rust',
  ): Promise<void> {
    const c = await startCheckout(1000)
    const conn = await connectPayer(payer, to(), { generation: '1.2.0' })
    const before = snapshot(engine.db)
    const reply = await conn.ask(build(c.checkout.checkout_id))
    expect(reply.dialect).toBe(dialect)
    expect(errorCode(reply)).toBe(expectedCode)
    expect(snapshot(engine.db)).toBe(before)
    conn.close()
  }

  const base = (checkoutId: string, over: Partial<ReturnType<typeof receiptFor>> = {}) => ({
    ...receiptFor(payer, merchant, {
      receiptId: `rcpt_${toHex(systemRng(8))}`,
      methodId: 'lightning',
      amount: '1000',
      metadata: { checkout_id: checkoutId },
    }),
    ...over,
  })

  it('a payer claiming another identity', async () => {
    const other = newPayer()
    await refused((id) => requestReceipt(base(id, { payer: other.ed25519Public }), 'rust'), 'WRONG_PAYER')
  })
  it('a wrong payee', async () => {
    await refused(
      (id) => requestReceipt(base(id, { payee: newPayer().ed25519Public }), 'mobile-flat'),
      'WRONG_PAYEE',
      'mobile-flat',
    )
  })
  it('a wrong amount', async () => {
    await refused((id) => requestReceipt(base(id, { amount: '999' }), 'rust'), 'AMOUNT_MISMATCH')
  })
  it('a wrong currency', async () => {
    await refused((id) => requestReceipt(base(id, { currency: 'BTC' }), 'rust'), 'CURRENCY_MISMATCH')
  })
  it('a method we do not publish', async () => {
    await refused((id) => requestReceipt(base(id, { methodId: 'lnurl' }), 'rust'), 'UNSUPPORTED_METHOD')
  })
  it('an unknown checkout / request', async () => {
    await refused(() => requestReceipt(base('chk_nope'), 'rust'), 'UNKNOWN_REFERENCE')
    await refused(
      () => requestReceipt(base('x', { receiptId: 'autopay_req_missing', metadata: {} }), 'rust'),
      'UNKNOWN_REFERENCE',
    )
  })
  it('an expired checkout', async () => {
    const c = await startCheckout(1000, 10_000)
    const conn = await connectPayer(payer, to(), { generation: '0.8.0' })
    clock.offset += 11_000
    try {
      const before = snapshot(engine.db)
      const reply = await conn.ask(requestReceipt(base(c.checkout.checkout_id), 'rust'))
      expect(errorCode(reply)).toBe('CHECKOUT_EXPIRED')
      expect(snapshot(engine.db)).toBe(before)
    } finally {
      clock.offset -= 11_000
      conn.close()
    }
  })
  it('a proof that does not match our invoice', async () => {
    const c = await startCheckout(1000)
    const conn = await connectPayer(payer, to(), { generation: '1.1.0' })
    const r = base(c.checkout.checkout_id)
    expect((await conn.ask(requestReceipt(r, 'rust'))).message.type).toBe('ConfirmReceipt')
    const before = snapshot(engine.db)
    const hash = paymentHashOf(c.checkout.lightning_invoice!)
    const reply = await conn.ask(
      requestReceipt(
        { ...r, metadata: { payment_proof: lightningProof(toHex(systemRng(32)), hash) } },
        'rust',
      ),
    )
    expect(errorCode(reply)).toBe('PROOF_MISMATCH')
    // A txid proof for a Lightning receipt is malformed, not a payment.
    const wrongKind = await conn.ask(
      requestReceipt({ ...r, metadata: { payment_proof: txidProof('ab'.repeat(32)) } }, 'rust'),
    )
    expect(errorCode(wrongKind)).toBe('PROOF_MALFORMED')
    expect(snapshot(engine.db)).toBe(before)
    expect((await engine.checkoutGet(c.checkout.checkout_id))?.state).toBe('open')
    conn.close()
  })
  it('an oversized message and a malformed one', async () => {
    const conn = await connectPayer(payer, to())
    const before = snapshot(engine.db)
    const big = JSON.stringify({ type: 'request_receipt', receipt_id: 'x', pad: 'a'.repeat(20_000) })
    const tooLarge = await conn.ask(big)
    expect(tooLarge.dialect).toBe('mobile-flat')
    expect(errorCode(tooLarge)).toBe('TOO_LARGE')
    const malformed = await conn.ask('{"type":"RequestReceipt","payload":')
    expect(errorCode(malformed)).toBe('MALFORMED')
    conn.sendBytes(Uint8Array.of(0xff, 0xfe, 0x00))
    const notUtf8 = await conn.ask('{"type":"ping"}')
    // Replies come in order: the bad bytes' error first, then the pong.
    expect(errorCode(notUtf8)).toBe('MALFORMED')
    expect(snapshot(engine.db)).toBe(before)
    conn.close()
  })
  it('logs the refusals by code without the message text', () => {
    const refusals = log.lines.filter((l) => l.includes('listener.refused'))
    expect(refusals.length).toBeGreaterThan(5)
    expect(log.lines.join('\n')).not.toContain('a'.repeat(100))
  })
})

describe('PosEngine: replays and autopay', () => {
  it('returns the stored confirmation for a replayed receipt_id, and refuses a conflicting one', async () => {
    const payer = newPayer()
    const c = await startCheckout(3000)
    const conn = await connectPayer(payer, to())
    const r = receiptFor(payer, merchant, {
      receiptId: `rcpt_${toHex(systemRng(8))}`,
      methodId: 'onchain',
      amount: '3000',
      metadata: { checkout_id: c.checkout.checkout_id },
    })
    const first = await conn.ask(requestReceipt(r, 'rust'))
    const again = await conn.ask(requestReceipt(r, 'rust'))
    expect(JSON.stringify(again.message)).toBe(JSON.stringify(first.message))
    expect(
      engine.db.get('SELECT COUNT(*) AS n FROM receipts WHERE checkout_id = ?', c.checkout.checkout_id),
    ).toEqual({ n: 1 })
    // Another receipt id for the same checkout is refused (the invoice is single-use).
    const other = await conn.ask(requestReceipt({ ...r, receiptId: `${r.receiptId}b` }, 'rust'))
    expect(errorCode(other)).toBe('CHECKOUT_TAKEN')
    conn.close()
  })

  it('issues a fresh BOLT11 for autopay_{request_id} and marks the request paid on proof', async () => {
    const payer = newPayer()
    const outbox = new OutboxRepo(engine.db)
    const now = clock.now()
    const requestId = `req_${toHex(systemRng(8))}`
    outbox.insert(
      {
        request_id: requestId,
        recipient: payer.z32,
        kind: 'invoice',
        subscription_id: null,
        amount: '4200',
        currency: 'SAT',
        amount_sats: 4200,
        method: 'lightning',
        description: 'March plan',
        created_at: now,
      },
      now,
    )
    outbox.markPublished(requestId, Math.floor(now / 1000) + 3600, now)
    const conn = await connectPayer(payer, to(), { generation: '1.2.0' })
    const r = receiptFor(payer, merchant, {
      receiptId: `autopay_${requestId}`,
      methodId: 'lightning',
      amount: '4200',
    })
    // Someone else quoting the request is refused.
    const thief = newPayer()
    const tconn = await connectPayer(thief, to())
    expect(errorCode(await tconn.ask(requestReceipt({ ...r, payer: thief.ed25519Public }, 'rust')))).toBe(
      'REQUEST_NOT_YOURS',
    )
    tconn.close()
    expect(errorCode(await conn.ask(requestReceipt({ ...r, amount: '4200.0' }, 'rust')))).toBe(
      'AMOUNT_MISMATCH',
    )

    const m = meta(await conn.ask(requestReceipt(r, 'rust')))
    expect(m['request_id']).toBe(requestId)
    const bolt11 = m['bolt11'] as string
    expect(bolt11.startsWith('lnbcrt42')).toBe(true)
    const paid = engine.simulators!.lightning.pay(bolt11)
    preimages.push(paid.preimage)
    const s = meta(
      await conn.ask(
        requestReceipt(
          { ...r, metadata: { payment_proof: lightningProof(paid.preimage, paid.paymentHash) } },
          'rust',
        ),
      ),
    )
    expect((s['settlement'] as JsonObject)['status']).toBe('paid')
    expect(outbox.get(requestId)?.state).toBe('paid')
    conn.close()
  })

  it('answers ping in kind and refuses messages the merchant does not take', async () => {
    const conn = await connectPayer(newPayer(), to())
    const pong = await conn.ask('{"type":"ping"}')
    expect(pong.message.type).toBe('Pong')
    const offer = await conn.ask('{"type":"OfferPrivateEndpoints","payload":{"methods":[]}}')
    expect(errorCode(offer)).toBe('UNSUPPORTED_MESSAGE')
    conn.close()
  })
})

describe('PosEngine: requests and billing through the homeserver', () => {
  it('publishes a sealed request (real PUT) the customer can open, and answers its autopay receipt', async () => {
    await expect(
      engine.requestsSend({ to: me.merchant, amountSats: 1, method: 'lightning' }),
    ).rejects.toMatchObject({
      code: 'invalid-input',
    })
    // A customer with a homeserver account and a /noise record, as a Paykit wallet has.
    const customer = newPayer(0x77)
    const z32 = await gateway.signup(customer.ed25519Secret, node.homeserverPublicKey)
    const writer = new GatewayWriter(gateway, z32)
    await publishNoiseEndpoint(writer, {
      host: '127.0.0.1',
      port: 1,
      publicKey: nativeProvider.x25519PublicKey(customer.x25519Secret),
    })
    const sent = await engine.requestsSend({
      to: z32,
      amountSats: 1234,
      method: 'lightning',
      description: 'tab',
    })
    expect(sent.state).toBe('published')
    expect((await engine.requestsOut()).some((r) => r.request_id === sent.request_id)).toBe(true)
    // The sealed record is really on the merchant's homeserver, and opens for the customer.
    const reader = new HttpPubkyReader({ homeserverUrl: () => node.homeserverUrl })
    const polled = await pollInbox([me.merchant], {
      reader,
      identity: customer.ed25519Public,
      noiseKeys: [customer.x25519Secret],
      dedupe: new MemoryRequestDedupe(),
      clock: systemClock,
    })
    expect(polled.requests.map((q) => [q.requestId, q.view.amount.toString(), q.view.method])).toEqual([
      [sent.request_id, '1234', 'lightning'],
    ])
    // The customer's wallet answers with autopay_{request_id}: a fresh invoice for exactly that.
    const conn = await connectPayer(customer, to())
    const r = receiptFor(customer, merchant, {
      receiptId: `autopay_${sent.request_id}`,
      methodId: 'lightning',
      amount: '1234',
    })
    const m = meta(await conn.ask(requestReceipt(r, 'mobile-builder')))
    expect(m['request_id']).toBe(sent.request_id)
    expect(paymentHashOf(m['bolt11'] as string)).toMatch(/^[0-9a-f]{64}$/)
    conn.close()
    expect(events.some((e) => e.name === 'request')).toBe(true)
    // The merchant's own inbox: polling its contacts (the customer) finds nothing addressed to it.
    engine.db.run(
      'INSERT INTO contacts (pubkey, name, note, created_at, updated_at) VALUES (?, NULL, NULL, ?, ?)',
      z32,
      0,
      0,
    )
    expect(await engine.requestsPoll()).toEqual({ received: 0, rejected: 0 })
  })

  it('runs billing on demand and reports completion', async () => {
    let complete = 0
    const off = engine.events.on('billing:complete', () => complete++)
    const summary = await engine.billingRun()
    off()
    expect(summary.publishFailed).toBe(0)
    expect(complete).toBe(1)
    const view = await engine.subscribersView()
    expect(view.mrrSats).toBe(0)
    expect(view.subscribers).toEqual([])
  })
})

describe('PosEngine: status and directory', () => {
  it('reports the listener and publishes /noise with the real port', async () => {
    const s = await engine.listenerStatus()
    expect(s.accepting).toBe(true)
    expect(s.port).toBe(me.port)
    expect(s.handshakes.ok).toBeGreaterThan(10)
    expect(s.patterns).toEqual(['IK', 'IK-raw', 'N', 'NN', 'XX'])
    const methods = await engine.directoryMethods()
    expect(methods.map((m) => m.methodId).sort()).toEqual(['lightning', 'onchain'])
    await expect(
      engine.directoryAddMethod('onchain', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'),
    ).rejects.toMatchObject({
      code: 'wrong-network',
    })
    expect(utf8(me.noisePubkey).length).toBe(64)
  })
})

describe('PosEngine: logs carry no secrets', () => {
  it('no identity secret, Noise static secret, derived seed or preimage appears in hex or base64', () => {
    const secret = new Uint8Array(32).fill(0x41)
    const noise = deriveX25519Static(secret, me.deviceId, nativeProvider)
    const nodeKey = nativeProvider.hkdf(
      'sha256',
      secret,
      utf8('paykit-pos/sim-lightning-node/v1'),
      utf8(me.deviceId),
      32,
    )
    const walletSeed = nativeProvider.hkdf(
      'sha256',
      secret,
      utf8('paykit-pos/demo-wallet/v1'),
      utf8(me.deviceId),
      32,
    )
    const secrets = [secret, noise.secretKey, nodeKey, walletSeed, ...preimages.map((p) => fromHex(p))]
    expect(preimages.length).toBeGreaterThanOrEqual(2)
    const text = log.lines.join('\n')
    expect(log.lines.length).toBeGreaterThan(50)
    let forms = 0
    for (const s of secrets) {
      const b64 = Buffer.from(s).toString('base64')
      for (const form of [toHex(s), toHex(s).toUpperCase(), b64, b64.replace(/=+$/, ''), toBase64Url(s)]) {
        // A 16-character window of each encoding is enough to catch a leak, even truncated.
        expect(text).not.toContain(form.slice(0, 16))
        forms++
      }
    }
    expect(forms).toBe(secrets.length * 5)
  })
})
