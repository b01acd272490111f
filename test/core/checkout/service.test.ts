import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { HDKey } from '@scure/bip32'
import { NETWORK, p2wpkh } from '@scure/btc-signer'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { CheckoutService, type CheckoutEvents } from '../../../electron/main/core/checkout/service'
import { PersistentAddressAllocator } from '../../../electron/main/core/checkout/address-allocator'
import type { InvoiceProvider } from '../../../electron/main/core/checkout/ports'
import type { CheckoutPayment } from '../../../electron/main/core/checkout/model'
import { ReceiptBook } from '../../../electron/main/core/receipts/book'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import type { Database } from '../../../electron/main/core/storage/db'

const T0 = Date.UTC(2026, 3, 1, 9)
const MERCHANT = z32Encode(new Uint8Array(32).fill(9))
const XPUB = HDKey.fromMasterSeed(new Uint8Array(32).fill(1)).derive("m/84'/0'/0'").publicExtendedKey
// Real BIP84 receive addresses (core/methods will own this derivation; used here as the port's implementation).
const derive = (xpub: string, index: number): string =>
  p2wpkh(HDKey.fromExtendedKey(xpub).deriveChild(0).deriveChild(index).publicKey!, NETWORK).address!

/**
 * Boundary fake: there is no Lightning node in unit tests. It issues invoices whose payment hash
 * is SHA-256 of a preimage it remembers, so tests can pay them with a real proof.
 */
class FakeInvoices implements InvoiceProvider {
  readonly preimages = new Map<string, string>()
  private n = 0
  async create(r: { amountSats: number; memo: string | null; expirySeconds: number }) {
    const preimage = createHash('sha256').update(`preimage-${++this.n}`).digest('hex')
    const paymentHash = createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex')
    this.preimages.set(paymentHash, preimage)
    return {
      bolt11: `lnbc${r.amountSats}n1fake${this.n}`,
      paymentHash,
      expiresAt: T0 + r.expirySeconds * 1000,
    }
  }
}

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'pos-checkout-'))
  const db: Database = openMerchantDb(join(dir, 'm.db'))
  cleanups.push(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const clock = new ManualClock(T0)
  const invoices = new FakeInvoices()
  const receipts = new ReceiptBook(db)
  const addresses = new PersistentAddressAllocator(db, XPUB, derive)
  const service = new CheckoutService({ db, clock, merchant: MERCHANT, invoices, addresses, receipts })
  const events: string[] = []
  for (const name of [
    'checkout:created',
    'checkout:payment',
    'checkout:paid',
    'checkout:expired',
    'checkout:cancelled',
  ] as const) {
    service.events.on(name, (e: CheckoutEvents[typeof name]) =>
      events.push(`${name}${'effect' in e ? `:${e.effect}` : ''}`),
    )
  }
  return { db, clock, invoices, receipts, addresses, service, events }
}

const lnProof = (s: ReturnType<typeof setup>, hash: string, amountSats: number): CheckoutPayment => ({
  method: 'lightning',
  proofType: 'lightning_preimage',
  proofValue: s.invoices.preimages.get(hash)!,
  paymentHash: hash,
  amountSats,
  verifiedAt: s.clock.now(),
})

