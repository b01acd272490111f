// Billing periods: property checks over 100+ periods (no gaps, no overlaps, month-end rule),
// index lookup, idempotency keys, trials and grace.
import { describe, expect, it } from 'vitest'
import {
  parsePeriodKey,
  periodAt,
  periodContaining,
  periodIndexAt,
  periodKey,
  periodPaymentState,
  periodsBetween,
  planAfterTrial,
  trialWindow,
  isInTrial,
  type Plan,
} from '../../../electron/main/core/subscriptions/schedule'
import type { Frequency } from '../../../electron/main/core/subscriptions/frequency'
import { createSubscription } from '../../../electron/main/core/subscriptions/model'
import { requestForPeriod } from '../../../electron/main/core/subscriptions/period-request'
import { IdGenerator } from '../../../electron/main/core/requests/id'
import { Amount } from '../../../electron/main/core/money/amount'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'

const utc = (y: number, m: number, d: number, h = 0, min = 0): number => Date.UTC(y, m - 1, d, h, min) / 1000
const iso = (t: number): string => new Date(t * 1000).toISOString()

/** Deterministic pseudo-random source for the property checks (xorshift32). */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 2 ** 32
  }
}

function checkContiguous(plan: Plan, count: number): void {
  let prev = periodAt(plan, 0)!
  expect(prev.start).toBe(plan.anchor)
  for (let n = 1; n < count; n++) {
    const p = periodAt(plan, n)!
    expect(p.start, `gap/overlap at ${n}`).toBe(prev.end)
    expect(p.end).toBeGreaterThan(p.start)
    expect(p.stub).toBe(false)
    // index lookup agrees at the start, just before the end, and in the middle
    expect(periodIndexAt(plan, p.start)).toBe(n)
    expect(periodIndexAt(plan, p.end - 1)).toBe(n)
    expect(periodIndexAt(plan, Math.floor((p.start + p.end) / 2))).toBe(n)
    prev = p
  }
}

