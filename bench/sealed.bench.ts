/**
 * Sealed Blob v1 throughput (1 KiB payload) per crypto provider, beside the bare primitive floor
 * measured in the same run: one X25519 DH + HKDF-SHA256 + ChaCha20-Poly1305 over the same bytes,
 * called directly with keys prepared in advance. The native rows are measured against the node:crypto
 * floor (the brief's target: open >= 0.5x floor); the noble rows against the same three primitives
 * called directly in @noble, so the ratio shows our overhead rather than the JS/OpenSSL gap.
 * The sodium rows are measured against the same three steps called directly in libsodium (DH,
 * AEAD) and OpenSSL (HKDF-SHA256, which libsodium's binding lacks), as the provider does them.
 * Seal does one more scalar multiplication than the floor (the ephemeral public key), so its ratio is
 * reported without a target.
 */
import * as nc from 'node:crypto'
import { createRequire } from 'node:module'
import { x25519 } from '@noble/curves/ed25519.js'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { providers, type CryptoProvider } from '../electron/main/core/crypto'
import { clampX25519Secret } from '../electron/main/core/keys/device-key'
import { openSealedBlob, sealV1 } from '../electron/main/core/sealed'
import type { BenchRow } from './types'

const PAYLOAD = new Uint8Array(1024).fill(0x61)
const AAD =
  'paykit:v0:request:/pub/paykit.app/v0/requests/55340b54f918470e1f025a80bb3347934fad3f57189eef303d620e65468cde80/req-12345:req-12345'
const AAD_BYTES = new TextEncoder().encode(AAD)
const INFO = new TextEncoder().encode('paykit-sealed-blob-v1')

/** Operations per second of `fn`, after a short warm-up, over about `ms` milliseconds. */
function opsPerSecond(fn: () => void, ms: number): number {
  for (let i = 0; i < 20; i++) fn()
  let n = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < ms) {
    for (let i = 0; i < 10; i++) fn()
    n += 10
    elapsed = performance.now() - start
  }
  return (n * 1000) / elapsed
}

function nativeFloor(ms: number): { seal: number; open: number } {
  const a = nc.generateKeyPairSync('x25519')
  const b = nc.generateKeyPairSync('x25519')
  const salt = new Uint8Array(64).fill(1)
  const nonce = new Uint8Array(12).fill(2)
  const encrypt = (key: Uint8Array): { body: Buffer; tag: Buffer } => {
    const c = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    c.setAAD(AAD_BYTES, { plaintextLength: PAYLOAD.length })
    const body = Buffer.concat([c.update(PAYLOAD), c.final()])
    return { body, tag: c.getAuthTag() }
  }
  const derive = (): Uint8Array => {
    const ss = nc.diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey })
    return new Uint8Array(nc.hkdfSync('sha256', ss, salt, INFO, 32))
  }
  const sealed = encrypt(derive())
  const seal = opsPerSecond(() => void encrypt(derive()), ms)
  const open = opsPerSecond(() => {
    const d = nc.createDecipheriv('chacha20-poly1305', derive(), nonce, { authTagLength: 16 })
    d.setAAD(AAD_BYTES, { plaintextLength: sealed.body.length })
    d.setAuthTag(sealed.tag)
    d.update(sealed.body)
    d.final()
  }, ms)
  return { seal, open }
}

function nobleFloor(ms: number): { seal: number; open: number } {
  const sk = clampX25519Secret(new Uint8Array(32).fill(3))
  const pk = x25519.getPublicKey(clampX25519Secret(new Uint8Array(32).fill(4)))
  const salt = new Uint8Array(64).fill(1)
  const nonce = new Uint8Array(12).fill(2)
  const derive = (): Uint8Array => hkdf(sha256, x25519.getSharedSecret(sk, pk), salt, INFO, 32)
  const ct = chacha20poly1305(derive(), nonce, AAD_BYTES).encrypt(PAYLOAD)
  return {
    seal: opsPerSecond(() => void chacha20poly1305(derive(), nonce, AAD_BYTES).encrypt(PAYLOAD), ms),
    open: opsPerSecond(() => void chacha20poly1305(derive(), nonce, AAD_BYTES).decrypt(ct), ms),
  }
}

