/**
 * @module crypto
 * Picks the provider: the fastest one that loads and passes its self-check, in the order sodium
 * (libsodium through `sodium-native`), native (`node:crypto`, when it has the curve primitives),
 * noble (pure JS, always). `PAYKIT_CRYPTO=sodium|native|noble` forces one (tests, benchmarks,
 * diagnosing a platform); a forced provider that cannot run here falls back to that order with a
 * process warning instead of crashing.
 */
import { nativeProvider } from './native'
import { nobleProvider } from './noble'
import { loadSodiumProvider, sodiumLoadError } from './sodium'
import type { CryptoProvider, ProviderName } from './provider'

export type { CryptoProvider, HashName, ProviderName } from './provider'
export { CryptoError } from './provider'
export { nativeProvider, nobleProvider, loadSodiumProvider, sodiumLoadError }

let nativeOk: boolean | undefined

function nativeWorks(): boolean {
  if (nativeOk === undefined) {
    try {
      const pub = nativeProvider.x25519PublicKey(new Uint8Array(32).fill(7))
      nativeProvider.ed25519PublicKey(new Uint8Array(32).fill(7))
      nativeProvider.aeadEncrypt(new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), pub)
      nativeOk = true
    } catch {
      nativeOk = false
    }
  }
  return nativeOk
}

/** Every provider usable in this process, fastest first, for tests that must run the same vectors through each. */
export function providers(): CryptoProvider[] {
  const out: CryptoProvider[] = []
  const sodium = loadSodiumProvider()
  if (sodium) out.push(sodium)
  if (nativeWorks()) out.push(nativeProvider)
  out.push(nobleProvider)
  return out
}

const NAMES: readonly ProviderName[] = ['sodium', 'native', 'noble']

/**
 * The provider `PAYKIT_CRYPTO` names, or the fastest usable one. Exported for tests; the process
 * uses `defaultProvider()`, which chooses once.
 */
export function chooseProvider(forced: string | undefined = process.env['PAYKIT_CRYPTO']): CryptoProvider {
  const usable = providers()
  const fastest = usable[0]!
  if (forced === undefined || forced === '') return fastest
  if (!(NAMES as readonly string[]).includes(forced)) {
    process.emitWarning(
      `PAYKIT_CRYPTO=${forced} is not one of ${NAMES.join(', ')}; using ${fastest.name}`,
      'PaykitCryptoWarning',
    )
    return fastest
  }
  const hit = usable.find((p) => p.name === forced)
  if (hit) return hit
  const why = forced === 'sodium' ? ` (${String(sodiumLoadError() ?? 'did not load')})` : ''
  process.emitWarning(
    `PAYKIT_CRYPTO=${forced} cannot run in this process${why}; using ${fastest.name}`,
    'PaykitCryptoWarning',
  )
  return fastest
}

let chosen: CryptoProvider | undefined

/** The process-wide default provider (chosen on first use). */
export function defaultProvider(): CryptoProvider {
  chosen ??= chooseProvider()
  return chosen
}
