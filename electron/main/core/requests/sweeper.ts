/**
 * @module requests/sweeper
 * Deletes our published payment requests once they are paid or expired (paykit-protocol.md §5.5:
 * nothing in the reference garbage-collects; a merchant should sweep on a timer). The clock is
 * injected, so a test can run a day of expiries in one call.
 *
 * Two passes:
 * 1. the outbox index: every entry marked paid, or whose `expires_at` (+ grace) has passed, is
 *    deleted from our homeserver and forgotten;
 * 2. optionally, orphans: records under our `requests/` tree that the index does not know (an index
 *    lost in a crash, or not persisted) and whose id — one our `IdGenerator` made, so it carries its
 *    creation time — is older than `orphanMaxAgeSecs`. Ids we cannot date are never touched.
 */
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import { toPaykitError } from '../util/errors'
import { PAYKIT_V0_PREFIX, paymentRequestPath } from '../directory/paths'
import type { PubkyReader, PubkyWriter } from '../store/types'
import { parseGeneratedId } from './id'
import type { OutboxIndex } from './outbox-index'

export interface SweepOptions {
  /** Our homeserver space (the requests we published live there). */
  writer: PubkyWriter
  index: OutboxIndex
  clock: Clock
  /** Seconds to keep a request after it expired (payers polling late still see it). Default 0. */
  graceSecs?: number
  /** When set with `reader`, also delete unindexed requests whose generated id is older than this. */
  orphanMaxAgeSecs?: number
  reader?: PubkyReader
}

export type SweepReason = 'paid' | 'expired' | 'orphan'

export interface SweepReport {
  readonly removed: readonly {
    readonly recipient: string
    readonly requestId: string
    readonly reason: SweepReason
  }[]
  readonly failed: readonly {
    readonly recipient: string
    readonly requestId: string
    readonly code: string
    readonly reason: string
  }[]
  readonly orphansRemoved: readonly string[]
}

const REQUESTS_DIR = `${PAYKIT_V0_PREFIX}/requests/`

/** Runs one sweep. Never throws for one failed delete: failures are reported and retried next time. */
export async function sweepRequests(options: SweepOptions): Promise<SweepReport> {
  const now = nowSeconds(options.clock)
  const grace = options.graceSecs ?? 0
  const removed: { recipient: string; requestId: string; reason: SweepReason }[] = []
  const failed: { recipient: string; requestId: string; code: string; reason: string }[] = []
  const entries = await options.index.list()
  const known = new Set<string>()
  for (const e of entries) {
    const reason: SweepReason | null = e.paid
      ? 'paid'
      : e.expiresAt !== null && now > e.expiresAt + grace
        ? 'expired'
        : null
    if (reason === null) {
      known.add(e.requestId)
      continue
    }
    try {
      await options.writer.delete(paymentRequestPath(e.recipient, e.requestId))
      await options.index.remove(e.recipient, e.requestId)
      removed.push({ recipient: e.recipient, requestId: e.requestId, reason })
    } catch (err) {
      const pe = toPaykitError(err)
      failed.push({ recipient: e.recipient, requestId: e.requestId, code: pe.code, reason: pe.message })
      known.add(e.requestId)
    }
  }

  const orphansRemoved: string[] = []
  if (options.reader && options.orphanMaxAgeSecs !== undefined) {
    const listing = await options.reader.list(options.writer.owner, REQUESTS_DIR, {
      shallow: false,
      maxEntries: 5000,
    })
    for (const entry of listing.entries) {
      if (entry.isDir || known.has(entry.name)) continue
      const parsed = parseGeneratedId(entry.name)
      if (parsed === null || parsed.prefix !== 'req') continue
      if (now - Math.floor(parsed.ms / 1000) <= options.orphanMaxAgeSecs) continue
      // Only `requests/{64-hex scope}/{id}` files are ours to sweep.
      if (!/^\/pub\/paykit\.app\/v0\/requests\/[0-9a-f]{64}\/[^/]+$/.test(entry.path)) continue
      try {
        await options.writer.delete(entry.path)
        orphansRemoved.push(entry.path)
      } catch (err) {
        const pe = toPaykitError(err)
        failed.push({ recipient: '', requestId: entry.name, code: pe.code, reason: pe.message })
      }
    }
  }
  return { removed, failed, orphansRemoved }
}
