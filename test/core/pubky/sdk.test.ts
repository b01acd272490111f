// The real @synonymdev/pubky 0.6.0 (in child processes) against the embedded node in this process.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { runSdk } from './run-sdk'

const P = '/pub/paykit.app/v0/'

describe('SDK against the embedded node (open signup)', () => {
  let dir: string
  let node: EmbeddedNode
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paykit-hs-'))
    node = await startEmbeddedNode({ dataDir: dir })
  })
  afterAll(async () => {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('signs up, writes, reads, lists with cursors, deletes, signs out and in', async () => {
    const r = await runSdk({ scenario: 'flow', relay: node.relayUrl, homeserver: node.homeserverPublicKey })
    expect(r.error).toBeUndefined()
    expect(r.ok).toBe(true)
    const o = r.out
    const u = `pubky://${o.user}${P}`
    expect(o.info).toEqual({ publicKey: o.user, capabilities: ['/:rw'] })
    expect(o.deep).toEqual([`${u}a.txt`, `${u}b.json`, `${u}c.bin`, `${u}sub/d.txt`, `${u}sub/e.txt`])
    expect(o.shallow).toEqual([`${u}a.txt`, `${u}b.json`, `${u}c.bin`, `${u}sub/`])
    expect(o.page1).toEqual([`${u}a.txt`, `${u}b.json`])
    expect(o.page2).toEqual([`${u}c.bin`, `${u}sub/d.txt`])
    expect(o.page3).toEqual([`${u}sub/e.txt`])
    expect(o.reversed).toEqual([...o.deep].reverse())
    expect(o.text).toBe('hello')
    expect(o.json).toEqual({ amount: '1000', unit: 'sat' })
    expect(o.bytesEqual).toBe(true)
    expect(o.stats.contentType).toBe('application/json')
    expect(o.stats.contentLength).toBe(JSON.stringify({ amount: '1000', unit: 'sat' }).length)
    expect(o.existsAfterDelete).toBe(false)
    expect(o.missing.status).toBe(404)
    expect(o.homeserverOf).toBe(node.homeserverPublicKey)
    expect(o.afterSignout.status).toBe(401)
    expect(o.afterSignout.message).toContain('No session secret found in cookies')
    expect(o.afterSignin).toBe('ok')
    expect(o.duplicate.status).toBe(409)
    expect(o.duplicate.message).toContain('User already exists')
  })

  it("lets a fresh process read another user's data, resolving the homeserver through the relay", async () => {
    const w = await runSdk({
      scenario: 'signup-only',
      relay: node.relayUrl,
      homeserver: node.homeserverPublicKey,
      path: `${P}public.txt`,
    })
    expect(w.out.result.name).toBe('none')
    const r = await runSdk({
      scenario: 'public-read',
      relay: node.relayUrl,
      user: w.out.user,
      path: `${P}public.txt`,
    })
    expect(r.error).toBeUndefined()
    expect(r.out.text).toBe('written by signup-only')
    expect(r.out.list).toEqual([`pubky://${w.out.user}${P}public.txt`])
    expect(r.out.homeserverOf).toBe(node.homeserverPublicKey)
    expect(r.out.missing.status).toBe(404)
  })

  it('grants a scoped session through the pubkyauth flow: in-scope write accepted, out-of-scope refused', async () => {
    const secretHex = Buffer.alloc(32, 0x5a).toString('hex')
    const w = await runSdk({
      scenario: 'signup-only',
      relay: node.relayUrl,
      homeserver: node.homeserverPublicKey,
      secretHex,
    })
    expect(w.out.result.name).toBe('none')
    const r = await runSdk({
      scenario: 'auth-flow',
      relay: node.relayUrl,
      secretHex,
      link: node.linkRelayUrl,
    })
    expect(r.error).toBeUndefined()
    expect(r.out.url).toBe('pubkyauth://signin')
    expect(r.out.user).toBe(w.out.user)
    expect(r.out.capabilities).toEqual(['/pub/paykit.app/v0/:rw'])
    expect(r.out.inScope).toBe('in scope')
    expect(r.out.outOfScope.status).toBe(403)
    expect(r.out.outOfScope.message).toContain('Session does not have write access to path')
  })
})

describe('SDK against the embedded node (signup token required)', () => {
  let dir: string
  let node: EmbeddedNode
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paykit-hs-'))
    node = await startEmbeddedNode({ dataDir: dir, signupMode: 'token_required' })
  })
  afterAll(async () => {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses signup without a token, accepts a minted one once', async () => {
    const base = { scenario: 'signup-only', relay: node.relayUrl, homeserver: node.homeserverPublicKey }
    const none = await runSdk(base)
    expect(none.out.result.status).toBe(400)
    expect(none.out.result.message).toContain('Token required')
    const token = node.createSignupToken()
    expect(token).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    const first = await runSdk({ ...base, token, path: `${P}x.txt` })
    expect(first.out.result.name).toBe('none')
    const reused = await runSdk({ ...base, token })
    expect(reused.out.result.status).toBe(401)
    expect(reused.out.result.message).toContain('Token already used')
    const unknown = await runSdk({ ...base, token: 'AAAA-BBBB-CCCC' })
    expect(unknown.out.result.status).toBe(401)
    expect(unknown.out.result.message).toContain('Invalid token')
  })
})
