import { afterEach, describe, expect, it } from 'vitest'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'
import { BillingEngine } from '../../../electron/main/core/billing/engine'
import { SubscriberService, prorateSats } from '../../../electron/main/core/billing/subscribers'
import type { RoundingMode } from '../../../electron/main/core/subscriptions/proration'
import { churn30, mrrSats } from '../../../electron/main/core/billing/view'
import type { BillingPolicy } from '../../../electron/main/core/billing/policy'
import { PersistentNonceStore } from '../../../electron/main/core/billing/nonce-store'
import { InboxRepo } from '../../../electron/main/core/billing/requests-repo'
import type { SubscriptionRow } from '../../../electron/main/core/billing/repo'
import { DAY, MERCHANT, RecordingPublisher, T0, keyOf, mirror, tempDb } from './helpers'

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})
function db() {
  const t = tempDb()
  cleanups.push(t.cleanup)
  return t
}

describe.skipIf(!vectorsPresent)('proration in sats: the reference formula (needs ../shared/vectors)', () => {
  // The billing ledger prorates through subscriptions/proration.ts (prorateSats adapts ms and sats).
  it('matches every vector in paykit/proration.json', () => {
    const file = loadVectors('paykit/proration.json')
    const prorate = (
      input: Omit<Parameters<typeof prorateSats>[0], 'rounding'>,
      rounding: string = 'Nearest',
    ) => prorateSats({ ...input, rounding: rounding.toLowerCase() as RoundingMode })
    let n = 0
    for (const v of file.vectors) {
      const input = {
        oldSats: BigInt(v.old),
        newSats: BigInt(v.new),
        periodStart: v.period_start * 1000,
        periodEnd: v.period_end * 1000,
        changeAt: v.change_date * 1000,
      }
      const e = v.expected
      if (e.error) {
        expect(() => prorate(input)).toThrow(expect.objectContaining({ code: 'proration-out-of-period' }))
      } else if (e.derived_exact) {
        for (const mode of ['Up', 'Down', 'Nearest']) {
          const r = prorate(input, mode)
          expect([r.creditSats, r.chargeSats, r.netSats].map(String)).toEqual([
            e.derived_exact[mode].credit,
            e.derived_exact[mode].charge,
            e.derived_exact[mode].net,
          ])
        }
        expect(prorate(input, 'Up').chargeSats >= prorate(input, 'Down').chargeSats).toBe(true)
      } else {
        const r = prorate(input, v.rounding)
        if ('days_at_old_rate' in e) expect(r.daysAtOldRate).toBe(e.days_at_old_rate)
        if ('days_at_new_rate' in e) expect(r.daysAtNewRate).toBe(e.days_at_new_rate)
        if ('net_amount' in e) expect(String(r.netSats)).toBe(e.net_amount)
        if ('net_amount_abs' in e) expect(String(-r.netSats)).toBe(e.net_amount_abs)
        if (e.is_charge) expect(r.netSats > 0n).toBe(true)
        if (e.is_refund) expect(r.netSats < 0n).toBe(true)
        if (e.is_neutral) expect(r.netSats).toBe(0n)
      }
      n++
    }
    expect(n).toBe(7)
  })
})

