// "Sign in with Pubky Ring" through the app's IPC with nothing faked: the real services and
// dispatcher, the core's EngineHost.pairRing (its own worker, the embedded homeserver), the Ring
// stand-in as a separate process on the real SDK Signer, and the real engine in Ring mode.
// Proves: pairing → PIN → the engine runs as the Ring user; no secret in any answer; key export and
// backup refused; a restart unlocks into the same link; a session the homeserver forgot shows as
// expired and "Pair again" (same Ring user) brings the engine back.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveDataPaths } from '../../../electron/main/platform/paths'
import { FileSecretStore } from '../../../electron/main/platform/secret-store'
import { createAppServices, type AppServices } from '../../../electron/main/app/services/app-services'
import { coreKeys } from '../../../electron/main/app/services/keys-core'
import { IdentityVault } from '../../../electron/main/app/services/vault'
import { createDispatcher } from '../../../electron/main/ipc/dispatch'
import { createRouter } from '../../../electron/main/ipc/router'
import { memoryLogger } from '../../../electron/main/platform/logger'
import { approveWithRing } from '../../core/pubky/ring-helpers'
import { TEST_COST, tempDir } from '../helpers'

const tmp = tempDir('paykit-pos-ring-')
afterAll(() => tmp.cleanup())
const PIN = 'ring-till-pin-1'
const RING_SECRET = Buffer.alloc(32, 0x5e).toString('hex')
const paths = resolveDataPaths(tmp.dir, {})

async function app() {
  const log = memoryLogger()
  const services: AppServices = await createAppServices({
    paths,
    store: new FileSecretStore(paths.vaultDir, 'test: no keychain', TEST_COST),
    keys: coreKeys,
    shell: 'browser',
    version: '0.0.0-test',
    cost: TEST_COST,
    engine: {
      timers: { billingIntervalMs: 0, inboxIntervalMs: 0, sweepIntervalMs: 0, subscriberSyncIntervalMs: 0 },
    },
    log,
  })
  const answers: string[] = []
  const inner = createDispatcher({ router: createRouter(services), access: services.accessState, log })
  const dispatch = async (command: string, request: unknown) => {
    const r = await inner(command, request)
    answers.push(JSON.stringify(r))
    return r as { ok: true; value: never } | { ok: false; error: { code: string; message: string } }
  }
  return { services, dispatch, answers, log }
}

const until = async (check: () => boolean, ms = 60_000): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The embedded node's info file the pairing worker writes (where the phone finds relay + homeserver). */
const nodeInfo = () =>
  JSON.parse(readFileSync(join(paths.root, 'engine', 'pubky', 'paykit-node.json'), 'utf8')) as {
    relayUrl: string
    homeserverPublicKey: string
  }

/** Opens a pairing over IPC and has the stand-in approve it; returns the pairing id and the Ring user. */
async function pairOverIpc(
  dispatch: Awaited<ReturnType<typeof app>>['dispatch'],
  command: string,
  req: unknown,
) {
  const started = await dispatch(command, req)
  if (!started.ok) throw new Error(`${command}: ${started.error.message}`)
  const { pairingId, url } = started.value as { pairingId: string; url: string }
  expect(url).toMatch(/^pubkyauth:\/\/signin\?/)
  const waiting = dispatch('identity:ring-wait', { pairingId })
  const info = nodeInfo()
  const ring = await approveWithRing({
    relay: info.relayUrl,
    homeserver: info.homeserverPublicKey,
    url,
    secretHex: RING_SECRET,
  })
  const approved = await waiting
  expect(approved).toEqual({ ok: true, value: { publicKey: ring.publicKey } })
  return { pairingId, publicKey: ring.publicKey }
}

