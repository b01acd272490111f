/**
 * @module ids
 * Collision-free, path-safe, time-sortable record ids (payment requests, subscriptions, receipts,
 * checkouts, plan adjustments), and the check for opaque ids read from peers.
 *
 * The reference uses `req_{unix_seconds}` / `sub_{unix_seconds}`, so two records to the same
 * recipient in one second overwrite each other (`paykit-protocol.md` §11). Ids are opaque to
 * readers (they come from directory listings), so any path-safe segment interoperates.
 *
 * Format: `{prefix}_{ms:13 digits}_{seq:4 hex}{random:16 hex}`, e.g.
 * `req_1704153600123_0000a1b2c3d4e5f60718`.
 * - Lexicographic order = creation order: the millisecond field is fixed-width (until year 2286)
 *   and `seq` counts the ids made in the same millisecond from one sequence. If the clock steps
 *   back, the sequence keeps its last millisecond, so ids stay monotonic.
 * - Unique within a sequence by construction (ms, seq): `newId` draws from one sequence per
 *   process, an `IdGenerator` owns its own. Across processes and devices: 64 random bits from the
 *   injected `Rng`.
 */
import type { Clock } from './clock'
import type { Rng } from './rng'
import { toHex } from './bytes'
import { InputError, PaykitError } from './errors'

export type IdPrefix = 'req' | 'sub' | 'rcpt' | 'chk' | 'mod' | 'adj'

const PREFIXES: readonly IdPrefix[] = ['req', 'sub', 'rcpt', 'chk', 'mod', 'adj']
const ID_RE = new RegExp(`^(${PREFIXES.join('|')})_(\\d{13})_([0-9a-f]{4})([0-9a-f]{16})$`)
const MAX_SEQ = 0xffff

/** The (millisecond, sequence) pairs of one id source: strictly increasing, whatever the clock does. */
class IdSequence {
  private lastMs = -1
  private seq = 0

  take(now: number): { ms: number; seq: number } {
    let ms = Math.floor(now)
    if (!Number.isSafeInteger(ms) || ms < 0)
      throw new PaykitError('internal', 'clock returned an invalid time')
    if (ms <= this.lastMs) {
      ms = this.lastMs
      this.seq++
      if (this.seq > MAX_SEQ) {
        // 65,536 ids in one millisecond: borrow the next millisecond to stay ordered and unique.
        ms = this.lastMs + 1
        this.seq = 0
      }
    } else {
      this.seq = 0
    }
    this.lastMs = ms
    return { ms, seq: this.seq }
  }
}

function formatId(prefix: IdPrefix, at: { ms: number; seq: number }, rng: Rng): string {
  if (!PREFIXES.includes(prefix))
    throw new InputError(`id prefix "${String(prefix)}" is not one of ${PREFIXES.join(', ')}`)
  const random = rng(8)
  if (!(random instanceof Uint8Array) || random.length !== 8) {
    throw new PaykitError('internal', 'rng must return 8 bytes')
  }
  return `${prefix}_${String(at.ms).padStart(13, '0')}_${at.seq.toString(16).padStart(4, '0')}${toHex(random)}`
}

/** An id source with its own clock, randomness and sequence (e.g. one per outbox). */
export class IdGenerator {
  private readonly sequence = new IdSequence()

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
  ) {}

  /** A new id with the given prefix. */
  next(prefix: IdPrefix): string {
    return formatId(prefix, this.sequence.take(this.clock.now()), this.rng)
  }
}

const processSequence = new IdSequence()

/**
 * A new id at `clock.now()`, from the process-wide sequence: two calls in this process never
 * return the same id, even with the same clock reading and the same random bytes.
 */
export function newId(prefix: IdPrefix, clock: Clock, rng: Rng): string {
  return formatId(prefix, processSequence.take(clock.now()), rng)
}

/** Parses an id made here (returns null for any other id: ids are opaque in general). */
export function parseGeneratedId(id: string): { prefix: IdPrefix; ms: number; seq: number } | null {
  const m = ID_RE.exec(id)
  if (!m) return null
  return { prefix: m[1] as IdPrefix, ms: Number(m[2]), seq: parseInt(m[3]!, 16) }
}

/** Opaque ids read from peers: one path segment of safe characters, bounded length. */
export function assertPathSafeId(id: string, what = 'id'): string {
  if (typeof id !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(id) || id === '.' || id === '..') {
    throw new InputError(
      `${what} must be 1-128 characters of A-Z a-z 0-9 . _ - (got ${JSON.stringify(String(id).slice(0, 40))})`,
    )
  }
  return id
}
