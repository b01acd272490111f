/**
 * @module billing/view
 * What the merchant sees about subscribers, as pure functions over rows: per-subscriber status,
 * next charge, last paid and overdue days; MRR and 30-day churn for the dashboard.
 */
import { frequencySeconds, type Frequency } from '../subscriptions/frequency'
import type { BillingPeriodRow, SubscriptionRow } from './repo'
import { calendarSchedule, type BillingSchedule } from './schedule'
import { scheduleInputOf, storedFrequency } from './engine'
import { DAY_MS, DEFAULT_POLICY, type BillingPolicy } from './policy'

export type SubscriberStatus =
  'trialing' | 'active' | 'past_due' | 'paused' | 'cancelling' | 'cancelled' | 'ended'

export interface SubscriberView {
  subscriptionId: string
  subscriber: string
  description: string
  /** The signed billing frequency (the screens name it with `planLabel`). */
  frequency: Frequency
  status: SubscriberStatus
  /** Verbatim per-period amount and its sats. */
  amount: string
  amountSats: number
  /** When the next period will be billed, or null when nothing more will be billed. */
  nextChargeAt: number | null
  nextChargeSats: number | null
  lastPaidAt: number | null
  /** Whole days since the oldest unpaid period fell due, once it counts as overdue; else 0. */
  overdueDays: number
  unpaidPeriods: number
  unpaidSats: number
  creditSats: number
  trialEndsAt: number | null
}

const MONTH_SECONDS = 2_592_000

/** One subscriber's view. `periods` are that subscription's billing period rows. */
export function subscriberView(
  sub: SubscriptionRow,
  periods: readonly BillingPeriodRow[],
  now: number,
  policy: Pick<BillingPolicy, 'overdueAfterMs'> = DEFAULT_POLICY,
  schedule: BillingSchedule = calendarSchedule,
): SubscriberView {
  const unpaid = periods.filter((p) => p.state === 'pending' || p.state === 'published')
  const oldestDue = unpaid.reduce((min, p) => Math.min(min, p.due_at), Infinity)
  const overdue = unpaid.length > 0 && now > oldestDue + policy.overdueAfterMs
  const lastPaidAt = periods.reduce<number | null>(
    (max, p) => (p.paid_at !== null && (max === null || p.paid_at > max) ? p.paid_at : max),
    null,
  )
  const input = scheduleInputOf(sub)
  let status: SubscriberStatus
  switch (sub.state) {
    case 'cancelled':
      status = 'cancelled'
      break
    case 'ended':
      status = 'ended'
      break
    case 'paused':
      status = 'paused'
      break
    case 'active':
      if (overdue) status = 'past_due'
      else if (sub.trial_ends_at !== null && now < sub.trial_ends_at) status = 'trialing'
      else if (sub.cancel_at !== null) status = 'cancelling'
      else status = 'active'
      break
  }
  let nextChargeAt: number | null = null
  if (sub.state === 'active') {
    const start = schedule.periodAt(input, sub.next_period_index).start
    const stopAt = Math.min(sub.cancel_at ?? Infinity, sub.ends_at ?? Infinity)
    if (start < stopAt) nextChargeAt = start
  }
  return {
    subscriptionId: sub.subscription_id,
    subscriber: sub.subscriber,
    description: sub.description,
    frequency: input.frequency,
    status,
    amount: sub.amount,
    amountSats: sub.amount_sats,
    nextChargeAt,
    nextChargeSats: nextChargeAt === null ? null : sub.amount_sats,
    lastPaidAt,
    overdueDays: overdue ? Math.floor((now - oldestDue) / DAY_MS) : 0,
    unpaidPeriods: unpaid.length,
    unpaidSats: unpaid.reduce((s, p) => s + p.amount_sats, 0),
    creditSats: sub.credit_sats,
    trialEndsAt: sub.trial_ends_at,
  }
}

/** True when the subscription brings recurring revenue at `now` (active, not trialing, not paused). */
function earning(sub: SubscriptionRow, now: number): boolean {
  return (
    sub.state === 'active' && !(sub.trial_ends_at !== null && now < sub.trial_ends_at) && sub.starts_at <= now
  )
}

/**
 * Monthly recurring revenue in sats: each earning subscription's amount normalised to the
 * reference's 30-day month (`to_seconds`): daily ×30, weekly ×30/7, yearly ×30/365, custom
 * ×2,592,000/interval. Summed exactly, rounded once at the end. Trials and paused ones are excluded.
 *
 * Periods themselves fall on calendar dates (billing/schedule.ts), so a monthly plan bills 28–31
 * days apart; MRR deliberately stays on the reference's fixed `to_seconds()` so the figure does not
 * swing with the length of the current month and matches what a reference-based tool reports.
 */
export function mrrSats(subs: readonly SubscriptionRow[], now: number): number {
  let total = 0
  for (const sub of subs) {
    if (!earning(sub, now)) continue
    total += (sub.amount_sats * MONTH_SECONDS) / frequencySeconds(storedFrequency(sub.frequency))
  }
  return Math.round(total)
}

export interface Churn {
  /** Subscriptions active (billing or trialing, not paused) 30 days ago. */
  activeAtStart: number
  /** Of those, how many were cancelled or ended within the 30 days. */
  churned: number
  /** churned / activeAtStart, 0 when there was no one. */
  rate: number
}

function closedAt(sub: SubscriptionRow): number | null {
  if (sub.state === 'cancelled') return sub.cancelled_at
  if (sub.state === 'ended') return sub.ended_at
  return null
}

/** Churn over the 30 days before `now`: cancellations and endings / active at the window's start. */
export function churn30(subs: readonly SubscriptionRow[], now: number): Churn {
  const start = now - 30 * DAY_MS
  let activeAtStart = 0
  let churned = 0
  for (const sub of subs) {
    const closed = closedAt(sub)
    const wasActive = sub.starts_at <= start && (closed === null || closed > start)
    if (!wasActive) continue
    activeAtStart++
    if (closed !== null && closed <= now) churned++
  }
  return { activeAtStart, churned, rate: activeAtStart === 0 ? 0 : churned / activeAtStart }
}
