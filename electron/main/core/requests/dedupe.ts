/**
 * @module requests/dedupe
 * The inbox's dedupe port. A recipient cannot delete requests from the sender's storage, so every
 * poll sees the same records again; each is delivered once per (sender, request_id)
 * (paykit-protocol.md §5.4). `DbRequestDedupe` is the merchant DB's (table `request_dedupe`,
 * migration 0002); `MemoryRequestDedupe` is the in-process implementation.
 */
import type { Database } from '../storage/db'

export interface RequestDedupe {
  /**
   * Claims (sender, requestId): true the first time, false if it was claimed before. Must be atomic.
   * `expiresAt` (Unix seconds or null) lets an implementation forget entries long after expiry.
   */
  claim(sender: string, requestId: string, expiresAt: number | null): boolean | Promise<boolean>
}

export class MemoryRequestDedupe implements RequestDedupe {
  private readonly seen = new Map<string, number | null>()

  claim(sender: string, requestId: string, expiresAt: number | null): boolean {
    const key = `${sender}/${requestId}`
    if (this.seen.has(key)) return false
    this.seen.set(key, expiresAt)
    return true
  }

  /** Forgets entries that expired before `beforeSecs` (their records are gone or inert). */
  prune(beforeSecs: number): number {
    let n = 0
    for (const [k, exp] of this.seen) {
      if (exp !== null && exp < beforeSecs) {
        this.seen.delete(k)
        n++
      }
    }
    return n
  }

  get size(): number {
    return this.seen.size
  }
}

/**
 * Dedupe in the merchant DB. `claim` is one INSERT … ON CONFLICT DO NOTHING (atomic). Call it inside
 * the transaction that stores the request (the engine does), so a crash can never leave a request
 * claimed but not stored; `has` is the read-only check to pass to `pollInbox` in that arrangement.
 */
export class DbRequestDedupe implements RequestDedupe {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  claim(sender: string, requestId: string, expiresAt: number | null): boolean {
    return (
      this.db.run(
        `INSERT INTO request_dedupe (sender, request_id, expires_at_secs, claimed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (sender, request_id) DO NOTHING`,
        sender,
        requestId,
        expiresAt,
        this.now(),
      ).changes === 1
    )
  }

  has(sender: string, requestId: string): boolean {
    return (
      this.db.get(
        'SELECT 1 AS x FROM request_dedupe WHERE sender = ? AND request_id = ?',
        sender,
        requestId,
      ) !== undefined
    )
  }

  /** Forgets entries that expired before `beforeSecs`. */
  prune(beforeSecs: number): number {
    return this.db.run(
      'DELETE FROM request_dedupe WHERE expires_at_secs IS NOT NULL AND expires_at_secs < ?',
      beforeSecs,
    ).changes
  }
}
