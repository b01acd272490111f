// The homeserver's hot data path (PUT/GET of small files), as the SDK throughput bench drives it:
// one request per operation on a kept-alive connection, no Set-Cookie outside signup/signin, the
// one-query GET and the conditional GET returning the same current bytes, and byte accounting that
// stays right when no quota is configured (the quota lookups are skipped then).
import * as http from 'node:http'
import type { Socket } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { RawClient, user } from './helpers'

const P = '/pub/paykit.app/v0/'

interface KeptAliveResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  socket: Socket
}

/** A request on `agent` (keep-alive, one socket), reporting the socket it used. */
function send(
  base: string,
  agent: http.Agent,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): Promise<KeptAliveResponse> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        agent,
        headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            socket: req.socket as Socket,
          }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('homeserver data path', () => {
  let dir: string
  let node: EmbeddedNode
  const alice = user(51)
  let cookie: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paykit-hs-data-'))
    node = await startEmbeddedNode({ dataDir: dir })
    const c = new RawClient(node.homeserverUrl)
    expect((await c.signup(alice)).status).toBe(200)
    cookie = `${alice.z32}=${c.cookies.get(alice.z32)!}`
  })
  afterAll(async () => {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves put, get, head and delete on one kept-alive connection, none setting a cookie', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const h = { 'pubky-host': alice.z32, cookie }
    const replies = [
      await send(node.homeserverUrl, agent, 'PUT', `${P}ka.bin`, h, new Uint8Array(256).fill(7)),
      await send(node.homeserverUrl, agent, 'GET', `${P}ka.bin`, h),
      await send(node.homeserverUrl, agent, 'HEAD', `${P}ka.bin`, h),
      await send(node.homeserverUrl, agent, 'PUT', `${P}ka.bin`, h, new Uint8Array(10).fill(8)),
      await send(node.homeserverUrl, agent, 'GET', `${P}ka.bin`, h),
      await send(node.homeserverUrl, agent, 'DELETE', `${P}ka.bin`, h),
    ]
    agent.destroy()
    expect(replies.map((r) => r.status)).toEqual([201, 200, 200, 201, 200, 204])
    // Only signup and signin set the session cookie (as the reference does); a Set-Cookie on every
    // reply would make the SDK's cookie jar parse and store it on every request.
    expect(replies.filter((r) => r.headers['set-cookie'] !== undefined)).toHaveLength(0)
    expect(new Set(replies.map((r) => r.socket)).size).toBe(1)
    expect(replies.every((r) => r.headers['connection'] === 'keep-alive')).toBe(true)
    expect(new Uint8Array(replies[1]!.body)).toEqual(new Uint8Array(256).fill(7))
    expect(new Uint8Array(replies[4]!.body)).toEqual(new Uint8Array(10).fill(8))
  })

  it('answers plain and conditional GETs with the current bytes and validators after overwrites', async () => {
    const c = new RawClient(node.homeserverUrl)
    c.cookies.set(alice.z32, cookie.slice(alice.z32.length + 1))
    const first = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)
    const second = Uint8Array.from({ length: 40 }, (_, i) => 255 - i)
    expect((await c.send('PUT', `${P}cond.bin`, { tenant: alice.z32, body: first })).status).toBe(201)
    const a = await c.send('GET', `${P}cond.bin`, { tenant: alice.z32 })
    expect(new Uint8Array(a.body)).toEqual(first)
    expect(a.headers['content-length']).toBe('300')
    expect((await c.send('PUT', `${P}cond.bin`, { tenant: alice.z32, body: second })).status).toBe(201)
    const b = await c.send('GET', `${P}cond.bin`, { tenant: alice.z32 })
    expect(new Uint8Array(b.body)).toEqual(second)
    expect([b.headers['content-length'], b.headers['content-type']]).toEqual([
      '40',
      'application/octet-stream',
    ])
    expect(b.headers['etag']).not.toBe(a.headers['etag'])
    // A stale validator takes the metadata-then-content path and still returns the current bytes.
    const stale = await c.send('GET', `${P}cond.bin`, {
      tenant: alice.z32,
      headers: { 'if-none-match': a.headers['etag']! },
    })
    expect(stale.status).toBe(200)
    expect(new Uint8Array(stale.body)).toEqual(second)
    expect(stale.headers['etag']).toBe(b.headers['etag'])
    const fresh = await c.send('GET', `${P}cond.bin`, {
      tenant: alice.z32,
      headers: { 'if-none-match': b.headers['etag']! },
    })
    expect([fresh.status, fresh.body.length]).toEqual([304, 0])
    const head = await c.send('HEAD', `${P}cond.bin`, { tenant: alice.z32 })
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '40', 0])
    expect((await c.send('DELETE', `${P}cond.bin`, { tenant: alice.z32 })).status).toBe(204)
    expect((await c.send('GET', `${P}cond.bin`, { tenant: alice.z32 })).status).toBe(404)
  })

  it('refuses malformed tenant keys every time, even after valid keys were seen', async () => {
    const c = new RawClient(node.homeserverUrl)
    expect((await c.send('GET', `${P}x`, { tenant: alice.z32 })).status).toBe(404)
    // 52 characters that are not z-base-32 ('l', 'v' and '2' are outside its alphabet).
    const bad = 'l'.repeat(50) + 'v2'
    for (let i = 0; i < 2; i++) {
      const r = await c.send('GET', `${P}x`, { tenant: bad })
      expect([r.status, r.text]).toEqual([404, 'Pubky Host is missing'])
    }
    // A well-formed key of nobody: the tenant is recognised, the user is not.
    const nobody = z32Encode(new Uint8Array(32).fill(3))
    for (let i = 0; i < 2; i++) {
      const r = await c.send('GET', `${P}x`, { tenant: nobody })
      expect([r.status, r.text]).toEqual([404, 'Not Found'])
    }
  })
})

describe('homeserver byte accounting without a quota', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-hs-usage-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('counts writes, overwrites and deletes, so a quota set at the next start is enforced', async () => {
    const bob = user(52)
    const open = await startEmbeddedNode({ dataDir: dir })
    let secret: string
    try {
      const c = new RawClient(open.homeserverUrl)
      expect((await c.signup(bob)).status).toBe(200)
      secret = c.cookies.get(bob.z32)!
      for (const [name, size] of [
        ['a', 3000],
        ['b', 3000],
        ['c', 500],
      ] as const) {
        const r = await c.send('PUT', `${P}${name}`, { tenant: bob.z32, body: new Uint8Array(size) })
        expect(r.status).toBe(201)
      }
      expect((await c.send('PUT', `${P}b`, { tenant: bob.z32, body: new Uint8Array(1000) })).status).toBe(201)
      expect((await c.send('DELETE', `${P}c`, { tenant: bob.z32 })).status).toBe(204)
    } finally {
      await open.close()
    }
    // Used now: a 3000 + b 1000 = 4000 bytes.
    const capped = await startEmbeddedNode({ dataDir: dir, quotaBytes: 5000 })
    try {
      const c = new RawClient(capped.homeserverUrl)
      c.cookies.set(bob.z32, secret)
      const over = await c.send('PUT', `${P}d`, { tenant: bob.z32, body: new Uint8Array(1001) })
      expect([over.status, over.text]).toEqual([
        507,
        'Disk space quota of 0.0 MB exceeded. Write operation failed.',
      ])
      expect((await c.send('GET', `${P}d`, { tenant: bob.z32 })).status).toBe(404)
      expect((await c.send('PUT', `${P}d`, { tenant: bob.z32, body: new Uint8Array(1000) })).status).toBe(201)
    } finally {
      await capped.close()
    }
  })
})
