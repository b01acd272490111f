/**
 * @module noise/pubky-handshake
 * Pubky Noise on top of the Noise core (pubky-noise.md §1–§2): prologue `pubky-noise-v1`, the five
 * patterns IK, IK-raw, N, NN, XX on `Noise_*_25519_ChaChaPoly_BLAKE2s`, and the identity payloads
 * each pattern and generation carries:
 * - IK: msg1 = client identity payload (generation selectable: 0.8.0 default, 1.1.0, 1.2.0); msg2 empty.
 * - IK-raw, N, NN, XX 0.8.0: empty payloads (no in-handshake identity).
 * - XX 1.1.0 / 1.2.0: msg2 = server identity payload, msg3 = client identity payload.
 *
 * The responder detects the client's generation from the payload (§2.5) and verifies it against the
 * static key the handshake proved, never the payload's own key.
 */
import { defaultProvider } from '../crypto'
import type { CryptoProvider } from '../crypto/provider'
import { nowSeconds, systemClock, type Clock } from '../util/clock'
import type { Rng } from '../util/rng'
import type { CipherState } from './cipher-state'
import { DEFAULT_EXPIRY_SECS, PROLOGUE, PROTOCOL_NAMES, type PubkyPattern } from './constants'
import { NoiseError } from './errors'
import type { BindingMemo } from './binding-memo'
import type { StaticDhMemo } from './static-dh-memo'
import { HandshakeState } from './handshake-state'
import {
  parseIdentityPayload,
  signIdentityPayload,
  verifyIdentityPayload,
  type Generation,
  type IdentityPayload,
  type PatternTag,
  type Role,
} from './identity'

/** The Ed25519 identity (the pkarr key) that signs our identity payloads. */
export interface IdentityKeys {
  ed25519Secret: Uint8Array
  ed25519Public?: Uint8Array
}

interface CommonOptions {
  crypto?: CryptoProvider
  rng?: Rng
  clock?: Clock
  /** Seconds of clock skew tolerated past a peer payload's expiry (default 60). */
  expirySkewSecs?: number
  /** Fixed ephemeral secret: test vectors only. */
  ephemeralSecret?: Uint8Array
  /**
   * Memo of successful identity-binding verifications (`binding-memo.ts`). Default: the provider's
   * process-wide memo (a returning payer skips the Ed25519 verification); `null` verifies every time.
   */
  bindingMemo?: BindingMemo | null
  /**
   * Memo of static-static DH results (`static-dh-memo.ts`), owned by whoever owns `staticSecret`
   * (the listener wipes it when it stops): a returning peer's `ss` DH is answered from it. Default:
   * none (every DH runs).
   */
  staticDhMemo?: StaticDhMemo | undefined
}

export interface InitiatorOptions extends CommonOptions {
  pattern?: PubkyPattern
  /** Identity payload generation for IK and XX (default 0.8.0). */
  generation?: Generation
  /** Our X25519 static secret (IK, IK-raw, XX). */
  staticSecret?: Uint8Array
  staticPublic?: Uint8Array
  /** The responder's X25519 static public key (IK, IK-raw, N), e.g. from its `/noise` record. */
  remoteStatic?: Uint8Array
  /** Signs our payload (IK; XX 1.1/1.2). */
  identity?: IdentityKeys
  /** 1.1 / 1.2 `server_hint`. */
  serverHint?: string | null
  /** 1.1 / 1.2 expiry in Unix seconds; `true` means now + 300 s. */
  expiresAt?: number | true
}

export interface ResponderOptions extends CommonOptions {
  /** Our X25519 static secret (IK, IK-raw, N, XX). Borrowed: the caller owns and wipes it. */
  staticSecret: Uint8Array
  staticPublic?: Uint8Array
  /** Signs our XX 1.1/1.2 server payload. */
  identity?: IdentityKeys
  /** Which payload the XX responder sends (the XX msg1 says nothing about generation). Default 0.8.0. */
  xxGeneration?: Generation
  serverHint?: string | null
  /** Patterns accepted (default: all five). */
  allowPatterns?: readonly PubkyPattern[]
  /** Client payload generations accepted (default: all three). */
  acceptGenerations?: readonly Generation[]
}

