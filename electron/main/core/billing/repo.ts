/**
 * @module billing/repo
 * Typed rows and SQL for subscriptions (mirror + local state), pause windows, billing periods and
 * plan adjustments. Rows keep the database's snake_case names: they are the persisted shape, and
 * view models (view.ts) are where names are made friendly.
 */
import type { Database } from '../storage/db'

export type SubscriptionState = 'active' | 'paused' | 'cancelled' | 'ended'
export type PeriodState = 'pending' | 'published' | 'paid' | 'void' | 'skipped'

export type SubscriptionRow = {
  subscription_id: string
  subscriber: string
  provider: string
  amount: string
  currency: string
  amount_sats: number
  /** serde JSON text of the frequency (`"Daily"`, `{"Monthly":{"day_of_month":1}}` …). */
  frequency: string
  method: string
  description: string
  max_amount_per_period: string | null
  metadata: string
  created_at: number
  starts_at: number
  ends_at: number | null
  signed_json: string
  state: SubscriptionState
  trial_ends_at: number | null
  grace_ms: number
  next_period_index: number
  paused_at: number | null
  cancel_at: number | null
  cancelled_at: number | null
  cancel_reason: string | null
  ended_at: number | null
  end_reason: string | null
  credit_sats: number
  imported_at: number
  updated_at: number
}

export type BillingPeriodRow = {
  subscription_id: string
  period_index: number
  period_start: number
  period_end: number
  request_id: string | null
  amount: string
  amount_sats: number
  state: PeriodState
  due_at: number
  created_at: number
  published_at: number | null
  reminders_sent: number
  next_reminder_at: number | null
  paid_at: number | null
  receipt_id: string | null
  voided_at: number | null
  void_reason: string | null
}

export type PauseRow = {
  subscription_id: string
  paused_at: number
  resumed_at: number | null
}

export type AdjustmentRow = {
  adjustment_id: string
  subscription_id: string
  kind: 'upgrade' | 'downgrade'
  old_amount: string
  new_amount: string
  period_index: number
  effective_at: number
  credit_sats: number
  charge_sats: number
  net_sats: number
  request_id: string | null
  created_at: number
}

export type NewSubscriptionRow = Omit<
  SubscriptionRow,
  | 'next_period_index'
  | 'paused_at'
  | 'cancel_at'
  | 'cancelled_at'
  | 'cancel_reason'
  | 'ended_at'
  | 'end_reason'
  | 'credit_sats'
>

export class BillingRepo {
  constructor(readonly db: Database) {}

  getSubscription(id: string): SubscriptionRow | undefined {
    return this.db.get<SubscriptionRow>('SELECT * FROM subscriptions WHERE subscription_id = ?', id)
  }

