// The engine screens' stores against a fake window.pos (the bridge is the renderer's boundary: the
// main process does not run in jsdom). Each test checks what the store sent and what it shows.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestingPinia } from '@pinia/testing'
import { setActivePinia } from 'pinia'
import type { CheckoutSession, ReceiptRow, SubscribersModel } from '@shared/domain/checkout'
import { useCheckoutStore } from '@renderer/stores/checkout'
import { useEngineStore } from '@renderer/stores/engine'
import { dateInputToMs, useReceiptsStore } from '@renderer/stores/receipts'
import { useRequestsStore } from '@renderer/stores/requests'
import { useSubscribersStore } from '@renderer/stores/subscribers'
import { fail, installFakePos, ok } from './fake-pos'

const KEY = 'o1gg96ewuojmopcjbz8895478wdtxtzzuxnfjjz8o8e77csa1ngo'
const session: CheckoutSession = {
  checkoutId: 'chk_1',
  qr: `pubky://${KEY}?paykit=checkout&id=chk_1`,
  amountMinor: 2100,
  tipMinor: 0,
  totalMinor: 2100,
  currency: 'SAT',
  createdAt: 1,
  expiresAt: Date.now() + 60_000,
  lightningInvoice: 'lnbcrt21u1xyz',
  onchainAddress: 'bcrt1qzatxkwtzwyn4ukrw8hltzty73pwjd6j2t4xnsk',
  endpoint: { merchant: KEY, host: '127.0.0.1', port: 1 },
}
const receipt: ReceiptRow = {
  receiptId: 'rcpt_1',
  payer: KEY,
  checkoutId: 'chk_1',
  subscriptionId: null,
  requestId: null,
  method: 'Lightning',
  amountSats: 2100,
  tipSats: 0,
  memo: null,
  createdAt: 5,
  proofVerified: true,
}
const model = (mrr: number): SubscribersModel => ({
  subscribers: [],
  mrrSats: mrr,
  churn: { activeAtStart: 0, churned: 0, rate: 0 },
})

beforeEach(() => setActivePinia(createTestingPinia({ createSpy: vi.fn, stubActions: false })))
afterEach(() => delete (window as { pos?: unknown }).pos)

describe('checkout store with the engine', () => {
  it('charge → awaiting; partial payment shown; PAID only for its own checkout; expired and cancelled states', async () => {
    const fake = installFakePos({
      'checkout:start': () => ok(session),
      'checkout:cancel': () => ok({ checkoutId: 'chk_1', state: 'cancelled' }),
    })
    const c = useCheckoutStore()
    const stop = c.listen()
    c.press('2')
    c.press('1')
    c.press('00')
    expect(await c.charge()).toBe(true)
    expect(c.phase).toBe('awaiting')
    expect(fake.calls.at(-1)).toEqual({
      command: 'checkout:start',
      request: { amountMinor: 2100, tipMinor: 0, currency: 'SAT', memo: '' },
    })
    fake.emit('checkout:changed', { checkoutId: 'chk_1', state: 'open', receivedSats: 1000 })
    expect(c.receivedSats).toBe(1000)
    fake.emit('checkout:paid', {
      checkoutId: 'chk_other',
      totalMinor: 1,
      currency: 'SAT',
      paidAt: 1,
      method: 'x',
      receiptId: 'r',
    })
    expect(c.phase).toBe('awaiting')
    fake.emit('checkout:expired', { checkoutId: 'chk_1' })
    expect(c.phase).toBe('expired')
    c.newSale()
    c.press('5')
    await c.charge()
    fake.emit('checkout:changed', { checkoutId: 'chk_1', state: 'cancelled', receivedSats: 0 })
    expect(c.phase).toBe('cancelled')
    c.newSale()
    c.press('5')
    await c.charge()
    fake.emit('checkout:paid', {
      checkoutId: 'chk_1',
      totalMinor: 2100,
      currency: 'SAT',
      paidAt: 9,
      method: 'Lightning',
      receiptId: 'rcpt_1',
    })
    expect(c.phase).toBe('paid')
    expect(c.paid?.receiptId).toBe('rcpt_1')
    stop()
  })

  it('a cancel that loses the race to a payment keeps the sale (the PAID event decides)', async () => {
    installFakePos({
      'checkout:start': () => ok(session),
      'checkout:cancel': () => fail('conflict', 'The checkout is already paid.'),
      'checkout:get': () => ok({ checkoutId: 'chk_1', state: 'paid' }),
    })
    const c = useCheckoutStore()
    c.press('5')
    await c.charge()
    await c.cancel()
    expect(c.session?.checkoutId).toBe('chk_1')
    expect(c.error?.code).toBe('conflict')
  })
})