describe('schedule properties', () => {
  it('no gaps or overlaps over 150 periods for random anchors and every frequency', () => {
    const rnd = prng(42)
    const freqs: Frequency[] = [
      { kind: 'daily' },
      { kind: 'weekly' },
      { kind: 'custom', intervalSeconds: 3600 },
      { kind: 'monthly', dayOfMonth: 1 },
      { kind: 'monthly', dayOfMonth: 15 },
      { kind: 'monthly', dayOfMonth: 29 },
      { kind: 'monthly', dayOfMonth: 30 },
      { kind: 'monthly', dayOfMonth: 31 },
      { kind: 'yearly', month: 2, day: 29 },
      { kind: 'yearly', month: 12, day: 31 },
    ]
    let plans = 0
    for (const frequency of freqs) {
      for (let k = 0; k < 5; k++) {
        const anchor = utc(2020, 1, 1) + Math.floor(rnd() * 10 * 365 * 86400)
        checkContiguous({ frequency, anchor }, frequency.kind === 'yearly' ? 101 : 150)
        plans++
      }
    }
    expect(plans).toBe(50)
  })

  it('month-end rule: day 31 falls on the last day of shorter months and returns to 31', () => {
    const plan: Plan = { frequency: { kind: 'monthly', dayOfMonth: 31 }, anchor: utc(2024, 1, 31, 9, 30) }
    const starts = Array.from({ length: 6 }, (_, n) => iso(periodAt(plan, n)!.start))
    expect(starts).toEqual([
      '2024-01-31T09:30:00.000Z',
      '2024-02-29T09:30:00.000Z', // leap year
      '2024-03-31T09:30:00.000Z',
      '2024-04-30T09:30:00.000Z',
      '2024-05-31T09:30:00.000Z',
      '2024-06-30T09:30:00.000Z',
    ])
    expect(periodAt(plan, 0)!.stub).toBe(false)
    const common: Plan = { frequency: { kind: 'monthly', dayOfMonth: 30 }, anchor: utc(2023, 1, 30) }
    expect(iso(periodAt(common, 1)!.start)).toBe('2023-02-28T00:00:00.000Z')
    const feb29: Plan = { frequency: { kind: 'yearly', month: 2, day: 29 }, anchor: utc(2024, 2, 29) }
    expect([1, 4].map((n) => iso(periodAt(feb29, n)!.start))).toEqual([
      '2025-02-28T00:00:00.000Z',
      '2028-02-29T00:00:00.000Z',
    ])
  })

  it('an anchor between boundaries gives a stub period 0 up to the first boundary', () => {
    const plan: Plan = { frequency: { kind: 'monthly', dayOfMonth: 1 }, anchor: utc(2024, 1, 15, 12) }
    const p0 = periodAt(plan, 0)!
    expect(p0.stub).toBe(true)
    expect(iso(p0.end)).toBe('2024-02-01T12:00:00.000Z')
    expect(iso(periodAt(plan, 1)!.end)).toBe('2024-03-01T12:00:00.000Z')
    expect(periodIndexAt(plan, plan.anchor - 1)).toBe(-1)
  })

  it('ends_at clips the last period and removes later ones', () => {
    const plan: Plan = { frequency: { kind: 'weekly' }, anchor: 0, endsAt: 10 * 86400 }
    expect(periodAt(plan, 1)).toEqual({ index: 1, start: 7 * 86400, end: 10 * 86400, stub: false })
    expect(periodAt(plan, 2)).toBeNull()
    expect(periodContaining(plan, 10 * 86400)).toBeNull()
    expect(periodsBetween(plan, 0, 100 * 86400).map((p) => p.index)).toEqual([0, 1])
    expect(periodsBetween(plan, 86400, 100 * 86400).map((p) => p.index)).toEqual([1])
  })

  it('period keys are stable and parse back, even with ":" in the id', () => {
    expect(periodKey('sub_1', 7)).toBe('sub_1:7')
    expect(parsePeriodKey(periodKey('a:b', 12))).toEqual({ subscriptionId: 'a:b', index: 12 })
    for (const bad of ['sub_1', 'sub_1:', ':3', 'sub_1:-1', 'sub_1:01', 'sub_1:x']) {
      expect(() => parsePeriodKey(bad), bad).toThrow(expect.objectContaining({ code: 'invalid-schedule' }))
    }
    expect(() => periodKey('', 1)).toThrow(expect.objectContaining({ code: 'invalid-schedule' }))
  })

  it('trials anchor billing at their end; grace and overdue follow the period start', () => {
    const trial = trialWindow(utc(2024, 3, 1), 14 * 86400)
    expect(isInTrial(trial, utc(2024, 3, 10))).toBe(true)
    expect(isInTrial(trial, trial.end)).toBe(false)
    const plan = planAfterTrial({ kind: 'monthly', dayOfMonth: 15 }, trial)
    const p0 = periodAt(plan, 0)!
    expect(iso(p0.start)).toBe('2024-03-15T00:00:00.000Z')
    expect(p0.stub).toBe(false)
    const opts = { dueWindowSeconds: 86400, graceSeconds: 3 * 86400 }
    expect(periodPaymentState(p0, false, p0.start - 1, opts)).toBe('upcoming')
    expect(periodPaymentState(p0, false, p0.start, opts)).toBe('due')
    expect(periodPaymentState(p0, false, p0.start + 2 * 86400, opts)).toBe('grace')
    expect(periodPaymentState(p0, false, p0.start + 4 * 86400, opts)).toBe('overdue')
    expect(periodPaymentState(p0, true, p0.start + 4 * 86400, opts)).toBe('paid')
  })

  it('bad input gets typed errors', () => {
    const plan: Plan = { frequency: { kind: 'daily' }, anchor: 0 }
    const bad: (() => unknown)[] = [
      () => periodAt(plan, -1),
      () => periodAt(plan, 1.5),
      () => periodAt({ ...plan, anchor: 0.5 }, 0),
      () => periodAt({ ...plan, endsAt: -5 }, 0),
      () => periodIndexAt(plan, Number.NaN),
      () => trialWindow(0, -1),
    ]
    for (const f of bad) expect(f).toThrow(expect.objectContaining({ code: 'invalid-schedule' }))
    expect(() => periodAt({ frequency: { kind: 'monthly', dayOfMonth: 0 }, anchor: 0 }, 0)).toThrow(
      expect.objectContaining({ code: 'invalid-frequency' }),
    )
  })
})

describe('per-period payment request', () => {
  it('copies the signed terms exactly and carries the period key', () => {
    const clock = new ManualClock(utc(2024, 1, 31) * 1000)
    const ids = new IdGenerator(clock, systemRng)
    const sub = createSubscription(
      {
        subscriber: new Uint8Array(32).fill(1),
        provider: new Uint8Array(32).fill(2),
        terms: {
          amount: Amount.parse('1000.50'),
          currency: 'SAT',
          frequency: { kind: 'monthly', dayOfMonth: 31 },
          method: 'lightning',
          maxAmountPerPeriod: null,
          description: 'Coffee club',
        },
      },
      { clock, ids },
    )
    expect(sub.subscriptionId).toMatch(/^sub_\d{13}_[0-9a-f]{20}$/)
    const period = periodAt({ frequency: sub.terms.frequency, anchor: sub.startsAt }, 1)!
    const req = requestForPeriod(sub, period, { clock, ids })
    expect(req.amount.identical(sub.terms.amount)).toBe(true)
    expect(req.from).toEqual(sub.provider)
    expect(req.description).toBe('Subscription payment: Coffee club')
    expect((req.metadata as Record<string, unknown>)['period_key']).toBe(`${sub.subscriptionId}:1`)
    expect(req.expiresAt! - req.createdAt).toBe(period.end - period.start)
  })
})
