/**
 * @module checkout/service
 * Checkout sessions at the counter: create (amount, optional fiat display, memo, note, tip,
 * expiry; a Lightning invoice and a never-reused on-chain address), record verified payments,
 * sweep expiries on an injected clock, cancel. Every transition is persisted in one transaction
 * and only then announced (`checkout:*` events). A settled checkout also writes its receipt to the
 * receipt book in that same transaction, so end-of-day totals include walk-in sales.
 */
import { afterCommit, transact } from '../storage/after-commit'
import type { Database } from '../storage/db'
import type { Clock } from '../util/clock'
import { systemRng, type Rng } from '../util/rng'
import { newId } from '../util/ids'
import { PaykitError, missingCase } from '../util/errors'
import { EventBus } from '../observe/events'
import type { ReceiptBook } from '../receipts/book'
import { CheckoutRepo, type CheckoutRow } from './repo'
import {
  dueSats,
  paymentStatus,
  transition,
  type CheckoutPayment,
  type Effect,
  type RefusalCode,
} from './model'
import type { AddressAllocator, InvoiceProvider } from './ports'

export class CheckoutError extends PaykitError<RefusalCode | 'invalid-checkout' | 'unknown-checkout'> {}

export interface FiatDisplay {
  /** ISO 4217 code, e.g. "EUR". */
  currency: string
  /** Decimal string as shown, e.g. "4.50". */
  amount: string
  /** Decimal string, fiat per BTC, locked for this checkout. */
  rate: string
}

export interface CreateCheckout {
  amountSats: number
  tipSats?: number
  fiat?: FiatDisplay | null
  /** Shown to the customer (Lightning invoice description). */
  memo?: string | null
  /** The cashier's private note. */
  note?: string | null
  /** Validity (default 15 minutes). */
  ttlMs?: number
  methods?: ReadonlyArray<'lightning' | 'onchain'>
  /** The customer's key when known (Paykit wallet). */
  payer?: string | null
}

export type CheckoutEvents = {
  'checkout:created': { checkout: CheckoutRow }
  'checkout:payment': { checkout: CheckoutRow; effect: Effect; amountSats: number }
  'checkout:paid': { checkout: CheckoutRow; overpaidSats: number }
  'checkout:expired': { checkout: CheckoutRow }
  'checkout:cancelled': { checkout: CheckoutRow }
}

export interface CheckoutServiceOptions {
  db: Database
  clock: Clock
  /** The merchant's z32 key (payee on the receipts). */
  merchant: string
  invoices?: InvoiceProvider
  addresses?: AddressAllocator
  receipts?: ReceiptBook
  rng?: Rng
  events?: EventBus<CheckoutEvents>
}

export type PaymentOutcome =
  | {
      changed: true
      effect: Effect
      checkout: CheckoutRow
      /** this payment settled the checkout */ settled: boolean
    }
  | { changed: false; why: 'duplicate-proof' | 'already-closed'; checkout: CheckoutRow }

export interface MarkPaidOptions {
  /**
   * The receipt of record for this sale when one exists already (a Paykit payer's receipt, or the
   * one a watched settlement found): the checkout points at it and no second receipt is written.
   */
  receiptId?: string | null
}

const DECIMAL = /^[0-9]{1,15}(\.[0-9]{1,12})?$/

export class CheckoutService {
  readonly repo: CheckoutRepo
  readonly events: EventBus<CheckoutEvents>
  private readonly o: CheckoutServiceOptions
  private readonly rng: Rng

  constructor(options: CheckoutServiceOptions) {
    this.o = options
    this.repo = new CheckoutRepo(options.db)
    this.events = options.events ?? new EventBus<CheckoutEvents>()
    this.rng = options.rng ?? systemRng
  }

  private require(id: string): CheckoutRow {
    const row = this.repo.get(id)
    if (!row) throw new CheckoutError('unknown-checkout', `no checkout ${id}`)
    return row
  }

