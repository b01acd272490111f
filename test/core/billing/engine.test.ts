import { afterEach, describe, expect, it } from 'vitest'
import { BillingEngine, type BillingEvents } from '../../../electron/main/core/billing/engine'
import { SubscriberService } from '../../../electron/main/core/billing/subscribers'
import { subscriberView } from '../../../electron/main/core/billing/view'
import { EventBus } from '../../../electron/main/core/observe/events'
import type { Database } from '../../../electron/main/core/storage/db'
import { DAY, MERCHANT, RecordingPublisher, T0, mirror, tempDb } from './helpers'

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function setup(policy: Partial<BillingEngine['policy']> = {}) {
  const t = tempDb()
  cleanups.push(t.cleanup)
  const publisher = new RecordingPublisher()
  const events = new EventBus<BillingEvents>()
  const engine = new BillingEngine({ db: t.db, publisher, merchant: MERCHANT, policy, events })
  const subs = new SubscriberService({ db: t.db, defaultGraceMs: policy.defaultGraceMs ?? 14 * DAY })
  return { t, db: t.db, publisher, events, engine, subs }
}

const periods = (db: Database, id: string) =>
  db.all<{ period_index: number; state: string; request_id: string | null; period_start: number }>(
    'SELECT period_index, state, request_id, period_start FROM billing_periods WHERE subscription_id = ? ORDER BY period_index',
    id,
  )

describe('billing engine: one period, one request id', () => {
  it('creates, stores the id, publishes, and does nothing more on repeated runs at the same time', async () => {
    const { db, engine, subs, publisher } = setup()
    subs.importAgreement(mirror(1), T0)
    const s1 = await engine.runOnce(T0 + 1000)
    expect(s1.periodsCreated).toBe(1)
    expect(s1.published).toBe(1)
    const rows = periods(db, 'sub_000001')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.state).toBe('published')
    const id = rows[0]!.request_id!
    expect(id).toMatch(/^req_\d{13}_[0-9a-f]{20}$/)
    const sent = publisher.stored.get(id)!
    expect(sent).toMatchObject({
      from: MERCHANT,
      to: mirror(1).subscriber,
      amount: '1000',
      currency: 'SAT',
      method: 'lightning',
      description: 'Subscription payment: Plan 1',
      createdAt: Math.floor((T0 + 1000) / 1000),
      metadata: { subscription_id: 'sub_000001', period_index: 0 },
    })
    const s2 = await engine.runOnce(T0 + 2000)
    expect(s2.periodsCreated + s2.published + s2.reminded).toBe(0)
    expect(publisher.publishCalls).toBe(1)
    expect(periods(db, 'sub_000001')).toEqual(rows)
  })

  it('keeps the verbatim amount string on the wire while billing integer sats', async () => {
    const { db, engine, subs, publisher } = setup()
    subs.importAgreement(mirror(2, { amount: '1500.0' }), T0)
    await engine.runOnce(T0)
    const row = db.get<{ amount: string; amount_sats: number }>(
      'SELECT amount, amount_sats FROM billing_periods',
    )
    expect(row).toEqual({ amount: '1500.0', amount_sats: 1500 })
    expect([...publisher.stored.values()][0]!.amount).toBe('1500.0')
  })

  it('reports progress per batch, ending at done = total', async () => {
    const { engine, subs, events } = setup({ batchSize: 7 })
    for (let i = 0; i < 20; i++) subs.importAgreement(mirror(i), T0)
    const seen: Array<{ phase: string; done: number; total: number }> = []
    events.on('billing:progress', (p) => seen.push(p))
    await engine.runOnce(T0)
    const schedule = seen.filter((p) => p.phase === 'schedule')
    expect(schedule.map((p) => p.done)).toEqual([7, 14, 20])
    expect(schedule.every((p) => p.total === 20)).toBe(true)
    expect(seen.filter((p) => p.phase === 'publish').at(-1)).toEqual({
      phase: 'publish',
      done: 20,
      total: 20,
    })
  })

  it('refuses to overlap itself', async () => {
    const { engine, subs } = setup()
    subs.importAgreement(mirror(1), T0)
    const first = engine.runOnce(T0)
    await expect(engine.runOnce(T0)).rejects.toMatchObject({ code: 'invalid-state' })
    await first
  })
})

