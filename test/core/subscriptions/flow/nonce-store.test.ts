// The persisted nonce store: verdicts, persistence across re-open, torn lines, expiry and cleanup.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FileNonceStore, recordNonces } from '../../../../electron/main/core/subscriptions/flow'

const dir = mkdtempSync(join(tmpdir(), 'paykit-nonce-unit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const n = (c: string): string => c.repeat(64)

describe('FileNonceStore + recordNonces', () => {
  it('says new, same and replay, and writes nothing on a replay', async () => {
    const store = new FileNonceStore(join(dir, 'a'))
    expect(await recordNonces(store, [n('a'), n('b')], 'ctx1', null, 0)).toBe('new')
    expect(await recordNonces(store, [n('a'), n('b')], 'ctx1', null, 0)).toBe('same')
    expect(await recordNonces(store, [n('c'), n('a')], 'ctx2', null, 0)).toBe('replay')
    expect(store.get(n('c'), 0)).toBeUndefined()
    expect(await recordNonces(store, [n('a'), n('d')], 'ctx1', null, 0)).toBe('new')
    await expect(recordNonces(store, ['zz'], 'ctx', null, 0)).rejects.toMatchObject({ code: 'invalid-input' })
  })

  it('survives re-opening, skips a torn last line, forgets expired entries, and cleans up', () => {
    const file = join(dir, 'b')
    const s1 = new FileNonceStore(file)
    s1.put(n('1'), 'keep', null)
    s1.put(n('2'), 'short', 1000)
    appendFileSync(file, '{"n":"33333') // a crash mid-append
    const s2 = new FileNonceStore(file)
    expect(s2.size).toBe(2)
    expect(s2.get(n('1'), 5000)).toBe('keep')
    expect(s2.get(n('2'), 500)).toBe('short')
    expect(s2.get(n('2'), 1000)).toBeUndefined()
    expect(s2.cleanup(2000)).toBe(1)
    const s3 = new FileNonceStore(file)
    expect(s3.size).toBe(1)
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1)
  })
})
