/**
 * Crash safety in-process: the publisher fails at each step in turn, or the process "dies" (every
 * DB call fails from then on) before a PUT, after the PUT landed but before it was recorded, or
 * mid-scheduling, and the DB file is then closed and reopened. After a clean rerun there is exactly one row and one id per (subscription, period),
 * every period is published, ids chosen before the crash survive it, and the "homeserver" holds
 * exactly the ledger's ids.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { BillingEngine } from '../../../electron/main/core/billing/engine'
import { SubscriberService } from '../../../electron/main/core/billing/subscribers'
import type { Database } from '../../../electron/main/core/storage/db'
import { DAY, MERCHANT, RecordingPublisher, T0, crashable, mirror, tempDb } from './helpers'

const SUBS = 5
const NOW = T0 + 2 * DAY + 1 // 3 daily periods each
const TOTAL = SUBS * 3

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

function fresh() {
  const t = tempDb()
  cleanups.push(t.cleanup)
  const subs = new SubscriberService({ db: t.db })
  for (let i = 0; i < SUBS; i++) subs.importAgreement(mirror(i), T0)
  return t
}

const engineFor = (db: Database, publisher: RecordingPublisher, batchSize = 4) =>
  new BillingEngine({
    db,
    publisher,
    merchant: MERCHANT,
    policy: { batchSize, publishConcurrency: 3, reminderOffsetsMs: [] },
  })

const idsByPeriod = (db: Database) =>
  new Map(
    db
      .all<{ k: string; request_id: string }>(
        `SELECT subscription_id || '#' || period_index AS k, request_id FROM billing_periods`,
      )
      .map((r) => [r.k, r.request_id]),
  )

function assertInvariants(db: Database, publisher: RecordingPublisher): void {
  const rows = db.all<{ subscription_id: string; period_index: number; request_id: string; state: string }>(
    'SELECT subscription_id, period_index, request_id, state FROM billing_periods',
  )
  expect(rows).toHaveLength(TOTAL)
  expect(new Set(rows.map((r) => `${r.subscription_id}#${r.period_index}`)).size).toBe(TOTAL)
  expect(new Set(rows.map((r) => r.request_id)).size).toBe(TOTAL)
  expect(rows.every((r) => r.state === 'published')).toBe(true)
  expect([...publisher.everPublished].sort()).toEqual(rows.map((r) => r.request_id).sort())
  for (const r of rows) {
    expect(publisher.stored.get(r.request_id)!.metadata).toEqual({
      subscription_id: r.subscription_id,
      period_index: r.period_index,
    })
  }
}

describe('billing crash safety (in process)', () => {
  it('recovers when the publisher fails at each step in turn', async () => {
    for (let k = 1; k <= TOTAL; k++) {
      const t = fresh()
      const publisher = new RecordingPublisher()
      publisher.beforePublish = (call) => {
        if (call >= k) throw new Error(`homeserver unreachable (call ${call})`)
      }
      const first = await engineFor(t.db, publisher).runOnce(NOW)
      expect(first.published).toBe(k - 1)
      expect(first.publishFailed).toBe(TOTAL - k + 1)
      const chosen = idsByPeriod(t.db)
      expect(chosen.size).toBe(TOTAL)
      publisher.beforePublish = undefined
      const second = await engineFor(t.db, publisher).runOnce(NOW)
      expect(second.periodsCreated).toBe(0)
      expect(idsByPeriod(t.db)).toEqual(chosen)
      assertInvariants(t.db, publisher)
      expect(
        t.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM requests_out WHERE last_error IS NOT NULL')!.n,
      ).toBe(0)
    }
  })

  for (const when of ['before the PUT', 'after the PUT, before it is recorded'] as const) {
    it(`recovers when the database goes away ${when}, at each step`, async () => {
      for (let k = 1; k <= TOTAL; k += 2) {
        const t = fresh()
        const publisher = new RecordingPublisher()
        const c = crashable(t.db)
        const crash = (call: number) => {
          if (call === k) c.crash()
        }
        if (when === 'before the PUT') publisher.beforePublish = crash
        else publisher.afterPublish = crash
        await expect(engineFor(c.db, publisher).runOnce(NOW)).rejects.toThrow(/simulated crash/)
        const db = t.reopen()
        const chosen = idsByPeriod(db)
        await engineFor(db, publisher).runOnce(NOW)
        // Ids chosen before the crash are the ones published after it.
        for (const [k2, id] of chosen) expect(idsByPeriod(db).get(k2)).toBe(id)
        assertInvariants(db, publisher)
      }
    })
  }

  it('recovers when the database goes away in the middle of scheduling', async () => {
    const t = fresh()
    const publisher = new RecordingPublisher()
    const c = crashable(t.db)
    const engine = engineFor(c.db, publisher, 2)
    engine.events.on('billing:progress', (p) => {
      if (p.phase === 'schedule' && p.done === 2) c.crash()
    })
    await expect(engine.runOnce(NOW)).rejects.toThrow(/simulated crash/)
    const db = t.reopen()
    // The first batch (2 subscribers × 3 periods) committed; nothing else did.
    expect(idsByPeriod(db).size).toBe(6)
    expect(publisher.publishCalls).toBe(0)
    await engineFor(db, publisher).runOnce(NOW)
    assertInvariants(db, publisher)
  })
})
