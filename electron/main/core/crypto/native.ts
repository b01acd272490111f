/**
 * @module crypto/native
 * Provider on `node:crypto` (OpenSSL). Raw 32-byte keys are wrapped in fixed DER prefixes because
 * `node:crypto` takes keys as KeyObjects. Primitives OpenSSL does not have (BLAKE3, XChaCha20) and
 * any it lacks at run time (Electron's BoringSSL has no BLAKE2s) fall back to noble, per primitive.
 */
import * as nc from 'node:crypto'
import { abytes, concatBytes, isAllZero } from '../util/bytes'
import { nobleProvider } from './noble'
import { isWeakEd25519PublicKey } from './weak-keys'
import { CryptoError, type CryptoProvider, type HashName } from './provider'

// PKCS#8 / SPKI DER prefixes for raw X25519 and Ed25519 keys (RFC 8410).
const X25519_PKCS8 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
])
const X25519_SPKI = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00])
const ED25519_PKCS8 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])
const ED25519_SPKI = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

const OPENSSL_HASH: Record<HashName, string> = { sha256: 'sha256', sha512: 'sha512', blake2s: 'blake2s256' }

function hasHash(name: string): boolean {
  try {
    nc.createHash(name).update('').digest()
    nc.createHmac(name, 'k').update('').digest()
    return true
  } catch {
    return false
  }
}

const nativeHash: Record<HashName, boolean> = {
  sha256: hasHash('sha256'),
  sha512: hasHash('sha512'),
  blake2s: hasHash('blake2s256'),
}

const x25519Private = (secret: Uint8Array): nc.KeyObject =>
  nc.createPrivateKey({ key: Buffer.from(concatBytes(X25519_PKCS8, secret)), format: 'der', type: 'pkcs8' })
const x25519Public = (pub: Uint8Array): nc.KeyObject =>
  nc.createPublicKey({ key: Buffer.from(concatBytes(X25519_SPKI, pub)), format: 'der', type: 'spki' })
const ed25519Private = (secret: Uint8Array): nc.KeyObject =>
  nc.createPrivateKey({ key: Buffer.from(concatBytes(ED25519_PKCS8, secret)), format: 'der', type: 'pkcs8' })
const ed25519Public = (pub: Uint8Array): nc.KeyObject =>
  nc.createPublicKey({ key: Buffer.from(concatBytes(ED25519_SPKI, pub)), format: 'der', type: 'spki' })

const rawPublic = (key: nc.KeyObject): Uint8Array => {
  const der = key.export({ format: 'der', type: 'spki' })
  return new Uint8Array(der.subarray(der.length - 32))
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length)

export const nativeProvider: CryptoProvider = {
  name: 'native',
  x25519PublicKey(secret) {
    abytes(secret, 'x25519 secret', 32)
    return rawPublic(nc.createPublicKey(x25519Private(secret)))
  },
  x25519(secret, peerPublic) {
    abytes(secret, 'x25519 secret', 32)
    abytes(peerPublic, 'x25519 public key', 32)
    let shared: Uint8Array
    try {
      shared = u8(
        nc.diffieHellman({ privateKey: x25519Private(secret), publicKey: x25519Public(peerPublic) }),
      )
    } catch (e) {
      // OpenSSL refuses an all-zero result (low-order point) with an error of its own.
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
    return rawPublic(nc.createPublicKey(ed25519Private(secret)))
  },
  ed25519Sign(secret, message) {
    abytes(secret, 'ed25519 secret', 32)
    return u8(nc.sign(null, message, ed25519Private(secret)))
  },
  ed25519Verify(signature, message, publicKey) {
    if (!(signature instanceof Uint8Array) || signature.length !== 64) return false
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false
    if (isWeakEd25519PublicKey(publicKey)) return false
    try {
      return nc.verify(null, message, ed25519Public(publicKey), signature)
    } catch {
      return false
    }
  },
  aeadEncrypt(key, nonce, aad, plaintext) {
    abytes(key, 'key', 32)
    abytes(nonce, 'nonce', 12)
    const c = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    c.setAAD(aad, { plaintextLength: plaintext.length })
    const body = c.update(plaintext)
    c.final()
    return concatBytes(body, c.getAuthTag())
  },
  aeadDecrypt(key, nonce, aad, ciphertext) {
    abytes(key, 'key', 32)
    abytes(nonce, 'nonce', 12)
    if (ciphertext.length < 16) throw new CryptoError('decrypt', 'ciphertext is shorter than its 16-byte tag')
    const tagAt = ciphertext.length - 16
    const d = nc.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    d.setAAD(aad, { plaintextLength: tagAt })
    d.setAuthTag(ciphertext.subarray(tagAt))
    const body = d.update(ciphertext.subarray(0, tagAt))
    try {
      d.final()
    } catch (e) {
      body.fill(0)
      throw new CryptoError('decrypt', 'decryption failed: wrong key, or the data was altered', { cause: e })
    }
    return u8(body)
  },
  xaeadEncrypt: nobleProvider.xaeadEncrypt,
  xaeadDecrypt: nobleProvider.xaeadDecrypt,
  hash(name, data) {
    if (!nativeHash[name]) return nobleProvider.hash(name, data)
    return u8(nc.createHash(OPENSSL_HASH[name]).update(data).digest())
  },
  hmac(name, key, data) {
    if (!nativeHash[name]) return nobleProvider.hmac(name, key, data)
    return u8(nc.createHmac(OPENSSL_HASH[name], key).update(data).digest())
  },
  hkdf(name, ikm, salt, info, length) {
    if (!nativeHash[name]) return nobleProvider.hkdf(name, ikm, salt, info, length)
    return new Uint8Array(nc.hkdfSync(OPENSSL_HASH[name], ikm, salt, info, length))
  },
  blake3: nobleProvider.blake3,
}
