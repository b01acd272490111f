/** Shared fixtures for the app-shell tests: fresh data folders, a cheap scrypt cost, real services. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../../electron/main/core/util/clock'
import { createAppServices, type AppServices } from '../../electron/main/app/services/app-services'
import { coreKeys } from '../../electron/main/app/services/keys-core'
import { resolveDataPaths } from '../../electron/main/platform/paths'
import { FileSecretStore, type SecretStore } from '../../electron/main/platform/secret-store'
import type { ScryptCost } from '../../electron/main/platform/sealed-box'

/** The lowest cost the reader accepts: fast tests, same code path as production. */
export const TEST_COST: ScryptCost = { log2N: 10, r: 8, p: 1 }

export function tempDir(prefix = 'paykit-pos-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function makeServices(
  dir: string,
  opts: { clock?: ManualClock; store?: SecretStore } = {},
): Promise<{ services: AppServices; clock: ManualClock; store: SecretStore }> {
  const clock = opts.clock ?? new ManualClock(Date.UTC(2026, 10, 22, 9, 0, 0))
  const paths = resolveDataPaths(dir, {})
  const store = opts.store ?? new FileSecretStore(paths.vaultDir, 'test: no keychain', TEST_COST)
  const services = await createAppServices({
    paths,
    store,
    keys: coreKeys,
    shell: 'browser',
    version: '0.0.0-test',
    clock,
    cost: TEST_COST,
  })
  return { services, clock, store }
}

/** Runs onboarding "create": draft, then the right confirmation words. */
export async function createIdentity(services: AppServices, pin = 'correct-horse-1') {
  const draft = services.identity.createDraft()
  const confirmations = draft.confirmPositions.map((p) => draft.words[p - 1]!)
  const state = await services.identity.createFromDraft({
    draftId: draft.draftId,
    confirmations,
    pin,
    homeserver: { kind: 'embedded' },
  })
  return { draft, state, pin }
}
