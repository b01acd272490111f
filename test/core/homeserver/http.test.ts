// The homeserver's HTTP API over raw requests: status codes and messages of the reference server,
// and that refused requests change nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeSessionInfo } from '../../../electron/main/core/homeserver/postcard'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { utf8 } from '../../../electron/main/core/util/bytes'
import { authToken, RawClient, rawRequest, user } from './helpers'

const P = '/pub/paykit.app/v0/'

describe('homeserver HTTP API', () => {
  let dir: string
  let node: EmbeddedNode
  let c: RawClient
  const alice = user(1)
  const bob = user(2)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paykit-hs-'))
    node = await startEmbeddedNode({ dataDir: dir, bodyLimit: 4096, quotaBytes: 8192 })
    c = new RawClient(node.homeserverUrl)
    expect((await c.signup(alice)).status).toBe(200)
  })
  afterAll(async () => {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('signup answers SessionInfo bytes and a z32-named, HttpOnly, non-Secure cookie on localhost', async () => {
    const fresh = new RawClient(node.homeserverUrl)
    const u = user(3)
    const res = await fresh.send('POST', '/signup', { body: authToken(u, { caps: '/pub/a/:rw,/pub/:r' }) })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/octet-stream')
    const info = decodeSessionInfo(new Uint8Array(res.body))
    expect(info.publicKey).toEqual(z32Decode(u.z32))
    expect(info.capabilities).toEqual(['/pub/a/:rw', '/pub/:r'])
    const cookie = res.headers['set-cookie']![0]!
    expect(cookie).toMatch(new RegExp(`^${u.z32}=[0-9A-Z]{26}; HttpOnly; Path=/; Max-Age=31536000; Expires=`))
    expect(cookie).not.toContain('Secure')
    const session = await fresh.send('GET', '/session', { tenant: u.z32 })
    expect(session.status).toBe(200)
    expect(session.headers['vary']).toBe('cookie, pubky-host')
    expect(decodeSessionInfo(new Uint8Array(session.body)).capabilities).toEqual(['/pub/a/:rw', '/pub/:r'])
  })

  it('marks the cookie Secure; SameSite=None when the Host is a z32 key', async () => {
    const u = user(4)
    const res = await rawRequest(node.homeserverUrl, 'POST', '/signup', { host: u.z32 }, authToken(u))
    expect(res.status).toBe(200)
    expect(res.headers['set-cookie']![0]).toMatch(/; Secure; SameSite=None$/)
  })

  it('refuses bad AuthTokens with 400 and the reference messages, and replays', async () => {
    const u = user(5)
    const now = BigInt(Date.now()) * 1000n
    const cases: Array<[Uint8Array, string]> = [
      [authToken(u, { timestampUs: now - 60_000_000n }), 'more than 45 seconds in the past'],
      [authToken(u, { timestampUs: now + 60_000_000n }), 'more than 45 seconds in the future'],
      [authToken(u, { version: 1 }), 'Unknown version'],
      [authToken(u, { namespace: 'PUBKY:AUTX' }), 'namespace'],
      [utf8('short'), 'at least 116'],
    ]
    const flipped = authToken(u)
    flipped[100]! ^= 1
    cases.push([flipped, 'Invalid Signature'])
    for (const [body, message] of cases) {
      const res = await c.send('POST', '/signup', { body, cookie: false })
      expect(res.status).toBe(400)
      expect(res.text).toContain(message)
    }
    const token = authToken(u)
    expect((await new RawClient(node.homeserverUrl).send('POST', '/signup', { body: token })).status).toBe(
      200,
    )
    const replay = await c.send('POST', '/session', { body: token, cookie: false })
    expect(replay.status).toBe(400)
    expect(replay.text).toBe('AuthToken already used')
    const unknown = await c.send('POST', '/session', { body: authToken(user(99)), cookie: false })
    expect(unknown.status).toBe(404)
  })

  it('writes need a session cookie for the tenant with write capability', async () => {
    const none = await c.send('PUT', `${P}x.txt`, { tenant: alice.z32, body: utf8('x'), cookie: false })
    expect([none.status, none.text]).toEqual([401, 'No session secret found in cookies'])
    const forged = await c.send('PUT', `${P}x.txt`, {
      tenant: alice.z32,
      body: utf8('x'),
      cookie: false,
      headers: { cookie: `${alice.z32}=ABCDEFGHJKMNPQRSTVWXYZ0123` },
    })
    expect([forged.status, forged.text]).toEqual([401, 'No session found for session secret'])
    // Alice's secret presented under Bob's name: the session belongs to someone else.
    const stolen = await c.send('PUT', `${P}x.txt`, {
      tenant: bob.z32,
      body: utf8('x'),
      cookie: false,
      headers: { cookie: `${bob.z32}=${c.cookies.get(alice.z32)!}` },
    })
    expect([stolen.status, stolen.text]).toEqual([401, 'SessionInfo public key does not match pubky-host'])
    const scoped = new RawClient(node.homeserverUrl)
    const s = user(6)
    await scoped.signup(s, { caps: '/pub/paykit.app/v0/:rw' })
    expect((await scoped.send('PUT', `${P}ok.txt`, { tenant: s.z32, body: utf8('ok') })).status).toBe(201)
    const out = await scoped.send('PUT', '/pub/paykit.app/v0x/no.txt', { tenant: s.z32, body: utf8('no') })
    expect([out.status, out.text]).toEqual([403, 'Session does not have write access to path'])
    expect((await scoped.send('GET', '/pub/paykit.app/v0x/no.txt', { tenant: s.z32 })).status).toBe(404)
  })

  it('refuses paths outside /pub/ and every traversal trick, changing nothing', async () => {
    const outside = await c.send('PUT', '/priv/x', { tenant: alice.z32, body: utf8('x') })
    expect([outside.status, outside.text]).toEqual([
      403,
      "Writing to directories other than '/pub/' is forbidden",
    ])
    expect((await c.send('GET', '/etc/passwd', { tenant: alice.z32 })).status).toBe(403)
    const tricks: Array<[string, string]> = [
      ['/pub/../session', "'.' and '..' segments are not allowed"],
      ['/pub/a/./b', "'.' and '..' segments are not allowed"],
      ['/pub/a%2F..%2F..%2Fb', 'encoded slashes'],
      ['/pub/a%2e%2e/b', ''],
      ['/pub/a%00b', 'encoded slashes, backslashes and NUL'],
      ['/pub/a\\..\\b', 'backslashes are not allowed'],
      ['/pub/a%01b', 'control characters'],
      ['/pub/a%zzb', 'malformed percent-encoding'],
      [`/pub/${'a'.repeat(256)}`, 'segment exceeds'],
    ]
    for (const [path, message] of tricks) {
      const res = await c.send('PUT', path, { tenant: alice.z32, body: utf8('x') })
      if (path === '/pub/a%2e%2e/b') {
        // '%2e%2e' decodes to the literal segment 'a..', which is an ordinary name, not traversal.
        expect(res.status).toBe(201)
        continue
      }
      expect(res.status, path).toBe(400)
      expect(res.text, path).toContain(message)
    }
    const list = await c.send('GET', '/pub/', { tenant: alice.z32 })
    expect(list.text.split('\n')).toEqual([`pubky://${alice.z32}/pub/a../b`])
  })

  it('refuses an oversize body with 413 and a quota overrun with 507, storing nothing', async () => {
    const big = await c.send('PUT', `${P}big.bin`, { tenant: alice.z32, body: new Uint8Array(5000) })
    expect(big.status).toBe(413)
    expect(big.text).toContain('length limit of 4096 bytes exceeded')
    expect((await c.send('GET', `${P}big.bin`, { tenant: alice.z32 })).status).toBe(404)
    expect(
      (await c.send('PUT', `${P}q1.bin`, { tenant: alice.z32, body: new Uint8Array(4000) })).status,
    ).toBe(201)
    expect(
      (await c.send('PUT', `${P}q2.bin`, { tenant: alice.z32, body: new Uint8Array(4000) })).status,
    ).toBe(201)
    const over = await c.send('PUT', `${P}q3.bin`, { tenant: alice.z32, body: new Uint8Array(1000) })
    expect([over.status, over.text]).toEqual([
      507,
      'Disk space quota of 0.0 MB exceeded. Write operation failed.',
    ])
    expect((await c.send('GET', `${P}q3.bin`, { tenant: alice.z32 })).status).toBe(404)
    // Overwriting counts only the difference; deleting frees the space.
    expect(
      (await c.send('PUT', `${P}q2.bin`, { tenant: alice.z32, body: new Uint8Array(4090) })).status,
    ).toBe(201)
    expect((await c.send('DELETE', `${P}q1.bin`, { tenant: alice.z32 })).status).toBe(204)
    expect(
      (await c.send('PUT', `${P}q3.bin`, { tenant: alice.z32, body: new Uint8Array(1000) })).status,
    ).toBe(201)
    for (const f of ['q2.bin', 'q3.bin']) await c.send('DELETE', `${P}${f}`, { tenant: alice.z32 })
  })

  it('answers 404 for unknown tenants and a missing pubky-host', async () => {
    const stranger = user(77).z32
    expect((await c.send('GET', `${P}a.txt`, { tenant: stranger })).status).toBe(404)
    expect((await c.send('HEAD', `${P}a.txt`, { tenant: stranger })).status).toBe(404)
    expect((await c.send('GET', '/session', { tenant: stranger })).status).toBe(404)
    const dirMissing = await c.send('GET', P, { tenant: stranger })
    expect([dirMissing.status, dirMissing.text]).toEqual([404, 'Directory Not Found'])
    const noHost = await c.send('GET', `${P}a.txt`)
    expect([noHost.status, noHost.text]).toEqual([404, 'Pubky Host is missing'])
    expect((await c.send('PUT', `${P}a.txt`, { tenant: stranger, body: utf8('x') })).status).toBe(401)
    expect((await c.send('GET', `/?pubky-host=${alice.z32}`)).text).toBe('Pubky Homeserver')
  })

  it('serves files with ETag, Last-Modified, inferred type and conditional 304', async () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3)
    expect((await c.send('PUT', `${P}pic`, { tenant: alice.z32, body: png })).status).toBe(201)
    const got = await c.send('GET', `${P}pic`, { tenant: alice.z32 })
    expect(got.status).toBe(200)
    expect(new Uint8Array(got.body)).toEqual(png)
    expect(got.headers['content-type']).toBe('image/png')
    expect(got.headers['etag']).toMatch(/^"[A-Za-z0-9+/]{43}="$/)
    const head = await c.send('HEAD', `${P}pic`, { tenant: alice.z32 })
    expect(head.headers['content-length']).toBe(String(png.length))
    expect(head.body.length).toBe(0)
    const cached = await c.send('GET', `${P}pic`, {
      tenant: alice.z32,
      headers: { 'if-none-match': got.headers['etag']! },
    })
    expect(cached.status).toBe(304)
    const since = await c.send('GET', `${P}pic`, {
      tenant: alice.z32,
      headers: { 'if-modified-since': got.headers['last-modified']! },
    })
    expect(since.status).toBe(304)
    await c.send('DELETE', `${P}pic`, { tenant: alice.z32 })
    expect((await c.send('DELETE', `${P}pic`, { tenant: alice.z32 })).status).toBe(404)
  })

  it('lists deep, shallow, reversed and paged in byte order; `_` and `%` are not wildcards', async () => {
    const t = user(8)
    const cl = new RawClient(node.homeserverUrl)
    await cl.signup(t)
    const files = [
      '/pub/l/a',
      '/pub/l/b/x',
      '/pub/l/b/y',
      '/pub/l/b',
      '/pub/l/b-c',
      '/pub/l/c_d/z',
      '/pub/lx/q',
      '/pub/l%/n',
    ]
    for (const f of files) {
      const path = f.replace('%', '%25')
      expect((await cl.send('PUT', path, { tenant: t.z32, body: utf8(f) })).status).toBe(201)
    }
    const ls = async (q: string): Promise<string[]> => {
      const res = await cl.send('GET', `/pub/l/${q}`, { tenant: t.z32 })
      expect(res.status).toBe(200)
      return res.text.split('\n').map((l) => l.slice(`pubky://${t.z32}`.length))
    }
    expect(await ls('')).toEqual([
      '/pub/l/a',
      '/pub/l/b',
      '/pub/l/b-c',
      '/pub/l/b/x',
      '/pub/l/b/y',
      '/pub/l/c_d/z',
    ])
    expect(await ls('?shallow')).toEqual(['/pub/l/a', '/pub/l/b', '/pub/l/b-c', '/pub/l/b/', '/pub/l/c_d/'])
    expect(await ls('?shallow=true&reverse=yes')).toEqual([
      '/pub/l/c_d/',
      '/pub/l/b/',
      '/pub/l/b-c',
      '/pub/l/b',
      '/pub/l/a',
    ])
    expect(await ls('?limit=2')).toEqual(['/pub/l/a', '/pub/l/b'])
    expect(await ls(`?limit=2&cursor=pubky://${t.z32}/pub/l/b`)).toEqual(['/pub/l/b-c', '/pub/l/b/x'])
    expect(await ls(`?shallow&cursor=${t.z32}/pub/l/b/`)).toEqual(['/pub/l/c_d/'])
    expect(await ls(`?reverse&limit=1&cursor=pubky://${t.z32}/pub/l/b/x`)).toEqual(['/pub/l/b-c'])
    expect(await ls('?limit=notanumber')).toHaveLength(6)
    const badCursor = await cl.send('GET', '/pub/l/?cursor=nonsense', { tenant: t.z32 })
    expect([badCursor.status, badCursor.text]).toEqual([400, 'Invalid cursor'])
    const badBool = await cl.send('GET', '/pub/l/?shallow=maybe', { tenant: t.z32 })
    expect([badBool.status, badBool.text]).toEqual([400, 'Invalid boolean parameter'])
  })

  it('records PUT and DEL events in a homeserver-wide feed with a cursor', async () => {
    const t = user(9)
    const cl = new RawClient(node.homeserverUrl)
    await cl.signup(t)
    const start = await cl.send('GET', '/events/?limit=1000')
    const lines0 = start.text.split('\n')
    const cursor = lines0[lines0.length - 1]!.replace('cursor: ', '')
    await cl.send('PUT', '/pub/ev/1', { tenant: t.z32, body: utf8('1') })
    await cl.send('DELETE', '/pub/ev/1', { tenant: t.z32 })
    const feed = await cl.send('GET', `/events/?cursor=${cursor}`)
    const lines = feed.text.split('\n')
    expect(lines.slice(0, 2)).toEqual([`PUT pubky://${t.z32}/pub/ev/1`, `DEL pubky://${t.z32}/pub/ev/1`])
    expect(lines[2]).toBe(`cursor: ${Number(cursor) + 2}`)
    const one = await cl.send('GET', `/events/?cursor=${cursor}&limit=1`)
    expect(one.text.split('\n')).toHaveLength(2)
    expect((await cl.send('GET', '/events/?cursor=abc')).status).toBe(400)
  })

  it('signout deletes the session and clears the cookie', async () => {
    const t = user(10)
    const cl = new RawClient(node.homeserverUrl)
    await cl.signup(t)
    const secret = cl.cookies.get(t.z32)!
    const out = await cl.send('DELETE', '/session', { tenant: t.z32 })
    expect(out.status).toBe(200)
    expect(out.headers['set-cookie']![0]).toMatch(new RegExp(`^${t.z32}=; HttpOnly; Path=/; Max-Age=0`))
    const again = await cl.send('PUT', '/pub/x', {
      tenant: t.z32,
      body: utf8('x'),
      cookie: false,
      headers: { cookie: `${t.z32}=${secret}` },
    })
    expect(again.status).toBe(401)
  })
})
