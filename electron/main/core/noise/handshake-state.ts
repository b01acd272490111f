/**
 * @module noise/handshake-state
 * HandshakeState (Noise rev 34 §5.3), a token interpreter over the frozen tables in `patterns.ts`.
 * `writeMessage` / `readMessage` alternate as the pattern says; after the last message the state
 * splits into the two transport CipherStates and `h` becomes the session id.
 *
 * Security:
 * - Every DH result is checked: an all-zero result (low-order peer key) is `InvalidPeerKey`, on every
 *   DH, not only static-static (stronger than snow, which does not check).
 * - Messages over 65535 bytes are refused both ways (`FrameTooLarge`).
 * - Any failure poisons the state: further calls throw `Handshake`. The ephemeral secret and the
 *   chaining key are wiped on completion and on failure. The caller's static secret is borrowed,
 *   never copied or wiped (it is long-lived; the caller owns it).
 * - Fixed ephemerals (`ephemeralSecret`, or a deterministic `rng`) exist for test vectors only.
 */
import { defaultProvider } from '../crypto'
import type { CryptoProvider } from '../crypto/provider'
import { systemRng, type Rng } from '../util/rng'
import { missingCase } from '../util/errors'
import { CipherState } from './cipher-state'
import { DH_LEN, MAX_MESSAGE_LEN, TAG_LEN } from './constants'
import { NoiseError, dhError } from './errors'
import { needsLocalStatic, needsRemoteStatic, type HandshakePattern, type Token } from './patterns'
import { parseProtocolName, type Suite } from './suite'
import { SymmetricState } from './symmetric-state'

export interface HandshakeOptions {
  /** e.g. `Noise_IK_25519_ChaChaPoly_BLAKE2s`. */
  protocolName: string
  initiator: boolean
  prologue?: Uint8Array
  /** Our X25519 static secret (32 bytes), when the pattern gives us one. Borrowed, not wiped. */
  staticSecret?: Uint8Array
  /** Its public key, if the caller already has it (saves one scalar multiplication). */
  staticPublic?: Uint8Array
  /** The peer's static public key, when known in advance (`<- s` pre-message). */
  remoteStatic?: Uint8Array
  /** Fixed ephemeral secret: test vectors only. */
  ephemeralSecret?: Uint8Array
  /** Source of the ephemeral secret when `ephemeralSecret` is absent. */
  rng?: Rng
  crypto?: CryptoProvider
}

/** The outcome of a completed handshake. */
export interface TransportKeys {
  /** Encrypts what we send; absent for the responder of a one-way pattern. */
  send: CipherState | undefined
  /** Decrypts what we receive; absent for the initiator of a one-way pattern. */
  recv: CipherState | undefined
  /** Final h: the session id. */
  handshakeHash: Uint8Array
}

const EMPTY = new Uint8Array(0)

function key32(value: Uint8Array | undefined, what: string): Uint8Array | undefined {
  if (value === undefined) return undefined
  if (!(value instanceof Uint8Array) || value.length !== DH_LEN)
    throw new NoiseError('InvalidKey', `${what} must be 32 bytes`)
  return value
}

export class HandshakeState {
  readonly suite: Suite
  readonly initiator: boolean
  readonly #crypto: CryptoProvider
  readonly #ss: SymmetricState
  readonly #rng: Rng
  readonly #s: Uint8Array | undefined
  #sPub: Uint8Array | undefined
  #e: Uint8Array | undefined
  #ePub: Uint8Array | undefined
  #fixedE: Uint8Array | undefined
  #rs: Uint8Array | undefined
  #re: Uint8Array | undefined
  #index = 0
  #failed = false
  #result: TransportKeys | undefined

  constructor(options: HandshakeOptions) {
    this.suite = parseProtocolName(options.protocolName)
    this.initiator = options.initiator
    this.#crypto = options.crypto ?? defaultProvider()
    this.#rng = options.rng ?? systemRng
    this.#s = key32(options.staticSecret, 'the local static secret')
    this.#rs = key32(options.remoteStatic, "the peer's static public key")?.slice()
    this.#fixedE = key32(options.ephemeralSecret, 'the fixed ephemeral secret')?.slice()
    const pattern = this.suite.pattern
    if (needsLocalStatic(pattern, this.initiator) && !this.#s) {
      throw new NoiseError(
        'InvalidKey',
        `${pattern.name} needs a static key for the ${this.initiator ? 'initiator' : 'responder'}`,
      )
    }
    if (needsRemoteStatic(pattern, this.initiator) && !this.#rs) {
      throw new NoiseError('InvalidKey', `${pattern.name} needs the peer's static public key in advance`)
    }
    if (this.#s) {
      this.#sPub = key32(options.staticPublic, 'the local static public key') ?? this.#publicOf(this.#s)
    }
    this.#ss = new SymmetricState(this.#crypto, this.suite.hash, this.suite.protocolName)
    this.#ss.mixHash(options.prologue ?? EMPTY)
    // Pre-messages: the initiator's first, then the responder's (§7.1).
    this.#premessage(pattern.initiatorPre, this.initiator)
    this.#premessage(pattern.responderPre, !this.initiator)
  }

