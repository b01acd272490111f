/**
 * @module billing/engine
 * The subscriber-billing engine. `runOnce(now)` is safe to call at any time, any number of times,
 * and safe to kill at any instruction:
 *
 * 1. **End** active subscriptions with a period unpaid past their grace (their open requests are
 *    voided, to be deleted from the homeserver in step 6).
 * 2. **Schedule**: for each active or paused subscription, every period from its cursor up to the
 *    one containing `now` gets exactly one `billing_periods` row (INSERT … ON CONFLICT DO NOTHING)
 *    with its payment request id chosen and stored in that same row and the outbox, in the same
 *    transaction as the cursor move. Periods that start while paused get a 'skipped' row and are
 *    never billed later. Nothing is published yet.
 * 3. **Close** subscriptions whose cancel-at-period-end date or signed `ends_at` has passed.
 * 4. **Publish** every 'pending' outbox row through the `RequestPublisher` (an idempotent PUT to a
 *    path fixed by the stored id), then mark it published. A crash between the PUT and the mark
 *    means the next run PUTs the same id again; it can never create a second id for a period.
 * 5. **Remind**: unpaid published periods whose reminder time came are republished (same id,
 *    refreshed expiry) and their next reminder is scheduled.
 * 6. **Remove** paid and voided requests from the homeserver.
 *
 * DB work is batched (`policy.batchSize` rows per transaction) and the event loop is yielded to
 * between batches so the UI stays live during a 10,000-subscriber run.
 */
import { afterCommit, transact } from '../storage/after-commit'
import type { Database } from '../storage/db'
import { EventBus } from '../observe/events'
import type { Logger } from '../observe/logger'
import { newId } from '../util/ids'
import { systemRng, type Rng } from '../util/rng'
import { toPaykitError } from '../util/errors'
import { parseJson } from '../interactive/json'
import { frequencyFromJson, type Frequency } from '../subscriptions/frequency'
import { BillingRepo, type PauseRow, type SubscriptionRow } from './repo'
import { OutboxRepo, type OutboxRow } from './requests-repo'
import type { OutgoingRequest, RequestPublisher } from './ports'
import { calendarSchedule, stubCharge, type BillingSchedule, type ScheduleInput } from './schedule'
import { DEFAULT_POLICY, type BillingPolicy } from './policy'
import { BillingError } from './errors'

export type BillingPhase = 'end-unpaid' | 'schedule' | 'close' | 'publish' | 'remind' | 'remove'

export type BillingEvents = {
  'billing:progress': { phase: BillingPhase; done: number; total: number }
  'billing:subscription-ended': { subscriptionId: string; reason: 'unpaid' | 'term-ended'; at: number }
  'billing:subscription-cancelled': { subscriptionId: string; at: number }
  'billing:period-paid': { subscriptionId: string; periodIndex: number; requestId: string; receiptId: string }
  'billing:run-complete': BillingRunSummary
}

export interface BillingRunSummary {
  now: number
  periodsCreated: number
  periodsSkipped: number
  published: number
  publishFailed: number
  reminded: number
  removed: number
  removeFailed: number
  endedUnpaid: number
  endedTerm: number
  cancelled: number
}

export interface BillingEngineOptions {
  db: Database
  publisher: RequestPublisher
  /** The merchant's (provider's) z32 public key: the `from` of every request. */
  merchant: string
  rng?: Rng
  schedule?: BillingSchedule
  policy?: Partial<BillingPolicy>
  events?: EventBus<BillingEvents>
  logger?: Logger
  /** Most periods one subscription may catch up in one run (the rest follow on the next run). */
  maxPeriodsPerRun?: number
}

const frequencyCache = new Map<string, Frequency>()

/** Parses the stored serde JSON of a frequency (cached: a shop has a handful of distinct plans). */
export function storedFrequency(text: string): Frequency {
  let f = frequencyCache.get(text)
  if (!f) {
    f = frequencyFromJson(parseJson(text, { maxLength: 256 }))
    frequencyCache.set(text, f)
  }
  return f
}

export function scheduleInputOf(sub: SubscriptionRow): ScheduleInput {
  return {
    startsAt: sub.starts_at,
    trialEndsAt: sub.trial_ends_at,
    frequency: storedFrequency(sub.frequency),
  }
}

