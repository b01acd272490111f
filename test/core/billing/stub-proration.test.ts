import { afterEach, describe, expect, it } from 'vitest'
import { BillingEngine } from '../../../electron/main/core/billing/engine'
import { SubscriberService } from '../../../electron/main/core/billing/subscribers'
import { calendarSchedule, stubCharge } from '../../../electron/main/core/billing/schedule'
import { stubCycle } from '../../../electron/main/core/subscriptions/schedule'
import type { Database } from '../../../electron/main/core/storage/db'
import { DAY, MERCHANT, RecordingPublisher, T0, mirror, tempDb } from './helpers'

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function setup(stubPeriods: 'free' | 'prorated' = 'prorated') {
  const t = tempDb()
  cleanups.push(t.cleanup)
  const publisher = new RecordingPublisher()
  const engine = new BillingEngine({
    db: t.db,
    publisher,
    merchant: MERCHANT,
    policy: { reminderOffsetsMs: [], stubPeriods },
  })
  const subs = new SubscriberService({ db: t.db, defaultGraceMs: 14 * DAY })
  return { db: t.db, engine, subs }
}

const rows = (db: Database, id: string) =>
  db.all<{
    period_index: number
    state: string
    amount: string
    amount_sats: number
    request_id: string | null
  }>(
    'SELECT period_index, state, amount, amount_sats, request_id FROM billing_periods WHERE subscription_id = ? ORDER BY period_index',
    id,
  )
const requestAmount = (db: Database, requestId: string) =>
  db.get<{ amount: string; amount_sats: number }>(
    'SELECT amount, amount_sats FROM requests_out WHERE request_id = ?',
    requestId,
  )

const S = (y: number, m: number, d: number, h = 0): number => Date.UTC(y, m, d, h) / 1000

describe('subscriptions/schedule stubCycle (the full calendar cycle around the anchor)', () => {
  it('monthly on the 1st, anchor Jan 15: Jan 1 → Feb 1', () => {
    const plan = { frequency: { kind: 'monthly', dayOfMonth: 1 } as const, anchor: S(2026, 0, 15) }
    expect(stubCycle(plan)).toEqual({ start: S(2026, 0, 1), end: S(2026, 1, 1) })
  })
  it('keeps the anchor’s time of day and the month-end rule (day 31, anchor Feb 10 → Jan 31 … Feb 28)', () => {
    const plan = { frequency: { kind: 'monthly', dayOfMonth: 31 } as const, anchor: S(2026, 1, 10, 9) }
    expect(stubCycle(plan)).toEqual({ start: S(2026, 0, 31, 9), end: S(2026, 1, 28, 9) })
  })
  it('yearly on Mar 1, anchor 2026-07-01: 2026-03-01 → 2027-03-01', () => {
    const plan = { frequency: { kind: 'yearly', month: 3, day: 1 } as const, anchor: S(2026, 6, 1) }
    expect(stubCycle(plan)).toEqual({ start: S(2026, 2, 1), end: S(2027, 2, 1) })
  })
  it('null when period 0 is a whole cycle: anchor on the billing day, or a fixed-step plan', () => {
    expect(stubCycle({ frequency: { kind: 'monthly', dayOfMonth: 1 }, anchor: S(2026, 0, 1) })).toBeNull()
    expect(stubCycle({ frequency: { kind: 'weekly' }, anchor: S(2026, 0, 15) })).toBeNull()
  })
})

