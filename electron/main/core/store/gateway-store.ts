/**
 * @module store/gateway-store
 * The storage port over the colleague's `PubkyGateway` (the only module that loads
 * `@synonymdev/pubky`): this is the product path. The gateway resolves owners through pkarr and
 * holds the session cookie, so writes here are real authenticated SDK writes.
 *
 * Reads go through the gateway's `publicGetCapped`, which streams the body and aborts past the
 * cap, so a hostile homeserver cannot make us buffer an unbounded file (the node:http reader in
 * `http-reader.ts` does the same). Listing pages are bounded by the `limit` asked for and the
 * pager's `maxEntries`.
 */
import type { ListOptions as GatewayListOptions } from '../pubky/gateway'
import { StoreError } from './errors'
import { assertOwner, assertPubDir, assertPubPath, pagedList } from './listing'
import {
  DEFAULT_MAX_READ_BYTES,
  type GetOptions,
  type ListOptions,
  type ListResult,
  type PubkyReader,
  type PubkyWriter,
} from './types'

/** The part of `PubkyGateway` this adapter uses (structural, so tests can hand in the real gateway). */
export interface GatewayLike {
  put(user: string, path: string, body: Uint8Array | string): Promise<void>
  delete(user: string, path: string): Promise<void>
  publicGetCapped(user: string, path: string, maxBytes: number): Promise<Uint8Array | undefined>
  publicList(user: string, dir: string, opts?: GatewayListOptions): Promise<string[]>
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'pubky-not-found'
}

function wrap(e: unknown, what: string): StoreError {
  if (e instanceof StoreError) return e
  const code = (e as { code?: unknown })?.code
  const status = (e as { status?: unknown })?.status
  const message = `${what}: ${e instanceof Error ? e.message : String(e)}`
  if (code === 'pubky-unresolvable' || code === 'pubky-request-failed') {
    return new StoreError('store-unavailable', message, typeof status === 'number' ? status : undefined, {
      cause: e,
    })
  }
  return new StoreError('store-http', message, typeof status === 'number' ? status : undefined, { cause: e })
}

/** Writes our own `/pub/…` files through the gateway's signed-in session for `owner`. */
export class GatewayWriter implements PubkyWriter {
  constructor(
    private readonly gateway: GatewayLike,
    readonly owner: string,
  ) {
    assertOwner(owner)
  }

  async put(path: string, body: Uint8Array | string): Promise<void> {
    assertPubPath(path)
    try {
      await this.gateway.put(this.owner, path, body)
    } catch (e) {
      throw wrap(e, `put ${path}`)
    }
  }

  async delete(path: string): Promise<void> {
    assertPubPath(path)
    try {
      await this.gateway.delete(this.owner, path)
    } catch (e) {
      if (isNotFound(e)) return
      throw wrap(e, `delete ${path}`)
    }
  }
}

/** Reads anyone's public files through the gateway (pkarr resolution by the SDK). */
export class GatewayReader implements PubkyReader {
  constructor(private readonly gateway: GatewayLike) {}

  async get(owner: string, path: string, options: GetOptions = {}): Promise<Uint8Array | null> {
    assertOwner(owner)
    assertPubPath(path)
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_READ_BYTES
    let body: Uint8Array | undefined
    try {
      body = await this.gateway.publicGetCapped(owner, path, maxBytes)
    } catch (e) {
      if (isNotFound(e)) return null
      if ((e as { code?: unknown })?.code === 'pubky-too-large') {
        throw new StoreError(
          'store-too-large',
          `${owner}${path} is larger than the ${maxBytes}-byte limit`,
          undefined,
          {
            cause: e,
          },
        )
      }
      throw wrap(e, `get ${owner}${path}`)
    }
    if (body === undefined || body.length === 0) return null
    if (body.length > maxBytes) {
      throw new StoreError(
        'store-too-large',
        `${owner}${path} is ${body.length} bytes; the limit is ${maxBytes}`,
      )
    }
    return body
  }

  list(owner: string, dir: string, options: ListOptions = {}): Promise<ListResult> {
    assertOwner(owner)
    assertPubDir(dir)
    const shallow = options.shallow ?? true
    return pagedList(owner, dir, options, async (cursor, limit) => {
      try {
        const opts: GatewayListOptions = { limit, shallow }
        if (cursor !== undefined) opts.cursor = cursor
        return await this.gateway.publicList(owner, dir, opts)
      } catch (e) {
        if (isNotFound(e)) return []
        throw wrap(e, `list ${owner}${dir}`)
      }
    })
  }
}