describe('Pubky Ring sign-in through IPC (real pairing worker, stand-in and engine)', () => {
  let shop = ''

  it('pairs, takes the PIN, and starts the engine as the Ring user; no secret crosses IPC', async () => {
    const { services, dispatch, answers } = await app()
    try {
      expect(await dispatch('identity:ring-wait', { pairingId: 'nope' })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      })
      const { pairingId, publicKey } = await pairOverIpc(dispatch, 'identity:ring-start', {
        homeserver: { kind: 'embedded' },
      })
      shop = publicKey
      const done = await dispatch('identity:ring-finish', { pairingId, pin: PIN })
      expect(done).toMatchObject({
        ok: true,
        value: { identityKind: 'ring', ringSession: 'linked', locked: false, identity: { publicKey } },
      })
      await until(
        () => services.engine.status().state !== 'starting' && services.engine.status().state !== 'stopped',
      )
      expect(services.engine.status()).toEqual({ state: 'running', problem: null })
      const me = await services.engine.call((api) => api.identity())
      expect(me.merchant).toBe(publicKey)
      expect(me.identityKind).toBe('ring')

      // Onboarding is over; what needs the shop key is refused and says why.
      expect(await dispatch('identity:ring-start', { homeserver: { kind: 'embedded' } })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      })
      for (const command of ['identity:export-recovery-file', 'backup:export']) {
        const r = await dispatch(command, { pin: PIN, passphrase: 'a long passphrase' })
        expect(r.ok).toBe(false)
        if (!r.ok) expect(r.error.message).toContain('stays on the phone')
      }

      // The cookie and the device secret stayed in main.
      const creds = services.session.credentials()
      if (creds.kind !== 'ring') throw new Error('expected a Ring till')
      const cookieValue = creds.link.sessionCookie.split('=')[1]!
      const all = answers.join('\n')
      expect(cookieValue.length).toBeGreaterThan(10)
      expect(all).not.toContain(cookieValue)
      expect(all).not.toContain(Buffer.from(creds.deviceSecret).toString('hex'))
      expect(all).not.toContain(Buffer.from(creds.deviceSecret).toString('base64'))
    } finally {
      await services.engine.stop()
      services.dispose()
    }
  }, 180_000)

  it('after a restart the PIN brings back the same link and the engine runs again', async () => {
    const { services, dispatch } = await app()
    try {
      expect(services.engine.status().state).toBe('stopped')
      expect(await dispatch('session:unlock', { pin: PIN })).toMatchObject({
        ok: true,
        value: { identityKind: 'ring', ringSession: 'linked' },
      })
      await until(
        () => services.engine.status().state === 'running' || services.engine.status().state === 'failed',
      )
      expect(services.engine.status()).toEqual({ state: 'running', problem: null })
      expect((await services.engine.call((api) => api.identity())).merchant).toBe(shop)
    } finally {
      await services.engine.stop()
      services.dispose()
    }
  }, 120_000)

  it('a session the homeserver forgot shows as expired; "Pair again" with the same Ring user restores it', async () => {
    // Make the stored session one the homeserver never issued (what a server-side sign-out leaves).
    {
      const { services } = await app()
      await services.session.unlock(PIN)
      await until(() => services.engine.status().state !== 'starting')
      await services.engine.stop()
      const creds = services.session.credentials()
      if (creds.kind !== 'ring') throw new Error('expected a Ring till')
      const vault = new IdentityVault(
        new FileSecretStore(paths.vaultDir, 'test: no keychain', TEST_COST),
        services.repo,
        TEST_COST,
      )
      await vault.saveCredentials(
        { ...creds, link: { ...creds.link, sessionCookie: `${creds.link.publicKey}=${'Q'.repeat(26)}` } },
        PIN,
      )
      services.dispose()
    }
    const { services, dispatch } = await app()
    try {
      await dispatch('session:unlock', { pin: PIN })
      await until(
        () => services.engine.status().state === 'failed' || services.engine.status().state === 'running',
      )
      expect(services.engine.status().state).toBe('failed')
      expect(services.engine.status().problem).toContain('Pair this till with Pubky Ring again')
      const status = await dispatch('session:status', {})
      expect(status).toMatchObject({ ok: true, value: { identityKind: 'ring', ringSession: 'expired' } })

      const { pairingId, publicKey } = await pairOverIpc(dispatch, 'identity:ring-relink', {})
      expect(publicKey).toBe(shop)
      expect(await dispatch('identity:ring-relink-finish', { pairingId, pin: 'wrong-pin-99' })).toMatchObject(
        {
          ok: false,
          error: { code: 'bad-pin' },
        },
      )
      expect(await dispatch('identity:ring-relink-finish', { pairingId, pin: PIN })).toMatchObject({
        ok: true,
        value: { ringSession: 'linked' },
      })
      await until(
        () => services.engine.status().state === 'running' || services.engine.status().state === 'failed',
      )
      expect(services.engine.status()).toEqual({ state: 'running', problem: null })
      expect((await services.engine.call((api) => api.identity())).merchant).toBe(shop)
    } finally {
      await services.engine.stop()
      services.dispose()
    }
  }, 240_000)
})
