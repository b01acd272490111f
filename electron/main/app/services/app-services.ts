/**
 * @module app/services/app-services
 * Builds the app's services from their ports. Both shells (Electron main and browser mode) call
 * this, so they run the same code; nothing here imports electron.
 */
import type { Clock } from '../../core/util/clock'
import { systemClock } from '../../core/util/clock'
import type { Rng } from '../../core/util/rng'
import { systemRng } from '../../core/util/rng'
import type { AppInfo } from '../../../../shared/domain/session'
import { EventBus } from '../../ipc/events'
import type { AccessState } from '../../ipc/policy'
import type { DataPaths } from '../../platform/paths'
import type { SecretStore } from '../../platform/secret-store'
import { DEFAULT_COST, type ScryptCost } from '../../platform/sealed-box'
import { StateFile } from '../../platform/state-file'
import { join } from 'node:path'
import { BackupService } from './backup'
import { CustomerDisplayHost } from '../display/host'
import { DisplayStateService } from './display-state'
import { EngineService, type EngineServiceOptions } from './engine'
import { EngineHost } from '../../core/engine/host'
import { consoleLogger, type Logger } from '../../platform/logger'
import { IdentityService } from './identity'
import type { KeysPort } from './keys-port'
import { SessionService } from './session'
import { SettingsService } from './settings'
import { StateRepo } from './state-repo'
import { IdentityVault } from './vault'
import { pdfUnavailable, type PdfExporter } from '../pdf-export'

export type AppServicesOptions = {
  readonly paths: DataPaths
  readonly store: SecretStore
  readonly keys: KeysPort
  readonly shell: AppInfo['shell']
  readonly version: string
  readonly clock?: Clock
  readonly rng?: Rng
  /** scrypt cost for PIN checks and backups; tests lower it. */
  readonly cost?: ScryptCost
  /**
   * The payment engine. When given, it starts as soon as the identity secret is available (first
   * unlock or end of onboarding); without it the engine can still be started by hand (tests).
   */
  readonly engine?: Partial<Pick<EngineServiceOptions, 'launch' | 'listener' | 'timers' | 'testClock'>>
  readonly log?: Logger
  /** The customer display's port (PAYKIT_DISPLAY_PORT); absent or 0: any free port. */
  readonly displayPort?: number
  /** Save as PDF (Electron wires printToPDF + the save dialog); absent in browser mode. */
  readonly pdf?: PdfExporter
}

export type AppServices = {
  readonly bus: EventBus
  readonly repo: StateRepo
  readonly session: SessionService
  readonly identity: IdentityService
  readonly settings: SettingsService
  readonly backup: BackupService
  readonly engine: EngineService
  /** What the customer-facing display shows (fed by checkout:start and the checkout events). */
  readonly displayState: DisplayStateService
  /** The customer-facing display's server, run as the owner's `display:set-mode` says. */
  readonly display: CustomerDisplayHost
  /** Prints the asking window's page to PDF and saves it; `unavailable` without a window (browser mode). */
  readonly pdf: PdfExporter
  info(): AppInfo
  accessState(): AccessState
  /** Shutdown: stops timers and wipes the in-memory secret. */
  dispose(): void
}

export async function createAppServices(opts: AppServicesOptions): Promise<AppServices> {
  const clock = opts.clock ?? systemClock
  const rng = opts.rng ?? systemRng
  const cost = opts.cost ?? DEFAULT_COST
  const bus = new EventBus()
  const repo = await StateRepo.open(new StateFile(opts.paths.state))
  const vault = new IdentityVault(opts.store, repo, cost, rng)
  const session = new SessionService(repo, vault, clock, bus.emit)
  const identity = new IdentityService(opts.keys, vault, repo, session, clock, rng)
  const settings = new SettingsService(repo, session, vault, bus.emit)
  const backup = new BackupService(repo, session, identity, opts.keys, clock, cost)
  const log = opts.log ?? consoleLogger
  const engine = new EngineService({
    dataDir: join(opts.paths.root, 'engine'),
    emit: bus.emit,
    log,
    launch: opts.engine?.launch ?? ((o) => EngineHost.start(o)),
    ...(opts.engine?.listener ? { listener: opts.engine.listener } : {}),
    ...(opts.engine?.timers ? { timers: opts.engine.timers } : {}),
    ...(opts.engine?.testClock ? { testClock: opts.engine.testClock } : {}),
  })
  if (opts.engine) {
    // The till starts selling as soon as it can sign; a failed start is shown, not fatal.
    session.onIdentityReady((secret) => {
      const identity = repo.get().identity
      if (identity) void engine.start(secret, identity.homeserver).catch(() => undefined)
    })
  }
  const displayState = new DisplayStateService(bus, () => repo.get().settings.shopName)
  const display = new CustomerDisplayHost({
    source: displayState,
    rng,
    log,
    file: join(opts.paths.root, 'display.json'),
    ...(opts.displayPort ? { port: opts.displayPort } : {}),
  })
  // Off by default; a display the owner turned on comes back, same link, at the next start.
  await display.restore()
  return {
    bus,
    repo,
    session,
    identity,
    settings,
    backup,
    engine,
    displayState,
    display,
    pdf: opts.pdf ?? pdfUnavailable,
    info: () => ({
      name: 'Paykit POS',
      version: opts.version,
      shell: opts.shell,
      secretStore: opts.store.info,
      pinRule: vault.pinRule(),
    }),
    accessState: () => ({
      hasIdentity: session.hasIdentity(),
      unlocked: session.isUnlocked(),
      cashierMode: repo.get().settings.cashierMode,
    }),
    dispose: () => {
      // An open Pubky Ring pairing's worker must not outlive the app.
      void identity.closeRingPairing()
      session.dispose()
      displayState.dispose()
    },
  }
}
