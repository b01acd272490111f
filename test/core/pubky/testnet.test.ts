// The static testnet on its fixed ports, driven by the unmodified SDK's Pubky.testnet(). This is the
// only test that binds 15411/15412/6286/6288; it closes everything and checks the ports are free.
import * as net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from '../../../electron/main/core/pkarr/http'
import {
  startTestnet,
  TESTNET_HOMESERVER_KEY,
  TESTNET_PORTS,
  type Testnet,
} from '../../../electron/main/core/pubky/testnet'
import { runSdk } from './run-sdk'

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

describe('static testnet (fixed ports)', () => {
  let testnet: Testnet | undefined
  beforeAll(async () => {
    testnet = await startTestnet({ signupMode: 'token_required' })
  })
  afterAll(async () => {
    await testnet?.close()
  })

  it('serves the zero-secret homeserver key and the documented URLs', () => {
    expect(testnet!.homeserverPublicKey).toBe(TESTNET_HOMESERVER_KEY)
    expect(testnet!.relayUrl).toBe('http://127.0.0.1:15411')
    expect(testnet!.httpRelayUrl).toBe('http://127.0.0.1:15412/link')
    expect(testnet!.homeserverUrl).toBe('http://127.0.0.1:6286')
    expect(testnet!.adminUrl).toBe('http://127.0.0.1:6288')
  })

  it('admin endpoint refuses a missing or wrong password', async () => {
    const missing = await request(`${testnet!.adminUrl}/generate_signup_token`)
    expect(missing.status).toBe(401)
    expect(missing.body.toString()).toBe('Missing admin password')
    const wrong = await request(`${testnet!.adminUrl}/generate_signup_token`, {
      headers: { 'x-admin-password': 'nope' },
    })
    expect(wrong.status).toBe(401)
    expect(wrong.body.toString()).toBe('Invalid admin password')
  })

  it('Pubky.testnet(): signup with an admin token, put, list and public read', async () => {
    const r = await runSdk({
      scenario: 'testnet',
      homeserver: TESTNET_HOMESERVER_KEY,
      adminUrl: testnet!.adminUrl,
    })
    expect(r.error).toBeUndefined()
    const o = r.out
    expect(o.tokenStatus).toBe(200)
    expect(o.token).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    expect(o.noToken.status).toBe(400)
    expect(o.list).toEqual([
      `pubky://${o.user}/pub/paykit.app/v0/hello.txt`,
      `pubky://${o.user}/pub/paykit.app/v0/n.json`,
    ])
    expect(o.text).toBe('hello testnet')
    expect(o.reused.status).toBe(401)
  })

  it('releases every fixed port on close', async () => {
    await testnet!.close()
    testnet = undefined
    for (const port of Object.values(TESTNET_PORTS)) expect(await portFree(port)).toBe(true)
  })
})