describe('checkout service', () => {
  it('creates a checkout with an invoice, a fresh address, fiat display and tip, and persists it', async () => {
    const s = setup()
    const c = await s.service.create({
      amountSats: 12_000,
      tipSats: 1_000,
      fiat: { currency: 'EUR', amount: '7.80', rate: '60000.00' },
      memo: 'Lunch',
      note: 'table 4',
    })
    expect(c).toMatchObject({
      state: 'open',
      amount_sats: 12_000,
      tip_sats: 1_000,
      fiat_currency: 'EUR',
      fiat_amount: '7.80',
      fiat_rate: '60000.00',
      memo: 'Lunch',
      note: 'table 4',
      onchain_address: derive(XPUB, 0),
      expires_at: T0 + 15 * 60_000,
    })
    expect(c.lightning_invoice).toBe('lnbc13000n1fake1')
    expect(s.service.repo.get(c.checkout_id)).toEqual(c)
    expect(s.events).toEqual(['checkout:created'])
  })

  it('never hands out an on-chain address twice, across restarts of the allocator', async () => {
    const s = setup()
    const seen = new Set<string>()
    for (let i = 0; i < 5; i++) seen.add((await s.service.create({ amountSats: 1000 })).onchain_address!)
    const again = new PersistentAddressAllocator(s.db, XPUB, derive)
    expect(again.peek()).toBe(5)
    seen.add(again.next(T0).address)
    expect(seen.size).toBe(6)
    expect([...seen]).toContain(derive(XPUB, 5))
  })

  it('markPaid settles once, writes the receipt, and is idempotent for the same proof', async () => {
    const s = setup()
    const c = await s.service.create({ amountSats: 1000, tipSats: 200, memo: 'Coffee' })
    const proof = lnProof(s, c.lightning_payment_hash!, 1200)
    const first = s.service.markPaid(c.checkout_id, proof)
    expect(first).toMatchObject({ changed: true, effect: 'paid', settled: true })
    const paid = s.service.repo.get(c.checkout_id)!
    expect(paid).toMatchObject({ state: 'paid', received_sats: 1200, payment_status: 'exact', paid_at: T0 })
    expect(s.receipts.repo.get(paid.receipt_id!)).toMatchObject({
      payer: null,
      payee: MERCHANT,
      method_id: 'lightning',
      amount: '1200',
      amount_sats: 1200,
      tip_sats: 200,
      memo: 'Coffee',
      checkout_id: c.checkout_id,
      proof_type: 'lightning_preimage',
      endpoint: c.lightning_invoice,
    })
    s.clock.advance(1000)
    expect(s.service.markPaid(c.checkout_id, proof)).toMatchObject({ changed: false, why: 'duplicate-proof' })
    expect(s.service.repo.get(c.checkout_id)).toEqual(paid)
    expect(() => s.service.markPaid(c.checkout_id, { ...proof, amountSats: 99 })).toThrow(
      expect.objectContaining({ code: 'proof-conflict' }),
    )
    expect(s.db.get('SELECT COUNT(*) AS n FROM receipts')).toEqual({ n: 1 })
    expect(s.events).toEqual(['checkout:created', 'checkout:payment:paid', 'checkout:paid'])
  })

  it('records partial and over-payments and shows them instead of silently marking paid', async () => {
    const s = setup()
    const c = await s.service.create({ amountSats: 10_000, methods: ['onchain'] })
    const pay = (txid: string, amountSats: number): CheckoutPayment => ({
      method: 'onchain',
      proofType: 'bitcoin_txid',
      proofValue: `${txid}:0`,
      amountSats,
      verifiedAt: T0,
    })
    expect(s.service.markPaid(c.checkout_id, pay('aa'.repeat(32), 4_000))).toMatchObject({
      effect: 'partial',
    })
    expect(s.service.repo.get(c.checkout_id)).toMatchObject({
      state: 'open',
      received_sats: 4_000,
      payment_status: 'partial',
    })
    expect(s.db.get('SELECT COUNT(*) AS n FROM receipts')).toEqual({ n: 0 })
    expect(s.service.markPaid(c.checkout_id, pay('bb'.repeat(32), 7_000))).toMatchObject({
      effect: 'overpaid',
      settled: true,
    })
    expect(s.service.repo.get(c.checkout_id)).toMatchObject({
      state: 'paid',
      received_sats: 11_000,
      payment_status: 'over',
    })
    expect(s.service.repo.payments(c.checkout_id)).toHaveLength(2)
  })

  it('sweeps expiries on the injected clock and records late payments without reopening', async () => {
    const s = setup()
    const a = await s.service.create({ amountSats: 1000, ttlMs: 60_000 })
    const b = await s.service.create({ amountSats: 1000, ttlMs: 120_000 })
    s.clock.advance(59_999)
    expect(s.service.expireDue()).toBe(0)
    s.clock.advance(1)
    expect(s.service.expireDue()).toBe(1)
    expect(s.service.repo.get(a.checkout_id)).toMatchObject({ state: 'expired', expired_at: T0 + 60_000 })
    expect(s.service.repo.get(b.checkout_id)!.state).toBe('open')
    const late = s.service.markPaid(a.checkout_id, lnProof(s, a.lightning_payment_hash!, 1000))
    expect(late).toMatchObject({ changed: true, effect: 'late', settled: false })
    expect(s.service.repo.get(a.checkout_id)).toMatchObject({
      state: 'expired',
      late_sats: 1000,
      received_sats: 0,
    })
    expect(s.events.filter((e) => e === 'checkout:expired')).toHaveLength(1)
  })

  it('cancels an open checkout and refuses to cancel a paid one', async () => {
    const s = setup()
    const a = await s.service.create({ amountSats: 1000 })
    expect(s.service.cancel(a.checkout_id, 'customer left')).toMatchObject({
      state: 'cancelled',
      cancel_reason: 'customer left',
    })
    const b = await s.service.create({ amountSats: 1000 })
    s.service.markPaid(b.checkout_id, lnProof(s, b.lightning_payment_hash!, 1000))
    expect(() => s.service.cancel(b.checkout_id)).toThrow(expect.objectContaining({ code: 'already-paid' }))
    expect(() => s.service.cancel('chk_nope')).toThrow(expect.objectContaining({ code: 'unknown-checkout' }))
  })

  it('rejects bad input with a typed error and creates nothing', async () => {
    const s = setup()
    const bad = [
      { amountSats: 0 },
      { amountSats: 1.5 },
      { amountSats: 100, tipSats: -1 },
      { amountSats: 100, fiat: { currency: 'euro', amount: '1', rate: '1' } },
      { amountSats: 100, fiat: { currency: 'EUR', amount: '1,5', rate: '1' } },
      { amountSats: 100, ttlMs: 5 },
      { amountSats: 100, methods: [] },
    ]
    for (const input of bad) {
      await expect(s.service.create(input)).rejects.toMatchObject({ code: 'invalid-checkout' })
    }
    expect(s.db.get('SELECT COUNT(*) AS n FROM checkouts')).toEqual({ n: 0 })
    expect(s.addresses.peek()).toBe(0)
  })
})

