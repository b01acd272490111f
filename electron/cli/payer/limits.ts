/**
 * @module cli/payer/limits
 * Per-peer spending limits (paykit-protocol.md §6.7 `PeerSpendingLimit`): a cap in sats per
 * period (daily, weekly, monthly), reset once ≥ 1, 7 or 30 days have passed since the last reset,
 * measured on the injected clock. Money is set aside before paying and settled after:
 *
 *   reserve(key, peer, sats) → pay → commit(key)      (the amount becomes spent)
 *                                  → rollback(key)    (the amount is released)
 *
 * Each step is one IMMEDIATE transaction, so two autopay runs cannot both fit under the same cap,
 * and a reservation survives a crash (a payment that may have gone out is never released by
 * guesswork). As in the reference, reserving against a peer with no limit is refused: autopay
 * never spends without a cap.
 */
import type { Database } from '../../main/core/storage/db'
import type { Clock } from '../../main/core/util/clock'
import { PaykitError } from '../../main/core/util/errors'

export type LimitPeriod = 'daily' | 'weekly' | 'monthly'
export const LIMIT_PERIODS: readonly LimitPeriod[] = ['daily', 'weekly', 'monthly']

const DAY_MS = 86_400_000
const PERIOD_MS: Readonly<Record<LimitPeriod, number>> = {
  daily: DAY_MS,
  weekly: 7 * DAY_MS,
  monthly: 30 * DAY_MS,
}

export type LimitErrorCode = 'no-peer-limit' | 'peer-limit-exceeded' | 'unknown-reservation' | 'invalid-limit'

export class LimitError extends PaykitError<LimitErrorCode> {}

export interface PeerLimit {
  peer: string
  limitSats: number
  period: LimitPeriod
  spentSats: number
  reservedSats: number
  /** ms on the injected clock. */
  lastReset: number
}

type LimitRow = {
  peer: string
  limit_sats: number
  period: LimitPeriod
  spent_sats: number
  reserved_sats: number
  last_reset: number
}

const toLimit = (r: LimitRow): PeerLimit => ({
  peer: r.peer,
  limitSats: r.limit_sats,
  period: r.period,
  spentSats: r.spent_sats,
  reservedSats: r.reserved_sats,
  lastReset: r.last_reset,
})

/** True once a full period has passed since `lastReset`. */
export function resetDue(period: LimitPeriod, lastReset: number, now: number): boolean {
  return now - lastReset >= PERIOD_MS[period]
}

export class SpendingLimits {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Sets (or replaces) a peer's cap. Spending so far in the current period is kept. */
  setLimit(peer: string, limitSats: number, period: LimitPeriod): PeerLimit {
    if (!Number.isSafeInteger(limitSats) || limitSats < 0)
      throw new LimitError('invalid-limit', 'a spending limit is a whole number of sats, 0 or more')
    if (!LIMIT_PERIODS.includes(period))
      throw new LimitError('invalid-limit', 'the limit period must be daily, weekly or monthly')
    const now = this.clock.now()
    this.db.run(
      `INSERT INTO peer_limits (peer, limit_sats, period, last_reset) VALUES (?, ?, ?, ?)
       ON CONFLICT (peer) DO UPDATE SET limit_sats = excluded.limit_sats, period = excluded.period`,
      peer,
      limitSats,
      period,
      now,
    )
    return this.get(peer)!
  }

  /** The peer's limit as of now (a due reset is applied first). */
  get(peer: string): PeerLimit | undefined {
    return this.db.transaction(() => {
      const row = this.resetIfDue(peer)
      return row ? toLimit(row) : undefined
    })
  }

  all(): PeerLimit[] {
    return this.db
      .all<{ peer: string }>('SELECT peer FROM peer_limits ORDER BY peer')
      .map((r) => this.get(r.peer)!)
  }

  private resetIfDue(peer: string): LimitRow | undefined {
    const row = this.db.get<LimitRow>('SELECT * FROM peer_limits WHERE peer = ?', peer)
    if (!row) return undefined
    const now = this.clock.now()
    if (!resetDue(row.period, row.last_reset, now)) return row
    // Reservations in flight stay reserved across a reset: they are not spending of the new period
    // yet, but they must not be freed either.
    this.db.run('UPDATE peer_limits SET spent_sats = 0, last_reset = ? WHERE peer = ?', now, peer)
    return { ...row, spent_sats: 0, last_reset: now }
  }

