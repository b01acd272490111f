/**
 * @module requests/dedupe
 * The inbox's dedupe port. A recipient cannot delete requests from the sender's storage, so every
 * poll sees the same records again; each is delivered once per (sender, request_id)
 * (paykit-protocol.md §5.4). The merchant DB implements `RequestDedupe` (an insert-if-absent on a
 * unique key, ideally in the same transaction that stores the request); `MemoryRequestDedupe` is the
 * in-process implementation.
 */

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
