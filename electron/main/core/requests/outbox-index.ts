/**
 * @module requests/outbox-index
 * What the outbox remembers about the requests it published, so the sweeper can delete them once
 * paid or expired. The published blobs are sealed to their recipients, so our own homeserver listing
 * alone cannot tell us when one expired: this index can. `DbOutboxIndex` is the merchant DB's
 * (table `outbox_index`, persisted: the engine uses it); `MemoryOutboxIndex` is the in-process one
 * (tests and tools; after a restart, the sweeper's orphan pass covers what it forgot).
 */
import type { Database } from '../storage/db'

export interface OutboxEntry {
  /** Recipient z32. */
  readonly recipient: string
  readonly requestId: string
  /** Unix seconds; null = never expires. */
  readonly expiresAt: number | null
  readonly paid: boolean
}

export interface OutboxIndex {
  /** Records (or replaces) a published request. */
  put(entry: OutboxEntry): void | Promise<void>
  /** Marks a request paid (it will be deleted at the next sweep). Unknown ids are ignored. */
  markPaid(recipient: string, requestId: string): void | Promise<void>
  list(): readonly OutboxEntry[] | Promise<readonly OutboxEntry[]>
  /** Forgets a request (after its record was deleted). */
  remove(recipient: string, requestId: string): void | Promise<void>
}

const key = (recipient: string, requestId: string): string => `${recipient}/${requestId}`

export class MemoryOutboxIndex implements OutboxIndex {
  private readonly entries = new Map<string, OutboxEntry>()

  put(entry: OutboxEntry): void {
    this.entries.set(key(entry.recipient, entry.requestId), { ...entry })
  }

  markPaid(recipient: string, requestId: string): void {
    const e = this.entries.get(key(recipient, requestId))
    if (e) this.entries.set(key(recipient, requestId), { ...e, paid: true })
  }

  list(): readonly OutboxEntry[] {
    return [...this.entries.values()]
  }

  remove(recipient: string, requestId: string): void {
    this.entries.delete(key(recipient, requestId))
  }
}

/**
 * The outbox index in the merchant DB (`outbox_index`, migration 0002): survives restarts, so the
 * sweeper knows every published request after one. Every call is a single statement.
 */
export class DbOutboxIndex implements OutboxIndex {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  put(entry: OutboxEntry): void {
    this.db.run(
      `INSERT INTO outbox_index (recipient, request_id, expires_at_secs, paid, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (recipient, request_id) DO UPDATE SET expires_at_secs = excluded.expires_at_secs,
         paid = excluded.paid, updated_at = excluded.updated_at`,
      entry.recipient,
      entry.requestId,
      entry.expiresAt,
      entry.paid ? 1 : 0,
      this.now(),
    )
  }

  markPaid(recipient: string, requestId: string): void {
    this.db.run(
      'UPDATE outbox_index SET paid = 1, updated_at = ? WHERE recipient = ? AND request_id = ?',
      this.now(),
      recipient,
      requestId,
    )
  }

  list(): readonly OutboxEntry[] {
    return this.db
      .all<{
        recipient: string
        request_id: string
        expires_at_secs: number | null
        paid: number
      }>(
        'SELECT recipient, request_id, expires_at_secs, paid FROM outbox_index ORDER BY recipient, request_id',
      )
      .map((r) => ({
        recipient: r.recipient,
        requestId: r.request_id,
        expiresAt: r.expires_at_secs,
        paid: r.paid === 1,
      }))
  }

  remove(recipient: string, requestId: string): void {
    this.db.run('DELETE FROM outbox_index WHERE recipient = ? AND request_id = ?', recipient, requestId)
  }
}
