/**
 * @module crypto/native
 * Provider on `node:crypto` (OpenSSL). Raw 32-byte keys are wrapped in fixed DER prefixes because
 * `node:crypto` takes keys as KeyObjects. Primitives OpenSSL does not have (BLAKE3, XChaCha20) and
 * any it lacks at run time fall back to noble, per primitive. BLAKE2s on short input, HMAC-BLAKE2s and
 * the Noise HKDF run on the reused JS hasher of `blake2s.ts` (faster there than a call into OpenSSL,
 * and present where Electron's BoringSSL has no BLAKE2s).
 */
import * as nc from 'node:crypto'
import { abytes, concatBytes, equalBytes, isAllZero } from '../util/bytes'
import { InputError } from '../util/errors'
import { nobleProvider } from './noble'
import { isWeakEd25519Encoding } from './weak-keys'
import { BLAKE2S_LEN, SHORT_INPUT, blake2sInto, hmacBlake2sInto, noiseHkdfBlake2s } from './blake2s'
import { noiseHkdfWithHmac } from './noise-hkdf'
import { CryptoError, HASH_LEN, type CryptoProvider, type HashName } from './provider'

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

/**
 * One-shot `crypto.hash` (Node >= 20.12) skips the Hash stream object that `createHash` builds:
 * about half the cost for the short inputs of a handshake (Noise's mixHash runs ~8 times per
 * handshake). Electron builds on older Node fall back to `createHash`.
 */
const oneShotHash: ((algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer) | undefined =
  typeof (nc as { hash?: unknown }).hash === 'function' ? nc.hash : undefined

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length)
const b64url = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url')
const ZERO_X = b64url(new Uint8Array(32))

const derPrivate = (prefix: Uint8Array, secret: Uint8Array): nc.KeyObject =>
  nc.createPrivateKey({ key: Buffer.from(concatBytes(prefix, secret)), format: 'der', type: 'pkcs8' })
const derPublic = (prefix: Uint8Array, pub: Uint8Array): nc.KeyObject =>
  nc.createPublicKey({ key: Buffer.from(concatBytes(prefix, pub)), format: 'der', type: 'spki' })

type Okp = 'X25519' | 'Ed25519'

/**
 * Speed: importing a raw key as JWK is about 10x faster than through the DER decoder of OpenSSL 3.
 * A private JWK must carry `x`, but Node derives the public half from `d` and ignores `x`, so a
 * placeholder is passed. That behaviour is checked once at load (RFC 7748 / RFC 8032 keys); if it
 * ever changes, the DER path is used instead.
 */
function jwkPrivate(crv: Okp, secret: Uint8Array): nc.KeyObject {
  return nc.createPrivateKey({ key: { kty: 'OKP', crv, d: b64url(secret), x: ZERO_X }, format: 'jwk' })
}
const rawPublic = (key: nc.KeyObject): Uint8Array => {
  const x = (key.type === 'private' ? nc.createPublicKey(key) : key).export({ format: 'jwk' }).x
  return u8(Buffer.from(x ?? '', 'base64url'))
}

const jwkWorks: boolean = (() => {
  try {
    const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex')
    const edSk = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex')
    const xPub = rawPublic(jwkPrivate('X25519', alice))
    const edPub = rawPublic(jwkPrivate('Ed25519', edSk))
    return (
      Buffer.from(xPub).toString('hex') ===
        '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a' &&
      Buffer.from(edPub).toString('hex') ===
        'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'
    )
  } catch {
    return false
  }
})()

/**
 * KeyObjects for secrets, cached per caller array (a long-lived static key is imported once, an
 * ephemeral once per handshake). An entry is used only while the array still holds the bytes it was
 * made from; wiping the array invalidates it (the entry's copy is then wiped and dropped), and the
 * entry goes when the array is collected. The copy lives exactly as long as the KeyObject, which
 * holds the same secret and which Node cannot wipe at all.
 */
const privateCache: Record<Okp, WeakMap<Uint8Array, { copy: Uint8Array; key: nc.KeyObject }>> = {
  X25519: new WeakMap(),
  Ed25519: new WeakMap(),
}

function privateKey(crv: Okp, secret: Uint8Array): nc.KeyObject {
  const cache = privateCache[crv]
  const hit = cache.get(secret)
  if (hit) {
    if (equalBytes(hit.copy, secret)) return hit.key
    hit.copy.fill(0)
    cache.delete(secret)
  }
  const key = jwkWorks
    ? jwkPrivate(crv, secret)
    : derPrivate(crv === 'X25519' ? X25519_PKCS8 : ED25519_PKCS8, secret)
  cache.set(secret, { copy: secret.slice(), key })
  return key
}

/** Public KeyObjects repeat (payers, merchants): a small bounded cache keyed by the key bytes. */
const publicCache: Record<Okp, Map<string, nc.KeyObject>> = { X25519: new Map(), Ed25519: new Map() }
function publicKey(crv: Okp, pub: Uint8Array): nc.KeyObject {
  const cache = publicCache[crv]
  const id = b64url(pub)
  let key = cache.get(id)
  if (!key) {
    key = jwkWorks
      ? nc.createPublicKey({ key: { kty: 'OKP', crv, x: id }, format: 'jwk' })
      : derPublic(crv === 'X25519' ? X25519_SPKI : ED25519_SPKI, pub)
    if (cache.size >= 1024) cache.clear()
    cache.set(id, key)
  }
  return key
}

