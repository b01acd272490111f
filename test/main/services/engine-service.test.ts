// The payment engine as the app runs it: real services, real EngineHost (worker thread), real
// engine on the embedded homeserver. A restart of the app starts the engine only after the PIN
// unlocks the secret; locking keeps it running; the session keeps its own secret (the worker got
// a copy); a stop is ordered and final.
import { afterAll, describe, expect, it } from 'vitest'
import { resolveDataPaths } from '../../../electron/main/platform/paths'
import { FileSecretStore } from '../../../electron/main/platform/secret-store'
import { createAppServices, type AppServices } from '../../../electron/main/app/services/app-services'
import { coreKeys } from '../../../electron/main/app/services/keys-core'
import { memoryLogger } from '../../../electron/main/platform/logger'
import { createIdentity, TEST_COST, tempDir } from '../helpers'

const tmp = tempDir()
afterAll(() => tmp.cleanup())

async function services(): Promise<{ s: AppServices; events: { event: string; payload: unknown }[] }> {
  const paths = resolveDataPaths(tmp.dir, {})
  const s = await createAppServices({
    paths,
    store: new FileSecretStore(paths.vaultDir, 'test: no keychain', TEST_COST),
    keys: coreKeys,
    shell: 'browser',
    version: '0.0.0-test',
    cost: TEST_COST,
    engine: { timers: { billingIntervalMs: 0, inboxIntervalMs: 0, sweepIntervalMs: 0 } },
    log: memoryLogger(),
  })
  const events: { event: string; payload: unknown }[] = []
  s.bus.subscribe((event, payload) => events.push({ event, payload }))
  return { s, events }
}

const until = async (check: () => boolean, ms = 60_000): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('engine service', () => {
  it('starts in a worker at onboarding; on the next app start only after unlock; survives lock', async () => {
    const first = await services()
    const { pin } = await createIdentity(first.s, 'engine-pin-2468')
    await until(() => first.s.engine.status().state === 'running')
    const id = await first.s.engine.call((api) => api.identity())
    expect(id.merchant).toBe(first.s.repo.get().identity?.publicKey)
    // The session still holds its own secret: owner exports keep working after the engine took its copy.
    expect(
      (await first.s.backup.exportBackup(pin, 'a long backup passphrase')).base64.length,
    ).toBeGreaterThan(100)
    await first.s.engine.stop()
    expect(first.s.engine.status().state).toBe('stopped')
    await expect(first.s.engine.call((api) => api.identity())).rejects.toMatchObject({ code: 'unavailable' })
    first.s.dispose()

    // The app starts again: locked, no secret, no engine.
    const second = await services()
    expect(second.s.session.status().locked).toBe(true)
    await new Promise((r) => setTimeout(r, 200))
    expect(second.s.engine.status().state).toBe('stopped')
    await expect(second.s.engine.call((api) => api.listenerStatus())).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/Unlock/),
    })
    await expect(second.s.session.unlock('wrong-pin-0000')).rejects.toMatchObject({ code: 'bad-pin' })
    expect(second.s.engine.status().state).toBe('stopped')
    await second.s.session.unlock(pin)
    await until(() => second.s.engine.status().state === 'running')
    expect(
      second.events
        .filter((e) => e.event === 'engine:status')
        .map((e) => (e.payload as { state: string }).state),
    ).toEqual(['starting', 'running'])
    second.s.session.lock()
    const listener = await second.s.engine.call((api) => api.listenerStatus())
    expect(listener.accepting).toBe(true)
    // Same merchant, same ledger: the engine came back on the data it had.
    expect((await second.s.engine.call((api) => api.identity())).merchant).toBe(id.merchant)
    await second.s.engine.stop()
    second.s.dispose()
  }, 120_000)

  it('an engine error keeps the core’s code and message; a failed start is shown, not fatal', async () => {
    const { s } = await services()
    await s.session.unlock('engine-pin-2468')
    await until(() => s.engine.status().state === 'running')
    await expect(
      s.engine.call((api) => api.directoryAddMethod('onchain', 'bc1qnotanaddress')),
    ).rejects.toMatchObject({
      code: 'invalid-input',
    })
    await expect(s.engine.call((api) => api.checkoutCancel('chk_nope'))).rejects.toMatchObject({
      code: 'not-found',
    })
    // A watch-only key for the wrong network: refused, and the engine is back as it was.
    const before = await s.engine.call((api) => api.directoryMethods())
    const tpubLike =
      'xpub6D3anNhuPFsyitz6c7Kgp1sS3Dcz5CReqh3Pf8CBaBxNy9PYSuKKz4869P2hbxQmWvSKtaaw7nBcbLTDdkPt6LmwBKhBHNgUR4T5PmSzPbq'
    await expect(
      s.engine.restartWith(s.session.identitySecret(), { kind: 'embedded' }, tpubLike),
    ).rejects.toMatchObject({ code: 'invalid-input' })
    expect(s.engine.status().state).toBe('running')
    expect(await s.engine.call((api) => api.directoryMethods())).toEqual(before)
    await s.engine.stop()
    s.dispose()
  }, 120_000)
})
