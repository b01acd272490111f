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
}

export const DEFAULT_POLICY: BillingPolicy = {
  requestTtlMs: 3 * DAY,
  reminderOffsetsMs: [1 * DAY, 3 * DAY, 7 * DAY],
  overdueAfterMs: 1 * DAY,
  defaultGraceMs: 14 * DAY,
  batchSize: 250,
  publishConcurrency: 16,
}

export const DAY_MS = DAY
