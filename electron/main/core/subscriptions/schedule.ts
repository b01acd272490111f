/**
 * @module subscriptions/schedule
 * Pure billing-period arithmetic for the merchant's billing loop (all times Unix seconds, UTC;
 * no time zones, no clock reads: callers pass `now`).
 *
 * Rules (the reference bills "monthly" on 30-day steps and Daily/Weekly on every check; the POS
 * bills real calendar periods, once each — `paykit-protocol.md` §6.8):
 * - Daily / Weekly / Custom: fixed steps from the anchor: period n = [anchor + n·step, anchor + (n+1)·step).
 * - Monthly { day_of_month: D }: boundaries fall on day D of every month at the anchor's UTC
 *   time of day. **Month-end rule:** when a month has fewer than D days, its boundary is that
 *   month's last day (D = 31 → Jan 31, Feb 28/29, Mar 31, Apr 30 …); the next month returns to D.
 * - Yearly { month: M, day: D }: boundary on M/D each year at the anchor's time of day; Feb 29
 *   falls back to Feb 28 in common years.
 * - Period 0 starts at the anchor. For Monthly/Yearly, if the anchor is not itself a boundary,
 *   period 0 is a short "stub" running to the first boundary after the anchor (`stub: true`), and
 *   every later period runs boundary to boundary. So periods never overlap or leave gaps.
 * - `ends_at` clips: a period starting at or after it does not exist; the last one ends at it.
 *
 * Idempotency: `periodKey(subscriptionId, n)` = `{subscriptionId}:{n}` is stable for a given
 * subscription (its anchor and frequency are signed, so they cannot change under the key).
 */
import { PaykitError } from '../util/errors'
import type { Frequency } from './frequency'
import { checkFrequency } from './frequency'

export class ScheduleError extends PaykitError<'invalid-schedule'> {
  constructor(message: string) {
    super('invalid-schedule', message)
  }
}

export interface Plan {
  readonly frequency: Frequency
  /** Start of period 0 (Unix seconds, usually `starts_at`, or the end of a trial). */
  readonly anchor: number
  /** `ends_at`, if any. */
  readonly endsAt?: number | null
}

export interface Period {
  readonly index: number
  readonly start: number
  /** Exclusive. */
  readonly end: number
  /** Period 0 shorter than a full cycle because the anchor is between boundaries. */
  readonly stub: boolean
}

const DAY = 86_400
/** Periods beyond this index are refused (≈ 10,000 years of daily billing is far below it). */
export const MAX_PERIOD_INDEX = 10_000_000

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate()
}

function checkPlan(plan: Plan): void {
  checkFrequency(plan.frequency)
  if (!Number.isSafeInteger(plan.anchor)) throw new ScheduleError('anchor must be an integer (Unix seconds)')
  if (plan.endsAt != null && (!Number.isSafeInteger(plan.endsAt) || plan.endsAt <= plan.anchor)) {
    throw new ScheduleError('ends_at must be an integer after the anchor')
  }
}

/** Seconds since midnight UTC of `t`. */
const timeOfDay = (t: number): number => ((t % DAY) + DAY) % DAY

/** Boundary of month number `m` (= year·12 + month0) for day `d`, at time of day `tod`. */
function monthBoundary(m: number, d: number, tod: number): number {
  const year = Math.floor(m / 12)
  const month0 = m - year * 12
  const day = Math.min(d, daysInMonth(year, month0))
  return Date.UTC(year, month0, day) / 1000 + tod
}

/** Boundary of the calendar cycle numbered `k` and its anchoring math, for monthly/yearly. */
interface Calendar {
  boundary(k: number): number
  /** Cycle number whose boundary is the first one strictly after the anchor. */
  first: number
}

