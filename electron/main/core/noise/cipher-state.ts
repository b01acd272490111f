/**
 * @module noise/cipher-state
 * CipherState (Noise rev 34 §5.1): key `k` and a 64-bit nonce `n`, ChaChaPoly with the nonce as
 * 4 zero bytes followed by n as a little-endian u64 (§12.3, as snow does).
 *
 * Security: the nonce never repeats under one key; 2^64-1 is reserved (§5.1) and reaching it is
 * `NonceExhausted`. A failed decrypt leaves `n` unchanged (snow behaviour), but the session should
 * be dropped: the stream is out of step. `wipe()` zeroes the key; JS cannot promise no copies exist.
 */
import type { CryptoProvider } from '../crypto/provider'
import { CryptoError } from '../crypto/provider'
import { TAG_LEN } from './constants'
import { NoiseError } from './errors'

const EMPTY = new Uint8Array(0)
const MAX32 = 0xffffffff

export class CipherState {
  readonly #crypto: CryptoProvider
  /** The key while `#keyed`; one buffer for the state's life, so a new key is a copy in, not an allocation. */
  readonly #key: Uint8Array
  #keyed = false
  #lo = 0
  #hi = 0
  /** 12-byte ChaChaPoly nonce, rewritten from (hi, lo) before each use. */
  readonly #nonce: Uint8Array

  constructor(crypto: CryptoProvider, key?: Uint8Array) {
    this.#crypto = crypto
    // Key and nonce share one off-heap buffer: a small `new Uint8Array(n)` lives on the V8 heap and is
    // copied out to a backing store the first time native code (libsodium, OpenSSL) reads it. Both
    // stay private to this state; the buffer is never handed out.
    const mem = new ArrayBuffer(44)
    this.#key = new Uint8Array(mem, 0, 32)
    this.#nonce = new Uint8Array(mem, 32, 12)
    if (key) this.initializeKey(key)
  }

  /** InitializeKey(key): sets k (copied) and resets n to 0. */
  initializeKey(key: Uint8Array): void {
    if (!(key instanceof Uint8Array) || key.length !== 32)
      throw new NoiseError('InvalidKey', 'a CipherState key must be 32 bytes')
    this.#key.set(key)
    this.#keyed = true
    this.#lo = 0
    this.#hi = 0
  }

  hasKey(): boolean {
    return this.#keyed
  }

  /** The next nonce, as a bigint (tests and diagnostics). */
  get n(): bigint {
    return (BigInt(this.#hi) << 32n) | BigInt(this.#lo)
  }

  /** SetNonce(n) of §5.1 (used by tests to reach the nonce limit). */
  setNonce(n: bigint): void {
    if (n < 0n || n > 0xffffffffffffffffn) throw new NoiseError('Handshake', 'nonce must fit in 64 bits')
    this.#hi = Number(n >> 32n)
    this.#lo = Number(n & 0xffffffffn)
  }

  #nextNonce(): Uint8Array {
    if (this.#lo === MAX32 && this.#hi === MAX32) {
      throw new NoiseError(
        'NonceExhausted',
        'this Noise session has sent or received 2^64-1 messages; start a new handshake',
      )
    }
    // 4 zero bytes, then n as u64 little-endian (written byte by byte: no DataView per state).
    const b = this.#nonce
    const lo = this.#lo
    const hi = this.#hi
    b[4] = lo
    b[5] = lo >>> 8
    b[6] = lo >>> 16
    b[7] = lo >>> 24
    b[8] = hi
    b[9] = hi >>> 8
    b[10] = hi >>> 16
    b[11] = hi >>> 24
    return b
  }

  #advance(): void {
    if (this.#lo === MAX32) {
      this.#lo = 0
      this.#hi++
    } else this.#lo++
  }

  /** EncryptWithAd: without a key returns the plaintext unchanged; otherwise ciphertext‖tag. */
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (!this.#keyed) return plaintext
    const out = this.#crypto.aeadEncrypt(this.#key, this.#nextNonce(), ad, plaintext)
    this.#advance()
    return out
  }

  /**
   * EncryptWithAd into `output` (the transport path: `output` is the body of the wire frame, so a
   * 64 KiB message is neither allocated twice nor copied). `output` must be exactly
   * `plaintext.length + 16` bytes (`plaintext.length` without a key) and must not overlap `plaintext`.
   */
  encryptWithAdInto(ad: Uint8Array, plaintext: Uint8Array, output: Uint8Array): Uint8Array {
    const want = plaintext.length + (this.#keyed ? TAG_LEN : 0)
    if (!(output instanceof Uint8Array) || output.length !== want)
      throw new NoiseError(
        'Frame',
        `the output buffer must be ${want} bytes for a ${plaintext.length}-byte message`,
      )
    if (!this.#keyed) {
      output.set(plaintext)
      return output
    }
    const out = this.#crypto.aeadEncrypt(this.#key, this.#nextNonce(), ad, plaintext, output)
    // A provider that ignores `output` (one written before it existed) still gives correct bytes.
    if (out !== output) output.set(out)
    this.#advance()
    return output
  }

  /** DecryptWithAd: authentication failure is `NoiseError('Decrypt')` and does not advance n. */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (!this.#keyed) return ciphertext
    const nonce = this.#nextNonce()
    let out: Uint8Array
    try {
      out = this.#crypto.aeadDecrypt(this.#key, nonce, ad, ciphertext)
    } catch (e) {
      if (e instanceof CryptoError || e instanceof NoiseError) {
        throw new NoiseError(
          'Decrypt',
          'a Noise message failed authentication (altered, truncated, replayed or out of order); drop the connection',
          { cause: e },
        )
      }
      throw e
    }
    this.#advance()
    return out
  }

  /** Rekey (§5.1, §11.3): k = first 32 bytes of ENCRYPT(k, 2^64-1, "", zeros(32)). */
  rekey(): void {
    if (!this.#keyed) throw new NoiseError('Handshake', 'cannot rekey a CipherState that has no key')
    const nonce = new Uint8Array(12).fill(0xff, 4)
    const zeros = new Uint8Array(32)
    const next = this.#crypto.aeadEncrypt(this.#key, nonce, EMPTY, zeros)
    this.#key.set(next.subarray(0, 32))
    next.fill(0)
  }

  /** Zeroes the key and forgets it. */
  wipe(): void {
    this.#key.fill(0)
    this.#keyed = false
    this.#lo = 0
    this.#hi = 0
  }
}
