/**
 * @module single-flight
 * One run at a time, shared. A billing pass, a subscriber sync or a checkout watch started a second
 * time while the first is still going would do the same homeserver and backend work twice and race
 * on the same ledger rows; instead the second caller joins the first run and gets its result. The
 * slot frees as soon as the run settles, either way, so the next call starts a fresh run.
 */
export class SingleFlight<T> {
  #inFlight: Promise<T> | undefined

  /** True while a run is in flight. */
  get busy(): boolean {
    return this.#inFlight !== undefined
  }

  /**
   * Starts `start()` unless a run is in flight, in which case it returns that run's promise and
   * `start` is not called. `start` runs synchronously (no tick is lost before the work begins); if it
   * throws, the call returns a rejected promise and leaves the slot free.
   */
  run(start: () => Promise<T>): Promise<T> {
    if (this.#inFlight) return this.#inFlight
    let started: Promise<T>
    try {
      started = start()
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)))
    }
    const p: Promise<T> = started.finally(() => {
      if (this.#inFlight === p) this.#inFlight = undefined
    })
    this.#inFlight = p
    return p
  }
}
