// PubkyGateway (the only importer of the SDK) in child processes against the embedded node.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { runSdk } from './run-sdk'

describe('PubkyGateway', () => {
  let dir: string
  let node: EmbeddedNode
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paykit-gw-'))
    node = await startEmbeddedNode({ dataDir: dir, signupMode: 'token_required' })
  })
  afterAll(async () => {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const base = (): Record<string, unknown> => ({
    relay: node.relayUrl,
    homeserver: node.homeserverPublicKey,
    origin: node.homeserverUrl,
    secretHex: Buffer.alloc(32, 0x11).toString('hex'),
  })

  it('signs up with a token, reads and writes, pages lists, re-signs in after a 401 and reads publicly', async () => {
    const token = node.createSignupToken()
    const r = await runSdk(
      {
        ...base(),
        scenario: 'gateway',
        token,
        token2: node.createSignupToken(),
        otherHex: Buffer.alloc(32, 0x12).toString('hex'),
      },
      60_000,
      'gateway-scenario.ts',
    )
    expect(r.error).toBeUndefined()
    const o = r.out
    const D = `pubky://${o.user}/pub/paykit.app/v0/`
    expect(o.same).toBe(true)
    expect(o.mismatch).toBe('pubky-profile-mismatch')
    expect(o.a).toBe('alpha')
    expect(o.page1).toEqual([`${D}a.txt`, `${D}b.json`])
    expect(o.page2).toEqual([`${D}c.bin`])
    expect(o.afterDelete).toBe(true)
    expect(o.emptyDir).toEqual([])
    expect(o.signoutStatus).toBe(200)
    expect(o.retried).toBe('retried')
    expect(o.badPath).toBe('pubky-invalid-input')
    expect(o.publicRead).toBe('from other')
    expect(o.publicList).toHaveLength(1)
    expect(o.publicMissing).toBe(true)
    expect(o.duplicate).toBe('pubky-conflict')
    expect(o.homeserverOf).toBe(node.homeserverPublicKey)
  })

  // Runs after the test above, which signed this user up.
  it('signs in again in a fresh process (sessions live only in the jar)', async () => {
    const r = await runSdk({ ...base(), scenario: 'restart' }, 60_000, 'gateway-scenario.ts')
    expect(r.error).toBeUndefined()
    expect(r.out.noSession).toBe('pubky-no-session')
    expect(r.out.read).toBe('hi again')
  })
})
