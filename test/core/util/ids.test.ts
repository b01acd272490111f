// The one id generator (util/ids.ts): newId's process-wide sequence and the path-safety check.
// IdGenerator's ordering and uniqueness are covered in test/core/requests/id.test.ts.
import { describe, expect, it } from 'vitest'
import { assertPathSafeId, newId, parseGeneratedId } from '../../../electron/main/core/util/ids'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'
import { InputError } from '../../../electron/main/core/util/errors'

describe('ids', () => {
  it('never collide within the same second', () => {
    const clock = new ManualClock(1_704_153_600_000)
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('req', clock, systemRng)))
    expect(ids.size).toBe(10_000)
    expect([...ids][0]).toMatch(/^req_1704153600000_[0-9a-f]{20}$/)
  })

  it('never collide in one process even with the same clock reading and constant randomness', () => {
    const clock = new ManualClock(1_704_153_600_000)
    const zeros = (n: number) => new Uint8Array(n)
    const ids = Array.from({ length: 70_000 }, (_, i) => newId(i % 2 ? 'chk' : 'rcpt', clock, zeros))
    expect(new Set(ids).size).toBe(70_000)
    const seqs = ids.slice(0, 3).map((id) => parseGeneratedId(id)!)
    expect(seqs.map((p) => p.prefix)).toEqual(['rcpt', 'chk', 'rcpt'])
    expect(seqs[1]!.seq).toBe(seqs[0]!.seq + 1)
    expect(() => newId('nope' as 'req', clock, systemRng)).toThrow(InputError)
  })

  it('rejects unsafe ids from peers', () => {
    for (const bad of ['', '..', 'a/b', 'a\u0000', 'x'.repeat(129), 'é'])
      expect(() => assertPathSafeId(bad)).toThrow(InputError)
    expect(assertPathSafeId('req_1704153600')).toBe('req_1704153600')
  })
})