describe('default payment methods: what this till can take', () => {
  it('a Lightning-only till charges without naming methods; an unconfigured one says what to set up', async () => {
    const s = setup()
    const lnOnly = new CheckoutService({
      db: s.db,
      clock: s.clock,
      merchant: MERCHANT,
      invoices: s.invoices,
      receipts: s.receipts,
    })
    const c = await lnOnly.create({ amountSats: 1200 })
    expect(c.lightning_invoice).toMatch(/^lnbc1200n1fake/)
    expect(c.onchain_address).toBeNull()

    const chainOnly = new CheckoutService({
      db: s.db,
      clock: s.clock,
      merchant: MERCHANT,
      addresses: s.addresses,
      receipts: s.receipts,
    })
    const d = await chainOnly.create({ amountSats: 1300 })
    expect(d.lightning_invoice).toBeNull()
    expect(d.onchain_address).toBe(derive(XPUB, 0))

    const none = new CheckoutService({ db: s.db, clock: s.clock, merchant: MERCHANT, receipts: s.receipts })
    await expect(none.create({ amountSats: 1 })).rejects.toMatchObject({
      code: 'invalid-checkout',
      message: expect.stringContaining('no payment method is configured'),
    })
    // Asking for a method the till lacks is still refused by name.
    await expect(lnOnly.create({ amountSats: 1, methods: ['onchain'] })).rejects.toMatchObject({
      message: expect.stringContaining('no on-chain wallet'),
    })
  })
})