/** Who the peer is, as far as the handshake proved it. */
export interface RemoteIdentity {
  pattern: PubkyPattern
  /** The peer's Ed25519 key, when its payload carried a verified one. */
  ed25519Pub?: Uint8Array
  /** The generation of the peer's payload (or, for IK-raw/N/NN, of nothing: undefined). */
  generation?: Generation
  /** The peer's X25519 static key as the handshake proved it. */
  x25519Static?: Uint8Array
  payload?: IdentityPayload
}

export interface HandshakeResult {
  remote: RemoteIdentity
  sessionId: Uint8Array
  send: CipherState | undefined
  recv: CipherState | undefined
}

const EMPTY = new Uint8Array(0)

/** One Pubky Noise handshake, as initiator or responder, message by message. */
export class PubkyHandshake {
  readonly pattern: PubkyPattern
  readonly initiator: boolean
  readonly #hs: HandshakeState
  readonly #crypto: CryptoProvider
  readonly #clock: Clock
  readonly #skew: number
  readonly #generation: Generation
  readonly #identity: IdentityKeys | undefined
  readonly #serverHint: string | null | undefined
  readonly #expiresAt: number | true | undefined
  readonly #acceptGenerations: readonly Generation[] | undefined
  readonly #allowRaw: boolean
  readonly #memo: BindingMemo | null | undefined
  #effectivePattern: PubkyPattern
  #remotePayload: IdentityPayload | undefined

