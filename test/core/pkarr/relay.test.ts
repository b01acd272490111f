// The pkarr relay over HTTP: the reference relay's status codes, headers and messages, refused
// packets leaving the stored one untouched, and SQLite persistence.
import Libsql from 'libsql'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { txtData } from '../../../electron/main/core/pkarr/dns'
import { request } from '../../../electron/main/core/pkarr/http'
import { PkarrRelay } from '../../../electron/main/core/pkarr/relay'
import { resolveFromRelay } from '../../../electron/main/core/pkarr/relay-client'
import { RelayStore } from '../../../electron/main/core/pkarr/relay-store'
import {
  signPacket,
  toRelayPayload,
  type SignedPacket,
} from '../../../electron/main/core/pkarr/signed-packet'
import { closeServer, listen } from '../../../electron/main/core/pubky/listen'
import { ManualClock } from '../../../electron/main/core/util/clock'

const T0 = 1_790_000_000_000
const secret = new Uint8Array(32).fill(9)
const z32 = z32Encode(nativeProvider.ed25519PublicKey(secret))
const packet = (text: string, tsMs: number): SignedPacket =>
  signPacket({
    secret,
    records: [{ name: `_t.${z32}`, class: 1, ttl: 600, data: txtData(text) }],
    timestamp: BigInt(tsMs) * 1000n,
  })

describe('pkarr relay HTTP API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-relay-'))
  const clock = new ManualClock(T0)
  let db: Libsql.Database
  let base: string
  let stop: () => Promise<void>

  beforeAll(async () => {
    db = new Libsql(join(dir, 'relay.db'))
    const relay = new PkarrRelay({ store: new RelayStore(db), clock })
    const { server, port } = await listen(
      (req, res) => void relay.handle(req, res, (req.url ?? '/').split('?')[0]!),
      0,
      '127.0.0.1',
    )
    base = `http://127.0.0.1:${port}`
    stop = () => closeServer(server)
  })
  afterAll(async () => {
    await stop()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const put = (
    body: Uint8Array,
    key = z32,
    headers: Record<string, string> = {},
  ): ReturnType<typeof request> => request(`${base}/${key}`, { method: 'PUT', body, headers })

  it('stores with 204 and serves the exact payload with the relay headers', async () => {
    const p = packet('v1', T0 - 1000)
    const res = await put(toRelayPayload(p))
    expect(res.status).toBe(204)
    expect(res.headers['pkarr-dht-stored-nodes']).toBe('1')
    const got = await request(`${base}/${z32}`)
    expect(got.status).toBe(200)
    expect(new Uint8Array(got.body)).toEqual(toRelayPayload(p))
    expect(got.headers['content-type']).toBe('application/pkarr.org/relays#payload')
    expect(got.headers['cache-control']).toBe('public, max-age=600')
    expect(got.headers['last-modified']).toBe(new Date(T0 - 1000).toUTCString())
    const notModified = await request(`${base}/${z32}`, {
      headers: { 'if-modified-since': new Date(T0).toUTCString() },
    })
    expect(notModified.status).toBe(304)
    const stale = await request(`${base}/${z32}`, {
      headers: { 'if-modified-since': new Date(T0 - 5000).toUTCString() },
    })
    expect(stale.status).toBe(200)
    // The trailing-slash base the SDK can produce (`…//<z32>`) still names the key.
    expect((await request(`${base}//${z32}`)).status).toBe(200)
    expect((await request(`${base}/${z32Encode(new Uint8Array(32).fill(3))}`)).status).toBe(404)
  })

  it('refuses bad input with the reference status codes and keeps the stored packet', async () => {
    const before = await request(`${base}/${z32}`)
    const bad = toRelayPayload(packet('evil', T0))
    bad[5]! ^= 1
    const badSig = await put(bad)
    expect(badSig.status).toBe(400)
    expect(badSig.body.toString()).toContain('Invalid signature')
    const older = await put(toRelayPayload(packet('older', T0 - 2000)))
    expect(older.status).toBe(409)
    expect(older.body.toString()).toBe("Found a more recent SignedPacket in the client's cache")
    const cas = await put(toRelayPayload(packet('cas', T0)), z32, { 'if-match': '12345' })
    expect(cas.status).toBe(412)
    expect(cas.body.toString()).toContain('Compare and swap failed')
    const future = await put(toRelayPayload(packet('future', T0 + 2 * 3_600_000)))
    expect(future.status).toBe(400)
    expect(future.body.toString()).toContain('ahead of the relay clock')
    const oversize = await put(new Uint8Array(1105))
    expect(oversize.status).toBe(413)
    const bigDns = await put(new Uint8Array(1073))
    expect(bigDns.status).toBe(400)
    expect(bigDns.body.toString()).toContain('DNS Packet is too large, expected max 1000 bytes')
    const short = await put(new Uint8Array(10))
    expect(short.status).toBe(400)
    const badKey = await put(toRelayPayload(packet('x', T0)), 'not-a-z32-key')
    expect(badKey.status).toBe(400)
    expect(badKey.body.toString()).toContain('is not a z-base-32 public key')
    const notDns = signPacket({ secret, records: [], timestamp: BigInt(T0) * 1000n })
    const garbage = toRelayPayload({ ...notDns, dns: Uint8Array.of(1, 2, 3) })
    expect((await put(garbage)).status).toBe(400)
    const after = await request(`${base}/${z32}`)
    expect(after.body).toEqual(before.body)
  })

  it('accepts a newer packet, CAS on the stored timestamp, and an identical re-publish', async () => {
    const current = (await resolveFromRelay(base, z32))!
    const next = packet('v2', T0)
    expect((await put(toRelayPayload(next), z32, { 'if-match': current.timestamp.toString() })).status).toBe(
      204,
    )
    expect((await put(toRelayPayload(next))).status).toBe(204)
    const got = (await resolveFromRelay(base, z32))!
    expect(got.timestamp).toBe(BigInt(T0) * 1000n)
  })

  it('persists packets in SQLite', () => {
    const again = new RelayStore(db)
    expect(again.count()).toBe(1)
    expect(again.get(z32)!.payload).toEqual(toRelayPayload(packet('v2', T0)))
  })
})