describe('engine store', () => {
  it('hydrates only once running, and keeps the engine’s refusal beside the method it concerns', async () => {
    let state = 'starting'
    const fake = installFakePos({
      'engine:status': () => ok({ state, problem: null }),
      'engine:identity': () => ok({ publicKey: KEY }),
      'engine:listener': () => ok({ host: '127.0.0.1', port: 9 }),
      'directory:methods': () => ok([{ methodId: 'lightning', endpoint: 'lnbcrt1', label: 'Lightning' }]),
      'directory:add-method': (r) =>
        (r as { methodId: string }).methodId === 'onchain'
          ? fail('invalid-input', 'Address is for mainnet, expected regtest')
          : ok([{ methodId: 'lnurl', endpoint: 'a@b.co', label: 'LNURL / Lightning address' }]),
    })
    const e = useEngineStore()
    const stop = e.listen()
    await e.hydrate()
    expect(e.running).toBe(false)
    expect(fake.calls.map((c) => c.command)).toEqual(['engine:status'])
    state = 'running'
    fake.emit('engine:status', { state: 'running', problem: null })
    await vi.waitFor(() => expect(e.methods).toHaveLength(1))
    expect(e.listener?.port).toBe(9)
    expect(await e.addMethod({ methodId: 'onchain', endpoint: 'bc1q…' })).toBe(false)
    expect(e.methodErrors['onchain']).toMatch(/mainnet/)
    expect(e.methods).toHaveLength(1)
    expect(await e.addMethod({ methodId: 'lnurl', endpoint: 'a@b.co' })).toBe(true)
    expect(e.methods[0]?.methodId).toBe('lnurl')
    expect(e.methodErrors['onchain']).toMatch(/mainnet/)
    stop()
  })
})

describe('receipts store', () => {
  it('sends the search with a local-day date range, pages on, exports and sums up the day', async () => {
    const fake = installFakePos({
      'receipts:search': (r) =>
        ok({ items: [receipt], cursor: (r as { cursor: string | null }).cursor ? null : 'c1' }),
      'receipts:export-csv': () => ok({ fileName: 'r.csv', csv: 'h\nrow', rows: 1 }),
      'receipts:summary': () => ok({ count: 1 }),
    })
    const r = useReceiptsStore()
    r.text = '  coffee '
    r.fromDate = '2026-11-01'
    r.toDate = '2026-11-02'
    await r.load()
    const sent = fake.calls[0]!.request as { text: string; from: number; to: number; cursor: null }
    expect(sent.text).toBe('coffee')
    expect(sent.from).toBe(new Date(2026, 10, 1).getTime())
    expect(sent.to).toBe(new Date(2026, 10, 3).getTime())
    expect(r.cursor).toBe('c1')
    await r.load(true)
    expect(r.items).toHaveLength(2)
    expect((fake.calls[1]!.request as { cursor: string }).cursor).toBe('c1')
    expect((await r.exportCsv())?.rows).toBe(1)
    await r.loadSummary(new Date(2026, 10, 1, 15).getTime())
    const sum = fake.calls.at(-1)!.request as { from: number; to: number; tzOffsetMinutes: number }
    expect(sum.to - sum.from).toBe(86_400_000)
    expect(sum.from).toBe(new Date(2026, 10, 1).getTime())
    expect(dateInputToMs('not a date')).toBeNull()
  })

  it('keeps the error of a refused export (cashier mode) and changes nothing', async () => {
    installFakePos({ 'receipts:export-csv': () => fail('forbidden', 'Not available in cashier mode.') })
    const r = useReceiptsStore()
    expect(await r.exportCsv()).toBeNull()
    expect(r.error?.code).toBe('forbidden')
    expect(r.items).toEqual([])
  })
})

describe('subscribers store', () => {
  it('billing progress events drive the bar; the run ends at 100% with its summary; MRR history grows', async () => {
    let release: () => void = () => undefined
    const fake = installFakePos({
      'subscribers:view': () => ok(model(30_000)),
      'subscribers:bill': () =>
        new Promise((resolve) => {
          release = () =>
            resolve(
              ok({
                periodsCreated: 1,
                published: 1,
                publishFailed: 0,
                reminded: 0,
                endedUnpaid: 0,
                cancelled: 0,
              }),
            )
        }),
      'subscribers:propose': () => fail('invalid-input', 'publishes no Noise endpoint'),
    })
    const s = useSubscribersStore()
    const stop = s.listen()
    await s.load()
    const running = s.bill()
    fake.emit('billing:progress', { phase: 'publish', done: 1, total: 4, finished: false })
    expect(s.progressPercent).toBe(25)
    expect(s.billing).toBe(true)
    release()
    expect(await running).toBe(true)
    expect(s.progressPercent).toBe(100)
    expect(s.lastRun?.published).toBe(1)
    expect(s.mrrHistory).toEqual([30_000, 30_000])
    expect(
      await s.propose({
        subscriber: KEY,
        amountSats: 1,
        frequency: { kind: 'daily' },
        method: 'lightning',
        description: 'x',
      }),
    ).toBe(false)
    expect(s.proposeError?.message).toMatch(/Noise endpoint/)
    stop()
  })
})

describe('requests store', () => {
  it('a sent request goes on top; a refusal is kept for the form', async () => {
    installFakePos({
      'requests:send': (r) =>
        (r as { amountSats: number }).amountSats > 1000
          ? fail('invalid-input', '"onchain" is not one of the methods this shop publishes')
          : ok({ requestId: 'req_2', state: 'published' }),
    })
    const q = useRequestsStore()
    q.outgoing = [{ requestId: 'req_1' } as never]
    expect(await q.send({ to: KEY, amountSats: 5, method: 'lightning', description: '' })).toBe(true)
    expect(q.outgoing.map((r) => r.requestId)).toEqual(['req_2', 'req_1'])
    expect(await q.send({ to: KEY, amountSats: 5000, method: 'onchain', description: '' })).toBe(false)
    expect(q.sendError?.message).toMatch(/not one of the methods/)
  })
})