describe('stubCharge: the proration formula applied to the stub', () => {
  const ms = (s: number): number => s * 1000
  it('3100 SAT, 17 of 31 days → exactly 1700 SAT', () => {
    const c = stubCharge(
      '3100',
      3100,
      { start: ms(S(2026, 0, 15)), end: ms(S(2026, 1, 1)) },
      { start: ms(S(2026, 0, 1)), end: ms(S(2026, 1, 1)) },
    )
    expect(c).toEqual({ amount: '1700', amountSats: 1700, totalDays: 31, stubDays: 17 })
  })
  it('rounds half to even in whole sats: 1001 SAT, 14 of 28 days (500.5) → 500', () => {
    const c = stubCharge(
      '1001',
      1001,
      { start: ms(S(2026, 1, 15)), end: ms(S(2026, 2, 1)) },
      { start: ms(S(2026, 1, 1)), end: ms(S(2026, 2, 1)) },
    )
    expect(c).toEqual({ amount: '500', amountSats: 500, totalDays: 28, stubDays: 14 })
  })
  it('1000 SAT, 17 of 31 days → 548 (548.387…)', () => {
    const c = stubCharge(
      '1000',
      1000,
      { start: ms(S(2026, 0, 15)), end: ms(S(2026, 1, 1)) },
      { start: ms(S(2026, 0, 1)), end: ms(S(2026, 1, 1)) },
    )
    expect(c.amountSats).toBe(548)
    expect(c.amount).toBe('548')
  })
  it('a fiat-denominated plan keeps its own scale: 9.99 USD, 17 of 31 days → 5.48', () => {
    const c = stubCharge(
      '9.99',
      15_000,
      { start: ms(S(2026, 0, 15)), end: ms(S(2026, 1, 1)) },
      { start: ms(S(2026, 0, 1)), end: ms(S(2026, 1, 1)) },
    )
    expect(c.amount).toBe('5.48') // 9.99 / 31 · 17 = 5.4783…
    expect(c.amountSats).toBe(8226) // 15000 / 31 · 17 = 8225.8…
  })
  it('calendarSchedule exposes the cycle in ms, sub-second anchor included', () => {
    const sub = {
      startsAt: T0,
      trialEndsAt: T0 + 14 * DAY + 250,
      frequency: { kind: 'monthly', dayOfMonth: 1 } as const,
    }
    expect(calendarSchedule.stubCycle!(sub)).toEqual({
      start: Date.UTC(2026, 0, 1) + 250,
      end: Date.UTC(2026, 1, 1) + 250,
    })
    expect(calendarSchedule.stubCycle!({ ...sub, trialEndsAt: null })).toBeNull()
  })
})

describe('billing engine: stub period 0', () => {
  it('is free by default (the reference bills only on the plan day; its autopay pays exact amounts)', async () => {
    const { db, engine, subs } = setup('free')
    subs.importAgreement(mirror(4, { amount: '3100', frequency: '{"Monthly":{"day_of_month":1}}' }), T0, {
      trialEndsAt: T0 + 14 * DAY,
    })
    await engine.runOnce(Date.UTC(2026, 2, 1))
    const r = rows(db, 'sub_000004')
    expect(r.map((x) => [x.period_index, x.state, x.amount_sats, x.request_id === null])).toEqual([
      [0, 'skipped', 0, true],
      [1, 'published', 3100, false],
      [2, 'published', 3100, false],
    ])
  })
})

describe('billing engine bills a stub period 0 at its prorated charge when the shop chooses it', () => {
  it('trial ends Jan 15, 3100 SAT monthly on the 1st: period 0 requests 1700 SAT, later periods 3100', async () => {
    const { db, engine, subs } = setup()
    expect(T0).toBe(Date.UTC(2026, 0, 1))
    subs.importAgreement(mirror(1, { amount: '3100', frequency: '{"Monthly":{"day_of_month":1}}' }), T0, {
      trialEndsAt: T0 + 14 * DAY,
    })
    await engine.runOnce(Date.UTC(2026, 2, 1))
    const r = rows(db, 'sub_000001')
    expect(r.map((x) => [x.period_index, x.state, x.amount, x.amount_sats])).toEqual([
      [0, 'published', '1700', 1700],
      [1, 'published', '3100', 3100],
      [2, 'published', '3100', 3100],
    ])
    expect(requestAmount(db, r[0]!.request_id!)).toEqual({ amount: '1700', amount_sats: 1700 })
    expect(requestAmount(db, r[1]!.request_id!)).toEqual({ amount: '3100', amount_sats: 3100 })
  })

  it('no stub (anchor on the billing day): period 0 is billed in full', async () => {
    const { db, engine, subs } = setup()
    subs.importAgreement(mirror(2, { amount: '3100', frequency: '{"Monthly":{"day_of_month":1}}' }), T0)
    await engine.runOnce(Date.UTC(2026, 0, 2))
    expect(rows(db, 'sub_000002').map((x) => [x.period_index, x.amount, x.amount_sats])).toEqual([
      [0, '3100', 3100],
    ])
  })

  it('a stub worth less than one sat requests nothing: period 0 is recorded skipped, period 1 billed', async () => {
    const { db, engine, subs } = setup()
    // 10 SAT a month, trial ends Jan 31 12:00: 1 of 31 days → 0.32 SAT → 0.
    subs.importAgreement(mirror(3, { amount: '10', frequency: '{"Monthly":{"day_of_month":1}}' }), T0, {
      trialEndsAt: Date.UTC(2026, 0, 31, 12),
    })
    await engine.runOnce(Date.UTC(2026, 1, 1, 13))
    const r = rows(db, 'sub_000003')
    expect(r.map((x) => [x.period_index, x.state, x.amount_sats, x.request_id])).toEqual([
      [0, 'skipped', 0, null],
      [1, 'published', 10, r[1]!.request_id],
    ])
    expect(r[1]!.request_id).not.toBeNull()
  })
})
