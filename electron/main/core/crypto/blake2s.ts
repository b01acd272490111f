/**
 * @module crypto/blake2s
 * BLAKE2s, HMAC-BLAKE2s (RFC 2104, as Noise rev 34 §4.3 defines HMAC-HASH) and the Noise HKDF on one
 * reused `@stablelib/blake2s` hasher, writing into caller buffers.
 *
 * Why: a handshake runs ~8 MixHashes and 5 HKDFs (15 HMACs) over inputs of 1–2 blocks. Through
 * `node:crypto` each HMAC builds an Hmac object (init + update + digest ≈ 3.3–4.3 µs) and each hash a
 * one-shot call (0.8–1.6 µs); the same work on a reused JS hasher is ≈ 2.0 µs per HMAC and ≈ 0.6–0.9 µs
 * per short hash, with no allocation. Past ~512 bytes OpenSSL's compression is faster than JS, so
 * callers with long input (a large handshake payload) still use it (`SHORT_INPUT`).
 *
 * The HMAC pads are not cached as hasher states: stablelib compresses a block only when the next
 * input arrives, so a state saved after absorbing a pad holds the pad uncompressed and saves nothing.
 *
 * Not re-entrant, and need not be: every function here runs to completion synchronously and calls no
 * user code, so two calls can never interleave on the shared hasher (each worker thread loads its own
 * copy of this module).
 *
 * Secrets: the two pads, the inner digest and the HKDF temp key live in module scratch buffers; the
 * HMAC and HKDF functions wipe those and the hasher's own state and block buffer before returning,
 * also when they throw.
 */
import { BLAKE2s } from '@stablelib/blake2s'
import { InputError } from '../util/errors'

/** HASHLEN and BLOCKLEN of BLAKE2s-256. */
export const BLAKE2S_LEN = 32
export const BLAKE2S_BLOCK = 64

/**
 * Inputs up to this many bytes hash at least as fast here as through OpenSSL (measured on Node 20 /
 * OpenSSL 3, µs: 32 B 0.9 vs 1.8 one-shot; 96 B 1.2 vs 1.7; two parts of 32 + 404 B 3.3 vs 3.4
 * `createHash` or 3.2 concatenated one-shot; 32 + 1000 B 5.8 vs 4.7).
 */
export const SHORT_INPUT = 512

const hasher = new BLAKE2s(BLAKE2S_LEN)
/** Key ⊕ ipad and key ⊕ opad of the current HMAC key. Secret. */
const ipad = new Uint8Array(BLAKE2S_BLOCK)
const opad = new Uint8Array(BLAKE2S_BLOCK)
/** The inner HMAC digest. Secret. */
const inner = new Uint8Array(BLAKE2S_LEN)
/** HKDF temp key (and a long HMAC key's digest). Secret. */
const temp = new Uint8Array(BLAKE2S_LEN)
const ZERO_BLOCK = new Uint8Array(BLAKE2S_BLOCK)
/** The HKDF counter bytes 0x01, 0x02, 0x03 (public constants). */
const COUNTER = [Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)] as const
const EMPTY = new Uint8Array(0)

function checkOut(out: Uint8Array, what: string): void {
  if (!(out instanceof Uint8Array) || out.length !== BLAKE2S_LEN)
    throw new InputError(`${what} must be ${BLAKE2S_LEN} bytes (Uint8Array)`)
}

function checkIn(data: Uint8Array, what: string): void {
  if (!(data instanceof Uint8Array)) throw new InputError(`${what} must be bytes (Uint8Array)`)
}

/**
 * Leaves the hasher as a fresh one: `reset()` restores the initial state words, and absorbing one
 * block of zeros (buffered, not compressed) overwrites the block buffer, which still held the last
 * message block and the last digest.
 */
function scrubHasher(): void {
  hasher.reset().update(ZERO_BLOCK)
  hasher.reset()
}

