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
 * - With a `staticDhMemo`, `ss` may come from the memo (see `static-dh-memo.ts`): a fresh `ss` is
 *   stored only when the handshake completes, and a handshake that used a stored one but then fails
 *   computes the DH anyway, so failures cost the same with or without a hit.
 */
import { defaultProvider } from '../crypto'
import type { CryptoProvider } from '../crypto/provider'
import type { Rng } from '../util/rng'
import { missingCase } from '../util/errors'
import { CipherState } from './cipher-state'
import { DH_LEN, MAX_MESSAGE_LEN, TAG_LEN } from './constants'
import { NoiseError, dhError } from './errors'
import { needsLocalStatic, needsRemoteStatic, type HandshakePattern, type Token } from './patterns'
import { parseProtocolName, type Suite } from './suite'
import { SymmetricState } from './symmetric-state'
import type { StaticDhMemo } from './static-dh-memo'

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
  /** Source of the ephemeral secret when `ephemeralSecret` is absent (default: the provider's CSPRNG). */
  rng?: Rng
  crypto?: CryptoProvider
  /**
   * Memo of static-static DH results (`static-dh-memo.ts`) owned by whoever owns `staticSecret`
   * (a listener): a returning peer's `ss` is answered from it. Default: none, every DH runs.
   */
  staticDhMemo?: StaticDhMemo | undefined
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
/** A memoised `ss` between the memo and MixKey: used synchronously, wiped at once. Secret. */
const SS_SCRATCH = new Uint8Array(DH_LEN)

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
  /** Injected ephemeral source (tests, vectors); undefined = the provider's CSPRNG. */
  readonly #rng: Rng | undefined
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
  readonly #memo: StaticDhMemo | undefined
  /** `ss` came from the memo: a failure must still pay for the DH (see `#fail`). */
  #ssFromMemo = false
  /** A freshly computed `ss`, remembered once the handshake completes (authenticated). Secret. */
  #ssToRemember: Uint8Array | undefined

  constructor(options: HandshakeOptions) {
    this.suite = parseProtocolName(options.protocolName)
    this.initiator = options.initiator
    this.#crypto = options.crypto ?? defaultProvider()
    this.#rng = options.rng
    this.#memo = options.staticDhMemo
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
    const shared =
      token === 'ss' && this.#memo ? this.#staticShared(secret, pub) : this.#compute(secret, pub, token)
    try {
      this.#ss.mixKey(shared)
    } finally {
      shared.fill(0)
    }
  }

  #compute(secret: Uint8Array, pub: Uint8Array, token: Token): Uint8Array {
    try {
      return this.#crypto.x25519(secret, pub)
    } catch (e) {
      throw dhError(e, `DH ${token}`)
    }
  }

  /**
   * `ss` through the memo: a hit is copied into a scratch buffer (`#dh` wipes it right after MixKey);
   * a miss is computed and remembered on completion.
   */
  #staticShared(secret: Uint8Array, rs: Uint8Array): Uint8Array {
    if (this.#memo!.read(this.#sPub!, rs, SS_SCRATCH)) {
      this.#ssFromMemo = true
      return SS_SCRATCH
    }
    const shared = this.#compute(secret, rs, 'ss')
    this.#ssToRemember = shared.slice()
    return shared
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
            const secret = this.#fixedE ?? (this.#rng ? this.#rng(DH_LEN) : this.#crypto.randomBytes(DH_LEN))
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
      for (const t of tokens) {
        switch (t) {
          case 'e':
            this.#need(message, o, DH_LEN, 'the ephemeral key')
            this.#re = message.slice(o, (o += DH_LEN))
            this.#ss.mixHash(this.#re)
            break
          case 's': {
            const len = this.#ss.cs.hasKey() ? DH_LEN + TAG_LEN : DH_LEN
            this.#need(message, o, len, 'the static key')
            const rs = this.#ss.decryptAndHash(message.subarray(o, (o += len)))
            // Without a key the "decryption" is a view of the caller's message: copy it out.
            this.#rs = len > DH_LEN ? rs : rs.slice()
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
      const keyed = this.#ss.cs.hasKey()
      const decrypted = this.#ss.decryptAndHash(rest)
      // A decryption is a fresh array; without a key it is a view of the caller's message: copy.
      const payload = keyed ? decrypted : decrypted.slice()
      this.#advance()
      return payload
    } catch (e) {
      this.#fail()
      throw e
    }
  }

  /** Throws `Handshake` when `message` has fewer than `n` bytes left at offset `o`. */
  #need(message: Uint8Array, o: number, n: number, what: string): void {
    if (message.length - o < n) {
      throw new NoiseError(
        'Handshake',
        `handshake message ${this.#index + 1} of ${this.pattern.name} is too short: ${what} needs ${n} more bytes, ${message.length - o} left`,
      )
    }
  }

  #advance(): void {
    this.#index++
    if (this.#index < this.pattern.messages.length) return
    if (this.#ssToRemember) {
      // Complete: the peer proved it can derive every key, ss included. Only now is ss remembered.
      this.#memo?.remember(this.#sPub!, this.#rs!, this.#ssToRemember)
      this.#ssToRemember.fill(0)
      this.#ssToRemember = undefined
    }
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
    this.#ssToRemember?.fill(0)
    this.#ssToRemember = undefined
    if (this.#ssFromMemo && !this.isComplete) {
      // Pay for the DH the memo saved, so that a failing handshake costs the same with or without a
      // hit: someone who names a known payer's static key but cannot complete learns nothing from
      // how fast we give up. (A result or an error here changes nothing; the handshake has failed.)
      this.#ssFromMemo = false
      try {
        this.#crypto.x25519(this.#s!, this.#rs!).fill(0)
      } catch {
        // low-order keys never reach the memo
      }
    }
  }

  /** Wipes every secret this state holds (use after a failure or when abandoning the handshake). */
  wipe(): void {
    this.#fail()
    this.#result?.send?.wipe()
    this.#result?.recv?.wipe()
  }
}