  insertSubscription(row: NewSubscriptionRow, nextPeriodIndex: number): void {
    this.db.run(
      `INSERT INTO subscriptions (subscription_id, subscriber, provider, amount, currency, amount_sats, frequency,
         method, description, max_amount_per_period, metadata, created_at, starts_at, ends_at, signed_json, state,
         trial_ends_at, grace_ms, next_period_index, imported_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.subscription_id,
      row.subscriber,
      row.provider,
      row.amount,
      row.currency,
      row.amount_sats,
      row.frequency,
      row.method,
      row.description,
      row.max_amount_per_period,
      row.metadata,
      row.created_at,
      row.starts_at,
      row.ends_at,
      row.signed_json,
      row.state,
      row.trial_ends_at,
      row.grace_ms,
      nextPeriodIndex,
      row.imported_at,
      row.updated_at,
    )
  }

  /** One page of subscriptions in `states`, keyset-ordered by id (stable while rows change). */
  pageSubscriptions(states: readonly SubscriptionState[], afterId: string, limit: number): SubscriptionRow[] {
    const marks = states.map(() => '?').join(', ')
    return this.db.all<SubscriptionRow>(
      `SELECT * FROM subscriptions WHERE state IN (${marks}) AND subscription_id > ? ORDER BY subscription_id LIMIT ?`,
      ...states,
      afterId,
      limit,
    )
  }

  countSubscriptions(states: readonly SubscriptionState[]): number {
    const marks = states.map(() => '?').join(', ')
    return (
      this.db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM subscriptions WHERE state IN (${marks})`,
        ...states,
      )?.n ?? 0
    )
  }

  allSubscriptions(): SubscriptionRow[] {
    return this.db.all<SubscriptionRow>('SELECT * FROM subscriptions ORDER BY subscription_id')
  }

  /** Pause windows of subscriptions whose id is in [fromId, toId]. */
  pausesBetween(fromId: string, toId: string): PauseRow[] {
    return this.db.all<PauseRow>(
      'SELECT * FROM subscription_pauses WHERE subscription_id BETWEEN ? AND ? ORDER BY subscription_id, paused_at',
      fromId,
      toId,
    )
  }

  pausesOf(id: string): PauseRow[] {
    return this.db.all<PauseRow>(
      'SELECT * FROM subscription_pauses WHERE subscription_id = ? ORDER BY paused_at',
      id,
    )
  }

  periodsOf(id: string): BillingPeriodRow[] {
    return this.db.all<BillingPeriodRow>(
      'SELECT * FROM billing_periods WHERE subscription_id = ? ORDER BY period_index',
      id,
    )
  }

  period(id: string, index: number): BillingPeriodRow | undefined {
    return this.db.get<BillingPeriodRow>(
      'SELECT * FROM billing_periods WHERE subscription_id = ? AND period_index = ?',
      id,
      index,
    )
  }

  periodByRequest(requestId: string): BillingPeriodRow | undefined {
    return this.db.get<BillingPeriodRow>('SELECT * FROM billing_periods WHERE request_id = ?', requestId)
  }

  allPeriods(): BillingPeriodRow[] {
    return this.db.all<BillingPeriodRow>(
      'SELECT * FROM billing_periods ORDER BY subscription_id, period_index',
    )
  }

  adjustmentsOf(id: string): AdjustmentRow[] {
    return this.db.all<AdjustmentRow>(
      'SELECT * FROM subscription_adjustments WHERE subscription_id = ? ORDER BY created_at, adjustment_id',
      id,
    )
  }

  /**
   * Inserts the period row unless one exists for (subscription, index). Returns whether it was
   * created: the caller adds the outbox row only then, in the same transaction.
   */
  insertPeriodIfAbsent(
    row: Omit<
      BillingPeriodRow,
      | 'published_at'
      | 'paid_at'
      | 'receipt_id'
      | 'voided_at'
      | 'void_reason'
      | 'reminders_sent'
      | 'next_reminder_at'
    >,
  ): boolean {
    const r = this.db.run(
      `INSERT INTO billing_periods (subscription_id, period_index, period_start, period_end, request_id, amount,
         amount_sats, state, due_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (subscription_id, period_index) DO NOTHING`,
      row.subscription_id,
      row.period_index,
      row.period_start,
      row.period_end,
      row.request_id,
      row.amount,
      row.amount_sats,
      row.state,
      row.due_at,
      row.created_at,
    )
    return r.changes === 1
  }

  advanceCursor(id: string, nextIndex: number, now: number): void {
    this.db.run(
      'UPDATE subscriptions SET next_period_index = ?, updated_at = ? WHERE subscription_id = ? AND next_period_index < ?',
      nextIndex,
      now,
      id,
      nextIndex,
    )
  }

  /** Voids the unpaid periods of a subscription and their outbox rows (removal follows). */
  voidUnpaid(id: string, reason: string, now: number): number {
    this.db.run(
      `UPDATE requests_out SET state = 'void', updated_at = ?
       WHERE state IN ('pending', 'published') AND request_id IN
         (SELECT request_id FROM billing_periods WHERE subscription_id = ? AND state IN ('pending', 'published'))`,
      now,
      id,
    )
    return this.db.run(
      `UPDATE billing_periods SET state = 'void', voided_at = ?, void_reason = ?, next_reminder_at = NULL
       WHERE subscription_id = ? AND state IN ('pending', 'published')`,
      now,
      reason,
      id,
    ).changes
  }
}
