/**
 * @module clock
 * Time is injected everywhere the core makes a decision that depends on it (expiry, billing periods,
 * timestamps in signatures), so tests can run months of billing in milliseconds.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private ms: number
  constructor(startMs: number) {
    this.ms = startMs
  }
  now(): number {
    return this.ms
  }
  set(ms: number): void {
    this.ms = ms
  }
  advance(ms: number): void {
    this.ms += ms
  }
}

export const nowSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000)
