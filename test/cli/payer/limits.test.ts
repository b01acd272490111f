// Per-peer spending limits (paykit-protocol.md §6.7) on a real SQLite payer database with an
// injected clock: caps, period resets, reserve → commit/rollback, and refusals that change nothing.
import { describe, expect, it } from 'vitest'
import { openPayerDb } from '../../../electron/cli/payer/db'
import { LimitError, parsePeerCap, resetDue, SpendingLimits } from '../../../electron/cli/payer/limits'

const DAY = 86_400_000
const PEER = 'peer-a'

function setup(start = 1_700_000_000_000) {
  const clock = {
    t: start,
    now() {
      return this.t
    },
  }
  const db = openPayerDb(':memory:', () => clock.t)
  return { db, clock, limits: new SpendingLimits(db, clock) }
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(LimitError)
    return (e as LimitError).code
  }
  throw new Error('expected a LimitError')
}

describe('SpendingLimits', () => {
  it('refuses to reserve for a peer without a limit, writing nothing', () => {
    const { db, limits } = setup()
    expect(codeOf(() => limits.reserve('k1', PEER, 100))).toBe('no-peer-limit')
    expect(db.all('SELECT * FROM reservations')).toHaveLength(0)
  })

  it('reserves under the cap and refuses the amount that would cross it', () => {
    const { limits } = setup()
    limits.setLimit(PEER, 2500, 'weekly')
    limits.reserve('k1', PEER, 1000)
    limits.commit('k1')
    limits.reserve('k2', PEER, 1000)
    expect(limits.get(PEER)).toMatchObject({ spentSats: 1000, reservedSats: 1000 })
    // Reserved money counts: 1000 spent + 1000 reserved + 1000 > 2500.
    expect(codeOf(() => limits.reserve('k3', PEER, 1000))).toBe('peer-limit-exceeded')
    expect(limits.get(PEER)).toMatchObject({ spentSats: 1000, reservedSats: 1000 })
    expect(limits.reservation('k3')).toBeUndefined()
    limits.reserve('k4', PEER, 500)
    expect(limits.get(PEER)).toMatchObject({ spentSats: 1000, reservedSats: 1500 })
  })

  it('commit moves the reservation to spent; rollback releases it; both are idempotent', () => {
    const { limits } = setup()
    limits.setLimit(PEER, 3000, 'daily')
    limits.reserve('a', PEER, 1000)
    limits.reserve('b', PEER, 1200)
    limits.commit('a')
    limits.commit('a')
    limits.rollback('b')
    limits.rollback('b')
    limits.commit('b') // already rolled back: no effect
    expect(limits.get(PEER)).toMatchObject({ spentSats: 1000, reservedSats: 0 })
    expect(limits.reservation('a')?.state).toBe('committed')
    expect(limits.reservation('b')?.state).toBe('rolled-back')
    expect(codeOf(() => limits.commit('nope'))).toBe('unknown-reservation')
  })

  it('reserving the same key twice counts it once', () => {
    const { limits } = setup()
    limits.setLimit(PEER, 1500, 'daily')
    limits.reserve('same', PEER, 1000)
    limits.reserve('same', PEER, 1000)
    expect(limits.get(PEER)?.reservedSats).toBe(1000)
  })

  it.each([
    ['daily', DAY],
    ['weekly', 7 * DAY],
    ['monthly', 30 * DAY],
  ] as const)('a %s cap resets once a full period has passed, not before', (period, ms) => {
    const { limits, clock } = setup()
    limits.setLimit(PEER, 1000, period)
    limits.reserve('p1', PEER, 1000)
    limits.commit('p1')
    clock.t += ms - 1
    expect(codeOf(() => limits.reserve('p2', PEER, 1))).toBe('peer-limit-exceeded')
    clock.t += 1
    expect(limits.get(PEER)).toMatchObject({ spentSats: 0, lastReset: clock.t })
    limits.reserve('p2', PEER, 1000)
    limits.commit('p2')
    expect(limits.get(PEER)?.spentSats).toBe(1000)
  })

  it('a reservation in flight survives a reset and is committed into the new period', () => {
    const { limits, clock } = setup()
    limits.setLimit(PEER, 1000, 'daily')
    limits.reserve('x', PEER, 600)
    clock.t += DAY
    expect(limits.get(PEER)).toMatchObject({ spentSats: 0, reservedSats: 600 })
    expect(codeOf(() => limits.reserve('y', PEER, 500))).toBe('peer-limit-exceeded')
    limits.commit('x')
    expect(limits.get(PEER)).toMatchObject({ spentSats: 600, reservedSats: 0 })
  })

  it('state persists across reopening the database file', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { tmpdir } = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'payer-db-'))
    try {
      const clock = { now: () => 1_000 }
      let db = openPayerDb(join(dir, 'payer.db'), clock.now)
      new SpendingLimits(db, clock).setLimit(PEER, 900, 'weekly')
      new SpendingLimits(db, clock).reserve('r', PEER, 400)
      db.close()
      db = openPayerDb(join(dir, 'payer.db'), clock.now)
      expect(new SpendingLimits(db, clock).get(PEER)).toMatchObject({ limitSats: 900, reservedSats: 400 })
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('bad limits are typed errors that write nothing', () => {
    const { db, limits } = setup()
    expect(codeOf(() => limits.setLimit(PEER, -1, 'daily'))).toBe('invalid-limit')
    expect(codeOf(() => limits.setLimit(PEER, 10, 'yearly' as never))).toBe('invalid-limit')
    expect(codeOf(() => limits.setLimit(PEER, 1.5, 'daily'))).toBe('invalid-limit')
    expect(db.all('SELECT * FROM peer_limits')).toHaveLength(0)
    limits.setLimit(PEER, 10, 'daily')
    expect(codeOf(() => limits.reserve('z', PEER, 0))).toBe('invalid-limit')
  })

  it('resetDue and --peer-cap parsing', () => {
    expect(resetDue('daily', 0, DAY - 1)).toBe(false)
    expect(resetDue('daily', 0, DAY)).toBe(true)
    expect(parsePeerCap('abc=2500/weekly')).toEqual({ peer: 'abc', sats: 2500, period: 'weekly' })
    for (const bad of ['abc=2500', 'abc=x/weekly', '=1/daily', 'abc=1/yearly'])
      expect(codeOf(() => parsePeerCap(bad))).toBe('invalid-limit')
  })
})
