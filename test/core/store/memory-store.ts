/**
 * A per-test in-memory stand-in for a homeserver, for UNIT tests of our own logic only (the
 * integration tests run the same code against the real embedded homeserver over HTTP). It speaks the
 * port (`PubkyReader`/`PubkyWriter`) with the real server's listing semantics: bytewise-sorted
 * `pubky://owner/path` entries, shallow directories with a trailing `/`, cursors strictly after.
 */
import { pagedList } from '../../../electron/main/core/store/listing'
import type {
  GetOptions,
  ListOptions,
  ListResult,
  PubkyReader,
  PubkyWriter,
} from '../../../electron/main/core/store/types'
import { StoreError } from '../../../electron/main/core/store/errors'
import { DEFAULT_MAX_READ_BYTES } from '../../../electron/main/core/store/types'

export class MemoryHomeservers implements PubkyReader {
  readonly files = new Map<string, Map<string, Uint8Array>>()
  gets = 0

  writer(owner: string): PubkyWriter {
    const space = (): Map<string, Uint8Array> => {
      let m = this.files.get(owner)
      if (!m) this.files.set(owner, (m = new Map()))
      return m
    }
    return {
      owner,
      put: async (path, body) => {
        space().set(path, typeof body === 'string' ? new TextEncoder().encode(body) : body.slice())
      },
      delete: async (path) => {
        space().delete(path)
      },
    }
  }

  /** Raw write into anyone's space (to plant hostile records in unit tests). */
  plant(owner: string, path: string, body: string | Uint8Array): void {
    void this.writer(owner).put(path, body)
  }

  async get(owner: string, path: string, options: GetOptions = {}): Promise<Uint8Array | null> {
    this.gets++
    const body = this.files.get(owner)?.get(path)
    if (body === undefined || body.length === 0) return null
    const max = options.maxBytes ?? DEFAULT_MAX_READ_BYTES
    if (body.length > max) throw new StoreError('store-too-large', `${path} is ${body.length} bytes`)
    return body
  }

  list(owner: string, dir: string, options: ListOptions = {}): Promise<ListResult> {
    const shallow = options.shallow ?? true
    return pagedList(owner, dir, options, async (cursor, limit) => {
      const all = new Set<string>()
      for (const p of this.files.get(owner)?.keys() ?? []) {
        if (!p.startsWith(dir)) continue
        const rest = p.slice(dir.length)
        const slash = rest.indexOf('/')
        all.add(`pubky://${owner}${dir}${shallow && slash >= 0 ? rest.slice(0, slash + 1) : rest}`)
      }
      const sorted = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      return sorted.filter((u) => cursor === undefined || u > cursor).slice(0, limit)
    })
  }
}
