/**
 * @module crypto/sodium
 * Provider on libsodium through the `sodium-native` N-API addon: the curve work and the AEADs run in
 * libsodium, which is what closes most of the handshake gap to `noise-handshake` (measured per op:
 * X25519 DH 32 µs vs OpenSSL 38; fixed-base keygen 18 vs 54; Ed25519 verify 55 vs 119; ChaCha20-Poly1305
 * on 400 B 1.2 vs 4–5, because no cipher object is built per call).
 *
 * libsodium has no BLAKE2s (only BLAKE2b), no BLAKE3 and no HMAC-SHA-256 / HKDF in this binding.
 * BLAKE2s, every HMAC and the HKDFs come from the native provider: the handshake's BLAKE2s work
 * (MixHash, HMAC, the Noise HKDF) on one reused `@stablelib/blake2s` hasher (`blake2s.ts`), SHA-2
 * HMAC/HKDF on OpenSSL; BLAKE3 from noble. SHA-256/512 one-shot hashes are libsodium's (0.7 µs vs
 * 1.4 µs through `crypto.hash`).
 *
 * The addon is loaded lazily and inside try/catch (`loadSodiumProvider`): a missing or broken
 * prebuild leaves the process on the other providers instead of crashing it.
 */
import { createRequire } from 'node:module'
import { abytes, equalBytes, isAllZero } from '../util/bytes'
import { InputError } from '../util/errors'
import { nativeProvider } from './native'
import { nobleProvider } from './noble'
import { isWeakEd25519Encoding } from './weak-keys'
import { CryptoError, type CryptoProvider } from './provider'

/**
 * The part of `sodium-native` this provider calls. Every function writes into its first argument(s);
 * the addon accepts plain `Uint8Array`s (no Buffer wrapping needed) and throws on a failed status.
 */