/** True when `at` falls in a pause window (or the subscription is paused now and `at` is after it began). */
export function pausedAt(sub: SubscriptionRow, pauses: readonly PauseRow[], at: number): boolean {
  if (sub.state === 'paused' && sub.paused_at !== null && at >= sub.paused_at) return true
  return pauses.some((p) => at >= p.paused_at && (p.resumed_at === null || at < p.resumed_at))
}

/** Runs `fn` over `items` with at most `limit` in flight; returns each item's error or null. */
async function settleAll<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<(unknown | null)[]> {
  const out: (unknown | null)[] = new Array<unknown | null>(items.length).fill(null)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      try {
        await fn(items[i]!)
      } catch (e) {
        out[i] = e ?? new Error('publisher failed')
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return out
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class BillingEngine {
  readonly repo: BillingRepo
  readonly outbox: OutboxRepo
  readonly events: EventBus<BillingEvents>
  readonly policy: BillingPolicy
  readonly schedule: BillingSchedule
  private readonly db: Database
  private readonly publisher: RequestPublisher
  private readonly merchant: string
  private readonly rng: Rng
  private readonly logger: Logger | undefined
  private readonly maxPeriodsPerRun: number
  private running = false

  constructor(options: BillingEngineOptions) {
    this.db = options.db
    this.repo = new BillingRepo(options.db)
    this.outbox = new OutboxRepo(options.db)
    this.publisher = options.publisher
    this.merchant = options.merchant
    this.rng = options.rng ?? systemRng
    this.schedule = options.schedule ?? calendarSchedule
    this.policy = { ...DEFAULT_POLICY, ...options.policy }
    this.events = options.events ?? new EventBus<BillingEvents>()
    this.logger = options.logger
    this.maxPeriodsPerRun = options.maxPeriodsPerRun ?? 62
  }

  /** One full billing pass at `now` (ms). Refuses to overlap itself. */
  async runOnce(now: number): Promise<BillingRunSummary> {
    if (this.running) throw new BillingError('invalid-state', 'a billing run is already in progress')
    this.running = true
    try {
      const summary: BillingRunSummary = {
        now,
        periodsCreated: 0,
        periodsSkipped: 0,
        published: 0,
        publishFailed: 0,
        reminded: 0,
        removed: 0,
        removeFailed: 0,
        endedUnpaid: 0,
        endedTerm: 0,
        cancelled: 0,
      }
      this.endUnpaid(now, summary)
      await this.schedulePeriods(now, summary)
      this.closeReached(now, summary)
      await this.publishPending(now, summary)
      await this.sendReminders(now, summary)
      await this.removeSettled(now, summary)
      this.logger?.info('billing.run', { ...summary })
      this.events.emit('billing:run-complete', summary)
      return summary
    } finally {
      this.running = false
    }
  }

  private progress(phase: BillingPhase, done: number, total: number): void {
    this.events.emit('billing:progress', { phase, done, total })
  }

  private endUnpaid(now: number, summary: BillingRunSummary): void {
    const due = this.db.all<{ id: string; end_at: number }>(
      `SELECT p.subscription_id AS id, MIN(p.due_at + s.grace_ms) AS end_at
       FROM billing_periods p JOIN subscriptions s ON s.subscription_id = p.subscription_id
       WHERE p.state IN ('pending', 'published') AND s.state = 'active' AND p.due_at + s.grace_ms <= ?
       GROUP BY p.subscription_id ORDER BY p.subscription_id`,
      now,
    )
    for (let i = 0; i < due.length; i += this.policy.batchSize) {
      const batch = due.slice(i, i + this.policy.batchSize)
      transact(this.db, () => {
        for (const d of batch) {
          this.db.run(
            `UPDATE subscriptions SET state = 'ended', ended_at = ?, end_reason = 'unpaid', updated_at = ?
             WHERE subscription_id = ? AND state = 'active'`,
            d.end_at,
            now,
            d.id,
          )
          this.repo.voidUnpaid(d.id, 'unpaid past grace', now)
        }
      })
      for (const d of batch) {
        summary.endedUnpaid++
        this.events.emit('billing:subscription-ended', {
          subscriptionId: d.id,
          reason: 'unpaid',
          at: d.end_at,
        })
      }
      this.progress('end-unpaid', Math.min(i + batch.length, due.length), due.length)
    }
  }

  private async schedulePeriods(now: number, summary: BillingRunSummary): Promise<void> {
    const states = ['active', 'paused'] as const
    const total = this.repo.countSubscriptions(states)
    let after = ''
    let done = 0
    for (;;) {
      const n = transact(this.db, () => {
        const page = this.repo.pageSubscriptions(states, after, this.policy.batchSize)
        if (page.length === 0) return 0
        const last = page[page.length - 1]!.subscription_id
        const pauses = new Map<string, PauseRow[]>()
        for (const p of this.repo.pausesBetween(page[0]!.subscription_id, last)) {
          const list = pauses.get(p.subscription_id) ?? []
          list.push(p)
          pauses.set(p.subscription_id, list)
        }
        for (const sub of page) this.scheduleOne(sub, pauses.get(sub.subscription_id) ?? [], now, summary)
        after = last
        return page.length
      })
      if (n === 0) break
      done += n
      this.progress('schedule', done, total)
      await yieldToLoop()
    }
  }

  /** Creates the rows for one subscription's due periods. Runs inside the caller's transaction. */
  private scheduleOne(
    sub: SubscriptionRow,
    pauses: readonly PauseRow[],
    now: number,
    summary: BillingRunSummary,
  ): void {
    const input = scheduleInputOf(sub)
    const current = this.schedule.indexAt(input, now)
    let index = sub.next_period_index
    if (current < index) return
    const stopAt = Math.min(sub.cancel_at ?? Infinity, sub.ends_at ?? Infinity)
    const limit = index + this.maxPeriodsPerRun
    for (; index <= current && index < limit; index++) {
      const period = this.schedule.periodAt(input, index)
      if (period.start >= stopAt) break
      if (pausedAt(sub, pauses, period.start)) {
        if (
          this.repo.insertPeriodIfAbsent({
            subscription_id: sub.subscription_id,
            period_index: index,
            period_start: period.start,
            period_end: period.end,
            request_id: null,
            amount: sub.amount,
            amount_sats: sub.amount_sats,
            state: 'skipped',
            due_at: period.start,
            created_at: now,
          })
        )
          summary.periodsSkipped++
        continue
      }
      // A stub period 0 (anchor between billing days) is free by default, or billed its prorated
      // share (policy.stubPeriods); never a whole cycle.
      const cycle = index === 0 ? (this.schedule.stubCycle?.(input) ?? null) : null
      const charge = !cycle
        ? { amount: sub.amount, amountSats: sub.amount_sats }
        : this.policy.stubPeriods === 'prorated'
          ? stubCharge(sub.amount, sub.amount_sats, period, cycle)
          : { amount: '0', amountSats: 0 }
      if (charge.amountSats <= 0) {
        // A free stub, or one too short to cost a whole sat: nothing to request; recorded so the
        // cursor moves on.
        if (
          this.repo.insertPeriodIfAbsent({
            subscription_id: sub.subscription_id,
            period_index: index,
            period_start: period.start,
            period_end: period.end,
            request_id: null,
            amount: charge.amount,
            amount_sats: 0,
            state: 'skipped',
            due_at: period.start,
            created_at: now,
          })
        )
          summary.periodsSkipped++
        continue
      }
      const requestId = newId('req', { now: () => now }, this.rng)
      const created = this.repo.insertPeriodIfAbsent({
        subscription_id: sub.subscription_id,
        period_index: index,
        period_start: period.start,
        period_end: period.end,
        request_id: requestId,
        amount: charge.amount,
        amount_sats: charge.amountSats,
        state: 'pending',
        due_at: period.start,
        created_at: now,
      })
      if (!created) continue
      this.outbox.insert(
        {
          request_id: requestId,
          recipient: sub.subscriber,
          kind: 'billing',
          subscription_id: sub.subscription_id,
          amount: charge.amount,
          currency: sub.currency,
          amount_sats: charge.amountSats,
          method: sub.method,
          description: `Subscription payment: ${sub.description}`,
          created_at: now,
        },
        now,
      )
      summary.periodsCreated++
    }
    if (index > sub.next_period_index) this.repo.advanceCursor(sub.subscription_id, index, now)
  }

  private closeReached(now: number, summary: BillingRunSummary): void {
    const rows = this.db.all<{ subscription_id: string; cancel_at: number | null; ends_at: number | null }>(
      `SELECT subscription_id, cancel_at, ends_at FROM subscriptions
       WHERE state IN ('active', 'paused') AND ((cancel_at IS NOT NULL AND cancel_at <= ?) OR (ends_at IS NOT NULL AND ends_at <= ?))
       ORDER BY subscription_id`,
      now,
      now,
    )
    if (rows.length === 0) return
    const emitted: Array<() => void> = []
    transact(this.db, () => {
      for (const r of rows) {
        const cancelFirst = r.cancel_at !== null && (r.ends_at === null || r.cancel_at <= r.ends_at)
        if (cancelFirst) {
          const at = r.cancel_at!
          this.db.run(
            `UPDATE subscriptions SET state = 'cancelled', cancelled_at = ?, updated_at = ? WHERE subscription_id = ?`,
            at,
            now,
            r.subscription_id,
          )
          summary.cancelled++
          emitted.push(() =>
            this.events.emit('billing:subscription-cancelled', { subscriptionId: r.subscription_id, at }),
          )
        } else {
          const at = r.ends_at!
          this.db.run(
            `UPDATE subscriptions SET state = 'ended', ended_at = ?, end_reason = 'term-ended', updated_at = ?
             WHERE subscription_id = ?`,
            at,
            now,
            r.subscription_id,
          )
          summary.endedTerm++
          emitted.push(() =>
            this.events.emit('billing:subscription-ended', {
              subscriptionId: r.subscription_id,
              reason: 'term-ended',
              at,
            }),
          )
        }
      }
    })
    for (const e of emitted) e()
    this.progress('close', rows.length, rows.length)
  }

  /** The wire form of a stored outbox row, valid until `expiresMs`. */
  private outgoing(row: OutboxRow, expiresMs: number, periodIndex: number | null): OutgoingRequest {
    const metadata: Record<string, string | number> = {}
    if (row.subscription_id !== null) metadata['subscription_id'] = row.subscription_id
    if (periodIndex !== null) metadata['period_index'] = periodIndex
    return {
      requestId: row.request_id,
      from: this.merchant,
      to: row.recipient,
      amount: row.amount,
      currency: row.currency,
      method: row.method,
      description: row.description,
      createdAt: Math.floor(row.created_at / 1000),
      expiresAt: Math.floor(expiresMs / 1000),
      metadata,
    }
  }

  private periodIndexes(requestIds: readonly string[]): Map<string, { index: number; due: number }> {
    const out = new Map<string, { index: number; due: number }>()
    if (requestIds.length === 0) return out
    const rows = this.db.all<{ request_id: string; period_index: number; due_at: number }>(
      `SELECT request_id, period_index, due_at FROM billing_periods WHERE request_id IN (${requestIds.map(() => '?').join(', ')})`,
      ...requestIds,
    )
    for (const r of rows) out.set(r.request_id, { index: r.period_index, due: r.due_at })
    return out
  }

  /** The reminder slot after `used` slots whose time is still ahead of `now`. */
  private nextReminder(due: number, used: number, now: number): { slot: number; at: number | null } {
    const offsets = this.policy.reminderOffsetsMs
    let slot = used
    while (slot < offsets.length && due + offsets[slot]! <= now) slot++
    return { slot, at: slot < offsets.length ? due + offsets[slot]! : null }
  }

  private async publishPending(now: number, summary: BillingRunSummary): Promise<void> {
    const total = this.outbox.countPending()
    if (total === 0) return
    const expiresMs = now + this.policy.requestTtlMs
    let after = ''
    let done = 0
    for (;;) {
      const page = this.outbox.pagePending(after, this.policy.batchSize)
      if (page.length === 0) break
      after = page[page.length - 1]!.request_id
      const periods = this.periodIndexes(page.map((r) => r.request_id))
      const errors = await settleAll(page, this.policy.publishConcurrency, (row) =>
        this.publisher.publish(this.outgoing(row, expiresMs, periods.get(row.request_id)?.index ?? null)),
      )
      transact(this.db, () => {
        page.forEach((row, i) => {
          const error = errors[i]
          if (error !== null) {
            this.outbox.markFailed(row.request_id, toPaykitError(error).message, now)
            summary.publishFailed++
            return
          }
          this.outbox.markPublished(row.request_id, expiresMs, now)
          const period = periods.get(row.request_id)
          if (period) {
            const next = this.nextReminder(period.due, 0, now)
            this.db.run(
              `UPDATE billing_periods SET state = 'published', published_at = ?, reminders_sent = ?, next_reminder_at = ?
               WHERE request_id = ? AND state = 'pending'`,
              now,
              next.slot,
              next.at,
              row.request_id,
            )
          }
          summary.published++
        })
      })
      for (const [i, e] of errors.entries()) {
        if (e !== null)
          this.logger?.warn('billing.publish-failed', { requestId: page[i]!.request_id, error: e })
      }
      done += page.length
      this.progress('publish', done, total)
    }
  }

  private async sendReminders(now: number, summary: BillingRunSummary): Promise<void> {
    const expiresMs = now + this.policy.requestTtlMs
    let after = ''
    for (;;) {
      const rows = this.db.all<OutboxRow & { period_index: number; due_at: number; reminders_sent: number }>(
        `SELECT r.*, p.period_index, p.due_at, p.reminders_sent FROM billing_periods p
         JOIN requests_out r ON r.request_id = p.request_id
         WHERE p.state = 'published' AND p.next_reminder_at <= ? AND p.request_id > ?
         ORDER BY p.request_id LIMIT ?`,
        now,
        after,
        this.policy.batchSize,
      )
      if (rows.length === 0) break
      after = rows[rows.length - 1]!.request_id
      const errors = await settleAll(rows, this.policy.publishConcurrency, (row) =>
        this.publisher.publish(this.outgoing(row, expiresMs, row.period_index)),
      )
      transact(this.db, () => {
        rows.forEach((row, i) => {
          if (errors[i] !== null) {
            this.outbox.markFailed(row.request_id, toPaykitError(errors[i]).message, now)
            return
          }
          this.outbox.markPublished(row.request_id, expiresMs, now)
          const next = this.nextReminder(row.due_at, row.reminders_sent + 1, now)
          this.db.run(
            `UPDATE billing_periods SET reminders_sent = ?, next_reminder_at = ? WHERE request_id = ? AND state = 'published'`,
            next.slot,
            next.at,
            row.request_id,
          )
          summary.reminded++
        })
      })
      this.progress('remind', summary.reminded, summary.reminded)
    }
  }

  private async removeSettled(now: number, summary: BillingRunSummary): Promise<void> {
    let after = ''
    for (;;) {
      const page = this.outbox.pageToRemove(after, this.policy.batchSize)
      if (page.length === 0) break
      after = page[page.length - 1]!.request_id
      const errors = await settleAll(page, this.policy.publishConcurrency, (row) =>
        this.publisher.remove(row.recipient, row.request_id),
      )
      transact(this.db, () => {
        page.forEach((row, i) => {
          if (errors[i] !== null) {
            summary.removeFailed++
            return
          }
          this.outbox.markRemoved(row.request_id, now)
          summary.removed++
        })
      })
      this.progress('remove', summary.removed, summary.removed + summary.removeFailed)
    }
  }

  /**
   * Records that the request of a billing period (or a proration charge) was paid. Idempotent:
   * the same receipt again changes nothing; a different receipt for an already-paid request is
   * refused (that is a second payment to reconcile, not a state change).
   */
  markRequestPaid(requestId: string, receiptId: string, paidAt: number): { changed: boolean } {
    const result = transact(this.db, () => {
      const out = this.outbox.get(requestId)
      if (!out)
        throw new BillingError(
          'unknown-request',
          `no payment request ${requestId} was published by this shop`,
        )
      const period = this.repo.periodByRequest(requestId)
      if (out.state === 'paid') {
        const previous = period?.receipt_id ?? null
        if (period && previous !== receiptId) {
          throw new BillingError(
            'invalid-state',
            `request ${requestId} is already paid by receipt ${previous ?? '(none)'}; reconcile ${receiptId} by hand`,
          )
        }
        return { changed: false, period }
      }
      this.db.run(
        `UPDATE requests_out SET state = 'paid', paid_at = ?, updated_at = ? WHERE request_id = ?`,
        paidAt,
        paidAt,
        requestId,
      )
      if (period) {
        this.db.run(
          `UPDATE billing_periods SET state = 'paid', paid_at = ?, receipt_id = ?, next_reminder_at = NULL
           WHERE request_id = ?`,
          paidAt,
          receiptId,
          requestId,
        )
      }
      return { changed: true, period }
    })
    const period = result.period
    if (result.changed && period) {
      // markRequestPaid may run inside a caller's transaction: announce only what is committed.
      afterCommit(this.db, () =>
        this.events.emit('billing:period-paid', {
          subscriptionId: period.subscription_id,
          periodIndex: period.period_index,
          requestId,
          receiptId,
        }),
      )
    }
    return { changed: result.changed }
  }
}
