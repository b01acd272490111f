/**
 * @module app/services/session
 * The app lock. After the first unlock the till's credentials (the identity secret, or on a
 * Ring-linked till the Ring link and device secret) stay in main-process memory until quit (the
 * payment engine keeps serving customers behind the lock screen); locking only gates the UI and the
 * IPC commands. Wrong PINs back off exponentially after five tries.
 */
import type { Clock } from '../../core/util/clock'
import type {
  IdentityKind,
  IdentitySummary,
  RingSessionState,
  SessionState,
} from '../../../../shared/domain/session'
import { IdleLock } from '../../platform/idle-lock'
import type { Emit } from '../../ipc/events'
import type { StateRepo } from './state-repo'
import { wipeCredentials, type IdentityVault, type TillCredentials } from './vault'
import { locked, notFound, rateLimited } from './errors'
import { PaykitError } from '../../core/util/errors'
import type { PersistedIdentity } from '../../platform/state-file'

/**
 * What a Ring-linked till cannot do: the shop's identity key stays in Pubky Ring (the design's
 * typed error `needs-identity-key`; the engine rejects its Ring-impossible calls with the same code).
 */
export const needsIdentityKey = (message: string): PaykitError<'needs-identity-key'> =>
  new PaykitError('needs-identity-key', message)

/**
 * What the engine is started with: the credentials, and on a Ring-linked till the way to report
 * that the homeserver forgot the session (the session then shows "Pair again").
 */
export type ReadyCredentials = TillCredentials & { readonly onRingExpired?: () => void }

/**
 * The kind recorded beside the public key in the state file (a till set up before Pubky Ring
 * existed has none: it holds its key).
 */
export function persistedKind(identity: PersistedIdentity): IdentityKind {
  return identity.kind === 'ring' ? 'ring' : 'key'
}

const FREE_ATTEMPTS = 5
const BASE_DELAY_MS = 30_000
const MAX_DELAY_MS = 15 * 60_000

export class SessionService {
  private creds: TillCredentials | null = null
  private ringExpired = false
  private isLocked = true
  private failures = 0
  private blockedUntil = 0
  private readonly readyListeners = new Set<(creds: ReadyCredentials) => void>()
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
    // The secret store knows the kind once unlocked; before that, the state file's note says it.
    const identityKind: IdentityKind | null =
      s.identity === null ? null : (this.creds?.kind ?? persistedKind(s.identity))
    const ringSession: RingSessionState | null =
      unlocked && this.creds?.kind === 'ring' ? (this.ringExpired ? 'expired' : 'linked') : null
    return {
      identity,
      identityKind,
      ringSession,
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
    const creds = await this.withBackoff(() => this.vault.loadCredentials(pin))
    if (this.creds === null) {
      this.creds = creds
      this.notifyReady()
    } else {
      wipeCredentials(creds)
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

  /**
   * After onboarding (or re-pairing with Pubky Ring): the new credentials become the live ones and
   * the app is unlocked. A bare array is an identity secret.
   */
  adopt(next: Uint8Array | TillCredentials): SessionState {
    const creds: TillCredentials = next instanceof Uint8Array ? { kind: 'key', secret: next } : next
    if (this.creds && this.creds !== creds) wipeCredentials(this.creds)
    this.creds = creds
    this.ringExpired = false
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
   * Main-process only: the identity secret, for what only the key can do (key export, backup).
   * Never passed to IPC. Throws `locked` until the first unlock after start, and
   * `needs-identity-key` on a Ring-linked till (its key stays in Pubky Ring).
   */
  identitySecret(): Uint8Array {
    const creds = this.credentials()
    if (creds.kind === 'ring')
      throw needsIdentityKey(
        'This till is linked through Pubky Ring: the shop’s identity key stays on the phone, so this till cannot export or back up a key. Open the till with the recovery phrase for that.',
      )
    return creds.secret
  }

  /** Main-process only: the till's credentials, whichever kind. Throws `locked` until the first unlock. */
  credentials(): TillCredentials {
    if (this.creds === null) throw locked()
    return this.creds
  }

  /** The credentials as the engine is started with them (a Ring till's can report an expired session). */
  engineCredentials(): ReadyCredentials {
    return this.ready(this.credentials())
  }

  /** The engine reports that the homeserver forgot the Ring session: the UI offers "Pair again". */
  markRingExpired(): SessionState {
    if (this.creds?.kind === 'ring') this.ringExpired = true
    return this.changed()
  }

  /** Runs `listener` with the credentials once they are available (now, if they already are). */
  onIdentityReady(listener: (creds: ReadyCredentials) => void): () => void {
    this.readyListeners.add(listener)
    if (this.creds) listener(this.ready(this.creds))
    return () => this.readyListeners.delete(listener)
  }

  private ready(creds: TillCredentials): ReadyCredentials {
    if (creds.kind === 'key') return creds
    return {
      ...creds,
      onRingExpired: () => {
        // Only the link still in use can expire: a late report about a replaced one is ignored.
        if (this.creds !== null && this.creds.kind === 'ring' && this.creds.link === creds.link)
          this.markRingExpired()
      },
    }
  }

  private notifyReady(): void {
    const creds = this.creds
    if (!creds) return
    for (const l of this.readyListeners) l(this.ready(creds))
  }

  /** Shutdown: stop the idle timer and wipe the credentials. */
  dispose(): void {
    this.idle.stop()
    if (this.creds) wipeCredentials(this.creds)
    this.creds = null
    this.isLocked = true
  }
}