interface SodiumBinding {
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void
  crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void
  crypto_sign_detached(sig: Uint8Array, m: Uint8Array, sk: Uint8Array): void
  crypto_sign_verify_detached(sig: Uint8Array, m: Uint8Array, pk: Uint8Array): boolean
  crypto_aead_chacha20poly1305_ietf_encrypt(
    c: Uint8Array,
    m: Uint8Array,
    ad: Uint8Array | null,
    nsec: null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number
  crypto_aead_chacha20poly1305_ietf_decrypt(
    m: Uint8Array,
    nsec: null,
    c: Uint8Array,
    ad: Uint8Array | null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number
  crypto_aead_xchacha20poly1305_ietf_encrypt?: SodiumBinding['crypto_aead_chacha20poly1305_ietf_encrypt']
  crypto_aead_xchacha20poly1305_ietf_decrypt?: SodiumBinding['crypto_aead_chacha20poly1305_ietf_decrypt']
  crypto_hash_sha256(out: Uint8Array, m: Uint8Array): void
  crypto_hash_sha512(out: Uint8Array, m: Uint8Array): void
  sodium_memzero(b: Uint8Array): void
  randombytes_buf(b: Uint8Array): void
}

const LOW_ORDER = 'peer X25519 key is low-order (shared secret would be zero)'
const DECRYPT_FAILED = 'decryption failed: wrong key, or the data was altered'

/**
 * libsodium signs with a 64-byte secret (seed ‖ public key) whose derivation costs one fixed-base
 * scalar multiplication (~18 µs). It is cached per caller array, like the native provider's
 * KeyObjects: an entry is used only while the array still holds the bytes it was made from (a
 * wiped or rewritten array invalidates it and the stale entry is wiped at once), and when the array
 * is collected the registry wipes the entry's buffers. Unlike a KeyObject, everything cached here
 * is ours to wipe.
 */
interface SignKey {
  copy: Uint8Array
  sk: Uint8Array
}

function makeProvider(s: SodiumBinding): CryptoProvider {
  const signKeys = new WeakMap<Uint8Array, SignKey>()
  const forget = (k: SignKey): void => {
    s.sodium_memzero(k.sk)
    s.sodium_memzero(k.copy)
  }
  const onCollect = new FinalizationRegistry<SignKey>(forget)

  function signKey(seed: Uint8Array): Uint8Array {
    const hit = signKeys.get(seed)
    if (hit) {
      if (equalBytes(hit.copy, seed)) return hit.sk
      signKeys.delete(seed)
      onCollect.unregister(hit)
      forget(hit)
    }
    const entry: SignKey = { copy: seed.slice(), sk: new Uint8Array(64) }
    s.crypto_sign_seed_keypair(new Uint8Array(32), entry.sk, seed)
    signKeys.set(seed, entry)
    onCollect.register(seed, entry, entry)
    return entry.sk
  }

  const hasX = typeof s.crypto_aead_xchacha20poly1305_ietf_encrypt === 'function'
  const xEncrypt = s.crypto_aead_xchacha20poly1305_ietf_encrypt
  const xDecrypt = s.crypto_aead_xchacha20poly1305_ietf_decrypt

  function decrypt(
    fn: SodiumBinding['crypto_aead_chacha20poly1305_ietf_decrypt'],
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array {
    if (ciphertext.length < 16) throw new CryptoError('decrypt', 'ciphertext is shorter than its 16-byte tag')
    const out = new Uint8Array(ciphertext.length - 16)
    let n: number
    try {
      n = fn(out, null, ciphertext, aad, nonce, key)
    } catch (e) {
      // libsodium writes nothing on failure, but wipe anyway: the contract is "never plaintext".
      out.fill(0)
      throw new CryptoError('decrypt', DECRYPT_FAILED, { cause: e })
    }
    if (n !== out.length) {
      out.fill(0)
      throw new CryptoError('decrypt', DECRYPT_FAILED)
    }
    return out
  }

  function encrypt(
    fn: SodiumBinding['crypto_aead_chacha20poly1305_ietf_encrypt'],
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
    output: Uint8Array | undefined,
  ): Uint8Array {
    abytes(plaintext, 'plaintext')
    abytes(aad, 'aad')
    const out =
      output === undefined
        ? new Uint8Array(plaintext.length + 16)
        : abytes(output, 'AEAD output', plaintext.length + 16)
    fn(out, plaintext, aad, null, nonce, key)
    return out
  }

  return {
    name: 'sodium',
    x25519PublicKey(secret) {
      abytes(secret, 'x25519 secret', 32)
      // crypto_scalarmult_base clamps a copy of the scalar (RFC 7748 decodeScalar25519).
      const pub = new Uint8Array(32)
      s.crypto_scalarmult_base(pub, secret)
      return pub
    },
    x25519(secret, peerPublic) {
      abytes(secret, 'x25519 secret', 32)
      abytes(peerPublic, 'x25519 public key', 32)
      const shared = new Uint8Array(32)
      try {
        // Fails (status -1, thrown by the addon) on an all-zero result: libsodium's own low-order check.
        s.crypto_scalarmult(shared, secret, peerPublic)
      } catch (e) {
        shared.fill(0)
        throw new CryptoError('low-order', LOW_ORDER, { cause: e })
      }
      if (isAllZero(shared)) throw new CryptoError('low-order', LOW_ORDER)
      return shared
    },
    ed25519PublicKey(secret) {
      abytes(secret, 'ed25519 secret', 32)
      return signKey(secret).slice(32)
    },
    ed25519Sign(secret, message) {
      abytes(secret, 'ed25519 secret', 32)
      abytes(message, 'message')
      const sig = new Uint8Array(64)
      s.crypto_sign_detached(sig, message, signKey(secret))
      return sig
    },
    ed25519Verify(signature, message, publicKey) {
      if (!(signature instanceof Uint8Array) || signature.length !== 64) return false
      if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false
      if (!(message instanceof Uint8Array)) return false
      // The same screen as the other providers; libsodium's decode then refuses off-curve keys.
      if (isWeakEd25519Encoding(publicKey)) return false
      try {
        return s.crypto_sign_verify_detached(signature, message, publicKey) === true
      } catch {
        return false
      }
    },
    aeadEncrypt(key, nonce, aad, plaintext, output) {
      abytes(key, 'key', 32)
      abytes(nonce, 'nonce', 12)
      return encrypt(s.crypto_aead_chacha20poly1305_ietf_encrypt, key, nonce, aad, plaintext, output)
    },
    aeadDecrypt(key, nonce, aad, ciphertext) {
      abytes(key, 'key', 32)
      abytes(nonce, 'nonce', 12)
      abytes(aad, 'aad')
      abytes(ciphertext, 'ciphertext')
      return decrypt(s.crypto_aead_chacha20poly1305_ietf_decrypt, key, nonce, aad, ciphertext)
    },
    xaeadEncrypt:
      hasX && xEncrypt
        ? (key, nonce, aad, plaintext) => {
            abytes(key, 'key', 32)
            abytes(nonce, 'nonce', 24)
            return encrypt(xEncrypt, key, nonce, aad, plaintext, undefined)
          }
        : nobleProvider.xaeadEncrypt,
    xaeadDecrypt:
      hasX && xDecrypt
        ? (key, nonce, aad, ciphertext) => {
            abytes(key, 'key', 32)
            abytes(nonce, 'nonce', 24)
            abytes(aad, 'aad')
            abytes(ciphertext, 'ciphertext')
            return decrypt(xDecrypt, key, nonce, aad, ciphertext)
          }
        : nobleProvider.xaeadDecrypt,
    hash(name, data) {
      abytes(data, 'data')
      if (name === 'blake2s') return nativeProvider.hash(name, data)
      const out = new Uint8Array(name === 'sha256' ? 32 : 64)
      if (name === 'sha256') s.crypto_hash_sha256(out, data)
      else s.crypto_hash_sha512(out, data)
      return out
    },
    hashInto: nativeProvider.hashInto,
    hmac: nativeProvider.hmac,
    noiseHkdf: nativeProvider.noiseHkdf,
    // HKDF: OpenSSL's single call (BLAKE2s falls back to noble inside the native provider when OpenSSL
    // lacks it). Not on the handshake path: Noise's own HKDF is built from `hmac` above.
    hkdf: nativeProvider.hkdf,
    blake3: nobleProvider.blake3,
    randomBytes(length) {
      if (!Number.isSafeInteger(length) || length < 0)
        throw new InputError(`a random byte count must be a whole number >= 0, got ${String(length)}`)
      // libsodium's generator (getrandom on Linux): ~1.4 µs for 32 bytes vs ~3.7 through randomFillSync.
      const out = new Uint8Array(length)
      s.randombytes_buf(out)
      return out
    },
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex')

/**
 * A known-answer check before the provider is offered: an addon that loads but computes wrongly
 * (a bad prebuild) must not become the default. RFC 7748 §6.1 and RFC 8032 §7.1 test 1.
 */
function selfTest(p: CryptoProvider): boolean {
  const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex')
  const bobPub = Buffer.from('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f', 'hex')
  const edSk = new Uint8Array(
    Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'),
  )
  const xPub = hex(p.x25519PublicKey(new Uint8Array(alice)))
  const edPub = p.ed25519PublicKey(edSk)
  const sig = p.ed25519Sign(edSk, new Uint8Array(0))
  edSk.fill(0)
  const ct = p.aeadEncrypt(new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), edPub)
  return (
    xPub === '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a' &&
    hex(p.x25519(new Uint8Array(alice), new Uint8Array(bobPub))) ===
      '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742' &&
    hex(edPub) === 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' &&
    hex(sig) ===
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b' &&
    p.ed25519Verify(sig, new Uint8Array(0), edPub) &&
    equalBytes(p.aeadDecrypt(new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), ct), edPub)
  )
}

let loaded: { provider: CryptoProvider | undefined; error: unknown } | undefined

/**
 * The libsodium provider, or `undefined` when `sodium-native` cannot be loaded here (no prebuild
 * for this platform, an Electron ABI mismatch) or fails its known-answer check. Never throws; the
 * reason is kept for `sodiumLoadError()`. Loaded once per process.
 */
export function loadSodiumProvider(): CryptoProvider | undefined {
  if (!loaded) {
    try {
      const require = createRequire(import.meta.url)
      const provider = makeProvider(require('sodium-native') as SodiumBinding)
      loaded = selfTest(provider)
        ? { provider, error: undefined }
        : { provider: undefined, error: new Error('sodium-native failed its known-answer self-test') }
    } catch (e) {
      loaded = { provider: undefined, error: e }
    }
  }
  return loaded.provider
}

/** Why `loadSodiumProvider()` returned undefined (undefined when it loaded or was not tried). */
export function sodiumLoadError(): unknown {
  return loaded?.error
}
