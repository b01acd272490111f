// "Sign in with Pubky Ring" through PubkyGateway with the real SDK: the app and the Ring stand-in
// each in their own process (the SDK patches its process's fetch), the embedded node in this one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import type { RingLink } from '../../../electron/main/core/pubky/ring-link'
import { approveWithRing, lineProcess } from './ring-helpers'

const scenario = fileURLToPath(new URL('./fixtures/ring-scenario.ts', import.meta.url))
const run = (args: Record<string, unknown>) => lineProcess(scenario, [JSON.stringify(args)])

describe('Pubky Ring sign-in (real SDK, separate processes)', () => {
  let dir: string
  let node: EmbeddedNode
  let link: RingLink
  const secretHex = Buffer.alloc(32, 0x7c).toString('hex')
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paykit-ring-'))
    node = await startEmbeddedNode({ dataDir: dir })
  })
  afterAll(async () => {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('pairs: Ring approves the QR, the till gets a session limited to /pub/paykit.app/v0/', async () => {
    const app = run({ scenario: 'pair', relay: node.relayUrl, link: node.linkRelayUrl })
    const { url } = await app.next<{ url: string }>()
    expect(url).toMatch(/^pubkyauth:\/\/signin\?/)
    expect(decodeURIComponent(url)).toContain('caps=/pub/paykit.app/v0/:rw')
    const ring = await approveWithRing({
      relay: node.relayUrl,
      homeserver: node.homeserverPublicKey,
      url,
      secretHex,
    })
    const r = await app.next<{ ok: boolean; out: { link: RingLink; outOfScope: string } }>()
    expect(r.ok, JSON.stringify(r)).toBe(true)
    link = r.out.link
    expect(link.publicKey).toBe(ring.publicKey)
    expect(link.capabilities).toEqual(['/pub/paykit.app/v0/:rw'])
    expect(link.sessionCookie.startsWith(`${ring.publicKey}=`)).toBe(true)
    expect(link.sessionCookie.length).toBeGreaterThan(ring.publicKey.length + 10)
    expect(link.cookieUrl).toMatch(/^http:\/\/localhost\//)
    // The export is the public session info: it must not carry the cookie's secret.
    expect(link.exported).not.toContain(link.sessionCookie.split('=')[1])
    expect(r.out.outOfScope).toBe('pubky-forbidden')
  })

  it('a fresh process (a restart) restores the session from the link: writes in scope, 403 outside', async () => {
    const app = run({ scenario: 'restore', relay: node.relayUrl, ringLink: link })
    const r = await app.next<{ ok: boolean; out: { user: string; readBack: string; outOfScope: string } }>()
    expect(r.ok, JSON.stringify(r)).toBe(true)
    expect(r.out.user).toBe(link.publicKey)
    expect(r.out.readBack).toBe('written after a restart')
    expect(r.out.outOfScope).toBe('pubky-forbidden')
  })

  it('refuses a damaged or foreign link with ring-invalid-link and changes nothing', async () => {
    const app = run({ scenario: 'bad-link', relay: node.relayUrl, ringLink: link })
    const r = await app.next<{ ok: boolean; out: Record<string, string> }>()
    expect(r.ok, JSON.stringify(r)).toBe(true)
    expect(r.out['damaged']).toBe('ring-invalid-link')
    expect(r.out['otherUser']).toBe('ring-invalid-link')
    // A well-formed cookie the homeserver never issued: the session is unknown there.
    expect(r.out['forged']).toBe('ring-session-expired')
    expect(r.out['noSession']).toBe('pubky-no-session')
  })

  it('times out, cancels, and rejects bad capabilities with typed errors', async () => {
    const app = run({ scenario: 'timeout-cancel', relay: node.relayUrl, link: node.linkRelayUrl })
    const r = await app.next<{ ok: boolean; out: Record<string, unknown> }>()
    expect(r.ok, JSON.stringify(r)).toBe(true)
    expect(r.out['timeout']).toBe('ring-timeout')
    expect(r.out['timeoutMs']).toBeLessThan(5_000)
    expect(r.out['cancel']).toBe('ring-cancelled')
    expect(r.out['badCaps']).toBe('pubky-invalid-input')
    expect(r.out['url']).toBe('pubkyauth://signin')
    expect(r.out['differentUrls']).toBe(true)
  })

  it('a session the homeserver forgot (signed out) gives ring-session-expired at the next start', async () => {
    const out = await run({ scenario: 'signout', relay: node.relayUrl, ringLink: link }).next<{
      ok: boolean
    }>()
    expect(out.ok, JSON.stringify(out)).toBe(true)
    const again = await run({ scenario: 'restore', relay: node.relayUrl, ringLink: link }).next<{
      ok: boolean
      error?: { code: string; message: string }
    }>()
    expect(again.ok).toBe(false)
    expect(again.error?.code).toBe('ring-session-expired')
    expect(again.error?.message).toContain('Pair this till with Pubky Ring again')
  })
})
