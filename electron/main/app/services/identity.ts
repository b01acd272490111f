/**
 * @module app/services/identity
 * Onboarding and identity export. A new identity is only kept after the person has typed back
 * words from the phrase they were shown; the draft lives in main for 15 minutes and its words are
 * dropped as soon as it is used or replaced.
 */
import type { Clock } from '../../core/util/clock'
import type { Rng } from '../../core/util/rng'
import { InputError, PaykitError } from '../../core/util/errors'
import { toHex, wipe } from '../../core/util/bytes'
import type {
  EncryptedFile,
  HomeserverChoice,
  IdentityDraft,
  SessionState,
} from '../../../../shared/domain/session'
import type { KeysPort } from './keys-port'
import type { SessionService } from './session'
import type { StateRepo } from './state-repo'
import type { IdentityVault } from './vault'
import { conflict, notFound } from './errors'

const DRAFT_TTL_MS = 15 * 60_000
const CONFIRM_COUNT = 3

type Draft = { id: string; words: string[]; positions: number[]; expiresAt: number }

/** Lowercases, trims and collapses whitespace, as people paste phrases with odd spacing. */
export function normalizePhrase(phrase: string): string {
  return phrase.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ')
}

export function decodeBase64(text: string, what: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(text, 'base64'))
  if (text.length > 0 && bytes.length === 0) throw new InputError(`${what} is not base64`)
  return bytes
}

export class IdentityService {
  private draft: Draft | null = null

  constructor(
    private readonly keys: KeysPort,
    private readonly vault: IdentityVault,
    private readonly repo: StateRepo,
    private readonly session: SessionService,
    private readonly clock: Clock,
    private readonly rng: Rng,
  ) {}

  private requireNoIdentity(): void {
    if (this.repo.get().identity !== null) {
      throw conflict('This device already has an identity. Reset the app data to set up another one.')
    }
  }

  /** Picks `count` distinct positions in 1..n, sorted, from the injected Rng. */
  private pickPositions(n: number, count: number): number[] {
    const chosen = new Set<number>()
    while (chosen.size < Math.min(count, n)) {
      const [a = 0, b = 0] = this.rng(2)
      chosen.add((((a << 8) | b) % n) + 1)
    }
    return [...chosen].sort((x, y) => x - y)
  }

  /** A new recovery phrase to show once, with the positions the person must type back. */
  createDraft(): IdentityDraft {
    this.requireNoIdentity()
    const words = normalizePhrase(this.keys.generateMnemonic()).split(' ')
    const draft: Draft = {
      id: toHex(this.rng(16)),
      words,
      positions: this.pickPositions(words.length, CONFIRM_COUNT),
      expiresAt: this.clock.now() + DRAFT_TTL_MS,
    }
    this.dropDraft()
    this.draft = draft
    return {
      draftId: draft.id,
      words: [...words],
      confirmPositions: [...draft.positions],
      expiresAt: draft.expiresAt,
    }
  }

  private dropDraft(): void {
    if (this.draft) this.draft.words.fill('')
    this.draft = null
  }

  async createFromDraft(req: {
    draftId: string
    confirmations: string[]
    pin: string
    homeserver: HomeserverChoice
  }): Promise<SessionState> {
    this.requireNoIdentity()
    const draft = this.draft
    if (!draft || draft.id !== req.draftId || this.clock.now() > draft.expiresAt) {
      throw notFound('This recovery phrase is no longer on offer (it expired or was replaced). Start again.')
    }
    if (req.confirmations.length !== draft.positions.length) {
      throw new InputError(`Type the ${draft.positions.length} requested words`)
    }
    draft.positions.forEach((pos, i) => {
      const typed = normalizePhrase(req.confirmations[i] ?? '')
      if (typed !== draft.words[pos - 1]) {
        throw new InputError(`Word #${pos} does not match the phrase. Check your written copy.`)
      }
    })
    this.vault.checkPinStrength(req.pin)
    const identity = await this.keys.identityFromMnemonic(draft.words.join(' '))
    this.dropDraft()
    return this.establish(identity.secretKey, identity.z32, req.pin, req.homeserver)
  }

  async importPhrase(req: {
    phrase: string
    passphrase: string
    pin: string
    homeserver: HomeserverChoice
  }): Promise<SessionState> {
    this.requireNoIdentity()
    const phrase = normalizePhrase(req.phrase)
    this.keys.validateMnemonic(phrase)
    this.vault.checkPinStrength(req.pin)
    const identity = await this.keys.identityFromMnemonic(
      phrase,
      req.passphrase === '' ? undefined : req.passphrase,
    )
    return this.establish(identity.secretKey, identity.z32, req.pin, req.homeserver)
  }

  async importRecoveryFile(req: {
    fileBase64: string
    filePassphrase: string
    pin: string
    homeserver: HomeserverChoice
  }): Promise<SessionState> {
    this.requireNoIdentity()
    this.vault.checkPinStrength(req.pin)
    const file = decodeBase64(req.fileBase64, 'The recovery file')
    let secret: Uint8Array
    try {
      secret = await this.keys.decryptRecoveryFile(file, req.filePassphrase)
    } catch (e) {
      if (e instanceof PaykitError && e.code === 'decrypt') {
        throw new PaykitError(
          'decrypt',
          'Could not open the recovery file: wrong passphrase, or the file is damaged.',
          {
            cause: e,
          },
        )
      }
      throw e
    }
    const identity = await this.keys.identityFromSecret(secret)
    if (identity.secretKey !== secret) wipe(secret)
    return this.establish(identity.secretKey, identity.z32, req.pin, req.homeserver)
  }

  /** Stores a new identity (secret in the secret store, public key in the state file) and unlocks. */
  async establish(
    secret: Uint8Array,
    z32: string,
    pin: string,
    homeserver: HomeserverChoice,
  ): Promise<SessionState> {
    this.requireNoIdentity()
    const pinCheck = await this.vault.save(secret, pin)
    const createdAt = this.clock.now()
    await this.repo.update((s) => ({
      ...s,
      pinCheck,
      identity: { publicKey: z32, createdAt, homeserver },
      settings: { ...s.settings, cashierMode: false },
    }))
    return this.session.adopt(secret)
  }

  /** A recovery file (Pubky format) of the current identity, after checking the PIN. */
  async exportRecoveryFile(pin: string, passphrase: string): Promise<EncryptedFile> {
    await this.session.verifyPin(pin)
    const identity = this.repo.get().identity
    if (!identity) throw notFound('There is no identity to export.')
    const file = await this.keys.encryptRecoveryFile(this.session.identitySecret(), passphrase)
    return {
      fileName: `paykit-pos-${identity.publicKey.slice(0, 8)}.pkarr`,
      base64: Buffer.from(file).toString('base64'),
    }
  }
}