function calendar(plan: Plan): Calendar | null {
  const f = plan.frequency
  const tod = timeOfDay(plan.anchor)
  const a = new Date(plan.anchor * 1000)
  if (f.kind === 'monthly') {
    const boundary = (k: number): number => monthBoundary(k, f.dayOfMonth, tod)
    const m0 = a.getUTCFullYear() * 12 + a.getUTCMonth()
    return { boundary, first: boundary(m0) > plan.anchor ? m0 : m0 + 1 }
  }
  if (f.kind === 'yearly') {
    const boundary = (y: number): number => monthBoundary(y * 12 + f.month - 1, f.day, tod)
    const y0 = a.getUTCFullYear()
    return { boundary, first: boundary(y0) > plan.anchor ? y0 : y0 + 1 }
  }
  return null
}

function step(f: Frequency): number {
  switch (f.kind) {
    case 'daily':
      return DAY
    case 'weekly':
      return 7 * DAY
    case 'custom':
      return f.intervalSeconds
    default:
      return 0
  }
}

/** Whether the anchor itself lies on a calendar boundary (then there is no stub period). */
function anchorOnBoundary(plan: Plan, cal: Calendar): boolean {
  return cal.boundary(cal.first - 1) === plan.anchor
}

function rawPeriod(plan: Plan, n: number): { start: number; end: number; stub: boolean } {
  const cal = calendar(plan)
  if (!cal) {
    const s = step(plan.frequency)
    return { start: plan.anchor + n * s, end: plan.anchor + (n + 1) * s, stub: false }
  }
  if (anchorOnBoundary(plan, cal)) {
    // Anchor is boundary(first − 1): period n = [boundary(first − 1 + n), boundary(first + n)).
    return { start: cal.boundary(cal.first - 1 + n), end: cal.boundary(cal.first + n), stub: false }
  }
  if (n === 0) return { start: plan.anchor, end: cal.boundary(cal.first), stub: true }
  return { start: cal.boundary(cal.first + n - 1), end: cal.boundary(cal.first + n), stub: false }
}

/** Period `n` (0-based), or null when it would start at or after `endsAt`. */
export function periodAt(plan: Plan, n: number): Period | null {
  checkPlan(plan)
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_PERIOD_INDEX) {
    throw new ScheduleError(`period index must be 0..${MAX_PERIOD_INDEX}, got ${n}`)
  }
  const p = rawPeriod(plan, n)
  if (plan.endsAt != null) {
    if (p.start >= plan.endsAt) return null
    if (p.end > plan.endsAt) return { index: n, start: p.start, end: plan.endsAt, stub: p.stub }
  }
  return { index: n, ...p }
}

/**
 * The full calendar cycle around the anchor when period 0 is a stub: [the last boundary at or
 * before the anchor, the first boundary after it). Billing prorates the stub against it. Null when
 * period 0 is a whole cycle (Daily/Weekly/Custom plans, or an anchor on a boundary). `endsAt` is
 * ignored: it clips periods, not the calendar.
 */
export function stubCycle(plan: Plan): { start: number; end: number } | null {
  checkPlan(plan)
  const cal = calendar(plan)
  if (!cal || anchorOnBoundary(plan, cal)) return null
  return { start: cal.boundary(cal.first - 1), end: cal.boundary(cal.first) }
}

/** Index of the period containing `t`, or -1 before the anchor / at or after `endsAt`. */
export function periodIndexAt(plan: Plan, t: number): number {
  checkPlan(plan)
  if (!Number.isSafeInteger(t)) throw new ScheduleError('time must be an integer (Unix seconds)')
  if (t < plan.anchor || (plan.endsAt != null && t >= plan.endsAt)) return -1
  const cal = calendar(plan)
  let guess: number
  if (!cal) guess = Math.floor((t - plan.anchor) / step(plan.frequency))
  else {
    // Estimate from the average cycle length, then correct by walking (at most a couple of steps).
    const cycle = plan.frequency.kind === 'monthly' ? 30.436875 * DAY : 365.2425 * DAY
    guess = Math.max(0, Math.floor((t - plan.anchor) / cycle))
  }
  guess = Math.min(guess, MAX_PERIOD_INDEX)
  for (let i = 0; i < 64; i++) {
    const p = rawPeriod(plan, guess)
    if (t < p.start) guess--
    else if (t >= p.end) guess++
    else return guess
  }
  throw new ScheduleError('period search did not converge')
}

