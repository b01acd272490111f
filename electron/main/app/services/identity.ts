/**
 * @module app/services/identity
 * Onboarding and identity export. A new identity is only kept after the person has typed back
 * words from the phrase they were shown; the draft lives in main for 15 minutes and its words are
 * dropped as soon as it is used or replaced.
 *
 * "Sign in with Pubky Ring" makes a Ring-linked till: the shop's key stays on the owner's phone and
 * the till keeps a homeserver session limited to Paykit's folder (its cookie) and a random device
 * secret for its Noise key, both in the secret store. One pairing at a time: start (QR URL) → wait
 * (Ring approves) → finish (the PIN). Re-pairing a linked till must approve the same shop key.
 */
import type { Clock } from '../../core/util/clock'
import type { Rng } from '../../core/util/rng'
import { InputError, PaykitError } from '../../core/util/errors'
import { toHex, wipe } from '../../core/util/bytes'
import type {
  EncryptedFile,
  HomeserverChoice,
  IdentityDraft,
  RingApproval,
  RingPairing,
  SessionState,
} from '../../../../shared/domain/session'
import type { RingLink } from '../../core/pubky/ring-link'
import { asIpcError, type RingPairingHandle } from './engine'
import type { KeysPort } from './keys-port'
import type { SessionService } from './session'
import type { StateRepo } from './state-repo'
import type { IdentityVault } from './vault'
import { conflict, forbidden, notFound } from './errors'
import type { TillCredentials } from './vault'

const DRAFT_TTL_MS = 15 * 60_000
const CONFIRM_COUNT = 3

type Draft = { id: string; words: string[]; positions: number[]; expiresAt: number }

/** Matches D's pairing default: the link relay itself gives up after about ten minutes. */
const RING_PAIRING_TTL_MS = 10 * 60_000

/** What the identity service needs of the engine service to pair (EngineService has it). */
export type RingEngine = {
  pairRing(homeserver: HomeserverChoice, timeoutMs?: number): Promise<RingPairingHandle>
  stop(): Promise<void>
}