  get pattern(): HandshakePattern {
    return this.suite.pattern
  }

  /** True once every handshake message has been written or read. */
  get isComplete(): boolean {
    return this.#result !== undefined
  }

  /** True when the next handshake message is ours to write. */
  get isMyTurn(): boolean {
    return !this.isComplete && (this.#index % 2 === 0) === this.initiator
  }

  /** The number of handshake messages processed so far. */
  get messageIndex(): number {
    return this.#index
  }

  /** The peer's static public key, once known (pre-message or received). */
  get remoteStatic(): Uint8Array | undefined {
    return this.#rs?.slice()
  }

  get localStaticPublic(): Uint8Array | undefined {
    return this.#sPub?.slice()
  }

  /** The current h (after completion: the session id). */
  getHandshakeHash(): Uint8Array {
    return this.#result ? this.#result.handshakeHash.slice() : this.#ss.getHandshakeHash()
  }

  /** The transport keys; throws until the handshake is complete. */
  transport(): TransportKeys {
    if (!this.#result) throw new NoiseError('Handshake', 'the handshake is not complete yet')
    return this.#result
  }

  #publicOf(secret: Uint8Array): Uint8Array {
    try {
      return this.#crypto.x25519PublicKey(secret)
    } catch (e) {
      throw new NoiseError('InvalidKey', `cannot derive an X25519 public key: ${(e as Error).message}`, {
        cause: e,
      })
    }
  }

  #premessage(tokens: readonly ('e' | 's')[], local: boolean): void {
    for (const t of tokens) {
      if (t === 's') {
        const k = local ? this.#sPub : this.#rs
        if (!k) throw new NoiseError('InvalidKey', 'a pre-message static key is missing')
        this.#ss.mixHash(k)
      } else {
        // 'e' pre-messages appear only in fallback patterns, which are not in the table.
        throw new NoiseError('Unsupported', 'ephemeral pre-messages are not supported')
      }
    }
  }

  #guard(writing: boolean): readonly Token[] {
    if (this.#failed) throw new NoiseError('Handshake', 'this handshake already failed; start a new one')
    if (this.isComplete) throw new NoiseError('Handshake', 'the handshake is already complete')
    if (this.isMyTurn !== writing) {
      throw new NoiseError(
        'Handshake',
        writing ? 'it is the peer’s turn to send a handshake message' : 'it is our turn to send, not to read',
      )
    }
    const tokens = this.pattern.messages[this.#index]
    if (!tokens) throw new NoiseError('Handshake', 'no handshake message left in the pattern')
    return tokens
  }

  #dh(secret: Uint8Array | undefined, pub: Uint8Array | undefined, token: Token): void {
    if (!secret || !pub) throw new NoiseError('Handshake', `token ${token}: a key is missing`)
    let shared: Uint8Array
    try {
      shared = this.#crypto.x25519(secret, pub)
    } catch (e) {
      throw dhError(e, `DH ${token}`)
    }
    this.#ss.mixKey(shared)
    shared.fill(0)
  }

