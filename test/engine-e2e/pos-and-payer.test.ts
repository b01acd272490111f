// Issue 4 end to end: the POS engine and the customer's wallet as separate processes over real
// sockets (see harness.ts). The customer is the real `paykit` CLI; the POS is PosEngine in its own
// process, driven through its control endpoint as a cashier would. Lightning and the chain are the
// engine's loopback simulators (the boundary this machine cannot run).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, control, json, jsonError, payer, startStage, stopStage, type Stage } from './harness'

const DAY = 86_400_000
let s: Stage
let root: string

interface CheckoutStarted {
  uri: string
  checkout: { checkout_id: string }
}
interface PayOut {
  status: string
  checkoutState: string | null
  checkoutId: string | null
  receiptId: string
  method: string
  pattern: string
  generation: string
  dialect: string
  framing: string
  transport: string
  proof: { type: string; value: string }
  settlement: Record<string, unknown>
  proves: { provesPayer: boolean; twoWay: boolean }
}
type Row = Record<string, unknown>

const checkout = (sats: number): Promise<CheckoutStarted> =>
  call<CheckoutStarted>(s.pos, 'checkoutStart', { amountSats: sats, memo: 'e2e' })
const sql = (query: string, ...params: unknown[]): Promise<Row[]> =>
  control<Row[]>(s.pos, { op: 'sql', query, params })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'paykit-e2e-'))
  s = await startStage(root)
  // The payer publishes its Noise key (merchants seal requests and proposals to it).
  const pub = await payer(s, ['directory', 'publish', '--noise', '127.0.0.1:9', '--network', 'regtest'], {
    sim: false,
  })
  expect(pub.code, pub.stderr).toBe(0)
}, 120_000)

afterAll(async () => {
  await stopStage(s)
  rmSync(root, { recursive: true, force: true })
}, 60_000)

