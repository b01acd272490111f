// Listing checks and paging, and the node:http reader against a deliberately hostile loopback server.
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertPubPath, pagedList, parseListEntry } from '../../../electron/main/core/store/listing'
import { HttpPubkyReader } from '../../../electron/main/core/store/http-reader'
import { fetchRecords } from '../../../electron/main/core/store/records'

const OWNER = 'o1j5kxtmjrkzp3i86k8p9jmb6jyjmpo8pc8rja7gfm7mahsx48uy'
const DIR = '/pub/paykit.app/v0/requests/'
const U = `pubky://${OWNER}${DIR}`

describe('listing entries', () => {
  it('accepts entries of the asked directory and refuses everything else', () => {
    expect(parseListEntry(`${U}req_1`, OWNER, DIR, true)).toEqual({
      url: `${U}req_1`,
      path: `${DIR}req_1`,
      name: 'req_1',
      isDir: false,
    })
    expect(parseListEntry(`${U}sub/`, OWNER, DIR, true)).toMatchObject({ name: 'sub', isDir: true })
    expect(parseListEntry(`${U}a/b`, OWNER, DIR, false)).toMatchObject({ name: 'b', path: `${DIR}a/b` })
    for (const bad of [
      `${U}a/b`, // deeper than shallow
      `pubky://${OWNER}/pub/other/x`, // another directory
      `pubky://${'y'.repeat(52)}${DIR}x`, // another owner
      `${U}`, // the directory itself
      `${U}../../x`, // traversal
      `${U}x%2f`, // percent escapes
      `${U}${'a'.repeat(5000)}`, // oversize
    ]) {
      expect(parseListEntry(bad, OWNER, DIR, true), bad.slice(0, 90)).toBeNull()
    }
  })

  it('refuses unsafe paths with a typed error', () => {
    for (const p of ['/priv/x', 'pub/x', '/pub/a/../b', '/pub//x', '/pub/x?y', '/pub/\u0000']) {
      expect(() => assertPubPath(p), p).toThrow(expect.objectContaining({ code: 'store-invalid-path' }))
    }
    expect(assertPubPath('/pub/paykit.app/v0/')).toBe('/pub/paykit.app/v0/')
  })

  it('follows cursors, stops at maxEntries (truncated), and stops on a page that does not advance', async () => {
    const all = Array.from({ length: 7 }, (_, i) => `${U}r${i}`)
    const calls: (string | undefined)[] = []
    const pager = async (cursor: string | undefined, limit: number): Promise<string[]> => {
      calls.push(cursor)
      return all.filter((u) => cursor === undefined || u > cursor).slice(0, limit)
    }
    const res = await pagedList(OWNER, DIR, { limit: 3 }, pager)
    expect(res.entries.map((e) => e.name)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'])
    expect(res.truncated).toBe(false)
    expect(calls).toEqual([undefined, `${U}r2`, `${U}r5`])
    const cut = await pagedList(OWNER, DIR, { limit: 3, maxEntries: 4 }, pager)
    expect(cut.entries.map((e) => e.name)).toEqual(['r0', 'r1', 'r2', 'r3'])
    expect(cut.truncated).toBe(true)
    // A server that answers every page with the same lines: terminates, counts them as malformed.
    let n = 0
    const stuck = await pagedList(OWNER, DIR, { limit: 2 }, async () => {
      n++
      return [`${U}a`, `${U}b`]
    })
    expect(stuck.entries.map((e) => e.name)).toEqual(['a', 'b'])
    expect(n).toBe(2)
    expect(stuck.malformed).toBe(2)
  })
})

describe('HttpPubkyReader against a hostile server', () => {
  let server: http.Server
  let base: string
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (req.headers['pubky-host'] !== OWNER) {
        res.statusCode = 404
        res.end('Pubky Host is missing')
        return
      }
      if (url.pathname === '/pub/big') {
        // 10 MB without a content-length: the reader must stop at its cap, not buffer it all.
        res.statusCode = 200
        let sent = 0
        const chunk = Buffer.alloc(64 * 1024, 0x61)
        const pump = (): void => {
          while (sent < 10 * 1024 * 1024) {
            sent += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
          res.end()
        }
        res.on('close', () => (sent = Infinity))
        pump()
        return
      }
      if (url.pathname === '/pub/declared') {
        res.setHeader('content-length', String(50 * 1024 * 1024))
        res.statusCode = 200
        res.write('x')
        return
      }
      if (url.pathname === '/pub/empty') return void res.end()
      if (url.pathname === '/pub/ok') return void res.end('hello')
      if (url.pathname === DIR) {
        res.setHeader('content-type', 'text/plain')
        res.end(
          [`${U}good`, 'garbage line', `pubky://${'y'.repeat(52)}${DIR}x`, `${U}deep/er`, `${U}sub/`].join(
            '\n',
          ),
        )
        return
      }
      res.statusCode = 404
      res.end('Not found')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('caps bodies (streamed or declared), treats 404 and empty as absent', async () => {
    const reader = new HttpPubkyReader({ homeserverUrl: () => base })
    await expect(reader.get(OWNER, '/pub/big', { maxBytes: 100_000 })).rejects.toMatchObject({
      code: 'store-too-large',
    })
    await expect(reader.get(OWNER, '/pub/declared')).rejects.toMatchObject({ code: 'store-too-large' })
    expect(await reader.get(OWNER, '/pub/empty')).toBeNull()
    expect(await reader.get(OWNER, '/pub/missing')).toBeNull()
    expect(new TextDecoder().decode((await reader.get(OWNER, '/pub/ok'))!)).toBe('hello')
    await expect(reader.get('not-a-key', '/pub/ok')).rejects.toMatchObject({ code: 'store-invalid-owner' })
  })

  it('keeps only well-formed entries of the asked directory; fetchRecords reports per record', async () => {
    const reader = new HttpPubkyReader({ homeserverUrl: () => base })
    const res = await reader.list(OWNER, DIR)
    expect(res.entries.map((e) => e.name)).toEqual(['good', 'sub'])
    expect(res.malformed).toBe(3)
    const recs = await fetchRecords(reader, OWNER, DIR)
    expect(recs.skipped).toBe(4) // 3 malformed + 1 directory
    expect(recs.records).toEqual([]) // "good" is listed but 404s on get: deleted in between
    const unreachable = await fetchRecords(
      new HttpPubkyReader({ homeserverUrl: () => 'http://127.0.0.1:1' }),
      OWNER,
      DIR,
    )
    expect(unreachable.listError?.code).toBe('store-unavailable')
  })
})