/** The period containing `t`, or null. */
export function periodContaining(plan: Plan, t: number): Period | null {
  const n = periodIndexAt(plan, t)
  return n < 0 ? null : periodAt(plan, n)
}

/** Periods whose start lies in [from, to), in order, at most `limit` of them. */
export function periodsBetween(plan: Plan, from: number, to: number, limit = 1000): Period[] {
  checkPlan(plan)
  const out: Period[] = []
  if (plan.endsAt != null && from >= plan.endsAt) return out
  // First candidate: the period containing `from` (its start may be before `from`; skipped below).
  let n = from <= plan.anchor ? 0 : periodIndexAt(plan, from)
  for (; out.length < limit && n <= MAX_PERIOD_INDEX; n++) {
    const p = periodAt(plan, n)
    if (!p || p.start >= to) break
    if (p.start >= from) out.push(p)
  }
  return out
}

/** The stable idempotency key billing uses for a subscription's period. */
export function periodKey(subscriptionId: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new ScheduleError(`period index must be ≥ 0, got ${index}`)
  if (subscriptionId.length === 0) throw new ScheduleError('subscription id must not be empty')
  return `${subscriptionId}:${index}`
}

/** Splits a period key at its last ':' (ids may themselves contain ':'). */
export function parsePeriodKey(key: string): { subscriptionId: string; index: number } {
  const i = key.lastIndexOf(':')
  const idx = key.slice(i + 1)
  if (i <= 0 || !/^(0|[1-9][0-9]*)$/.test(idx) || !Number.isSafeInteger(Number(idx))) {
    throw new ScheduleError(`"${key}" is not a period key ({subscriptionId}:{index})`)
  }
  return { subscriptionId: key.slice(0, i), index: Number(idx) }
}

// ---------------------------------------------------------------------------------------------
// Trials and grace periods
// ---------------------------------------------------------------------------------------------

export interface Trial {
  readonly start: number
  /** Exclusive; also the anchor of the first paid period. */
  readonly end: number
}

/** A free trial of `seconds` from `startsAt`; billing anchors at its end. */
export function trialWindow(startsAt: number, seconds: number): Trial {
  if (!Number.isSafeInteger(startsAt) || !Number.isSafeInteger(seconds) || seconds < 0) {
    throw new ScheduleError('trial start and length must be non-negative integers (seconds)')
  }
  return { start: startsAt, end: startsAt + seconds }
}

export const isInTrial = (trial: Trial, t: number): boolean => t >= trial.start && t < trial.end

/** Billing plan after a trial: same frequency, anchored at the trial's end. */
export function planAfterTrial(frequency: Frequency, trial: Trial, endsAt: number | null = null): Plan {
  return { frequency, anchor: trial.end, endsAt }
}

export type PeriodPaymentState = 'paid' | 'upcoming' | 'due' | 'grace' | 'overdue'

/**
 * Where a period stands: `paid` if paid; `upcoming` before it starts; `due` from its start until
 * `dueAfter` seconds later; `grace` for `graceSeconds` after that; then `overdue` (dunning).
 */
export function periodPaymentState(
  period: Period,
  paid: boolean,
  now: number,
  options: { dueWindowSeconds?: number; graceSeconds?: number } = {},
): PeriodPaymentState {
  if (paid) return 'paid'
  if (now < period.start) return 'upcoming'
  const due = period.start + (options.dueWindowSeconds ?? 0)
  if (now < due) return 'due'
  if (now < due + (options.graceSeconds ?? 0)) return 'grace'
  return 'overdue'
}