  private constructor(
    pattern: PubkyPattern,
    initiator: boolean,
    o: InitiatorOptions & Partial<ResponderOptions>,
    generation: Generation,
  ) {
    this.pattern = pattern
    this.#effectivePattern = pattern
    this.initiator = initiator
    this.#crypto = o.crypto ?? defaultProvider()
    this.#clock = o.clock ?? systemClock
    this.#skew = o.expirySkewSecs ?? 60
    this.#generation = generation
    this.#identity = o.identity
    this.#serverHint = o.serverHint
    this.#expiresAt = o.expiresAt
    this.#acceptGenerations = o.acceptGenerations
    this.#allowRaw = !o.allowPatterns || o.allowPatterns.includes('IK-raw')
    this.#memo = o.bindingMemo
    const usesStatic = pattern !== 'NN' && (pattern !== 'N' || !initiator)
    this.#hs = new HandshakeState({
      protocolName: PROTOCOL_NAMES[pattern],
      initiator,
      prologue: PROLOGUE,
      ...(usesStatic && o.staticSecret ? { staticSecret: o.staticSecret } : {}),
      ...(usesStatic && o.staticPublic ? { staticPublic: o.staticPublic } : {}),
      ...(initiator && pattern !== 'NN' && pattern !== 'XX' && o.remoteStatic
        ? { remoteStatic: o.remoteStatic }
        : {}),
      ...(o.ephemeralSecret ? { ephemeralSecret: o.ephemeralSecret } : {}),
      ...(o.rng ? { rng: o.rng } : {}),
      ...(usesStatic && o.staticDhMemo ? { staticDhMemo: o.staticDhMemo } : {}),
      crypto: this.#crypto,
    })
    if (this.#signs() && !this.#identity) {
      throw new NoiseError(
        'InvalidKey',
        `${pattern} with pubky-noise ${generation} sends a signed identity payload: pass identity.ed25519Secret`,
      )
    }
  }

  /** Starts an initiator handshake (default pattern IK, generation 0.8.0). */
  static initiator(o: InitiatorOptions): PubkyHandshake {
    return new PubkyHandshake(o.pattern ?? 'IK', true, o, o.generation ?? '0.8.0')
  }

  /** Starts a responder handshake for a pattern already chosen (pattern byte, or IK by default). */
  static responder(pattern: PubkyPattern, o: ResponderOptions): PubkyHandshake {
    if (o.allowPatterns && !o.allowPatterns.includes(pattern)) {
      throw new NoiseError('Policy', `this listener does not accept the ${pattern} pattern`)
    }
    return new PubkyHandshake(pattern, false, o, o.xxGeneration ?? '0.8.0')
  }

  get isComplete(): boolean {
    return this.#hs.isComplete
  }

  get isMyTurn(): boolean {
    return this.#hs.isMyTurn
  }

  /** The handshake hash so far (after msg1 this is the "temporary id" of the mobile manager). */
  getHandshakeHash(): Uint8Array {
    return this.#hs.getHandshakeHash()
  }

  /** Whether our side sends a signed payload in this pattern/generation. */
  #signs(): boolean {
    if (this.pattern === 'IK') return this.initiator
    if (this.pattern === 'XX') return this.#generation !== '0.8.0'
    return false
  }

  #now(): number {
    return nowSeconds(this.#clock)
  }

  #ourPayload(): Uint8Array {
    const idx = this.#hs.messageIndex
    const tag: PatternTag | undefined =
      this.pattern === 'IK' && this.initiator && idx === 0
        ? 'IK'
        : this.pattern === 'XX' && this.#generation !== '0.8.0' && idx >= 1
          ? 'XX'
          : undefined
    if (!tag) return EMPTY
    const identity = this.#identity!
    const role: Role = this.initiator ? 'Client' : 'Server'
    let expiresAt: number | undefined
    if (this.#generation !== '0.8.0') {
      if (!this.initiator)
        expiresAt = this.#now() + DEFAULT_EXPIRY_SECS // the XX server always sets one
      else if (this.#expiresAt === true) expiresAt = this.#now() + DEFAULT_EXPIRY_SECS
      else expiresAt = this.#expiresAt
    }
    const local = this.#hs.localStaticPublic!
    return signIdentityPayload(this.#crypto, {
      generation: this.#generation,
      patternTag: tag,
      prologue: PROLOGUE,
      ed25519Secret: identity.ed25519Secret,
      ed25519Public: identity.ed25519Public,
      localStatic: local,
      // IK client and XX client bind the server's static; the XX server knows no client key yet.
      remoteStatic: this.initiator ? this.#hs.remoteStatic : undefined,
      role,
      serverHint: this.#generation === '0.8.0' ? undefined : (this.#serverHint ?? null),
      expiresAt,
    }).bytes
  }

  /** Writes our next handshake message. */
  writeMessage(): Uint8Array {
    if (!this.#hs.isMyTurn) return this.#hs.writeMessage(EMPTY) // throws the precise Handshake error
    return this.#hs.writeMessage(this.#ourPayload())
  }

  /** Reads the peer's next handshake message and checks any identity payload it carries. */
  readMessage(message: Uint8Array): void {
    const idx = this.#hs.messageIndex
    const payload = this.#hs.readMessage(message)
    const expectsIdentity =
      (this.pattern === 'IK' && !this.initiator && idx === 0) ||
      (this.pattern === 'XX' && idx >= 1 && (this.initiator || this.#generation !== '0.8.0'))
    if (!expectsIdentity) return
    if (payload.length === 0) {
      if (this.pattern === 'IK' && this.#allowRaw) {
        // §2.5: an empty IK msg1 payload is IK-raw; the identity must come from pkarr.
        this.#effectivePattern = 'IK-raw'
        return
      }
      if (this.pattern === 'XX' && this.initiator && this.#generation === '0.8.0') return
      throw new NoiseError('IdentityVerify', `the peer sent no identity payload in ${this.pattern}`)
    }
    const parsed = parseIdentityPayload(payload)
    const rs = this.#hs.remoteStatic
    if (!rs) throw new NoiseError('Handshake', 'the peer static key is missing after its identity message')
    verifyIdentityPayload(this.#crypto, parsed, {
      patternTag: this.pattern === 'XX' ? 'XX' : 'IK',
      prologue: PROLOGUE,
      signerStatic: rs,
      // The XX server signs without knowing the client; IK and XX clients bind the server's key.
      verifierStatic: this.initiator ? undefined : this.#hs.localStaticPublic,
      expectedRole: this.initiator ? 'Server' : 'Client',
      nowSecs: this.#now(),
      skewSecs: this.#skew,
      accept: this.initiator ? undefined : this.#acceptGenerations,
      memo: this.#memo,
    })
    this.#remotePayload = parsed
  }

  /** The result once complete: remote identity, session id (final h), transport ciphers. */
  result(): HandshakeResult {
    const t = this.#hs.transport()
    const p = this.#remotePayload
    const rs = this.#hs.remoteStatic
    return {
      remote: {
        pattern: this.#effectivePattern,
        ...(p ? { ed25519Pub: p.ed25519Pub, generation: p.generation, payload: p } : {}),
        ...(rs ? { x25519Static: rs } : {}),
      },
      sessionId: t.handshakeHash.slice(),
      send: t.send,
      recv: t.recv,
    }
  }

  /** Wipes every secret of the handshake (on failure or abandonment). */
  wipe(): void {
    this.#hs.wipe()
  }
}
