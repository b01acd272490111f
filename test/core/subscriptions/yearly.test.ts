// Yearly plans end to end in the core: the text form the engine reads (`yearly:MM-DD`), its typed
// refusals, the label the screens show, and the billing engine on an injected clock across leap
// years — exactly one period a year on the anniversary, Feb 29 billed on Feb 28 in common years, a
// prorated stub up to the first anniversary, and MRR on the reference's 365-day year.
import { afterEach, describe, expect, it } from 'vitest'
import {
  frequencyFromJson,
  frequencyToJson,
  frequencyToText,
  parseFrequencyText,
  planLabel,
  yearly,
  type Frequency,
} from '../../../electron/main/core/subscriptions/frequency'
import { periodAt, periodIndexAt, stubCycle } from '../../../electron/main/core/subscriptions/schedule'
import { BillingEngine } from '../../../electron/main/core/billing/engine'
import { SubscriberService } from '../../../electron/main/core/billing/subscribers'
import { mrrSats } from '../../../electron/main/core/billing/view'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { frequencyText } from '../../../electron/main/app/services/engine-dto'
import { MERCHANT, RecordingPublisher, mirror, tempDb } from '../billing/helpers'

const DAY = 86_400_000
const utcMs = (y: number, m: number, d: number, h = 0): number => Date.UTC(y, m - 1, d, h)
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    return (e as { code?: string }).code
  }
  return undefined
}
const messageOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    return (e as Error).message
  }
  return ''
}

