/**
 * @module noise/symmetric-state
 * SymmetricState (Noise rev 34 §5.2): chaining key `ck`, handshake hash `h` and a CipherState.
 * HKDF is §4.3's: temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01); out_i = HMAC(temp, out_{i-1}‖i),
 * over HMAC of the suite hash (see `noiseHkdf`).
 *
 * Security: `h` is the session id once the handshake is over; `ck` and the temporary keys are
 * wiped as soon as they are replaced.
 */
import type { CryptoProvider, HashName } from '../crypto/provider'
import { CipherState } from './cipher-state'

const EMPTY = new Uint8Array(0)

/**
 * Noise HKDF(chainingKey, ikm, numOutputs) of §4.3, returning 2 or 3 HASHLEN outputs:
 * temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01); out_i = HMAC(temp, out_{i-1} ‖ i).
 * (Equal to RFC 5869 HKDF with salt = ck and empty info; three native HMACs measured as fast as or
 * faster than one native HKDF call for BLAKE2s, so the spec's form is kept.)
 */
export function noiseHkdf(
  crypto: CryptoProvider,
  hash: HashName,
  chainingKey: Uint8Array,
  ikm: Uint8Array,
  numOutputs: 2 | 3,
): Uint8Array[] {
  const temp = crypto.hmac(hash, chainingKey, ikm)
  const outputs: Uint8Array[] = [crypto.hmac(hash, temp, Uint8Array.of(1))]
  for (let i = 2; i <= numOutputs; i++) {
    const prev = outputs[i - 2]!
    const input = new Uint8Array(prev.length + 1)
    input.set(prev)
    input[prev.length] = i
    outputs.push(crypto.hmac(hash, temp, input))
    input.fill(0)
  }
  temp.fill(0)
  return outputs
}

/**
 * h0 of InitializeSymmetric: the protocol name zero-padded to HASHLEN, or HASH(protocolName) for
 * longer names (e.g. the 33-byte `Noise_IK_25519_ChaChaPoly_BLAKE2s`). A constant per provider, hash
 * and name, so it is computed once (no encoder or hash per handshake). Public data, never secret.
 */
const initialHash = new WeakMap<CryptoProvider, Map<string, Uint8Array>>()

function initialH(crypto: CryptoProvider, hash: HashName, protocolName: string): Uint8Array {
  let byName = initialHash.get(crypto)
  if (!byName) initialHash.set(crypto, (byName = new Map()))
  const id = `${hash}:${protocolName}`
  let h = byName.get(id)
  if (!h) {
    const name = new TextEncoder().encode(protocolName)
    if (name.length <= 32) {
      h = new Uint8Array(32)
      h.set(name)
    } else h = crypto.hash(hash, name)
    // Bounded: callers pass parsed protocol names, which are finitely many.
    if (byName.size < 64) byName.set(id, h)
  }
  return h.slice()
}

export class SymmetricState {
  readonly crypto: CryptoProvider
  readonly hash: HashName
  readonly cs: CipherState
  #ck: Uint8Array
  #h: Uint8Array

  /** InitializeSymmetric(protocolName). */
  constructor(crypto: CryptoProvider, hash: HashName, protocolName: string) {
    this.crypto = crypto
    this.hash = hash
    this.#h = initialH(crypto, hash, protocolName)
    this.#ck = this.#h.slice()
    this.cs = new CipherState(crypto)
  }

  /** h, the handshake hash (a copy). */
  getHandshakeHash(): Uint8Array {
    return this.#h.slice()
  }

  mixKey(ikm: Uint8Array): void {
    const [ck, k] = noiseHkdf(this.crypto, this.hash, this.#ck, ikm, 2) as [Uint8Array, Uint8Array]
    this.#ck.fill(0)
    this.#ck = ck
    this.cs.initializeKey(k)
    k.fill(0)
  }

  mixHash(data: Uint8Array): void {
    const buf = new Uint8Array(this.#h.length + data.length)
    buf.set(this.#h)
    buf.set(data, this.#h.length)
    this.#h = this.crypto.hash(this.hash, buf)
  }

  /** MixKeyAndHash (used by PSK patterns; kept for completeness of §5.2). */
  mixKeyAndHash(ikm: Uint8Array): void {
    const [ck, th, k] = noiseHkdf(this.crypto, this.hash, this.#ck, ikm, 3) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ]
    this.#ck.fill(0)
    this.#ck = ck
    this.mixHash(th)
    this.cs.initializeKey(k)
    th.fill(0)
    k.fill(0)
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ct = this.cs.encryptWithAd(this.#h, plaintext)
    this.mixHash(ct)
    return ct
  }

  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const pt = this.cs.decryptWithAd(this.#h, ciphertext)
    this.mixHash(ciphertext)
    return pt
  }

  /** Split(): two CipherStates (initiator→responder, responder→initiator); wipes ck. */
  split(): [CipherState, CipherState] {
    const [k1, k2] = noiseHkdf(this.crypto, this.hash, this.#ck, EMPTY, 2) as [Uint8Array, Uint8Array]
    const c1 = new CipherState(this.crypto, k1)
    const c2 = new CipherState(this.crypto, k2)
    k1.fill(0)
    k2.fill(0)
    this.wipe()
    return [c1, c2]
  }

  /** Wipes ck and the handshake cipher key; h stays (it is public: the session id). */
  wipe(): void {
    this.#ck.fill(0)
    this.cs.wipe()
  }
}