describe('plan changes', () => {
  /** A plan billed monthly on the 1st from Jan 1 at `from` sats, re-signed at `to` on day `day`. */
  async function changedPlan(from: string, to: string, day: number, policy: Partial<BillingPolicy> = {}) {
    const t = db()
    const publisher = new RecordingPublisher()
    const engine = new BillingEngine({ db: t.db, publisher, merchant: MERCHANT, policy })
    const subs = new SubscriberService({ db: t.db })
    const monthly = '{"Monthly":{"day_of_month":1}}'
    subs.importAgreement(mirror(1, { amount: from, frequency: monthly }), T0)
    await engine.runOnce(T0)
    const change = subs.changeAmount(
      'sub_000001',
      mirror(1, { amount: to, frequency: monthly }),
      T0 + day * DAY,
    )
    return { publisher, engine, subs, change }
  }

  it('upgrade mid-period publishes a prorated one-off charge; later periods use the new amount', async () => {
    const { publisher, engine, subs, change } = await changedPlan('3000', '6000', 10, {
      reminderOffsetsMs: [],
    })
    expect(change.kind).toBe('upgrade')
    // Period 0 is January (31 days, monthly on the 1st): 10 days at 3000, 21 at 6000;
    // net = (6000 − 3000) · 21 / 31 = 2032.26 → 2032.
    expect(change.proration).toMatchObject({ daysAtOldRate: 10, daysAtNewRate: 21, netSats: 2032n })
    await engine.runOnce(T0 + 10 * DAY)
    const charge = publisher.stored.get(change.requestId!)!
    expect(charge).toMatchObject({
      amount: '2032',
      currency: 'SAT',
      metadata: { subscription_id: 'sub_000001' },
    })
    engine.markRequestPaid(subs.repo.period('sub_000001', 0)!.request_id!, 'rcpt_p0', T0 + 11 * DAY)
    engine.markRequestPaid(change.requestId!, 'rcpt_upgrade', T0 + 11 * DAY)
    await engine.runOnce(T0 + 30 * DAY)
    expect(subs.repo.period('sub_000001', 1)).toBeUndefined() // Jan 31: still January's period
    await engine.runOnce(Date.UTC(2026, 1, 1))
    expect(publisher.stored.has(change.requestId!)).toBe(false)
    expect(subs.repo.period('sub_000001', 1)).toMatchObject({ amount: '6000', amount_sats: 6000 })
    expect(subs.repo.adjustmentsOf('sub_000001')).toEqual([
      expect.objectContaining({ kind: 'upgrade', old_amount: '3000', new_amount: '6000', net_sats: 2032 }),
    ])
  })

  it('downgrade mid-period credits the subscriber and publishes nothing extra', async () => {
    const { publisher, engine, subs, change } = await changedPlan('6000', '3000', 15)
    expect(change).toMatchObject({ kind: 'downgrade', requestId: null })
    // 16 of January's 31 days at the lower rate: (3000 − 6000) · 16 / 31 = −1548.39 → a 1548 credit.
    expect(subs.repo.getSubscription('sub_000001')!.credit_sats).toBe(1548)
    const before = publisher.publishCalls
    await engine.runOnce(T0 + 15 * DAY)
    expect(publisher.publishCalls).toBe(before)
  })

  it('refuses changes that are not amount changes, and changes to closed subscriptions', () => {
    const t = db()
    const subs = new SubscriberService({ db: t.db })
    subs.importAgreement(mirror(1), T0)
    const attempt = (m: ReturnType<typeof mirror>) => () => subs.changeAmount('sub_000001', m, T0)
    expect(attempt(mirror(1))).toThrow(expect.objectContaining({ code: 'invalid-amount-change' }))
    expect(attempt(mirror(1, { amount: '2000', frequency: '"Weekly"' }))).toThrow(
      expect.objectContaining({ code: 'invalid-amount-change' }),
    )
    expect(attempt(mirror(2, { amount: '2000' }))).toThrow(
      expect.objectContaining({ code: 'invalid-amount-change' }),
    )
    subs.cancel('sub_000001', 'now', T0)
    expect(attempt(mirror(1, { amount: '2000' }))).toThrow(expect.objectContaining({ code: 'invalid-state' }))
    expect(subs.repo.getSubscription('sub_000001')!.amount).toBe('1000')
  })
})

describe('agreement intake', () => {
  it('is idempotent for the same agreement and refuses different terms under the same id', () => {
    const t = db()
    const subs = new SubscriberService({ db: t.db })
    expect(subs.importAgreement(mirror(1), T0)).toEqual({ created: true })
    expect(subs.importAgreement(mirror(1), T0 + 5)).toEqual({ created: false })
    expect(() => subs.importAgreement(mirror(1, { amount: '999' }), T0)).toThrow(
      expect.objectContaining({ code: 'invalid-agreement' }),
    )
  })

  it('refuses bad agreements with a typed error and writes nothing', () => {
    const t = db()
    const subs = new SubscriberService({ db: t.db })
    const bad = [
      [mirror(1, { currency: 'USD' }), 'invalid-agreement'],
      [mirror(2, { amount: '10.5' }), 'invalid-amount'],
      [mirror(3, { amount: '1e3' }), 'invalid-amount'],
      [mirror(4, { subscriber: MERCHANT }), 'invalid-agreement'],
      [mirror(5, { endsAt: T0 - 1 }), 'invalid-agreement'],
      [mirror(6, { frequency: '"Hourly"' }), 'invalid-frequency'],
      [mirror(7, { frequency: '{"Custom":{"interval_seconds":0}}' }), 'invalid-frequency'],
    ] as const
    for (const [m, code] of bad) {
      expect(() => subs.importAgreement(m, T0)).toThrow(expect.objectContaining({ code }))
    }
    expect(t.db.get('SELECT COUNT(*) AS n FROM subscriptions')).toEqual({ n: 0 })
  })

  it('refuses actions on unknown subscriptions', () => {
    const t = db()
    const subs = new SubscriberService({ db: t.db })
    expect(() => subs.pause('nope', T0)).toThrow(expect.objectContaining({ code: 'unknown-subscription' }))
  })
})

