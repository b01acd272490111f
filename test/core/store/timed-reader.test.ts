// The timing decorator records one observation per read, labelled by operation and outcome, and
// passes results and errors through untouched. The inner reader here is a scripted port double:
// the thing under test is the decorator, not a homeserver.
import { describe, expect, it } from 'vitest'
import { timedReader } from '../../../electron/main/core/store/timed-reader'
import { Metrics } from '../../../electron/main/core/observe/metrics'
import { StoreError } from '../../../electron/main/core/store/errors'
import type { PubkyReader } from '../../../electron/main/core/store/types'

describe('timedReader', () => {
  it('times gets and lists, passing values and typed errors through', async () => {
    const body = new Uint8Array([1, 2, 3])
    const inner: PubkyReader = {
      get: async (_o, path) => {
        if (path.endsWith('missing')) throw new StoreError('store-too-large', 'too big')
        return body
      },
      list: async () => ({ entries: [], truncated: false, malformed: 0 }),
    }
    const metrics = new Metrics()
    const reader = timedReader(inner, metrics)
    expect(await reader.get('o', '/pub/a')).toBe(body)
    await reader.list('o', '/pub/')
    await expect(reader.get('o', '/pub/missing')).rejects.toMatchObject({ code: 'store-too-large' })
    const h = metrics.snapshot().histograms
    expect(h['pubky.read_ms{op=get,outcome=ok}']?.count).toBe(1)
    expect(h['pubky.read_ms{op=list,outcome=ok}']?.count).toBe(1)
    expect(h['pubky.read_ms{op=get,outcome=store-too-large}']?.count).toBe(1)
  })
})