  #mixDh(token: 'ee' | 'es' | 'se' | 'ss'): void {
    const i = this.initiator
    switch (token) {
      case 'ee':
        return this.#dh(this.#e, this.#re, token)
      case 'es':
        return i ? this.#dh(this.#e, this.#rs, token) : this.#dh(this.#s, this.#re, token)
      case 'se':
        return i ? this.#dh(this.#s, this.#re, token) : this.#dh(this.#e, this.#rs, token)
      case 'ss':
        return this.#dh(this.#s, this.#rs, token)
      default:
        return missingCase(token)
    }
  }

  /** WriteMessage(payload): returns the handshake message to send. */
  writeMessage(payload: Uint8Array = EMPTY): Uint8Array {
    const tokens = this.#guard(true)
    if (!(payload instanceof Uint8Array)) throw new NoiseError('Handshake', 'payload must be bytes')
    try {
      const parts: Uint8Array[] = []
      for (const t of tokens) {
        switch (t) {
          case 'e': {
            const secret = this.#fixedE ?? this.#rng(DH_LEN)
            this.#fixedE = undefined
            if (!(secret instanceof Uint8Array) || secret.length !== DH_LEN)
              throw new NoiseError('InvalidKey', 'the ephemeral source must give 32 bytes')
            this.#e = secret
            this.#ePub = this.#publicOf(secret)
            parts.push(this.#ePub)
            this.#ss.mixHash(this.#ePub)
            break
          }
          case 's':
            parts.push(this.#ss.encryptAndHash(this.#sPub!))
            break
          case 'ee':
          case 'es':
          case 'se':
          case 'ss':
            this.#mixDh(t)
            break
          default:
            missingCase(t)
        }
      }
      parts.push(this.#ss.encryptAndHash(payload))
      let total = 0
      for (const p of parts) total += p.length
      if (total > MAX_MESSAGE_LEN) {
        throw new NoiseError(
          'FrameTooLarge',
          `handshake message would be ${total} bytes; Noise allows at most ${MAX_MESSAGE_LEN} (shorten the payload)`,
        )
      }
      const out = new Uint8Array(total)
      let o = 0
      for (const p of parts) {
        out.set(p, o)
        o += p.length
      }
      this.#advance()
      return out
    } catch (e) {
      this.#fail()
      throw e
    }
  }

  /** ReadMessage(message): processes the peer's handshake message and returns its payload. */
  readMessage(message: Uint8Array): Uint8Array {
    const tokens = this.#guard(false)
    if (!(message instanceof Uint8Array)) throw new NoiseError('Handshake', 'message must be bytes')
    if (message.length > MAX_MESSAGE_LEN) {
      this.#fail()
      throw new NoiseError(
        'FrameTooLarge',
        `handshake message is ${message.length} bytes; Noise allows at most ${MAX_MESSAGE_LEN}`,
      )
    }
    try {
      let o = 0
      const take = (n: number, what: string): Uint8Array => {
        if (message.length - o < n) {
          throw new NoiseError(
            'Handshake',
            `handshake message ${this.#index + 1} of ${this.pattern.name} is too short: ${what} needs ${n} more bytes, ${message.length - o} left`,
          )
        }
        const s = message.subarray(o, o + n)
        o += n
        return s
      }
      for (const t of tokens) {
        switch (t) {
          case 'e':
            this.#re = take(DH_LEN, 'the ephemeral key').slice()
            this.#ss.mixHash(this.#re)
            break
          case 's': {
            const len = this.#ss.cs.hasKey() ? DH_LEN + TAG_LEN : DH_LEN
            this.#rs = this.#ss.decryptAndHash(take(len, 'the static key')).slice()
            break
          }
          case 'ee':
          case 'es':
          case 'se':
          case 'ss':
            this.#mixDh(t)
            break
          default:
            missingCase(t)
        }
      }
      const rest = message.subarray(o)
      if (this.#ss.cs.hasKey() && rest.length < TAG_LEN) {
        throw new NoiseError(
          'Handshake',
          `handshake message ${this.#index + 1} is truncated (no room for the tag)`,
        )
      }
      const payload = this.#ss.decryptAndHash(rest).slice()
      this.#advance()
      return payload
    } catch (e) {
      this.#fail()
      throw e
    }
  }

  #advance(): void {
    this.#index++
    if (this.#index < this.pattern.messages.length) return
    const h = this.#ss.getHandshakeHash()
    const [c1, c2] = this.#ss.split()
    const oneWay = this.pattern.oneWay
    const send = this.initiator ? c1 : oneWay ? undefined : c2
    const recv = this.initiator ? (oneWay ? undefined : c2) : c1
    if (oneWay) c2.wipe()
    this.#result = { send, recv, handshakeHash: h }
    this.#wipeEphemeral()
  }

  #wipeEphemeral(): void {
    this.#e?.fill(0)
    this.#e = undefined
    this.#fixedE?.fill(0)
    this.#fixedE = undefined
  }

  #fail(): void {
    this.#failed = true
    this.#wipeEphemeral()
    this.#ss.wipe()
  }

  /** Wipes every secret this state holds (use after a failure or when abandoning the handshake). */
  wipe(): void {
    this.#fail()
    this.#result?.send?.wipe()
    this.#result?.recv?.wipe()
  }
}
