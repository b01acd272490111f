/**
 * @module billing/schedule
 * The billing calendar as a port: which period index a moment falls in, and the bounds of a period.
 * Everything here is pure and in milliseconds.
 *
 * The default, `referenceSchedule`, is the reference's `current_billing_period`: fixed-length
 * periods of `to_seconds(frequency)` (so "monthly" is 30 days) anchored at the billing anchor. The
 * anchor is the trial end when there is a trial (Stripe's convention: the first charge is at trial
 * end and periods count from there), otherwise `starts_at`. A calendar-month schedule from
 * core/subscriptions can be injected instead; the engine only relies on this interface.
 */
import { frequencySeconds, type Frequency } from '../subscriptions/frequency'

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
}

/** The first billable moment: trial end if later than the start. */
export function billingAnchor(sub: ScheduleInput): number {
  return sub.trialEndsAt !== null && sub.trialEndsAt > sub.startsAt ? sub.trialEndsAt : sub.startsAt
}

/** Period length in ms, the reference's `to_seconds()` × 1000. */
export function periodLengthMs(frequency: Frequency): number {
  return frequencySeconds(frequency) * 1000
}

export const referenceSchedule: BillingSchedule = {
  periodAt(sub, index) {
    const len = periodLengthMs(sub.frequency)
    const start = billingAnchor(sub) + index * len
    return { start, end: start + len }
  },
  indexAt(sub, now) {
    const anchor = billingAnchor(sub)
    if (now < anchor) return -1
    return Math.floor((now - anchor) / periodLengthMs(sub.frequency))
  },
}