describe('MRR and churn', () => {
  const row = (n: number, over: Partial<SubscriptionRow>): SubscriptionRow => ({
    subscription_id: `s${n}`,
    subscriber: keyOf(n),
    provider: MERCHANT,
    amount: '1000',
    currency: 'SAT',
    amount_sats: 1000,
    frequency: '"Daily"',
    method: 'lightning',
    description: 'x',
    max_amount_per_period: null,
    metadata: '{}',
    created_at: T0,
    starts_at: T0,
    ends_at: null,
    signed_json: '{}',
    state: 'active',
    trial_ends_at: null,
    grace_ms: 0,
    next_period_index: 0,
    paused_at: null,
    cancel_at: null,
    cancelled_at: null,
    cancel_reason: null,
    ended_at: null,
    end_reason: null,
    credit_sats: 0,
    imported_at: T0,
    updated_at: T0,
    ...over,
  })

  it('normalises every frequency to the reference 30-day month and skips trials and pauses', () => {
    const now = T0 + 40 * DAY
    const subs = [
      row(1, { amount_sats: 1000, frequency: '"Daily"' }), // 30,000
      row(2, { amount_sats: 7000, frequency: '"Weekly"' }), // 30,000
      row(3, { amount_sats: 5000, frequency: '{"Monthly":{"day_of_month":3}}' }), // 5,000
      row(4, { amount_sats: 365_000, frequency: '{"Yearly":{"month":1,"day":1}}' }), // 30,000
      row(5, { amount_sats: 100, frequency: '{"Custom":{"interval_seconds":3600}}' }), // 72,000
      row(6, { trial_ends_at: now + DAY }),
      row(7, { state: 'paused' }),
      row(8, { state: 'cancelled', cancelled_at: now - DAY }),
    ]
    expect(mrrSats(subs, now)).toBe(167_000)
  })

  it('churn = closed in the last 30 days / active at the window start', () => {
    const now = T0 + 100 * DAY
    const subs = [
      row(1, {}),
      row(2, {}),
      row(3, { state: 'cancelled', cancelled_at: now - 5 * DAY }),
      row(4, { state: 'ended', ended_at: now - 29 * DAY, end_reason: 'unpaid' }),
      row(5, { state: 'cancelled', cancelled_at: now - 31 * DAY }), // gone before the window
      row(6, { starts_at: now - 10 * DAY }), // joined inside the window
    ]
    expect(churn30(subs, now)).toEqual({ activeAtStart: 4, churned: 2, rate: 0.5 })
    expect(churn30([], now)).toEqual({ activeAtStart: 0, churned: 0, rate: 0 })
  })
})

describe('persisted nonce store', () => {
  const nonce = 'ab'.repeat(32)
  it('refuses a replay, including after a restart, and forgets expired nonces', () => {
    const t = db()
    const store = new PersistentNonceStore(t.db)
    expect(store.checkAndMark(nonce, T0 + DAY, T0)).toBe(true)
    expect(store.checkAndMark(nonce, T0 + DAY, T0 + 1)).toBe(false)
    const reopened = new PersistentNonceStore(t.reopen())
    expect(reopened.checkAndMark(nonce, T0 + DAY, T0 + 2)).toBe(false)
    expect(reopened.has(nonce, T0 + 2)).toBe(true)
    expect(reopened.cleanup(T0 + DAY)).toBe(1)
    expect(reopened.checkAndMark(nonce, T0 + 2 * DAY, T0 + DAY + 1)).toBe(true)
  })

  it('rejects a malformed nonce with a typed error', () => {
    const t = db()
    const store = new PersistentNonceStore(t.db)
    expect(() => store.checkAndMark('xyz', T0, T0)).toThrow(
      expect.objectContaining({ code: 'invalid-input' }),
    )
    expect(t.db.get('SELECT COUNT(*) AS n FROM nonces')).toEqual({ n: 0 })
  })
})

describe('request inbox', () => {
  it('deduplicates on (sender, request_id)', () => {
    const t = db()
    const inbox = new InboxRepo(t.db)
    const base = {
      sender: keyOf(5),
      request_id: 'req_1',
      schema: 'rust' as const,
      amount: '100',
      currency: 'SAT',
      amount_sats: 100,
      method: 'lightning',
      description: null,
      created_at: T0,
      expires_at: null,
      payload: '{"first":true}',
      received_at: T0,
    }
    expect(inbox.insertIfNew(base)).toBe(true)
    expect(inbox.insertIfNew({ ...base, payload: '{"second":true}', received_at: T0 + 1 })).toBe(false)
    expect(inbox.insertIfNew({ ...base, sender: keyOf(6) })).toBe(true)
    expect(inbox.get(keyOf(5), 'req_1')!.payload).toBe('{"first":true}')
    expect(inbox.list()).toHaveLength(2)
  })
})
