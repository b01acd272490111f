/**
 * @module noise/symmetric-state
 * SymmetricState (Noise rev 34 §5.2): chaining key `ck`, handshake hash `h` and a CipherState.
 * HKDF is §4.3's: temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01); out_i = HMAC(temp, out_{i-1}‖i),
 * over HMAC of the suite hash (`CryptoProvider.noiseHkdf`, allocation-free on BLAKE2s).
 *
 * Security: `h` is the session id once the handshake is over; `ck` is overwritten in place by each
 * MixKey and wiped by Split; the temporary keys are wiped as soon as they are used.
 */
import { HASH_LEN, type CryptoProvider, type HashName } from '../crypto/provider'
import { CipherState } from './cipher-state'

const EMPTY = new Uint8Array(0)
/**
 * HKDF's second and third outputs on their way into a CipherState (a key is copied in, never kept
 * by reference). Shared by every state: each use is synchronous and wiped before it returns. Secret.
 */
const K2 = new Uint8Array(32)
const K3 = new Uint8Array(32)

/**
 * Noise HKDF(chainingKey, ikm, numOutputs) of §4.3, returning 2 or 3 fresh HASHLEN outputs:
 * temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01); out_i = HMAC(temp, out_{i-1} ‖ i).
 * (Equal to RFC 5869 HKDF with salt = ck and empty info.) The handshake itself calls
 * `crypto.noiseHkdf`, which writes into buffers the state already owns; this allocating form is for
 * tests and tools.
 */
export function noiseHkdf(
  crypto: CryptoProvider,
  hash: HashName,
  chainingKey: Uint8Array,
  ikm: Uint8Array,
  numOutputs: 2 | 3,
): Uint8Array[] {
  const len = HASH_LEN[hash]
  const outputs = [new Uint8Array(len), new Uint8Array(len)]
  if (numOutputs === 3) outputs.push(new Uint8Array(len))
  crypto.noiseHkdf(hash, chainingKey, ikm, outputs[0]!, outputs[1]!, outputs[2])
  return outputs
}

/**
 * h0 of InitializeSymmetric: the protocol name zero-padded to HASHLEN, or HASH(protocolName) for
 * longer names (e.g. the 33-byte `Noise_IK_25519_ChaChaPoly_BLAKE2s`). A constant per provider, hash
 * and name, so it is computed once (no encoder or hash per handshake). Public data, never secret.
 */
const initialHash = new WeakMap<CryptoProvider, Map<string, Uint8Array>>()

/** The cached h0 itself: callers copy it, never write to it. */
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
  return h
}

export class SymmetricState {
  readonly crypto: CryptoProvider
  readonly hash: HashName
  readonly cs: CipherState
  /**
   * ck and h live in buffers owned for the whole handshake and are rewritten in place (MixKey's HKDF
   * writes the new ck over the old, MixHash the new h over the old): no allocation per step, and no
   * stale copy of an old chaining key left for the GC.
   */
  readonly #ck: Uint8Array
  readonly #h: Uint8Array

  /** InitializeSymmetric(protocolName). */
  constructor(crypto: CryptoProvider, hash: HashName, protocolName: string) {
    this.crypto = crypto
    this.hash = hash
    // h and ck in one off-heap buffer: h is the AD of every handshake AEAD call, and a small on-heap
    // array would be copied out to a backing store on the first native call. Never handed out.
    const mem = new ArrayBuffer(64)
    this.#h = new Uint8Array(mem, 0, 32)
    this.#ck = new Uint8Array(mem, 32, 32)
    this.#h.set(initialH(crypto, hash, protocolName))
    this.#ck.set(this.#h)
    this.cs = new CipherState(crypto)
  }

  /** h, the handshake hash (a copy). */
  getHandshakeHash(): Uint8Array {
    return this.#h.slice()
  }

  mixKey(ikm: Uint8Array): void {
    try {
      this.crypto.noiseHkdf(this.hash, this.#ck, ikm, this.#ck, K2)
      this.cs.initializeKey(K2)
    } finally {
      K2.fill(0)
    }
  }

  mixHash(data: Uint8Array): void {
    this.crypto.hashInto(this.hash, this.#h, this.#h, data)
  }

  /** MixKeyAndHash (used by PSK patterns; kept for completeness of §5.2). */
  mixKeyAndHash(ikm: Uint8Array): void {
    try {
      this.crypto.noiseHkdf(this.hash, this.#ck, ikm, this.#ck, K3, K2)
      this.mixHash(K3)
      this.cs.initializeKey(K2)
    } finally {
      K2.fill(0)
      K3.fill(0)
    }
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
    try {
      this.crypto.noiseHkdf(this.hash, this.#ck, EMPTY, K3, K2)
      return [new CipherState(this.crypto, K3), new CipherState(this.crypto, K2)]
    } finally {
      K2.fill(0)
      K3.fill(0)
      this.wipe()
    }
  }

  /** Wipes ck and the handshake cipher key; h stays (it is public: the session id). */
  wipe(): void {
    this.#ck.fill(0)
    this.cs.wipe()
  }
}