describe('billing engine: three periods with paid, overdue, reminders, grace and end', () => {
  it('walks a weekly subscription through its dunning', async () => {
    const { db, engine, subs, publisher, events } = setup({
      reminderOffsetsMs: [1 * DAY, 3 * DAY],
      overdueAfterMs: 1 * DAY,
      defaultGraceMs: 10 * DAY,
      requestTtlMs: 2 * DAY,
    })
    const ended: string[] = []
    events.on('billing:subscription-ended', (e) => ended.push(`${e.subscriptionId}:${e.reason}:${e.at}`))
    subs.importAgreement(mirror(1, { frequency: '"Weekly"' }), T0)
    const view = (now: number) =>
      subscriberView(
        subs.repo.getSubscription('sub_000001')!,
        subs.repo.periodsOf('sub_000001'),
        now,
        engine.policy,
      )

    // Period 0: billed at start, paid on day 0.
    await engine.runOnce(T0)
    const p0 = periods(db, 'sub_000001')[0]!.request_id!
    expect(publisher.stored.get(p0)!.expiresAt).toBe((T0 + 2 * DAY) / 1000)
    expect(engine.markRequestPaid(p0, 'rcpt_a', T0 + 3600_000)).toEqual({ changed: true })
    expect(engine.markRequestPaid(p0, 'rcpt_a', T0 + 3600_000)).toEqual({ changed: false })
    expect(() => engine.markRequestPaid(p0, 'rcpt_other', T0)).toThrow(
      expect.objectContaining({ code: 'invalid-state' }),
    )
    expect(view(T0 + DAY)).toMatchObject({
      status: 'active',
      lastPaidAt: T0 + 3600_000,
      nextChargeAt: T0 + 7 * DAY,
    })
    // The paid request is deleted from the homeserver on the next run.
    await engine.runOnce(T0 + DAY)
    expect(publisher.stored.has(p0)).toBe(false)

    // Period 1: billed on day 7, left unpaid.
    await engine.runOnce(T0 + 7 * DAY)
    const p1 = periods(db, 'sub_000001')[1]!.request_id!
    expect(publisher.stored.has(p1)).toBe(true)
    expect(view(T0 + 7 * DAY + 3600_000)).toMatchObject({
      status: 'active',
      overdueDays: 0,
      unpaidPeriods: 1,
    })

    // Day 8: first reminder, same id, refreshed expiry.
    const callsBefore = publisher.publishCalls
    const r1 = await engine.runOnce(T0 + 8 * DAY)
    expect(r1.reminded).toBe(1)
    expect(publisher.publishCalls).toBe(callsBefore + 1)
    expect(publisher.stored.get(p1)!.expiresAt).toBe((T0 + 10 * DAY) / 1000)
    expect(view(T0 + 9 * DAY)).toMatchObject({ status: 'past_due', overdueDays: 2 })
    // Day 9: no reminder due.
    expect((await engine.runOnce(T0 + 9 * DAY)).reminded).toBe(0)
    // Day 10: second (last) reminder.
    expect((await engine.runOnce(T0 + 10 * DAY)).reminded).toBe(1)
    expect((await engine.runOnce(T0 + 12 * DAY)).reminded).toBe(0)

    // Period 2: billed on day 14 although period 1 is still unpaid (it is not yet past grace).
    await engine.runOnce(T0 + 14 * DAY)
    const rows = periods(db, 'sub_000001')
    expect(rows.map((r) => r.state)).toEqual(['paid', 'published', 'published'])
    expect(view(T0 + 14 * DAY)).toMatchObject({
      status: 'past_due',
      unpaidPeriods: 2,
      unpaidSats: 2000,
      overdueDays: 7,
    })

    // Day 17 = period 1 due (day 7) + 10 days grace: the subscription ends, unpaid requests are voided and removed.
    const end = await engine.runOnce(T0 + 17 * DAY)
    expect(end.endedUnpaid).toBe(1)
    expect(ended).toEqual([`sub_000001:unpaid:${T0 + 17 * DAY}`])
    expect(periods(db, 'sub_000001').map((r) => r.state)).toEqual(['paid', 'void', 'void'])
    expect(publisher.stored.size).toBe(0)
    expect(view(T0 + 17 * DAY)).toMatchObject({ status: 'ended', nextChargeAt: null })
    // Nothing is billed after the end.
    const later = await engine.runOnce(T0 + 30 * DAY)
    expect(later.periodsCreated).toBe(0)
    expect(periods(db, 'sub_000001')).toHaveLength(3)
  })

  it('catches up missed periods once when the till was off, with one id each', async () => {
    const { db, engine, subs } = setup({ reminderOffsetsMs: [] })
    subs.importAgreement(mirror(1), T0)
    await engine.runOnce(T0 + 4 * DAY + 5)
    await engine.runOnce(T0 + 4 * DAY + 6)
    const rows = periods(db, 'sub_000001')
    expect(rows.map((r) => r.period_index)).toEqual([0, 1, 2, 3, 4])
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(5)
    expect(rows.every((r) => r.state === 'published')).toBe(true)
  })
})

