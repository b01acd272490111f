// The libsodium provider's own behaviour: its cached 64-byte signing keys follow the caller's array,
// provider selection (PAYKIT_CRYPTO), and a process without the addon still starts on the others.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  chooseProvider,
  loadSodiumProvider,
  nativeProvider,
  providers,
  sodiumLoadError,
} from '../../../electron/main/core/crypto'
import { toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { systemRng } from '../../../electron/main/core/util/rng'

const sodium = loadSodiumProvider()

describe('sodium provider', () => {
  it('loads here and passed its known-answer self-test', () => {
    expect(sodiumLoadError()).toBeUndefined()
    expect(sodium?.name).toBe('sodium')
  })

  it('signs with the key the array holds now: rewriting or wiping the secret in place is seen', () => {
    const p = sodium!
    const msg = utf8('receipt 42')
    const secret = systemRng(32)
    const first = p.ed25519Sign(secret, msg)
    expect(toHex(p.ed25519Sign(secret, msg))).toBe(toHex(first)) // the cached path
    expect(toHex(first)).toBe(toHex(nativeProvider.ed25519Sign(secret, msg)))
    const firstPub = p.ed25519PublicKey(secret)

    secret.set(systemRng(32)) // same array, new key
    const second = p.ed25519Sign(secret, msg)
    expect(toHex(second)).toBe(toHex(nativeProvider.ed25519Sign(secret, msg)))
    expect(toHex(second)).not.toBe(toHex(first))
    expect(toHex(p.ed25519PublicKey(secret))).toBe(toHex(nativeProvider.ed25519PublicKey(secret)))
    expect(p.ed25519Verify(second, msg, firstPub)).toBe(false)

    secret.fill(0) // wiped: the zero seed is a valid (if silly) key, and must be what is used
    expect(toHex(p.ed25519Sign(secret, msg))).toBe(toHex(nativeProvider.ed25519Sign(secret, msg)))
  })

  it('two arrays with the same bytes give the same key; a copy is not affected by wiping the original', () => {
    const p = sodium!
    const a = systemRng(32)
    const b = a.slice()
    const pub = toHex(p.ed25519PublicKey(a))
    expect(toHex(p.ed25519PublicKey(b))).toBe(pub)
    a.fill(0)
    expect(toHex(p.ed25519PublicKey(b))).toBe(pub)
    expect(toHex(p.ed25519PublicKey(a))).not.toBe(pub)
  })

  it('refuses wrong-length keys and nonces with a typed error, without touching the inputs', () => {
    const p = sodium!
    const key = systemRng(32)
    const before = toHex(key)
    expect(() => p.x25519PublicKey(new Uint8Array(31))).toThrow(/32 bytes/)
    expect(() => p.x25519(key, new Uint8Array(33))).toThrow(/32 bytes/)
    expect(() => p.ed25519Sign(new Uint8Array(64), utf8('m'))).toThrow(/32 bytes/)
    expect(() => p.aeadEncrypt(key, new Uint8Array(24), new Uint8Array(0), utf8('m'))).toThrow(/12 bytes/)
    expect(() => p.xaeadEncrypt(key, new Uint8Array(12), new Uint8Array(0), utf8('m'))).toThrow(/24 bytes/)
    expect(toHex(key)).toBe(before)
  })
})

describe('provider selection', () => {
  it('defaults to the fastest usable provider; PAYKIT_CRYPTO forces any of them', () => {
    expect(chooseProvider(undefined).name).toBe(providers()[0]!.name)
    expect(chooseProvider(undefined).name).toBe('sodium')
    for (const name of ['sodium', 'native', 'noble'] as const) expect(chooseProvider(name).name).toBe(name)
  })

  it('an unknown PAYKIT_CRYPTO value falls back to the fastest with a warning, not a crash', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(w.message)
    process.on('warning', onWarning)
    expect(chooseProvider('openssl').name).toBe('sodium')
    // emitWarning delivers on a later tick.
    await new Promise((resolve) => setImmediate(resolve))
    process.off('warning', onWarning)
    expect(warnings.some((m) => m.includes('PAYKIT_CRYPTO=openssl'))).toBe(true)
  })

  it('without the addon the process starts on native and noble, and sodium cannot be forced', () => {
    const dir = fileURLToPath(new URL('./fixtures/', import.meta.url))
    const run = (env: Record<string, string>): { providers: string[]; default: string; error: string } => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--import', `${dir}block-sodium.ts`, `${dir}no-sodium.ts`],
        { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 },
      )
      expect(r.status, r.stderr).toBe(0)
      return JSON.parse(r.stdout) as {
        providers: string[]
        default: string
        error: string
        sharedLength: number
      }
    }
    const plain = run({ PAYKIT_CRYPTO: '' })
    expect(plain.providers).toEqual(['native', 'noble'])
    expect(plain.default).toBe('native')
    expect(plain.error).toContain('simulated: no sodium-native prebuild')
    const forced = run({ PAYKIT_CRYPTO: 'sodium' })
    expect(forced.default).toBe('native')
  }, 60_000)
})
