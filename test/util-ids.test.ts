import { describe, expect, it } from 'vitest'
import { assertPathSafeId, newId } from '../electron/main/core/util/ids'
import { ManualClock } from '../electron/main/core/util/clock'
import { systemRng } from '../electron/main/core/util/rng'
import { InputError } from '../electron/main/core/util/errors'

describe('ids', () => {
  it('never collide within the same second', () => {
    const clock = new ManualClock(1_704_153_600_000)
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('req', clock, systemRng)))
    expect(ids.size).toBe(10_000)
    expect([...ids][0]).toMatch(/^req_1704153600_[0-9a-f]{16}$/)
  })
  it('rejects unsafe ids from peers', () => {
    for (const bad of ['', '..', 'a/b', 'a\u0000', 'x'.repeat(129), 'é'])
      expect(() => assertPathSafeId(bad)).toThrow(InputError)
    expect(assertPathSafeId('req_1704153600')).toBe('req_1704153600')
  })
})
