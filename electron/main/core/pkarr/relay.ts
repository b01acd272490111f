/**
 * @module pkarr/relay
 * A pkarr HTTP relay (pubky/pkarr `design/relays.md`) that stores packets in SQLite instead of
 * publishing to the DHT: `PUT /{z32}` and `GET /{z32}` under any path prefix (the key is the last
 * path segment, since SDK clients append `/<z32>` to whatever base they were given).
 *
 * Status codes follow the reference relay (`relay/src/handlers.rs`, `error.rs` @33cb712 and
 * `pkarr-v3.9.1`): 204 on a stored PUT; 400 for a bad key, signature or DNS packet; 409 when the
 * stored packet is more recent; 412 when `If-Match` (compare-and-swap on the timestamp the client
 * last saw) does not match; 413 for a body over 1104 bytes; GET 200/304/404.
 *
 * Stronger than the reference: a packet dated more than `maxFutureMs` ahead of the relay clock is
 * refused (400), so nobody can pin a key's record with a far-future timestamp.
 */
import type * as http from 'node:http'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { systemClock, type Clock } from '../util/clock'
import { PkarrError } from './errors'
import { applyCors, HttpError, readBody, sendBytes, sendEmpty, sendError, sendText } from './http'
import type { RelayStore } from './relay-store'
import { fromRelayPayload, moreRecentThan, parsePublicKey, type SignedPacket } from './signed-packet'

/** Body limit of the reference relay (`DefaultBodyLimit::max(1104)`). */
export const RELAY_BODY_LIMIT = 1104
const MIN_TTL = 300
const MAX_TTL = 86400

export interface RelayOptions {
  store: RelayStore
  clock?: Clock
  provider?: CryptoProvider
  /** Largest accepted clock skew into the future, ms (default one hour). */
  maxFutureMs?: number
}

export class PkarrRelay {
  private readonly store: RelayStore
  private readonly clock: Clock
  private readonly provider: CryptoProvider
  private readonly maxFutureMs: number

  constructor(opts: RelayOptions) {
    this.store = opts.store
    this.clock = opts.clock ?? systemClock
    this.provider = opts.provider ?? defaultProvider()
    this.maxFutureMs = opts.maxFutureMs ?? 3_600_000
  }

  /** The stored packet for a key, verified again on the way out (storage is not trusted blindly). */
  resolve(z32: string): { packet: SignedPacket; lastSeenMs: number } | undefined {
    const key = parsePublicKey(z32)
    const stored = this.store.get(z32)
    if (!stored) return undefined
    return { packet: fromRelayPayload(key, stored.payload, this.provider), lastSeenMs: stored.lastSeenMs }
  }

  /**
   * Verifies and stores a relay payload. `ifMatch` is the timestamp (µs) the publisher last saw.
   * Throws PkarrError: pkarr-bad-key, pkarr-bad-signature, pkarr-payload-too-short,
   * pkarr-packet-too-large, dns-malformed, pkarr-timestamp-future, pkarr-not-most-recent, pkarr-cas-failed.
   */
  publish(z32: string, payload: Uint8Array, ifMatch?: bigint): SignedPacket {
    const key = parsePublicKey(z32)
    const packet = fromRelayPayload(key, payload, this.provider)
    const nowUs = BigInt(this.clock.now()) * 1000n
    if (packet.timestamp > nowUs + BigInt(this.maxFutureMs) * 1000n) {
      throw new PkarrError(
        'pkarr-timestamp-future',
        `packet timestamp ${packet.timestamp} µs is more than ${this.maxFutureMs / 1000} s ahead of the relay clock`,
      )
    }
    const current = this.store.get(z32)
    if (current) {
      const stored = fromRelayPayload(key, current.payload, this.provider)
      if (moreRecentThan(stored, packet)) {
        throw new PkarrError(
          'pkarr-not-most-recent',
          "Found a more recent SignedPacket in the client's cache",
        )
      }
      if (ifMatch !== undefined && stored.timestamp !== ifMatch) {
        throw new PkarrError(
          'pkarr-cas-failed',
          'Compare and swap failed; there is a more recent SignedPacket than the one seen before publishing',
        )
      }
    }
    this.store.put(z32, packet.timestamp, payload, this.clock.now())
    return packet
  }

