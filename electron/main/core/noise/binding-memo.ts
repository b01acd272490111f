/**
 * @module noise/binding-memo
 * A bounded memo of *successful* identity-binding verifications.
 *
 * Why it is sound: every binding the responder checks (0.8.0, 1.1, 1.2) is a signature over static
 * data only (both static keys, role, prologue, hint/expiry; never an ephemeral), so for a returning
 * payer `ed25519Verify(sig, hash(preimage), pk)` is asked the same question with the same bytes every
 * time. It is a pure function of those bytes; remembering a `true` answer for exactly those bytes
 * changes no outcome. The handshake itself is still fully run: the DHs with the payer's static key
 * are what prove the payer holds that key, and the memo does not touch them. A memo lookup happens
 * only after the payload decrypted, i.e. after the `ss` DH: nobody without the payer's static
 * secret can reach it, so its timing tells an outsider nothing about who has connected before.
 *
 * Rules that keep it sound:
 * - Keyed by the generation and the exact bytes of (public key, signature, signed preimage): any
 *   change is a miss. (Keying by the preimage rather than its digest also saves the binding hash on
 *   a hit; the digest is a function of generation and preimage, so nothing is lost.)
 * - Only successes are stored; a failed verification is never remembered, so a failure is always
 *   re-checked (and costs the attacker a full verification each time, as without the memo).
 * - One memo per provider (see `bindingMemoFor`): a provider's answers never stand in for another's,
 *   so tests that run every provider still exercise each provider's own verification.
 * - Bounded (least recently used first out): a flood of new identities only evicts, never grows
 *   memory past `capacity` entries of at most a few hundred bytes each.
 *
 * Not secret: public keys, public binding data and signatures.
 */
import type { CryptoProvider } from '../crypto/provider'

/** Default capacity. An entry is a few hundred bytes (the preimage is bounded by the hint limit). */
export const DEFAULT_BINDING_MEMO_SIZE = 4096

const PK_LEN = 32
const SIG_LEN = 64
const scratch = Buffer.allocUnsafeSlow(1024)

/** A bounded set of (generation, public key, signature, preimage) known to verify. */
export class BindingMemo {
  readonly capacity: number
  readonly #seen = new Map<string, true>()
  #hits = 0

  constructor(capacity = DEFAULT_BINDING_MEMO_SIZE) {
    if (!Number.isSafeInteger(capacity) || capacity < 0)
      throw new RangeError('a binding memo capacity must be a whole number >= 0')
    this.capacity = capacity
  }

  /** Entries held now. */
  get size(): number {
    return this.#seen.size
  }

  /** Lookups answered from the memo since it was made or cleared (diagnostics and tests). */
  get hits(): number {
    return this.#hits
  }

  /**
   * The exact bytes as a map key: latin1 maps one byte to one char, and the public key and the
   * signature have fixed lengths, so distinct inputs give distinct keys.
   */
  static #key(
    generation: string,
    publicKey: Uint8Array,
    signature: Uint8Array,
    preimage: Uint8Array,
  ): string | undefined {
    if (publicKey.length !== PK_LEN || signature.length !== SIG_LEN) return undefined
    const len = PK_LEN + SIG_LEN + preimage.length
    // One reused scratch buffer (these bytes are public): no allocation per lookup.
    const buf = len <= scratch.length ? scratch : Buffer.allocUnsafe(len)
    buf.set(publicKey, 0)
    buf.set(signature, PK_LEN)
    buf.set(preimage, PK_LEN + SIG_LEN)
    return `${generation}:${buf.toString('latin1', 0, len)}`
  }

  /** True when exactly these bytes verified before (and are still remembered). */
  has(generation: string, publicKey: Uint8Array, signature: Uint8Array, preimage: Uint8Array): boolean {
    const k = BindingMemo.#key(generation, publicKey, signature, preimage)
    if (k === undefined || !this.#seen.has(k)) return false
    // Refresh recency: a payer who keeps coming back is not pushed out by one-off payers.
    this.#seen.delete(k)
    this.#seen.set(k, true)
    this.#hits++
    return true
  }

  /** Records a verification that SUCCEEDED. Never call it for a failure. */
  addVerified(generation: string, publicKey: Uint8Array, signature: Uint8Array, preimage: Uint8Array): void {
    if (this.capacity === 0) return
    const k = BindingMemo.#key(generation, publicKey, signature, preimage)
    if (k === undefined) return
    this.#seen.delete(k)
    if (this.#seen.size >= this.capacity) {
      const oldest = this.#seen.keys().next()
      if (!oldest.done) this.#seen.delete(oldest.value)
    }
    this.#seen.set(k, true)
  }

  clear(): void {
    this.#seen.clear()
    this.#hits = 0
  }
}

const perProvider = new WeakMap<CryptoProvider, BindingMemo>()

/** The process-wide memo of one provider (made on first use). */
export function bindingMemoFor(crypto: CryptoProvider): BindingMemo {
  let memo = perProvider.get(crypto)
  if (!memo) perProvider.set(crypto, (memo = new BindingMemo()))
  return memo
}