const x25519Private = (secret: Uint8Array): nc.KeyObject => privateKey('X25519', secret)
const x25519Public = (pub: Uint8Array): nc.KeyObject => publicKey('X25519', pub)
const ed25519Private = (secret: Uint8Array): nc.KeyObject => privateKey('Ed25519', secret)
const ed25519Public = (pub: Uint8Array): nc.KeyObject => publicKey('Ed25519', pub)

const EMPTY = new Uint8Array(0)

/**
 * HASH(a ‖ b) into `out`. BLAKE2s on short input (every MixHash but the one over a handshake payload)
 * runs on the reused JS hasher of `blake2s.ts`, which beats a call into OpenSSL there; longer input,
 * and the SHA-2 hashes, go to OpenSSL.
 */
function hashInto(name: HashName, out: Uint8Array, a: Uint8Array, b: Uint8Array = EMPTY): Uint8Array {
  if (name === 'blake2s' && (!nativeHash.blake2s || a.length + b.length <= SHORT_INPUT))
    return blake2sInto(out, a, b)
  if (!(out instanceof Uint8Array) || out.length !== HASH_LEN[name])
    throw new InputError(`a ${name} output buffer must be ${HASH_LEN[name]} bytes`)
  if (!nativeHash[name]) return nobleProvider.hashInto(name, out, a, b)
  out.set(nc.createHash(OPENSSL_HASH[name]).update(a).update(b).digest())
  return out
}

/**
 * The Noise HKDF. BLAKE2s (every Pubky suite): five HKDFs of three HMACs each per handshake on the
 * reused hasher, allocation-free. SHA-2: three OpenSSL HMACs (measured as fast as one native HKDF call).
 */
function noiseHkdf(
  name: HashName,
  chainingKey: Uint8Array,
  ikm: Uint8Array,
  out1: Uint8Array,
  out2: Uint8Array,
  out3?: Uint8Array,
): void {
  if (name === 'blake2s') return noiseHkdfBlake2s(chainingKey, ikm, out1, out2, out3)
  if (!nativeHash[name]) return nobleProvider.noiseHkdf(name, chainingKey, ikm, out1, out2, out3)
  const hmac = (key: Uint8Array, data: Uint8Array): Uint8Array =>
    u8(nc.createHmac(OPENSSL_HASH[name], key).update(data).digest())
  noiseHkdfWithHmac(hmac, HASH_LEN[name], chainingKey, ikm, out1, out2, out3)
}

export const nativeProvider: CryptoProvider = {
  name: 'native',
  x25519PublicKey(secret) {
    abytes(secret, 'x25519 secret', 32)
    return rawPublic(x25519Private(secret))
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
    return rawPublic(ed25519Private(secret))
  },
  ed25519Sign(secret, message) {
    abytes(secret, 'ed25519 secret', 32)
    return u8(nc.sign(null, message, ed25519Private(secret)))
  },
  ed25519Verify(signature, message, publicKey) {
    if (!(signature instanceof Uint8Array) || signature.length !== 64) return false
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false
    if (isWeakEd25519Encoding(publicKey)) return false
    try {
      return nc.verify(null, message, ed25519Public(publicKey), signature)
    } catch {
      return false
    }
  },
  aeadEncrypt(key, nonce, aad, plaintext, output) {
    abytes(key, 'key', 32)
    abytes(nonce, 'nonce', 12)
    if (output !== undefined) abytes(output, 'AEAD output', plaintext.length + 16)
    const c = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    c.setAAD(aad, { plaintextLength: plaintext.length })
    const body = c.update(plaintext)
    c.final()
    // OpenSSL's stream API always returns its own buffer: one copy into `output`, as concat would do.
    if (output === undefined) return concatBytes(body, c.getAuthTag())
    output.set(body)
    output.set(c.getAuthTag(), body.length)
    return output
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
    if (name === 'blake2s' && (!nativeHash.blake2s || data.length <= SHORT_INPUT))
      return blake2sInto(new Uint8Array(BLAKE2S_LEN), data)
    if (!nativeHash[name]) return nobleProvider.hash(name, data)
    if (oneShotHash) return u8(oneShotHash(OPENSSL_HASH[name], data, 'buffer'))
    return u8(nc.createHash(OPENSSL_HASH[name]).update(data).digest())
  },
  hashInto(name, out, a, b) {
    return hashInto(name, out, a, b)
  },
  hmac(name, key, data) {
    if (name === 'blake2s') return hmacBlake2sInto(new Uint8Array(BLAKE2S_LEN), key, data)
    if (!nativeHash[name]) return nobleProvider.hmac(name, key, data)
    return u8(nc.createHmac(OPENSSL_HASH[name], key).update(data).digest())
  },
  noiseHkdf(name, chainingKey, ikm, out1, out2, out3) {
    noiseHkdf(name, chainingKey, ikm, out1, out2, out3)
  },
  hkdf(name, ikm, salt, info, length) {
    if (!nativeHash[name]) return nobleProvider.hkdf(name, ikm, salt, info, length)
    return new Uint8Array(nc.hkdfSync(OPENSSL_HASH[name], ikm, salt, info, length))
  },
  blake3: nobleProvider.blake3,
  randomBytes: nobleProvider.randomBytes, // node:crypto's randomFillSync, with the count checked
}
