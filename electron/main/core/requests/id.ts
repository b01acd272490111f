/**
 * @module requests/id
 * Collision-free, time-sortable record ids (payment requests, subscriptions, receipts).
 *
 * The reference uses `req_{unix_seconds}` / `sub_{unix_seconds}`, so two records to the same
 * recipient in one second overwrite each other (`paykit-protocol.md` §11). Ids are opaque to
 * readers (they come from the directory listing), so any path-safe segment interoperates.
 *
 * Format: `{prefix}_{ms:13 digits}_{seq:4 hex}{random:16 hex}`, e.g.
 * `req_1704153600123_0000a1b2c3d4e5f60718`.
 * - Lexicographic order = creation order: the millisecond field is fixed-width (until year 2286)
 *   and `seq` counts ids made in the same millisecond by one generator. If the clock steps back,
 *   the generator keeps its last millisecond, so ids stay monotonic.
 * - Unique within a generator by construction (ms, seq); across devices/processes by 64 random
 *   bits from the injected `Rng`.
 */
import type { Clock } from '../util/clock'
import type { Rng } from '../util/rng'
import { toHex } from '../util/bytes'
import { PaykitError } from '../util/errors'

export type IdPrefix = 'req' | 'sub' | 'rcpt' | 'chk' | 'mod'

const ID_RE = /^(req|sub|rcpt|chk|mod)_(\d{13})_([0-9a-f]{4})([0-9a-f]{16})$/

export class IdGenerator {
  private lastMs = -1
  private seq = 0

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
  ) {}

  /** A new id with the given prefix. */
  next(prefix: IdPrefix): string {
    let ms = Math.floor(this.clock.now())
    if (!Number.isSafeInteger(ms) || ms < 0)
      throw new PaykitError('internal', 'clock returned an invalid time')
    if (ms <= this.lastMs) {
      ms = this.lastMs
      this.seq++
      if (this.seq > 0xffff) {
        // 65,536 ids in one millisecond: borrow the next millisecond to stay ordered and unique.
        ms = this.lastMs + 1
        this.seq = 0
      }
    } else {
      this.seq = 0
    }
    this.lastMs = ms
    const random = this.rng(8)
    if (!(random instanceof Uint8Array) || random.length !== 8) {
      throw new PaykitError('internal', 'rng must return 8 bytes')
    }
    return `${prefix}_${String(ms).padStart(13, '0')}_${this.seq.toString(16).padStart(4, '0')}${toHex(random)}`
  }
}

/** Parses an id made by `IdGenerator` (returns null for any other id: ids are opaque in general). */
export function parseGeneratedId(id: string): { prefix: IdPrefix; ms: number; seq: number } | null {
  const m = ID_RE.exec(id)
  if (!m) return null
  return { prefix: m[1] as IdPrefix, ms: Number(m[2]), seq: parseInt(m[3]!, 16) }
}
