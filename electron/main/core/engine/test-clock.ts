/**
 * @module engine/test-clock
 * The engine's test-only clock: the real clock plus an offset that only moves forward (`advance`),
 * or a frozen manual time (`set`). It exists so an end-to-end test (or a demo) can run days of
 * billing in seconds against a real engine process. It is off unless `PosEngineOptions.testClock`
 * is given, and the engine refuses `testClockAdvance` otherwise (`test-clock-disabled`).
 */
import { InputError } from '../util/errors'
import type { Clock } from '../util/clock'

/** Largest single move (about 10 years): a typo must not wrap the engine's books into nonsense. */
const MAX_STEP_MS = 10 * 366 * 86_400_000

export interface TestClockOptions {
  /** Start this far ahead of the base clock (ms, default 0). */
  offsetMs?: number
  /** Start frozen at this Unix ms instead of following the base clock. */
  fixedMs?: number
}

export class TestClock implements Clock {
  private offset: number
  private fixed: number | null

  constructor(
    options: TestClockOptions = {},
    private readonly base: Clock = { now: () => Date.now() },
  ) {
    this.offset = options.offsetMs ?? 0
    this.fixed = options.fixedMs ?? null
    if (!Number.isSafeInteger(this.offset)) throw new InputError('testClock.offsetMs must be whole ms')
    if (this.fixed !== null && (!Number.isSafeInteger(this.fixed) || this.fixed < 0))
      throw new InputError('testClock.fixedMs must be a non-negative whole number of ms')
  }

  now(): number {
    return this.fixed ?? this.base.now() + this.offset
  }

  /** Moves time forward by `ms` (never backwards: the ledger's order of events must hold). */
  advance(ms: number): number {
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_STEP_MS)
      throw new InputError(`advance takes whole ms in 0..${MAX_STEP_MS} (got ${String(ms).slice(0, 30)})`)
    if (this.fixed !== null) this.fixed += ms
    else this.offset += ms
    return this.now()
  }
}
