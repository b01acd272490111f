/**
 * @module crypto/noble
 * Pure-JS provider on @noble/curves, @noble/ciphers and @noble/hashes (audited, constant-time
 * where it matters). The fallback wherever `node:crypto` lacks a primitive.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { blake2s } from '@noble/hashes/blake2.js'
import { blake3 } from '@noble/hashes/blake3.js'
import { hmac } from '@noble/hashes/hmac.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { abytes, isAllZero } from '../util/bytes'
import { isWeakEd25519Encoding } from './weak-keys'
import { CryptoError, type CryptoProvider, type HashName } from './provider'

const hashes = { sha256, sha512, blake2s } as const satisfies Record<HashName, unknown>

export const nobleProvider: CryptoProvider = {
  name: 'noble',
  x25519PublicKey(secret) {
    abytes(secret, 'x25519 secret', 32)
    return x25519.getPublicKey(secret)
  },
  x25519(secret, peerPublic) {
    abytes(secret, 'x25519 secret', 32)
    abytes(peerPublic, 'x25519 public key', 32)
    let shared: Uint8Array
    try {
      shared = x25519.getSharedSecret(secret, peerPublic)
    } catch (e) {
      // noble refuses an all-zero result itself; report it the same way as our own check.
      throw new CryptoError('low-order', 'peer X25519 key is low-order (shared secret would be zero)', {
        cause: e,
      })
    }
    if (isAllZero(shared))
      throw new CryptoError('low-order', 'peer X25519 key is low-order (shared secret would be zero)')
    return shared
  },
  ed25519PublicKey(secret) {
    abytes(secret, 'ed25519 secret', 32)
    return ed25519.getPublicKey(secret)
  },
  ed25519Sign(secret, message) {
    abytes(secret, 'ed25519 secret', 32)
    return ed25519.sign(message, secret)
  },
  ed25519Verify(signature, message, publicKey) {
    if (!(signature instanceof Uint8Array) || signature.length !== 64) return false
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false
    if (isWeakEd25519Encoding(publicKey)) return false
    try {
      return ed25519.verify(signature, message, publicKey)
    } catch {
      return false
    }
  },
  aeadEncrypt(key, nonce, aad, plaintext, output) {
    abytes(key, 'key', 32)
    abytes(nonce, 'nonce', 12)
    abytes(plaintext, 'plaintext')
    if (output !== undefined) abytes(output, 'AEAD output', plaintext.length + 16)
    // noble writes straight into `output` (no 64 KiB allocation per transport frame).
    return chacha20poly1305(key, nonce, aad).encrypt(plaintext, output)
  },
  aeadDecrypt(key, nonce, aad, ciphertext) {
    abytes(key, 'key', 32)
    abytes(nonce, 'nonce', 12)
    if (ciphertext.length < 16) throw new CryptoError('decrypt', 'ciphertext is shorter than its 16-byte tag')
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(ciphertext)
    } catch (e) {
      throw new CryptoError('decrypt', 'decryption failed: wrong key, or the data was altered', { cause: e })
    }
  },
  xaeadEncrypt(key, nonce, aad, plaintext) {
    abytes(key, 'key', 32)
    abytes(nonce, 'nonce', 24)
    return xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
  },
  xaeadDecrypt(key, nonce, aad, ciphertext) {
    abytes(key, 'key', 32)
    abytes(nonce, 'nonce', 24)
    if (ciphertext.length < 16) throw new CryptoError('decrypt', 'ciphertext is shorter than its 16-byte tag')
    try {
      return xchacha20poly1305(key, nonce, aad).decrypt(ciphertext)
    } catch (e) {
      throw new CryptoError('decrypt', 'decryption failed: wrong key, or the data was altered', { cause: e })
    }
  },
  hash(name, data) {
    return hashes[name](data)
  },
  hmac(name, key, data) {
    return hmac(hashes[name], key, data)
  },
  hkdf(name, ikm, salt, info, length) {
    return hkdf(hashes[name], ikm, salt, info, length)
  },
  blake3(data) {
    return blake3(data)
  },
}
