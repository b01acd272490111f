// Persistence: files, sessions, users and the homeserver key survive a stop/start on the same dataDir,
// and the SDK in a fresh process still resolves and reads through the relay afterwards.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { userHomeserverRecord } from '../../../electron/main/core/homeserver/pkdns'
import { request } from '../../../electron/main/core/pkarr/http'
import { publishToRelay } from '../../../electron/main/core/pkarr/relay-client'
import { signPacket } from '../../../electron/main/core/pkarr/signed-packet'
import { startEmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { runSdk } from '../pubky/run-sdk'
import { RawClient, user } from './helpers'

describe('embedded node restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-hs-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads back identical bytes, keeps the key, the session and the published record', async () => {
    const alice = user(21)
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) & 0xff)
    const first = await startEmbeddedNode({ dataDir: dir })
    const c1 = new RawClient(first.homeserverUrl)
    expect((await c1.signup(alice)).status).toBe(200)
    expect(
      (await c1.send('PUT', '/pub/paykit.app/v0/blob.bin', { tenant: alice.z32, body: bytes })).status,
    ).toBe(201)
    const key = first.homeserverPublicKey
    // The SDK publishes this on signup; raw HTTP signup does not, so publish it with our own signer.
    await publishToRelay(
      first.relayUrl,
      signPacket({ secret: alice.secret, records: [userHomeserverRecord(alice.z32, key)] }),
    )
    const cookie = c1.cookies.get(alice.z32)!
    await first.close()
    expect(statSync(join(dir, 'homeserver.key')).mode & 0o777).toBe(0o600)

    const second = await startEmbeddedNode({ dataDir: dir })
    try {
      expect(second.homeserverPublicKey).toBe(key)
      const c2 = new RawClient(second.homeserverUrl)
      const got = await c2.send('GET', '/pub/paykit.app/v0/blob.bin', { tenant: alice.z32 })
      expect(got.status).toBe(200)
      expect(new Uint8Array(got.body)).toEqual(bytes)
      // The session cookie issued before the restart still authorises writes.
      c2.cookies.set(alice.z32, cookie)
      expect(
        (
          await c2.send('PUT', '/pub/paykit.app/v0/after.txt', {
            tenant: alice.z32,
            body: bytes.subarray(0, 10),
          })
        ).status,
      ).toBe(201)
      // The relay still has the homeserver's packet, republished with the current port.
      const packet = await request(`${second.relayUrl}/${key}`)
      expect(packet.status).toBe(200)
      const read = await runSdk({
        scenario: 'public-read',
        relay: second.relayUrl,
        user: alice.z32,
        path: '/pub/paykit.app/v0/after.txt',
      })
      expect(read.error).toBeUndefined()
      expect(read.out.text).toBe(Buffer.from(bytes.subarray(0, 10)).toString('utf8'))
      expect(read.out.homeserverOf).toBe(key)
    } finally {
      await second.close()
    }
  })

  it('admin disable blocks writes with 403 "User is disabled"', async () => {
    const { createAdminHandler } = await import('../../../electron/main/core/homeserver/admin')
    const { HomeserverStore, openDatabase } = await import('../../../electron/main/core/homeserver/store')
    const { Homeserver } = await import('../../../electron/main/core/homeserver/server')
    const { listen, closeServer } = await import('../../../electron/main/core/pubky/listen')
    const store = new HomeserverStore(openDatabase(undefined))
    const hs = new Homeserver({ store, publicKey: user(30).z32 })
    const main = await listen((req, res) => void hs.handle(req, res), 0, '127.0.0.1')
    const admin = await listen(createAdminHandler({ homeserver: hs, store, password: 'pw' }), 0, '127.0.0.1')
    try {
      const bob = user(31)
      const c = new RawClient(`http://127.0.0.1:${main.port}`)
      await c.signup(bob)
      const dis = await request(`http://127.0.0.1:${admin.port}/users/${bob.z32}/disable`, {
        method: 'POST',
        headers: { 'x-admin-password': 'pw' },
      })
      expect(dis.status).toBe(200)
      const put = await c.send('PUT', '/pub/x', { tenant: bob.z32, body: new Uint8Array(1) })
      expect([put.status, put.text]).toEqual([403, 'User is disabled'])
      const info = await request(`http://127.0.0.1:${admin.port}/info`, {
        headers: { 'x-admin-password': 'pw' },
      })
      expect(JSON.parse(info.body.toString())).toMatchObject({ num_users: 1, num_disabled_users: 1 })
    } finally {
      await closeServer(main.server)
      await closeServer(admin.server)
      store.close()
    }
  })
})
