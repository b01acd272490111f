/**
 * @module billing/policy
 * The merchant's dunning policy: how long a published request stays valid, when reminders go out,
 * when an unpaid period counts as overdue, and how long the grace lasts before a subscription ends.
 */

const DAY = 86_400_000

export interface BillingPolicy {
  /** A published request expires this long after it was (re)published. */
  requestTtlMs: number
  /**
   * Reminder times after a period's due date. Each reminder republishes the same request id with
   * a refreshed expiry (Chargebee/Stripe style "retry schedule", here a nudge to the payer's wallet).
   */
  reminderOffsetsMs: readonly number[]
  /** An unpaid period is "due" until this long after its due date, then "overdue". */
  overdueAfterMs: number
  /** Grace for new subscriptions: unpaid this long after the due date ends the subscription. */
  defaultGraceMs: number
  /** Rows per transaction. A few hundred keeps each commit short and fsyncs few. */
  batchSize: number
  /** Publishes in flight at once. */
  publishConcurrency: number
  /**
   * A first period shorter than the plan's cycle (a trial ending, or a start, between billing days):
   * - 'free' (default): not charged. This is what the reference does (it bills only on the plan's
   *   day), and it is the only choice a reference wallet's autopay honours: autopay pays a request
   *   whose amount equals the agreed amount exactly (or is within max_amount_per_period), so a
   *   prorated request would sit unpaid.
   * - 'prorated': charged its share by the proration formula, for shops whose customers pay by
   *   hand or set max_amount_per_period.
   */
  stubPeriods: 'free' | 'prorated'
}

export const DEFAULT_POLICY: BillingPolicy = {
  requestTtlMs: 3 * DAY,
  reminderOffsetsMs: [1 * DAY, 3 * DAY, 7 * DAY],
  overdueAfterMs: 1 * DAY,
  defaultGraceMs: 14 * DAY,
  batchSize: 250,
  publishConcurrency: 16,
  stubPeriods: 'free',
}

export const DAY_MS = DAY