describe('billing engine: pause, trial, cancellation, term end', () => {
  it('skips periods that start while paused and never bills them later', async () => {
    const { db, engine, subs } = setup({ reminderOffsetsMs: [] })
    subs.importAgreement(mirror(1), T0)
    await engine.runOnce(T0)
    await engine.runOnce(T0 + DAY)
    subs.pause('sub_000001', T0 + 1.5 * DAY)
    for (const d of [2, 3, 4]) await engine.runOnce(T0 + d * DAY)
    expect(subscriberView(subs.repo.getSubscription('sub_000001')!, [], T0 + 3 * DAY).status).toBe('paused')
    subs.resume('sub_000001', T0 + 4.5 * DAY)
    await engine.runOnce(T0 + 4.6 * DAY)
    expect(periods(db, 'sub_000001').map((r) => `${r.period_index}:${r.state}`)).toEqual([
      '0:published',
      '1:published',
      '2:skipped',
      '3:skipped',
      '4:skipped',
    ])
    await engine.runOnce(T0 + 5 * DAY)
    expect(periods(db, 'sub_000001').map((r) => r.state)).toEqual([
      'published',
      'published',
      'skipped',
      'skipped',
      'skipped',
      'published',
    ])
    expect(
      periods(db, 'sub_000001')
        .filter((r) => r.state === 'skipped')
        .every((r) => r.request_id === null),
    ).toBe(true)
  })

  it('charges nothing during a trial and bills from the trial end', async () => {
    const { db, engine, subs } = setup()
    const trialEnd = T0 + 14 * DAY
    subs.importAgreement(mirror(1, { frequency: '{"Monthly":{"day_of_month":1}}' }), T0, {
      trialEndsAt: trialEnd,
    })
    for (let d = 0; d < 14; d++) expect((await engine.runOnce(T0 + d * DAY)).periodsCreated).toBe(0)
    const during = subscriberView(subs.repo.getSubscription('sub_000001')!, [], T0 + DAY)
    expect(during).toMatchObject({ status: 'trialing', nextChargeAt: trialEnd })
    await engine.runOnce(trialEnd)
    expect(periods(db, 'sub_000001')).toEqual([
      expect.objectContaining({ period_index: 0, period_start: trialEnd }),
    ])
  })

  it('cancels at period end: bills nothing after, then turns cancelled', async () => {
    const { db, engine, subs } = setup()
    subs.importAgreement(mirror(1, { frequency: '{"Monthly":{"day_of_month":1}}' }), T0)
    await engine.runOnce(T0)
    engine.markRequestPaid(periods(db, 'sub_000001')[0]!.request_id!, 'rcpt_1', T0 + 1000)
    // Monthly on the 1st from Jan 1: the current period ends on Feb 1, 31 days later (calendar month).
    const periodEnd = Date.UTC(2026, 1, 1)
    expect(periodEnd).toBe(T0 + 31 * DAY)
    expect(subs.cancel('sub_000001', 'at-period-end', T0 + 10 * DAY, 'moving away')).toEqual({
      cancelAt: periodEnd,
    })
    expect(subscriberView(subs.repo.getSubscription('sub_000001')!, [], T0 + 11 * DAY).status).toBe(
      'cancelling',
    )
    const s = await engine.runOnce(periodEnd)
    expect(s.cancelled).toBe(1)
    expect(periods(db, 'sub_000001')).toHaveLength(1)
    expect(subs.repo.getSubscription('sub_000001')).toMatchObject({
      state: 'cancelled',
      cancelled_at: periodEnd,
    })
    expect(() => subs.cancel('sub_000001', 'now', periodEnd + DAY)).toThrow(
      expect.objectContaining({ code: 'invalid-state' }),
    )
  })

  it('cancels now: voids the open request and deletes it from the homeserver', async () => {
    const { db, engine, subs, publisher } = setup()
    subs.importAgreement(mirror(1), T0)
    await engine.runOnce(T0)
    const id = periods(db, 'sub_000001')[0]!.request_id!
    expect(publisher.stored.has(id)).toBe(true)
    subs.cancel('sub_000001', 'now', T0 + 1000)
    const s = await engine.runOnce(T0 + 2000)
    expect(s.removed).toBe(1)
    expect(publisher.stored.has(id)).toBe(false)
    expect(periods(db, 'sub_000001')[0]!.state).toBe('void')
    await engine.runOnce(T0 + 3 * DAY)
    expect(periods(db, 'sub_000001')).toHaveLength(1)
  })

  it("ends at the agreement's ends_at", async () => {
    const { db, engine, subs } = setup({ reminderOffsetsMs: [] })
    subs.importAgreement(mirror(1, { endsAt: T0 + 2 * DAY }), T0)
    const s = await engine.runOnce(T0 + 5 * DAY)
    expect(periods(db, 'sub_000001').map((r) => r.period_index)).toEqual([0, 1])
    expect(s.endedTerm).toBe(1)
    expect(subs.repo.getSubscription('sub_000001')).toMatchObject({
      state: 'ended',
      end_reason: 'term-ended',
    })
  })
})

