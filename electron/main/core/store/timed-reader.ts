/**
 * @module store/timed-reader
 * Wraps a PubkyReader so every read of someone's directory is timed into the engine's metrics as
 * `pubky.read_ms{op,outcome}`. A read of another pubky starts with resolving its homeserver through
 * pkarr (the SDK caches and resolves internally, so the lookup cannot be timed apart from the HTTP
 * request that follows); this histogram is the pkarr-lookup-plus-fetch latency the merchant sees.
 */
import type { Metrics } from '../observe/metrics'
import type { GetOptions, ListOptions, ListResult, PubkyReader } from './types'

export function timedReader(inner: PubkyReader, metrics: Metrics): PubkyReader {
  async function timed<T>(op: 'get' | 'list', fn: () => Promise<T>): Promise<T> {
    const start = performance.now()
    let outcome = 'ok'
    try {
      return await fn()
    } catch (e) {
      outcome = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'error'
      throw e
    } finally {
      metrics.observe('pubky.read_ms', performance.now() - start, { op, outcome })
    }
  }
  return {
    get: (owner: string, path: string, options?: GetOptions): Promise<Uint8Array | null> =>
      timed('get', () => inner.get(owner, path, options)),
    list: (owner: string, dir: string, options?: ListOptions): Promise<ListResult> =>
      timed('list', () => inner.list(owner, dir, options)),
  }
}