/** BLAKE2s-256(a ‖ b) written into `out` (32 bytes). `out` may alias `a` or `b` (both are absorbed first). */
export function blake2sInto(out: Uint8Array, a: Uint8Array, b: Uint8Array = EMPTY): Uint8Array {
  checkIn(a, 'BLAKE2s input')
  checkIn(b, 'BLAKE2s input')
  checkOut(out, 'the BLAKE2s output')
  hasher.reset().update(a).update(b).finish(out)
  return out
}

/**
 * Loads `ipad` and `opad` with K ⊕ 0x36.. and K ⊕ 0x5c.. (RFC 2104), K being the key zero-padded to
 * the block; a key longer than a block is hashed first. HKDF then reuses them for every output under
 * the same temp key.
 */
function loadPads(key: Uint8Array): void {
  let k = key
  if (k.length > BLAKE2S_BLOCK) {
    hasher.reset().update(k).finish(temp)
    k = temp
  }
  const n = k.length
  for (let i = 0; i < n; i++) {
    const b = k[i]!
    ipad[i] = b ^ 0x36
    opad[i] = b ^ 0x5c
  }
  if (n < BLAKE2S_BLOCK) {
    ipad.fill(0x36, n)
    opad.fill(0x5c, n)
  }
}

/** HMAC-BLAKE2s(K, data ‖ data2) into `out`, K's pads loaded: HASH(opad ‖ HASH(ipad ‖ data ‖ data2)). */
function hmacWithPads(out: Uint8Array, data: Uint8Array, data2: Uint8Array): void {
  hasher.reset().update(ipad).update(data).update(data2).finish(inner)
  hasher.reset().update(opad).update(inner).finish(out)
}

function wipeScratch(): void {
  ipad.fill(0)
  opad.fill(0)
  inner.fill(0)
  temp.fill(0)
  scrubHasher()
}

/**
 * HMAC-BLAKE2s(key, data) into `out` (32 bytes): HASH((K ⊕ opad) ‖ HASH((K ⊕ ipad) ‖ data)), K zero-padded
 * to the 64-byte block (RFC 2104; Noise §4.3 HMAC-HASH). `out` may alias `key` or `data`.
 */
export function hmacBlake2sInto(out: Uint8Array, key: Uint8Array, data: Uint8Array): Uint8Array {
  checkIn(key, 'HMAC key')
  checkIn(data, 'HMAC data')
  checkOut(out, 'the HMAC output')
  try {
    loadPads(key)
    hmacWithPads(out, data, EMPTY)
  } finally {
    wipeScratch()
  }
  return out
}

/**
 * Noise HKDF (rev 34 §4.3) over HMAC-BLAKE2s, written into `out1`, `out2` and, when given, `out3`
 * (32 bytes each):
 *   temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01); out2 = HMAC(temp, out1 ‖ 0x02); out3 = HMAC(temp, out2 ‖ 0x03).
 * `out1` may be `chainingKey` itself (MixKey replaces ck in place: ck is fully used before out1 is
 * written). The outputs must not alias each other or `ikm`.
 */
export function noiseHkdfBlake2s(
  chainingKey: Uint8Array,
  ikm: Uint8Array,
  out1: Uint8Array,
  out2: Uint8Array,
  out3?: Uint8Array,
): void {
  checkIn(chainingKey, 'the chaining key')
  checkIn(ikm, 'the HKDF input key material')
  checkOut(out1, 'HKDF output 1')
  checkOut(out2, 'HKDF output 2')
  if (out3 !== undefined) checkOut(out3, 'HKDF output 3')
  try {
    loadPads(chainingKey)
    hmacWithPads(temp, ikm, EMPTY)
    loadPads(temp)
    hmacWithPads(out1, EMPTY, COUNTER[0])
    hmacWithPads(out2, out1, COUNTER[1])
    if (out3 !== undefined) hmacWithPads(out3, out2, COUNTER[2])
  } finally {
    wipeScratch()
  }
}