type RingPairingState = {
  readonly id: string
  readonly purpose: 'onboard' | 'relink'
  readonly homeserver: HomeserverChoice
  readonly handle: RingPairingHandle
  readonly expiresAt: number
  /** Settles with the approved link, or the failure as an IPC error; never rejects. */
  readonly outcome: Promise<{ link: RingLink } | { error: PaykitError }>
  link: RingLink | null
}

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
  private pairing: RingPairingState | null = null

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

  // --- Pubky Ring -------------------------------------------------------------------------

  /** Opens a pairing for a new till; the URL is shown as a QR code for Pubky Ring to scan. */
  async ringStart(homeserver: HomeserverChoice, engine: RingEngine): Promise<RingPairing> {
    this.requireNoIdentity()
    return this.openPairing('onboard', homeserver, engine)
  }

  /** Opens a pairing that renews a Ring-linked till's session (same shop key, same device secret). */
  async ringRelink(engine: RingEngine): Promise<RingPairing> {
    const identity = this.repo.get().identity
    if (!identity) throw notFound('There is no till to pair again. Set one up first.')
    if (this.session.credentials().kind !== 'ring')
      throw conflict('This till holds its own identity key; it is not linked through Pubky Ring.')
    return this.openPairing('relink', identity.homeserver, engine)
  }

  private async openPairing(
    purpose: RingPairingState['purpose'],
    homeserver: HomeserverChoice,
    engine: RingEngine,
  ): Promise<RingPairing> {
    await this.closeRingPairing()
    const handle = await engine.pairRing(homeserver, RING_PAIRING_TTL_MS)
    const state: RingPairingState = {
      id: toHex(this.rng(16)),
      purpose,
      homeserver,
      handle,
      expiresAt: this.clock.now() + RING_PAIRING_TTL_MS,
      outcome: handle.approved.then(
        (link) => {
          state.link = link
          return { link }
        },
        (e: unknown) => ({ error: asIpcError(e) }),
      ),
      link: null,
    }
    this.pairing = state
    return { pairingId: state.id, url: handle.url, expiresAt: state.expiresAt }
  }

  private pairingFor(pairingId: string): RingPairingState {
    const p = this.pairing
    if (!p || p.id !== pairingId)
      throw notFound('This Pubky Ring pairing is no longer open (it was cancelled or replaced). Start again.')
    if (this.clock.now() > p.expiresAt) {
      void this.closeRingPairing()
      throw notFound('This Pubky Ring pairing expired. Show a new QR code and scan it with Pubky Ring.')
    }
    return p
  }

  /** Resolves once Pubky Ring approves; rejects with the reason (denied, timed out, cancelled). */
  async ringWait(pairingId: string): Promise<RingApproval> {
    const p = this.pairingFor(pairingId)
    const outcome = await p.outcome
    if ('error' in outcome) {
      if (this.pairing === p) this.pairing = null
      throw outcome.error
    }
    this.checkSameShop(p, outcome.link)
    return { publicKey: outcome.link.publicKey }
  }

  /** A re-pairing must approve the shop this till belongs to, not whichever profile the phone had open. */
  private checkSameShop(p: RingPairingState, link: RingLink): void {
    if (p.purpose !== 'relink') return
    const mine = this.repo.get().identity?.publicKey
    if (link.publicKey !== mine) {
      if (this.pairing === p) this.pairing = null
      throw forbidden(
        `Pubky Ring approved as ${link.publicKey.slice(0, 8)}…, but this till belongs to ${mine?.slice(0, 8) ?? '?'}…. Choose the shop's profile in Pubky Ring and pair again.`,
      )
    }
  }

  private approvedLink(
    pairingId: string,
    purpose: RingPairingState['purpose'],
  ): RingPairingState & {
    link: RingLink
  } {
    const p = this.pairingFor(pairingId)
    if (p.purpose !== purpose) throw forbidden('This pairing was opened for another purpose. Start again.')
    if (!p.link)
      throw conflict('Pubky Ring has not approved this pairing yet. Scan the QR code with Pubky Ring.')
    this.checkSameShop(p, p.link)
    return p as RingPairingState & { link: RingLink }
  }

  /** After approval: keeps the link and a new device secret under the PIN, and unlocks the till. */
  async ringFinish(pairingId: string, pin: string): Promise<SessionState> {
    this.requireNoIdentity()
    const p = this.approvedLink(pairingId, 'onboard')
    this.vault.checkPinStrength(pin)
    const creds: TillCredentials = { kind: 'ring', link: p.link, deviceSecret: this.rng(32) }
    const pinCheck = await this.vault.saveCredentials(creds, pin)
    // The kind is noted beside the public key (the state file keeps it once its schema has it).
    const identity = {
      publicKey: p.link.publicKey,
      createdAt: this.clock.now(),
      homeserver: p.homeserver,
      kind: 'ring' as const,
    }
    await this.repo.update((s) => ({
      ...s,
      pinCheck,
      identity,
      settings: { ...s.settings, cashierMode: false },
    }))
    this.pairing = null
    return this.session.adopt(creds)
  }

  /** After a re-pairing's approval: checks the PIN, keeps the new session, restarts the engine with it. */
  async ringRelinkFinish(pairingId: string, pin: string, engine: RingEngine): Promise<SessionState> {
    const p = this.approvedLink(pairingId, 'relink')
    await this.session.verifyPin(pin)
    const current = this.session.credentials()
    if (current.kind !== 'ring')
      throw conflict('This till holds its own identity key; it is not linked through Pubky Ring.')
    // Same device secret: the till's Noise key (published in /noise) stays the same.
    const creds: TillCredentials = { kind: 'ring', link: p.link, deviceSecret: current.deviceSecret.slice() }
    const pinCheck = await this.vault.saveCredentials(creds, pin)
    await this.repo.update((s) => ({ ...s, pinCheck }))
    this.pairing = null
    await engine.stop()
    return this.session.adopt(creds)
  }

  /** Stops waiting for Pubky Ring; a late approval is signed out by the core. */
  async ringCancel(pairingId: string): Promise<void> {
    if (this.pairing?.id !== pairingId) return
    await this.closeRingPairing()
  }

  /** Closes an open pairing (its worker and relay wait); for shutdown and for a new pairing. */
  async closeRingPairing(): Promise<void> {
    const p = this.pairing
    this.pairing = null
    if (p && !p.link) await p.handle.cancel().catch(() => undefined)
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
