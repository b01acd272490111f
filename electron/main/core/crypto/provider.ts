/**
 * @module crypto/provider
 * The primitives the core needs, behind one port so that the same protocol code runs on
 * libsodium (`sodium-native`: fastest), `node:crypto` (OpenSSL: native, always present) or @noble/*
 * (pure JS: runs anywhere, including Electron builds whose BoringSSL lacks BLAKE2s or X25519 in
 * `crypto`). Every implementation must pass the same vectors; tests parameterise suites over
 * `providers()`.
 *
 * Conventions: all inputs and outputs are `Uint8Array`. AEADs are IETF ChaCha20-Poly1305
 * (12-byte nonce, 16-byte tag appended). `aeadDecrypt` throws `CryptoError('decrypt')` on an
 * authentication failure and never returns unauthenticated plaintext.
 */
import { PaykitError } from '../util/errors'

export type HashName = 'sha256' | 'sha512' | 'blake2s'

/** The implementations: libsodium (`sodium-native`), OpenSSL (`node:crypto`) and pure JS (@noble). */
export type ProviderName = 'sodium' | 'native' | 'noble'

export class CryptoError extends PaykitError<'decrypt' | 'invalid-key' | 'low-order'> {}

export interface CryptoProvider {
  readonly name: ProviderName

  /** X25519 public key of a 32-byte secret (the secret is clamped per RFC 7748). */
  x25519PublicKey(secret: Uint8Array): Uint8Array
  /**
   * X25519 shared secret. Throws `CryptoError('low-order')` when the result is all zeros (a
   * low-order or zero peer key), as snow and the pubky-noise checks do.
   */
  x25519(secret: Uint8Array, peerPublic: Uint8Array): Uint8Array

  ed25519PublicKey(secret: Uint8Array): Uint8Array
  ed25519Sign(secret: Uint8Array, message: Uint8Array): Uint8Array
  /** Returns false for any invalid signature or key; never throws on malformed input. */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean

  /**
   * Returns ciphertext‖tag. With `output` (exactly `plaintext.length + 16` bytes, e.g. a view into a
   * wire frame after its header) the result is written there and `output` is returned: the transport
   * path then needs no second buffer and no copy. `output` must not overlap `plaintext`. A wrong
   * length is `InputError`.
   */
  aeadEncrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
    output?: Uint8Array,
  ): Uint8Array
  aeadDecrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array
  /** XChaCha20-Poly1305 (24-byte nonce), used only to read Sealed Blob v2. */
  xaeadEncrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array
  xaeadDecrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array

  hash(name: HashName, data: Uint8Array): Uint8Array
  hmac(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array
  /**
   * HASH(a ‖ b) written into `out` (exactly HASHLEN bytes), returning `out`: Noise's MixHash
   * (h = HASH(h ‖ data)) without concatenating or allocating. `out` may be `a` or `b` (both are
   * absorbed before `out` is written).
   */
  hashInto(name: HashName, out: Uint8Array, a: Uint8Array, b?: Uint8Array): Uint8Array
  /**
   * The Noise HKDF (rev 34 §4.3) over HMAC-`name`, written into `out1`, `out2` and, when given,
   * `out3` (HASHLEN bytes each):
   * temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01); out2 = HMAC(temp, out1 ‖ 0x02); out3 = HMAC(temp, out2 ‖ 0x03).
   * `out1` may be `chainingKey` itself (MixKey replaces ck in place); the outputs must not alias
   * each other or `ikm`. Intermediate secrets (temp, pads) are wiped before it returns.
   */
  noiseHkdf(
    name: HashName,
    chainingKey: Uint8Array,
    ikm: Uint8Array,
    out1: Uint8Array,
    out2: Uint8Array,
    out3?: Uint8Array,
  ): void
  /** RFC 5869 HKDF (extract + expand). */
  hkdf(name: HashName, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array
  /** BLAKE3 (pubky-noise 1.2.0 bindings). Neither OpenSSL nor libsodium has BLAKE3; all use noble. */
  blake3(data: Uint8Array): Uint8Array
  /**
   * `length` fresh bytes from the OS CSPRNG (the default source of Noise ephemeral keys): libsodium's
   * `randombytes_buf` (getrandom) where it loads, `node:crypto`'s `randomFillSync` otherwise.
   */
  randomBytes(length: number): Uint8Array
}

/** Output length in bytes of each hash. */
export const HASH_LEN: Record<HashName, number> = { sha256: 32, sha512: 64, blake2s: 32 }
/** Block length in bytes of each hash (HMAC). */
export const BLOCK_LEN: Record<HashName, number> = { sha256: 64, sha512: 128, blake2s: 64 }