  private validate(input: CreateCheckout): void {
    const bad = (m: string): never => {
      throw new CheckoutError('invalid-checkout', m)
    }
    if (!Number.isSafeInteger(input.amountSats) || input.amountSats <= 0)
      bad('the amount must be a positive whole number of sats')
    if (input.tipSats !== undefined && (!Number.isSafeInteger(input.tipSats) || input.tipSats < 0)) {
      bad('the tip must be a whole, non-negative number of sats')
    }
    if (input.fiat) {
      if (!/^[A-Z]{3}$/.test(input.fiat.currency))
        bad('the fiat currency must be a 3-letter ISO code such as EUR')
      if (!DECIMAL.test(input.fiat.amount) || !DECIMAL.test(input.fiat.rate))
        bad('fiat amount and rate must be decimal strings')
    }
    if ((input.memo?.length ?? 0) > 500 || (input.note?.length ?? 0) > 1000)
      bad('the memo or note is too long')
    const ttl = input.ttlMs ?? 15 * 60_000
    if (!Number.isSafeInteger(ttl) || ttl < 10_000 || ttl > 7 * 86_400_000)
      bad('the expiry must be between 10 s and 7 days')
    const methods = this.methodsFor(input)
    if (methods.length === 0 && input.methods === undefined)
      bad('no payment method is configured: connect a Lightning backend or add a watch-only xpub')
    if (methods.length === 0) bad('a checkout needs at least one payment method')
    if (methods.includes('lightning') && !this.o.invoices) bad('no Lightning backend is configured')
    if (methods.includes('onchain') && !this.o.addresses) bad('no on-chain wallet (xpub) is configured')
  }

  /**
   * The methods asked for, or by default every method this till can take: a Lightning-only or
   * on-chain-only till still charges without the cashier naming methods.
   */
  private methodsFor(input: CreateCheckout): ReadonlyArray<'lightning' | 'onchain'> {
    return (
      input.methods ?? [
        ...(this.o.invoices ? (['lightning'] as const) : []),
        ...(this.o.addresses ? (['onchain'] as const) : []),
      ]
    )
  }

  /** Opens a checkout with its payment endpoints. */
  async create(input: CreateCheckout): Promise<CheckoutRow> {
    this.validate(input)
    const now = this.o.clock.now()
    const ttl = input.ttlMs ?? 15 * 60_000
    const methods = this.methodsFor(input)
    const tip = input.tipSats ?? 0
    const invoice = methods.includes('lightning')
      ? await this.o.invoices!.create({
          amountSats: input.amountSats + tip,
          memo: input.memo ?? null,
          expirySeconds: Math.ceil(ttl / 1000),
        })
      : null
    const row = transact(this.o.db, () => {
      // Allocated in the insert's transaction: an address is recorded with its checkout or not at all.
      const onchain = methods.includes('onchain') ? this.o.addresses!.next(now) : null
      const r: CheckoutRow = {
        checkout_id: newId('chk', this.o.clock, this.rng),
        state: 'open',
        amount_sats: input.amountSats,
        tip_sats: tip,
        fiat_currency: input.fiat?.currency ?? null,
        fiat_amount: input.fiat?.amount ?? null,
        fiat_rate: input.fiat?.rate ?? null,
        memo: input.memo ?? null,
        note: input.note ?? null,
        onchain_address: onchain?.address ?? null,
        lightning_invoice: invoice?.bolt11 ?? null,
        lightning_payment_hash: invoice?.paymentHash ?? null,
        received_sats: 0,
        payment_status: 'none',
        late_sats: 0,
        payer: input.payer ?? null,
        receipt_id: null,
        created_at: now,
        expires_at: now + ttl,
        updated_at: now,
        paid_at: null,
        expired_at: null,
        cancelled_at: null,
        cancel_reason: null,
      }
      this.repo.insert(r)
      return r
    })
    afterCommit(this.o.db, () => this.events.emit('checkout:created', { checkout: row }))
    return row
  }