describe('the yearly text form', () => {
  it('reads yearly:MM-DD (zeros optional) and every older form, and writes them back', () => {
    expect(parseFrequencyText('yearly:03-14')).toEqual({ kind: 'yearly', month: 3, day: 14 })
    expect(parseFrequencyText('yearly:3-14')).toEqual({ kind: 'yearly', month: 3, day: 14 })
    expect(parseFrequencyText(' Yearly:12-31 ')).toEqual({ kind: 'yearly', month: 12, day: 31 })
    expect(parseFrequencyText('yearly:02-29')).toEqual({ kind: 'yearly', month: 2, day: 29 })
    const forms: [string, Frequency][] = [
      ['daily', { kind: 'daily' }],
      ['weekly', { kind: 'weekly' }],
      ['monthly:15', { kind: 'monthly', dayOfMonth: 15 }],
      ['yearly:01-01', { kind: 'yearly', month: 1, day: 1 }],
      ['custom:3600', { kind: 'custom', intervalSeconds: 3600 }],
    ]
    for (const [text, f] of forms) {
      expect(parseFrequencyText(text), text).toEqual(f)
      expect(frequencyToText(f)).toBe(text)
      expect(frequencyFromJson(frequencyToJson(f))).toEqual(f)
    }
    expect(forms).toHaveLength(5)
  })

  it('what the screen sends (the IPC DTO) is what the engine reads', () => {
    expect(frequencyText({ kind: 'yearly', month: 3, day: 14 })).toBe('yearly:03-14')
    expect(parseFrequencyText(frequencyText({ kind: 'yearly', month: 11, day: 5 }))).toEqual(yearly(11, 5))
    expect(parseFrequencyText(frequencyText({ kind: 'monthly', day: 28 }))).toEqual({
      kind: 'monthly',
      dayOfMonth: 28,
    })
    expect(parseFrequencyText(frequencyText({ kind: 'custom', days: 2 }))).toEqual({
      kind: 'custom',
      intervalSeconds: 172_800,
    })
  })

  it('refuses impossible dates and malformed text with typed errors a merchant can act on', () => {
    const refusals: [string, RegExp][] = [
      ['yearly:02-30', /February has no day 30: choose a day from 1 to 29 \(Feb 29 is allowed/],
      ['yearly:04-31', /April has no day 31: choose a day from 1 to 30/],
      ['yearly:13-01', /month must be 1\.\.12/],
      ['yearly:00-10', /month must be 1\.\.12/],
      ['yearly:03-00', /March has no day 0/],
      ['yearly', /yearly:MM-DD, e\.g\. yearly:03-14/],
      ['yearly:0314', /yearly:MM-DD/],
      ['yearly:3/14', /yearly:MM-DD/],
      ['yearly:003-14', /yearly:MM-DD/],
      ['annually', /daily, weekly, monthly:<day>, yearly:MM-DD or custom:<seconds>/],
      ['monthly:32', /1\.\.31/],
      ['custom:0', /1\.\.2\^53/],
      ['', /got ""/],
    ]
    for (const [text, message] of refusals) {
      expect(
        codeOf(() => parseFrequencyText(text)),
        text,
      ).toBe('invalid-frequency')
      expect(
        messageOf(() => parseFrequencyText(text)),
        text,
      ).toMatch(message)
    }
    // Non-strings (a JS caller bypassing the types) get the same typed error, never a TypeError.
    expect(codeOf(() => parseFrequencyText(42 as never))).toBe('invalid-frequency')
    expect(codeOf(() => parseFrequencyText('x'.repeat(100_000)))).toBe('invalid-frequency')
    expect(messageOf(() => parseFrequencyText('x'.repeat(100_000))).length).toBeLessThan(200)
  })

  it('labels plans the way the subscribers list shows them', () => {
    expect(planLabel(yearly(3, 14))).toBe('Yearly on 14 Mar')
    expect(planLabel(yearly(12, 31))).toBe('Yearly on 31 Dec')
    expect(planLabel(yearly(2, 29))).toBe('Yearly on 29 Feb')
    expect(planLabel({ kind: 'monthly', dayOfMonth: 1 })).toBe('Monthly on day 1')
    expect(planLabel({ kind: 'daily' })).toBe('Daily')
    expect(planLabel({ kind: 'weekly' })).toBe('Weekly')
    expect(planLabel({ kind: 'custom', intervalSeconds: 30 * 86_400 })).toBe('Every 30 days')
    expect(planLabel({ kind: 'custom', intervalSeconds: 3600 })).toBe('Every 3600 seconds')
  })
})

describe('the yearly calendar', () => {
  it('Feb 29 falls on Feb 28 in common years and on Feb 29 in leap years, one period each year', () => {
    const plan = { frequency: yearly(2, 29), anchor: Date.UTC(2028, 1, 29, 10) / 1000 }
    const starts = Array.from({ length: 9 }, (_, n) =>
      new Date(periodAt(plan, n)!.start * 1000).toISOString(),
    )
    expect(starts).toEqual([
      '2028-02-29T10:00:00.000Z',
      '2029-02-28T10:00:00.000Z',
      '2030-02-28T10:00:00.000Z',
      '2031-02-28T10:00:00.000Z',
      '2032-02-29T10:00:00.000Z',
      '2033-02-28T10:00:00.000Z',
      '2034-02-28T10:00:00.000Z',
      '2035-02-28T10:00:00.000Z',
      '2036-02-29T10:00:00.000Z',
    ])
    // 2100 is not a leap year (divisible by 100), 2400 is.
    const far = { frequency: yearly(2, 29), anchor: Date.UTC(2099, 1, 28) / 1000 }
    expect(new Date(periodAt(far, 1)!.start * 1000).toISOString().slice(0, 10)).toBe('2100-02-28')
    const farther = { frequency: yearly(2, 29), anchor: Date.UTC(2399, 1, 28) / 1000 }
    expect(new Date(periodAt(farther, 1)!.start * 1000).toISOString().slice(0, 10)).toBe('2400-02-29')
  })

  it('a Feb 29 plan started in a common year runs a stub to Feb 28, then bills every year', () => {
    const plan = { frequency: yearly(2, 29), anchor: Date.UTC(2027, 0, 10) / 1000 }
    const p0 = periodAt(plan, 0)!
    expect(p0.stub).toBe(true)
    expect(new Date(p0.end * 1000).toISOString().slice(0, 10)).toBe('2027-02-28')
    expect(stubCycle(plan)).toEqual({
      start: Date.UTC(2026, 1, 28) / 1000,
      end: Date.UTC(2027, 1, 28) / 1000,
    })
    expect(periodIndexAt(plan, Date.UTC(2028, 1, 28, 23, 59) / 1000)).toBe(1)
    expect(periodIndexAt(plan, Date.UTC(2028, 1, 29) / 1000)).toBe(2)
  })
})

describe('billing a yearly plan on an injected clock', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!()
  })

  /** Runs billing once a day from `from` to `to` (inclusive), paying each request the day it appears. */
  async function billDaily(
    frequency: string,
    startsAt: number,
    to: number,
    policy: Partial<BillingEngine['policy']> = {},
    amount = '36500',
  ) {
    const t = tempDb()
    cleanups.push(t.cleanup)
    const publisher = new RecordingPublisher()
    const engine = new BillingEngine({ db: t.db, publisher, merchant: MERCHANT, policy })
    const subs = new SubscriberService({ db: t.db })
    subs.importAgreement(mirror(1, { frequency, startsAt, createdAt: startsAt, amount }), startsAt)
    const clock = new ManualClock(startsAt)
    let runs = 0
    const paid = new Set<string>()
    while (clock.now() <= to) {
      await engine.runOnce(clock.now())
      runs++
      for (const p of subs.repo.periodsOf('sub_000001')) {
        if (p.request_id && !paid.has(p.request_id)) {
          engine.markRequestPaid(p.request_id, `rcpt_${p.period_index}`, clock.now())
          paid.add(p.request_id)
        }
      }
      clock.advance(DAY)
    }
    return { subs, publisher, runs, periods: subs.repo.periodsOf('sub_000001'), db: t.db }
  }

  it('bills exactly once a year on 14 March over five years (leap 2028 included), never twice', async () => {
    const { periods, publisher, runs, subs } = await billDaily(
      '{"Yearly":{"month":3,"day":14}}',
      utcMs(2027, 3, 14),
      utcMs(2031, 12, 31),
    )
    expect(runs).toBeGreaterThan(1700)
    expect(periods.map((p) => isoDay(p.period_start))).toEqual([
      '2027-03-14',
      '2028-03-14',
      '2029-03-14',
      '2030-03-14',
      '2031-03-14',
    ])
    expect(periods.map((p) => p.period_index)).toEqual([0, 1, 2, 3, 4])
    expect(periods.every((p) => p.state === 'paid' && p.amount_sats === 36_500)).toBe(true)
    expect(periods.map((p) => p.period_end - p.period_start)).toEqual([
      366 * DAY, // 2027-03-14 → 2028-03-14 spans Feb 29 2028
      365 * DAY,
      365 * DAY,
      365 * DAY,
      366 * DAY, // 2031-03-14 → 2032-03-14 spans Feb 29 2032
    ])
    expect(publisher.publishCalls).toBe(5)
    // MRR: the reference's 365-day year against its 30-day month (36,500 × 30/365).
    const sub = subs.repo.getSubscription('sub_000001')!
    expect(mrrSats([sub], utcMs(2031, 6, 1))).toBe(3000)
  })

  it('a 29 February plan bills on Feb 28 in common years and Feb 29 in leap years', async () => {
    const { periods } = await billDaily(
      '{"Yearly":{"month":2,"day":29}}',
      utcMs(2028, 2, 29),
      utcMs(2032, 3, 1),
    )
    expect(periods.map((p) => isoDay(p.period_start))).toEqual([
      '2028-02-29',
      '2029-02-28',
      '2030-02-28',
      '2031-02-28',
      '2032-02-29',
    ])
  })

  it('a plan taken mid-year runs a stub to the first anniversary (free by default, or prorated), then bills yearly', async () => {
    const plan = '{"Yearly":{"month":3,"day":14}}'
    const free = await billDaily(plan, utcMs(2026, 7, 10), utcMs(2028, 3, 20))
    expect(free.periods.map((p) => [isoDay(p.period_start), p.amount_sats, p.state])).toEqual([
      ['2026-07-10', 0, 'skipped'],
      ['2027-03-14', 36_500, 'paid'],
      ['2028-03-14', 36_500, 'paid'],
    ])
    // Cycle 2026-03-14 → 2027-03-14 is 365 days; days_old = 118 (Mar 14 → Jul 10); stub 247 days.
    const prorated = await billDaily(plan, utcMs(2026, 7, 10), utcMs(2028, 3, 20), {
      stubPeriods: 'prorated',
    })
    expect(prorated.periods.map((p) => [isoDay(p.period_start), p.amount_sats])).toEqual([
      ['2026-07-10', 24_700],
      ['2027-03-14', 36_500],
      ['2028-03-14', 36_500],
    ])
  })
})