interface Sodium {
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void
  crypto_aead_chacha20poly1305_ietf_encrypt(
    c: Uint8Array,
    m: Uint8Array,
    ad: Uint8Array,
    nsec: null,
    npub: Uint8Array,
    k: Uint8Array,
  ): number
  crypto_aead_chacha20poly1305_ietf_decrypt(
    m: Uint8Array,
    nsec: null,
    c: Uint8Array,
    ad: Uint8Array,
    npub: Uint8Array,
    k: Uint8Array,
  ): number
}

function sodiumFloor(ms: number): { seal: number; open: number } {
  const s = createRequire(import.meta.url)('sodium-native') as Sodium
  const sk = new Uint8Array(32).fill(3)
  const pk = new Uint8Array(32)
  s.crypto_scalarmult_base(pk, new Uint8Array(32).fill(4))
  const salt = new Uint8Array(64).fill(1)
  const nonce = new Uint8Array(12).fill(2)
  const derive = (): Uint8Array => {
    const ss = new Uint8Array(32)
    s.crypto_scalarmult(ss, sk, pk)
    return new Uint8Array(nc.hkdfSync('sha256', ss, salt, INFO, 32))
  }
  const encrypt = (): Uint8Array => {
    const ct = new Uint8Array(PAYLOAD.length + 16)
    s.crypto_aead_chacha20poly1305_ietf_encrypt(ct, PAYLOAD, AAD_BYTES, null, nonce, derive())
    return ct
  }
  const ct = encrypt()
  return {
    seal: opsPerSecond(() => void encrypt(), ms),
    open: opsPerSecond(() => {
      const m = new Uint8Array(PAYLOAD.length)
      s.crypto_aead_chacha20poly1305_ietf_decrypt(m, null, ct, AAD_BYTES, nonce, derive())
    }, ms),
  }
}

const FLOOR_NAME = { sodium: 'libsodium + node:crypto HKDF', native: 'node:crypto', noble: '@noble' } as const

function measure(provider: CryptoProvider, ms: number): { seal: number; open: number } {
  const secretKey = clampX25519Secret(new Uint8Array(32).fill(5))
  const pair = { secretKey, publicKey: provider.x25519PublicKey(secretKey) }
  const envelope = sealV1(pair.publicKey, PAYLOAD, AAD, { provider, purpose: 'request' })
  return {
    seal: opsPerSecond(() => void sealV1(pair.publicKey, PAYLOAD, AAD, { provider, purpose: 'request' }), ms),
    open: opsPerSecond(() => void openSealedBlob(envelope, pair, AAD, { provider }), ms),
  }
}

export async function run({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const ms = quick ? 300 : 2000
  const rows: BenchRow[] = []
  const floorOf = { sodium: sodiumFloor, native: nativeFloor, noble: nobleFloor }
  for (const provider of providers()) {
    const floor = floorOf[provider.name](ms)
    const ours = measure(provider, ms)
    const floorName = `bare DH+HKDF+ChaCha20-Poly1305 (${FLOOR_NAME[provider.name]})`
    rows.push({
      group: 'sealed',
      metric: `Sealed Blob v1 seal/s, 1 KiB (${provider.name})`,
      value: ours.seal,
      unit: 'ops/s',
      baseline: { name: floorName, value: floor.seal },
      ratio: ours.seal / floor.seal,
    })
    rows.push({
      group: 'sealed',
      metric: `Sealed Blob v1 open/s, 1 KiB (${provider.name})`,
      value: ours.open,
      unit: 'ops/s',
      baseline: { name: floorName, value: floor.open },
      ratio: ours.open / floor.open,
      target: '>= 0.5x',
      met: ours.open / floor.open >= 0.5,
    })
  }
  return rows
}