  /**
   * Records a verified payment. Idempotent: the same proof again changes nothing. A conflicting
   * proof is refused with a CheckoutError whose code says why. Partial, over and late payments
   * are recorded and reported, never silently treated as "paid".
   */
  markPaid(checkoutId: string, payment: CheckoutPayment, options: MarkPaidOptions = {}): PaymentOutcome {
    const now = this.o.clock.now()
    const outcome = transact(this.o.db, (): PaymentOutcome => {
      const row = this.require(checkoutId)
      const t = transition(this.repo.facts(row), { type: 'payment', payment })
      switch (t.kind) {
        case 'refused':
          throw new CheckoutError(t.code, t.reason)
        case 'unchanged':
          return { changed: false, why: t.why, checkout: row }
        case 'changed':
          break
        default:
          return missingCase(t)
      }
      const late = t.effect === 'late'
      this.repo.insertPayment({
        checkout_id: checkoutId,
        method: payment.method,
        proof_type: payment.proofType,
        proof_value: payment.proofValue,
        amount_sats: payment.amountSats,
        verified_at: payment.verifiedAt,
        recorded_at: now,
        late: late ? 1 : 0,
      })
      const settles = row.state === 'open' && t.next.state === 'paid'
      // One receipt per sale: the caller's receipt (a Paykit payer's, recorded at intake) is the
      // receipt of record; only without one does a settling payment write the shop's own.
      const given = options.receiptId ?? null
      const writeOwn = settles && given === null && this.o.receipts !== undefined
      const receiptId = writeOwn
        ? newId('rcpt', this.o.clock, this.rng)
        : given !== null && (settles || row.receipt_id === null)
          ? given
          : row.receipt_id
      this.o.db.run(
        `UPDATE checkouts SET state = ?, received_sats = ?, late_sats = ?, payment_status = ?, paid_at = ?, receipt_id = ?,
           updated_at = ? WHERE checkout_id = ?`,
        t.next.state,
        t.next.receivedSats,
        t.next.lateSats,
        paymentStatus(t.next),
        settles ? now : row.paid_at,
        receiptId,
        now,
        checkoutId,
      )
      if (writeOwn && this.o.receipts && receiptId) {
        this.o.receipts.recordConfirmed(
          {
            receiptId,
            payer: row.payer,
            payee: this.o.merchant,
            methodId: payment.method,
            amount: String(t.next.receivedSats),
            currency: 'SAT',
            amountSats: t.next.receivedSats,
            tipSats: row.tip_sats,
            memo: row.memo,
            endpoint: payment.method === 'lightning' ? row.lightning_invoice : row.onchain_address,
            checkoutId,
            proof: { type: payment.proofType, value: payment.proofValue, verifiedAt: payment.verifiedAt },
            createdAt: now,
          },
          now,
        )
      }
      return { changed: true, effect: t.effect, checkout: this.require(checkoutId), settled: settles }
    })
    if (outcome.changed) {
      const c = outcome.checkout
      const overpaidSats = Math.max(0, c.received_sats - dueSats(this.repo.facts(c)))
      // Deferred to the outermost commit: markPaid may run inside a caller's transaction.
      afterCommit(this.o.db, () => {
        this.events.emit('checkout:payment', {
          checkout: c,
          effect: outcome.effect,
          amountSats: payment.amountSats,
        })
        if (outcome.settled) this.events.emit('checkout:paid', { checkout: c, overpaidSats })
      })
    }
    return outcome
  }

  /** Expires every open checkout whose time is up at the clock's `now`; returns how many. */
  expireDue(limit = 500): number {
    const now = this.o.clock.now()
    const expired = transact(this.o.db, () => {
      const out: CheckoutRow[] = []
      for (const id of this.repo.openExpiredIds(now, limit)) {
        const row = this.require(id)
        const t = transition(this.repo.facts(row), { type: 'expire', now })
        if (t.kind !== 'changed') continue
        this.o.db.run(
          `UPDATE checkouts SET state = 'expired', expired_at = ?, updated_at = ? WHERE checkout_id = ? AND state = 'open'`,
          now,
          now,
          id,
        )
        out.push(this.require(id))
      }
      return out
    })
    afterCommit(this.o.db, () => {
      for (const c of expired) this.events.emit('checkout:expired', { checkout: c })
    })
    return expired.length
  }

  cancel(checkoutId: string, reason: string | null = null): CheckoutRow {
    const now = this.o.clock.now()
    const result = transact(this.o.db, () => {
      const row = this.require(checkoutId)
      const t = transition(this.repo.facts(row), { type: 'cancel', now })
      if (t.kind === 'refused') throw new CheckoutError(t.code, t.reason)
      if (t.kind === 'unchanged') return { row, changed: false }
      this.o.db.run(
        `UPDATE checkouts SET state = 'cancelled', cancelled_at = ?, cancel_reason = ?, updated_at = ? WHERE checkout_id = ?`,
        now,
        reason,
        now,
        checkoutId,
      )
      return { row: this.require(checkoutId), changed: true }
    })
    if (result.changed)
      afterCommit(this.o.db, () => this.events.emit('checkout:cancelled', { checkout: result.row }))
    return result.row
  }
}
