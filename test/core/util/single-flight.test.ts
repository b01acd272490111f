import { describe, expect, it } from 'vitest'
import { SingleFlight } from '../../../electron/main/core/util/single-flight'

/** A promise the test settles by hand. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('SingleFlight', () => {
  it('joins a second call onto the run in flight: one start, one result for both', async () => {
    const flight = new SingleFlight<number>()
    const d = deferred<number>()
    let starts = 0
    const start = (): Promise<number> => {
      starts++
      return d.promise
    }
    const a = flight.run(start)
    const b = flight.run(start)
    expect(b).toBe(a)
    expect(flight.busy).toBe(true)
    d.resolve(7)
    expect(await Promise.all([a, b])).toEqual([7, 7])
    expect(starts).toBe(1)
    expect(flight.busy).toBe(false)
  })

  it('starts a fresh run once the previous one has settled', async () => {
    const flight = new SingleFlight<string>()
    expect(await flight.run(() => Promise.resolve('first'))).toBe('first')
    expect(await flight.run(() => Promise.resolve('second'))).toBe('second')
  })

  it('gives every joined caller the rejection and frees the slot after a failed run', async () => {
    const flight = new SingleFlight<number>()
    const d = deferred<number>()
    const a = flight.run(() => d.promise)
    const b = flight.run(() => Promise.resolve(1))
    d.reject(new Error('homeserver unreachable'))
    await expect(a).rejects.toThrow('homeserver unreachable')
    await expect(b).rejects.toThrow('homeserver unreachable')
    expect(flight.busy).toBe(false)
    expect(await flight.run(() => Promise.resolve(2))).toBe(2)
  })

  it('calls start synchronously, and turns a synchronous throw into a rejection that holds no slot', async () => {
    const flight = new SingleFlight<number>()
    let ran = false
    void flight.run(() => {
      ran = true
      return Promise.resolve(0)
    })
    expect(ran).toBe(true)
    await Promise.resolve()
    const flight2 = new SingleFlight<number>()
    const failed = flight2.run(() => {
      throw new Error('engine is not running')
    })
    expect(flight2.busy).toBe(false)
    await expect(failed).rejects.toThrow('engine is not running')
  })
})
