/**
 * @module store/http-reader
 * A public reader over node:http(s) for a homeserver whose URL is known (the embedded node serves
 * every local user at one origin; the tenant is chosen by the `pubky-host` header, pubky-platform.md
 * §2.1). It never touches the process-wide `fetch` (the SDK replaces it), and it stops reading a body
 * the moment it passes the cap: a hostile 1 GB file costs at most `maxBytes + one chunk`.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { StoreError } from './errors'
import { assertOwner, assertPubDir, assertPubPath, pagedList } from './listing'
import {
  DEFAULT_MAX_READ_BYTES,
  MAX_ENTRY_CHARS,
  MAX_PAGE_SIZE,
  type GetOptions,
  type ListOptions,
  type ListResult,
  type PubkyReader,
} from './types'

export interface HttpReaderOptions {
  /** Base URL of the homeserver serving `owner` (e.g. the embedded node's `homeserverUrl`). */
  homeserverUrl: (owner: string) => string | Promise<string>
  /** Per-request timeout, default 10 s. */
  timeoutMs?: number
}

interface Reply {
  status: number
  body: Buffer
}

function getCapped(
  url: URL,
  headers: Record<string, string>,
  maxBytes: number,
  timeoutMs: number,
): Promise<Reply> {
  const mod = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method: 'GET', headers, timeout: timeoutMs, agent: false }, (res) => {
      const status = res.statusCode ?? 0
      const declared = Number(res.headers['content-length'])
      const tooLarge = (): StoreError =>
        new StoreError('store-too-large', `${url.pathname} is larger than the ${maxBytes}-byte limit`, status)
      if (status === 200 && Number.isFinite(declared) && declared > maxBytes) {
        res.destroy()
        reject(tooLarge())
        return
      }
      const chunks: Buffer[] = []
      let total = 0
      let done = false
      res.on('data', (c: Buffer) => {
        if (done) return
        total += c.length
        if (total > maxBytes) {
          done = true
          chunks.length = 0
          res.destroy()
          reject(tooLarge())
          return
        }
        chunks.push(c)
      })
      res.on('end', () => {
        if (!done) resolve({ status, body: Buffer.concat(chunks, total) })
      })
      res.on('error', (e) => {
        if (!done) {
          done = true
          reject(
            new StoreError('store-unavailable', `reading ${url.pathname} failed: ${e.message}`, status, {
              cause: e,
            }),
          )
        }
      })
    })
    req.on('timeout', () =>
      req.destroy(new Error(`request to ${url.origin} timed out after ${timeoutMs} ms`)),
    )
    req.on('error', (e) => reject(new StoreError('store-unavailable', e.message, undefined, { cause: e })))
    req.end()
  })
}

export class HttpPubkyReader implements PubkyReader {
  private readonly timeoutMs: number

  constructor(private readonly options: HttpReaderOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  private async url(owner: string, pathAndQuery: string): Promise<URL> {
    const base = await this.options.homeserverUrl(owner)
    return new URL(pathAndQuery, base)
  }

  async get(owner: string, path: string, options: GetOptions = {}): Promise<Uint8Array | null> {
    assertOwner(owner)
    assertPubPath(path)
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES
    const res = await getCapped(
      await this.url(owner, path),
      { 'pubky-host': owner },
      maxBytes,
      this.timeoutMs,
    )
    if (res.status === 404 || res.status === 410) return null
    if (res.status !== 200) {
      throw new StoreError(
        'store-http',
        `get ${owner}${path}: HTTP ${res.status} ${res.body.subarray(0, 200).toString('utf8')}`,
        res.status,
      )
    }
    if (res.body.length === 0) return null
    return new Uint8Array(res.body.buffer, res.body.byteOffset, res.body.length)
  }

  list(owner: string, dir: string, options: ListOptions = {}): Promise<ListResult> {
    assertOwner(owner)
    assertPubDir(dir)
    const shallow = options.shallow ?? true
    return pagedList(owner, dir, options, async (cursor, limit) => {
      const q = new URLSearchParams({ limit: String(Math.min(limit, MAX_PAGE_SIZE)) })
      if (cursor !== undefined) q.set('cursor', cursor)
      const query = `${q.toString()}${shallow ? '&shallow' : ''}`
      // One page can hold at most `limit` lines of MAX_ENTRY_CHARS each.
      const cap = limit * (MAX_ENTRY_CHARS + 1)
      const res = await getCapped(
        await this.url(owner, `${dir}?${query}`),
        { 'pubky-host': owner },
        cap,
        this.timeoutMs,
      )
      if (res.status === 404) return []
      if (res.status !== 200) {
        throw new StoreError('store-http', `list ${owner}${dir}: HTTP ${res.status}`, res.status)
      }
      return res.body
        .toString('utf8')
        .split('\n')
        .filter((l) => l.length > 0)
    })
  }
}