  /** The node:http handler. `path` is the request path without any mount prefix. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    applyCors(req, res, ['pkarr-dht-stored-nodes'])
    try {
      if (req.method === 'OPTIONS') return sendEmpty(res, 200)
      const segments = path.split('/').filter((s) => s.length > 0)
      const last = segments[segments.length - 1]
      if (last === undefined) {
        if (req.method === 'GET') return sendText(res, 200, 'pkarr relay (local)')
        return sendText(res, 405, 'Method Not Allowed')
      }
      const z32 = decodeURIComponent(last.split('?')[0]!)
      if (req.method === 'PUT') return await this.handlePut(req, res, z32)
      if (req.method === 'GET' || req.method === 'HEAD') return this.handleGet(req, res, z32)
      return sendText(res, 405, 'Method Not Allowed')
    } catch (e) {
      sendError(res, e instanceof PkarrError ? toHttp(e) : e)
    }
  }

  private async handlePut(req: http.IncomingMessage, res: http.ServerResponse, z32: string): Promise<void> {
    parsePublicKey(z32)
    const body = await readBody(req, RELAY_BODY_LIMIT)
    const ifMatchHeader = req.headers['if-match']
    const ifMatch =
      typeof ifMatchHeader === 'string' && /^\d{1,20}$/.test(ifMatchHeader.trim())
        ? BigInt(ifMatchHeader.trim())
        : undefined
    this.publish(z32, body, ifMatch)
    res.setHeader('pkarr-dht-stored-nodes', '1')
    sendEmpty(res, 204)
  }

  private handleGet(req: http.IncomingMessage, res: http.ServerResponse, z32: string): void {
    const found = this.resolve(z32)
    if (!found) return sendEmpty(res, 404)
    const { packet, lastSeenMs } = found
    const ttls = packet.message.answers.map((r) => r.ttl)
    const ttl = Math.min(MAX_TTL, Math.max(MIN_TTL, ttls.length > 0 ? Math.min(...ttls) : MIN_TTL))
    const packetMs = Number(packet.timestamp / 1000n)
    res.setHeader('cache-control', `public, max-age=${ttl}`)
    res.setHeader('last-modified', new Date(packetMs).toUTCString())
    res.setHeader('memento-datetime', new Date(lastSeenMs).toUTCString())
    res.setHeader('content-type', 'application/pkarr.org/relays#payload')
    const since = req.headers['if-modified-since']
    const sinceMs = typeof since === 'string' ? Date.parse(since) : NaN
    if (Number.isFinite(sinceMs) && packet.timestamp <= BigInt(sinceMs) * 1000n) return sendEmpty(res, 304)
    const ts = new Uint8Array(8)
    new DataView(ts.buffer).setBigUint64(0, packet.timestamp, false)
    const payload = Buffer.concat([packet.signature, ts, packet.dns])
    if (req.method === 'HEAD') {
      res.setHeader('content-length', payload.length)
      res.statusCode = 200
      res.end()
      return
    }
    sendBytes(res, 200, payload, 'application/pkarr.org/relays#payload')
  }
}

/** Maps relay failures to the reference relay's status codes. */
export function toHttp(e: PkarrError): HttpError {
  switch (e.code) {
    case 'pkarr-not-most-recent':
      return new HttpError(409, e.message)
    case 'pkarr-cas-failed':
      return new HttpError(412, e.message)
    case 'pkarr-relay':
      return new HttpError(500, e.message)
    default:
      return new HttpError(400, e.message)
  }
}
