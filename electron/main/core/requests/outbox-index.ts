/**
 * @module requests/outbox-index
 * What the outbox remembers about the requests it published, so the sweeper can delete them once
 * paid or expired. The published blobs are sealed to their recipients, so our own homeserver listing
 * alone cannot tell us when one expired: this index can. The merchant DB is expected to implement
 * `OutboxIndex` (a table keyed by recipient and request id); `MemoryOutboxIndex` is the in-process
 * implementation (not persisted: after a restart, the sweeper's orphan pass covers what it forgot).
 */

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
