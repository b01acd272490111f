/**
 * @module app/services/session
 * The app lock. After the first unlock the identity secret stays in main-process memory until quit
 * (the payment engine keeps serving customers behind the lock screen); locking only gates the UI and
 * the IPC commands. Wrong PINs back off exponentially after five tries.
 */
import type { Clock } from '../../core/util/clock'
import { wipe } from '../../core/util/bytes'
import type { SessionState, IdentitySummary } from '../../../../shared/domain/session'
import { IdleLock } from '../../platform/idle-lock'
import type { Emit } from '../../ipc/events'
import type { StateRepo } from './state-repo'
import type { IdentityVault } from './vault'
import { locked, notFound, rateLimited } from './errors'
import type { PaykitError } from '../../core/util/errors'

const FREE_ATTEMPTS = 5
const BASE_DELAY_MS = 30_000
const MAX_DELAY_MS = 15 * 60_000

export class SessionService {
  private secret: Uint8Array | null = null
  private isLocked = true
  private failures = 0
  private blockedUntil = 0
  private readonly readyListeners = new Set<(secret: Uint8Array) => void>()
  readonly idle: IdleLock

  constructor(
    private readonly repo: StateRepo,
    private readonly vault: IdentityVault,
    private readonly clock: Clock,
    private readonly emit: Emit,
  ) {
    this.idle = new IdleLock(clock, this.autoLockMs(), () => {
      if (!this.isLocked) this.lock()
    })
  }

  private autoLockMs(): number {
    return this.repo.get().settings.autoLockMinutes * 60_000
  }

  hasIdentity(): boolean {
    return this.repo.get().identity !== null
  }

  isUnlocked(): boolean {
    return this.hasIdentity() && !this.isLocked
  }

  status(): SessionState {
    const s = this.repo.get()
    const identity: IdentitySummary | null = s.identity && {
      publicKey: s.identity.publicKey,
      uri: `pubky${s.identity.publicKey}`,
      createdAt: s.identity.createdAt,
      homeserver:
        s.identity.homeserver.kind === 'embedded'
          ? { kind: 'embedded' }
          : { kind: 'hosted', homeserver: s.identity.homeserver.homeserver },
    }
    const unlocked = identity !== null && !this.isLocked
    return {
      identity,
      locked: !unlocked,
      cashierMode: s.settings.cashierMode,
      lockAt: unlocked ? this.idle.deadline() : null,
    }
  }

  private changed(): SessionState {
    const state = this.status()
    this.emit('session:changed', state)
    return state
  }

  /** Checks a PIN with back-off. Throws `rate-limited` while blocked, `bad-pin` when wrong. */
  async verifyPin(pin: string): Promise<void> {
    await this.withBackoff(() => this.vault.verify(pin))
  }

  private async withBackoff<T>(attempt: () => Promise<T>): Promise<T> {
    const now = this.clock.now()
    if (now < this.blockedUntil) throw rateLimited(Math.ceil((this.blockedUntil - now) / 1000))
    try {
      const result = await attempt()
      this.failures = 0
      return result
    } catch (e) {
      if ((e as PaykitError).code === 'bad-pin') {
        this.failures++
        if (this.failures >= FREE_ATTEMPTS) {
          const delay = Math.min(BASE_DELAY_MS * 2 ** (this.failures - FREE_ATTEMPTS), MAX_DELAY_MS)
          this.blockedUntil = this.clock.now() + delay
        }
      }
      throw e
    }
  }

  async unlock(pin: string): Promise<SessionState> {
    if (!this.hasIdentity()) throw notFound('There is no identity on this device yet. Set one up first.')
    const secret = await this.withBackoff(() => this.vault.load(pin))
    if (this.secret === null) {
      this.secret = secret
      this.notifyReady()
    } else {
      wipe(secret)
    }
    this.isLocked = false
    this.idle.setTimeout(this.autoLockMs())
    return this.changed()
  }

  lock(): SessionState {
    this.isLocked = true
    return this.changed()
  }

  activity(): SessionState {
    if (!this.isLocked) this.idle.touch()
    return this.status()
  }

  /** After onboarding: the new identity's secret becomes the live one and the app is unlocked. */
  adopt(secret: Uint8Array): SessionState {
    if (this.secret) wipe(this.secret)
    this.secret = secret
    this.isLocked = false
    this.failures = 0
    this.idle.setTimeout(this.autoLockMs())
    this.notifyReady()
    return this.changed()
  }

  /** Applies a new auto-lock period (after a settings change). */
  refreshAutoLock(): void {
    this.idle.setTimeout(this.autoLockMs())
    if (!this.isLocked) this.changed()
  }

  /** Re-announces the state (after settings that show in it, such as cashier mode, change). */
  announce(): SessionState {
    return this.changed()
  }

  /**
   * Main-process only: the identity secret, for the engine (signing, Noise). Never passed to IPC.
   * Throws `locked` until the first unlock after start.
   */
  identitySecret(): Uint8Array {
    if (this.secret === null) throw locked()
    return this.secret
  }

  /** Runs `listener` with the secret once it is available (now, if it already is). */
  onIdentityReady(listener: (secret: Uint8Array) => void): () => void {
    this.readyListeners.add(listener)
    if (this.secret) listener(this.secret)
    return () => this.readyListeners.delete(listener)
  }

  private notifyReady(): void {
    for (const l of this.readyListeners) l(this.secret!)
  }

  /** Shutdown: stop the idle timer and wipe the secret. */
  dispose(): void {
    this.idle.stop()
    if (this.secret) wipe(this.secret)
    this.secret = null
    this.isLocked = true
  }
}