describe('billing engine: calendar periods (subscriptions/schedule.ts through the BillingSchedule port)', () => {
  it('bills monthly on day 31 at each month end, and the calendar agrees with the ledger rows', async () => {
    const { db, engine, subs } = setup({ reminderOffsetsMs: [], defaultGraceMs: 365 * DAY })
    const start = Date.UTC(2026, 0, 31, 9, 30)
    subs.importAgreement(mirror(1, { frequency: '{"Monthly":{"day_of_month":31}}', startsAt: start }), start)
    for (let m = 0; m < 6; m++) await engine.runOnce(Date.UTC(2026, m + 1, 1, 9, 30) - 1)
    await engine.runOnce(Date.UTC(2026, 6, 31, 9, 30))
    const starts = periods(db, 'sub_000001').map((r) => new Date(r.period_start).toISOString().slice(0, 10))
    expect(starts).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
    ])
    expect(new Set(periods(db, 'sub_000001').map((r) => r.request_id)).size).toBe(7)
  })

  it('after a trial that ends mid-month, bills the stub to the 1st, then whole months', async () => {
    const { db, engine, subs } = setup({ reminderOffsetsMs: [] })
    const trialEnd = T0 + 14 * DAY // Jan 15
    subs.importAgreement(mirror(1, { frequency: '{"Monthly":{"day_of_month":1}}' }), T0, {
      trialEndsAt: trialEnd,
    })
    await engine.runOnce(Date.UTC(2026, 2, 1))
    expect(periods(db, 'sub_000001').map((r) => [r.period_index, r.period_start])).toEqual([
      [0, trialEnd],
      [1, Date.UTC(2026, 1, 1)],
      [2, Date.UTC(2026, 2, 1)],
    ])
    const view = subscriberView(
      subs.repo.getSubscription('sub_000001')!,
      subs.repo.periodsOf('sub_000001'),
      Date.UTC(2026, 2, 2),
    )
    expect(view.nextChargeAt).toBe(Date.UTC(2026, 3, 1))
  })

  it('keeps a sub-second anchor exact: period 0 starts at it and indexAt agrees to the millisecond', async () => {
    const { db, engine, subs } = setup({ reminderOffsetsMs: [] })
    const start = T0 + 123 // not a whole second
    subs.importAgreement(mirror(1, { startsAt: start }), start)
    await engine.runOnce(start + DAY - 1)
    expect(periods(db, 'sub_000001').map((r) => r.period_start)).toEqual([start])
    await engine.runOnce(start + DAY)
    expect(periods(db, 'sub_000001').map((r) => r.period_start)).toEqual([start, start + DAY])
  })
})
