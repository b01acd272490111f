// Collision-free, sortable ids.
import { describe, expect, it } from 'vitest'
import { IdGenerator, parseGeneratedId } from '../../../electron/main/core/requests/id'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'

describe('IdGenerator', () => {
  it('10,000 ids in the same millisecond never collide and sort in creation order', () => {
    const clock = new ManualClock(1704153600123)
    const gen = new IdGenerator(clock, systemRng)
    const ids = Array.from({ length: 10_000 }, () => gen.next('req'))
    expect(new Set(ids).size).toBe(10_000)
    expect([...ids].sort()).toEqual(ids)
    expect(parseGeneratedId(ids[0]!)).toEqual({ prefix: 'req', ms: 1704153600123, seq: 0 })
  })

  it('stays unique and ordered even when every random byte is the same', () => {
    const clock = new ManualClock(1704153600123)
    const gen = new IdGenerator(clock, (n) => new Uint8Array(n))
    const ids = Array.from({ length: 70_000 }, () => gen.next('sub')) // crosses the 65,536 seq limit
    expect(new Set(ids).size).toBe(70_000)
    expect([...ids].sort()).toEqual(ids)
  })

  it('is monotonic when the clock steps back', () => {
    const clock = new ManualClock(2_000)
    const gen = new IdGenerator(clock, systemRng)
    const a = gen.next('rcpt')
    clock.set(1_000)
    const b = gen.next('rcpt')
    expect(b > a).toBe(true)
  })

  it('two generators at the same instant differ by their random part', () => {
    const clock = new ManualClock(5)
    expect(new IdGenerator(clock, systemRng).next('req')).not.toBe(
      new IdGenerator(clock, systemRng).next('req'),
    )
    expect(parseGeneratedId('req_1704153600')).toBeNull()
  })
})
