/**
 * @module billing/schedule
 * The billing calendar as a port: which period index a moment falls in, and the bounds of a period.
 * Everything here is pure and in milliseconds, the ledger's unit.
 *
 * The default, `calendarSchedule`, adapts the one period implementation, subscriptions/schedule.ts
 * (UTC calendar periods, seconds): Daily/Weekly/Custom are fixed steps from the anchor; Monthly
 * bills on its `day_of_month` of every real calendar month (day 29–31 fall back to a short month's
 * last day); Yearly on its month/day. When the anchor is not itself a boundary, period 0 is the
 * stub from the anchor to the first boundary (see subscriptions/schedule.ts), billed at a prorated
 * charge (`stubCharge`), not the full amount.
 *
 * The anchor is the trial end when there is a trial (Stripe's convention: the first charge is at
 * trial end and periods count from there), otherwise `starts_at`. The signed `ends_at` is not given
 * to the calendar: the engine stops billing at it and closes the subscription itself.
 *
 * The reference's `current_billing_period` (fixed `to_seconds()` steps, "monthly" = 30 days) is no
 * longer how periods fall; `to_seconds()` is still how MRR normalises plans (billing/view.ts).
 */
import type { Frequency } from '../subscriptions/frequency'
import {
  periodAt as calendarPeriodAt,
  periodIndexAt,
  stubCycle as stubCycleOf,
  type Plan,
} from '../subscriptions/schedule'
import { prorate } from '../subscriptions/proration'
import { Amount } from '../money/amount'
import { PaykitError } from '../util/errors'

/** What a schedule needs to know about a subscription (all times in ms). */
export interface ScheduleInput {
  startsAt: number
  trialEndsAt: number | null
  frequency: Frequency
}

export interface Period {
  start: number
  end: number
}

export interface BillingSchedule {
  /** Bounds of period `index` (≥ 0): [start, end). */
  periodAt(sub: ScheduleInput, index: number): Period
  /** Index of the period containing `now`, or -1 before the first period starts. */
  indexAt(sub: ScheduleInput, now: number): number
  /**
   * The whole cycle period 0 is a stub of, or null when period 0 is a whole cycle. Optional: a
   * schedule without it bills every period at the full amount.
   */
  stubCycle?(sub: ScheduleInput): Period | null
}

/** What a stub period 0 is billed. */
export interface StubCharge {
  /** In the plan's currency, at the plan amount's scale (whole sats for SAT). */
  amount: string
  /** Whole sats. */
  amountSats: number
  /** Whole days of the full cycle, and of the stub (the proration formula's day counts). */
  totalDays: number
  stubDays: number
}

/**
 * The charge for a stub period 0, by the proration formula (subscriptions/proration.ts, the
 * reference's `proration.rs`) read as "a plan change from nothing to this plan on the anchor":
 *
 *   total_days = ⌊(cycle_end − cycle_start) / 1 day⌋,  days_old = ⌊(anchor − cycle_start) / 1 day⌋,
 *   stub_days = total_days − days_old,  charge = amount / total_days · stub_days
 *
 * rounded half-to-even (the reference's `Decimal::round`) to the plan amount's own scale — whole
 * sats for a SAT plan — and separately to whole sats for `amountSats`. Days are whole days as in
 * the formula, so a stub starting part-way through a day counts that day in full.
 * Example: 3100 SAT monthly on the 1st, anchor Jan 15 00:00 → cycle Jan 1–Feb 1 (31 days),
 * days_old 14, stub_days 17 → 3100 / 31 · 17 = 1700 SAT.
 */
export function stubCharge(amount: string, amountSats: number, stub: Period, cycle: Period): StubCharge {
  const plan = Amount.parse(amount)
  // All three instants share the anchor's sub-second offset, so whole seconds keep the day counts.
  const base = {
    periodStart: Math.floor(cycle.start / 1000),
    periodEnd: Math.floor(cycle.end / 1000),
    changeDate: Math.floor(stub.start / 1000),
    roundToWholeUnits: false,
  }
  const p = prorate({ ...base, oldAmount: Amount.zero(), newAmount: plan })
  const sats = prorate({ ...base, oldAmount: Amount.zero(), newAmount: Amount.fromSats(amountSats) })
  return {
    amount: p.charge.roundDp(plan.scale).toString(),
    amountSats: Number(sats.charge.roundDp(0).toIntegerSats()),
    totalDays: p.totalDays,
    stubDays: p.daysAtNewRate,
  }
}

/** The first billable moment: trial end if later than the start. */
export function billingAnchor(sub: ScheduleInput): number {
  return sub.trialEndsAt !== null && sub.trialEndsAt > sub.startsAt ? sub.trialEndsAt : sub.startsAt
}

/**
 * The calendar works in whole seconds; the ledger in ms. The anchor's sub-second part is carried
 * aside and added back to every boundary, so period 0 still starts exactly at the anchor and
 * `indexAt` agrees with `periodAt` to the millisecond.
 */
function planOf(sub: ScheduleInput): { plan: Plan; subSecondMs: number } {
  const anchorMs = billingAnchor(sub)
  const subSecondMs = ((anchorMs % 1000) + 1000) % 1000
  return { plan: { frequency: sub.frequency, anchor: (anchorMs - subSecondMs) / 1000 }, subSecondMs }
}

export const calendarSchedule: BillingSchedule = {
  periodAt(sub, index) {
    const { plan, subSecondMs } = planOf(sub)
    const p = calendarPeriodAt(plan, index)
    // Without `endsAt` every index has a period; null would mean the calendar changed its contract.
    if (!p) throw new PaykitError('internal', `the billing calendar has no period ${index}`)
    return { start: p.start * 1000 + subSecondMs, end: p.end * 1000 + subSecondMs }
  },
  indexAt(sub, now) {
    const { plan, subSecondMs } = planOf(sub)
    return periodIndexAt(plan, Math.floor((now - subSecondMs) / 1000))
  },
  stubCycle(sub) {
    const { plan, subSecondMs } = planOf(sub)
    const c = stubCycleOf(plan)
    return c && { start: c.start * 1000 + subSecondMs, end: c.end * 1000 + subSecondMs }
  },
}