describe('checkouts paid by the CLI wallet', () => {
  it(
    'a Lightning checkout: receipt, BOLT11 paid, preimage proven, checkout paid on the POS',
    { timeout: 60_000 },
    async () => {
      const c = await checkout(2100)
      const r = await payer(s, ['pay', c.uri, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = json<PayOut>(r)
      expect(out.status).toBe('paid')
      expect(out.checkoutState).toBe('paid')
      expect(out.pattern).toBe('IK')
      expect(out.proof.type).toBe('lightning_preimage')
      const row = await call<Row>(s.pos, 'checkoutGet', c.checkout.checkout_id)
      expect(row['state']).toBe('paid')
      const receipt = await call<Row>(s.pos, 'receiptsGet', out.receiptId)
      expect(receipt['payer']).toBe(s.payer)
      expect(receipt['proof_type']).toBe('lightning_preimage')
      expect(receipt['proof_value']).toBe(out.proof.value)
      expect(receipt['checkout_id']).toBe(c.checkout.checkout_id)
    },
  )

  it(
    'an on-chain checkout: address paid, txid proven against the chain, checkout paid',
    { timeout: 60_000 },
    async () => {
      const c = await checkout(3000)
      const r = await payer(s, ['pay', c.uri, '--method', 'onchain', '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = json<PayOut>(r)
      expect(out.status).toBe('paid')
      expect(out.proof.type).toBe('bitcoin_txid')
      expect(out.proof.value).toMatch(/^[0-9a-f]{64}$/)
      expect(out.settlement['paid_sats']).toBe(3000)
      const row = await call<Row>(s.pos, 'checkoutGet', c.checkout.checkout_id)
      expect(row['state']).toBe('paid')
      expect(row['received_sats']).toBe(3000)
    },
  )

  it('paying the same checkout again is refused and moves no money', { timeout: 60_000 }, async () => {
    const c = await checkout(1200)
    const first = await payer(s, ['pay', c.uri, '--json'])
    expect(first.code, first.stderr).toBe(0)
    const again = await payer(s, ['pay', c.uri, '--json'])
    expect(again.code).toBe(2)
    expect(jsonError(again).code).toMatch(/CHECKOUT_(TAKEN|CLOSED)/)
    const receipts = await sql(
      'SELECT receipt_id FROM receipts WHERE checkout_id = ?',
      c.checkout.checkout_id,
    )
    expect(receipts).toHaveLength(1)
  })

  it(
    'a receipt in every dialect and every identity generation (and over WebSocket)',
    { timeout: 180_000 },
    async () => {
      let n = 0
      for (const generation of ['0.8.0', '1.1.0', '1.2.0'])
        for (const dialect of ['rust', 'builder', 'flat']) {
          const c = await checkout(1000 + n)
          const r = await payer(s, ['pay', c.uri, '--generation', generation, '--dialect', dialect, '--json'])
          expect(r.code, `${generation}/${dialect}: ${r.stderr}`).toBe(0)
          const out = json<PayOut>(r)
          expect(out.checkoutState).toBe('paid')
          const receipt = await call<Row>(s.pos, 'receiptsGet', out.receiptId)
          const wire = { rust: 'rust', builder: 'mobile-builder', flat: 'mobile-flat' }[dialect]
          expect(receipt['peer_dialect']).toBe(wire)
          expect(receipt['peer_generation']).toBe(generation)
          n++
        }
      expect(n).toBe(9)
      const c = await checkout(1500)
      const ws = await payer(s, [
        'pay',
        c.uri,
        '--transport',
        'ws',
        '--generation',
        '1.2.0',
        '--dialect',
        'flat',
        '--json',
      ])
      expect(ws.code, ws.stderr).toBe(0)
      expect(json<PayOut>(ws)).toMatchObject({ transport: 'ws', framing: 'raw', checkoutState: 'paid' })
    },
  )
})

describe('patterns other than IK', () => {
  it(
    'IK-raw: the payer is authenticated by its published 0.8.0 key binding, and the sale is paid',
    { timeout: 60_000 },
    async () => {
      // beforeAll ran `paykit directory publish --noise …`: /pub/noise.app/v0/{device} binds the
      // payer's Noise key to its pubky. IK-raw sends no identity payload; the POS reads that binding.
      const c = await checkout(900)
      const r = await payer(s, ['pay', c.uri, '--pattern', 'ik-raw', '--json'])
      expect(r.code, r.stderr).toBe(0)
      expect(json<PayOut>(r)).toMatchObject({ pattern: 'IK-raw', checkoutState: 'paid' })
      const row = await call<Row>(s.pos, 'checkoutGet', c.checkout.checkout_id)
      expect(row['state']).toBe('paid')
      expect(row['received_sats']).toBe(900)
    },
  )

  it(
    'NN and XX 0.8.0 prove no payer identity: the POS refuses a receipt, nothing is paid',
    { timeout: 90_000 },
    async () => {
      for (const pattern of ['nn', 'xx']) {
        const c = await checkout(800)
        const r = await payer(s, ['pay', c.uri, '--pattern', pattern, '--json'])
        expect(r.code, pattern).toBe(2)
        expect(jsonError(r).code).toBe('UNAUTHENTICATED')
        const row = await call<Row>(s.pos, 'checkoutGet', c.checkout.checkout_id)
        expect(row['state']).toBe('open')
        expect(row['received_sats']).toBe(0)
      }
    },
  )

  it(
    'N pays an anonymous donation to the published address and notifies one-way',
    { timeout: 60_000 },
    async () => {
      const r = await payer(s, [
        'pay',
        s.pos.merchant,
        '--amount',
        '777',
        '--anonymous',
        '--method',
        'onchain',
        '--json',
      ])
      expect(r.code, r.stderr).toBe(0)
      const out = json<PayOut & { notified: boolean }>(r)
      expect(out.pattern).toBe('N')
      expect(out.proves).toMatchObject({ provesPayer: false, twoWay: false })
      expect(out.notified).toBe(true)
      expect(out.proof.value).toMatch(/^[0-9a-f]{64}$/)
      // The POS recorded nothing under our identity.
      expect(await sql('SELECT receipt_id FROM receipts WHERE amount = ?', '777')).toHaveLength(0)
    },
  )

  it(
    'N cannot pay a checkout (no reply to carry its invoice): refused before anything is sent',
    { timeout: 30_000 },
    async () => {
      const c = await checkout(900)
      const r = await payer(s, ['pay', c.uri, '--pattern', 'n', '--json'])
      expect(r.code).toBe(1)
      expect(jsonError(r).code).toBe('usage')
    },
  )
})

describe('sealed payment requests, both directions', () => {
  it(
    'POS → wallet: a request sealed to the payer is listed by `paykit requests`',
    { timeout: 60_000 },
    async () => {
      const sent = await call<Row>(s.pos, 'requestsSend', {
        to: s.payer,
        amountSats: 700,
        method: 'lightning',
        description: 'Table 4',
      })
      const r = await payer(s, ['requests', '--from', s.pos.merchant, '--json'], { sim: false })
      expect(r.code, r.stderr).toBe(0)
      const out = json<{ requests: Row[]; rejected: Row[] }>(r)
      const mine = out.requests.find((q) => q['requestId'] === sent['request_id'])
      expect(mine).toMatchObject({ sender: s.pos.merchant, status: 'active', amount: '700', state: 'open' })
      expect(mine?.['description']).toBe('Table 4')
    },
  )
})

describe('a subscription: proposed by the POS, accepted by the CLI, billed and autopaid, cancelled', () => {
  let subId: string
  const autopay = (...extra: string[]) => payer(s, ['autopay', '--once', '--json', ...extra])
  const itemsOf = (r: Awaited<ReturnType<typeof autopay>>) => json<{ items: Row[] }>(r).items
  const lastRequest = async (): Promise<Row> => {
    const out = await call<Row[]>(s.pos, 'requestsOut')
    return out
      .filter((q) => q['subscription_id'] === subId)
      .sort((a, b) => Number(b['created_at']) - Number(a['created_at']))[0]!
  }

  it('the proposal is listed and accepted; the POS imports the agreement', { timeout: 90_000 }, async () => {
    const p = await call<{ subscriptionId: string }>(s.pos, 'subscribersPropose', {
      subscriber: s.payer,
      amountSats: 1000,
      frequency: 'daily',
      method: 'lightning',
      description: 'Coffee club',
    })
    subId = p.subscriptionId
    const list = await payer(s, ['subscribe', 'list', '--from', s.pos.merchant, '--json'], { sim: false })
    expect(list.code, list.stderr).toBe(0)
    expect(json<{ proposals: Row[] }>(list).proposals).toContainEqual(
      expect.objectContaining({ id: subId, amount: '1000', acceptable: true }),
    )
    const acc = await payer(s, ['subscribe', 'accept', subId, '--from', s.pos.merchant, '--json'], {
      sim: false,
    })
    expect(acc.code, acc.stderr).toBe(0)
    expect(json<{ paths: string[] }>(acc).paths).toHaveLength(2)
    // The engine's own subscriber sync (the payer is polled because the POS proposed to it).
    const synced = await call<{ imported: string[]; rejected: unknown[] }>(s.pos, 'subscribersSync')
    expect(synced.imported).toEqual([subId])
    expect(synced.rejected).toEqual([])
    const again = await call<{ imported: string[] }>(s.pos, 'subscribersSync')
    expect(again.imported).toEqual([])
    const subs = await call<Row[]>(s.pos, 'subscribersList')
    expect(subs.find((x) => x['subscription_id'] === subId)?.['state']).toBe('active')
  })

  it(
    'with no peer cap nothing is paid; periods 1 and 2 are paid within the caps',
    { timeout: 120_000 },
    async () => {
      await call(s.pos, 'billingRun')
      const p1 = await lastRequest()
      const noCap = await autopay('--max-per-payment', '1500')
      expect(noCap.code, noCap.stderr).toBe(0)
      expect(itemsOf(noCap)).toContainEqual(
        expect.objectContaining({ requestId: p1['request_id'], outcome: 'refused', reason: 'no-peer-limit' }),
      )

      const r1 = await autopay('--peer-cap', `${s.pos.merchant}=2500/weekly`)
      expect(r1.code, r1.stderr).toBe(0)
      expect(itemsOf(r1)).toContainEqual(
        expect.objectContaining({ requestId: p1['request_id'], outcome: 'paid' }),
      )
      expect((await lastRequest())['state']).toBe('paid')

      await control(s.pos, { op: 'advance', ms: DAY })
      await call(s.pos, 'billingRun')
      const p2 = await lastRequest()
      expect(p2['request_id']).not.toBe(p1['request_id'])
      const r2 = await autopay()
      expect(itemsOf(r2)).toContainEqual(
        expect.objectContaining({ requestId: p2['request_id'], outcome: 'paid' }),
      )
      // Never twice: the earlier request, if still listed, is reported already paid.
      expect(
        itemsOf(r2).filter((i) => i['requestId'] === p1['request_id'] && i['outcome'] === 'paid'),
      ).toHaveLength(0)
      const receipts = await sql(
        "SELECT receipt_id FROM receipts WHERE receipt_id LIKE 'autopay_%' AND payer = ?",
        s.payer,
      )
      expect(receipts).toHaveLength(2)
    },
  )

  it(
    'period 3 is refused above the per-payment maximum and the peer cap, then paid once the cap is raised',
    { timeout: 120_000 },
    async () => {
      await control(s.pos, { op: 'advance', ms: DAY })
      await call(s.pos, 'billingRun')
      const p3 = await lastRequest()
      const overMax = await autopay('--max-per-payment', '500')
      expect(itemsOf(overMax)).toContainEqual(
        expect.objectContaining({
          requestId: p3['request_id'],
          outcome: 'refused',
          reason: 'over-max-per-payment',
        }),
      )
      const overCap = await autopay('--max-per-payment', '1500')
      expect(itemsOf(overCap)).toContainEqual(
        expect.objectContaining({
          requestId: p3['request_id'],
          outcome: 'refused',
          reason: 'peer-limit-exceeded',
        }),
      )
      expect((await lastRequest())['state']).not.toBe('paid')
      const raised = await autopay('--peer-cap', `${s.pos.merchant}=5000/weekly`)
      expect(itemsOf(raised)).toContainEqual(
        expect.objectContaining({ requestId: p3['request_id'], outcome: 'paid' }),
      )
      expect((await lastRequest())['state']).toBe('paid')
      const again = await autopay()
      expect(itemsOf(again).filter((i) => i['outcome'] === 'paid')).toHaveLength(0)
      const caps = json<{ limits: Row[] }>(again).limits
      expect(caps[0]).toMatchObject({ spentSats: 3000, reservedSats: 0, limitSats: 5000 })
    },
  )

  it(
    'wallet → POS: a sealed request from the subscriber is received by the POS',
    { timeout: 60_000 },
    async () => {
      const r = await payer(
        s,
        ['request', s.pos.merchant, '--amount', '900', '--description', 'refund', '--json'],
        { sim: false },
      )
      expect(r.code, r.stderr).toBe(0)
      const id = json<{ requestId: string }>(r).requestId
      const polled = await call<{ received: number }>(s.pos, 'requestsPoll')
      expect(polled.received).toBeGreaterThanOrEqual(1)
      const inbox = await call<Row[]>(s.pos, 'requestsIn')
      expect(inbox).toContainEqual(
        expect.objectContaining({ request_id: id, sender: s.payer, amount: '900' }),
      )
    },
  )

  it(
    'cancelled by the CLI: the next period is refused by autopay and the POS stops billing',
    { timeout: 120_000 },
    async () => {
      const c = await payer(s, ['subscribe', 'cancel', subId, '--reason', 'moving away', '--json'], {
        sim: false,
      })
      expect(c.code, c.stderr).toBe(0)
      // The POS has not read the cancellation yet and bills period 4: the wallet refuses it.
      await control(s.pos, { op: 'advance', ms: DAY })
      await call(s.pos, 'billingRun')
      const p4 = await lastRequest()
      const r = await autopay()
      expect(itemsOf(r)).toContainEqual(
        expect.objectContaining({
          requestId: p4['request_id'],
          outcome: 'refused',
          reason: 'agreement-inactive',
        }),
      )
      const synced = await call<{ cancelled: string[] }>(s.pos, 'subscribersSync')
      expect(synced.cancelled).toEqual([subId])
      const subs = await call<Row[]>(s.pos, 'subscribersList')
      expect(subs.find((x) => x['subscription_id'] === subId)?.['state']).toBe('cancelled')
      await control(s.pos, { op: 'advance', ms: DAY })
      await call(s.pos, 'billingRun')
      expect((await lastRequest())['request_id']).toBe(p4['request_id'])
      const list = await payer(s, ['subscribe', 'list', '--json'], { sim: false })
      expect(json<{ agreements: Row[] }>(list).agreements).toContainEqual(
        expect.objectContaining({ subscriptionId: subId, state: 'cancelled' }),
      )
    },
  )
})