  /**
   * Sets `sats` aside for `peer` under `key` (e.g. `autopay_{request_id}`). Throws `no-peer-limit`
   * or `peer-limit-exceeded` (nothing written). Reserving the same key again returns the existing
   * reservation without counting it twice.
   */
  reserve(key: string, peer: string, sats: number): PeerLimit {
    if (!Number.isSafeInteger(sats) || sats <= 0)
      throw new LimitError('invalid-limit', 'a reservation is a positive whole number of sats')
    return this.db.transaction(() => {
      const row = this.resetIfDue(peer)
      if (!row)
        throw new LimitError(
          'no-peer-limit',
          `no spending limit is set for ${peer}; autopay never pays a peer without one (set --peer-cap)`,
        )
      const existing = this.db.get<{ state: string }>('SELECT state FROM reservations WHERE key = ?', key)
      if (existing?.state === 'reserved') return toLimit(row)
      const used = row.spent_sats + row.reserved_sats
      if (used + sats > row.limit_sats)
        throw new LimitError(
          'peer-limit-exceeded',
          `paying ${sats} sat would bring ${peer} to ${used + sats} of its ${row.limit_sats} sat ${row.period} limit`,
        )
      this.db.run(
        `INSERT INTO reservations (key, peer, amount_sats, state, created_at) VALUES (?, ?, ?, 'reserved', ?)
         ON CONFLICT (key) DO UPDATE SET peer = excluded.peer, amount_sats = excluded.amount_sats,
           state = 'reserved', created_at = excluded.created_at, settled_at = NULL`,
        key,
        peer,
        sats,
        this.clock.now(),
      )
      this.db.run('UPDATE peer_limits SET reserved_sats = reserved_sats + ? WHERE peer = ?', sats, peer)
      return toLimit({ ...row, reserved_sats: row.reserved_sats + sats })
    })
  }

  /** The reserved amount becomes spending of the current period. Idempotent. */
  commit(key: string): void {
    this.settle(key, 'committed')
  }

  /** Releases the reserved amount. Idempotent. */
  rollback(key: string): void {
    this.settle(key, 'rolled-back')
  }

  private settle(key: string, to: 'committed' | 'rolled-back'): void {
    this.db.transaction(() => {
      const r = this.db.get<{ peer: string; amount_sats: number; state: string }>(
        'SELECT peer, amount_sats, state FROM reservations WHERE key = ?',
        key,
      )
      if (!r) throw new LimitError('unknown-reservation', `no reservation ${key}`)
      if (r.state !== 'reserved') return
      this.resetIfDue(r.peer)
      this.db.run(
        `UPDATE peer_limits SET reserved_sats = MAX(0, reserved_sats - ?)${
          to === 'committed' ? ', spent_sats = spent_sats + ?' : ''
        } WHERE peer = ?`,
        ...(to === 'committed' ? [r.amount_sats, r.amount_sats, r.peer] : [r.amount_sats, r.peer]),
      )
      this.db.run(
        'UPDATE reservations SET state = ?, settled_at = ? WHERE key = ?',
        to,
        this.clock.now(),
        key,
      )
    })
  }

  reservation(key: string): { peer: string; amountSats: number; state: string } | undefined {
    const r = this.db.get<{ peer: string; amount_sats: number; state: string }>(
      'SELECT peer, amount_sats, state FROM reservations WHERE key = ?',
      key,
    )
    return r ? { peer: r.peer, amountSats: r.amount_sats, state: r.state } : undefined
  }
}

/** Parses `--peer-cap <pubky>=SATS/period`. */
export function parsePeerCap(text: string): { peer: string; sats: number; period: LimitPeriod } {
  const m = /^([^=]+)=([0-9]{1,15})\/(daily|weekly|monthly)$/.exec(text.trim())
  if (!m)
    throw new LimitError(
      'invalid-limit',
      `--peer-cap ${JSON.stringify(text.slice(0, 80))} must be <pubky>=SATS/daily|weekly|monthly`,
    )
  return { peer: m[1]!, sats: Number(m[2]), period: m[3] as LimitPeriod }
}
