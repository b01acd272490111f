/**
 * @module crypto
 * Picks the provider: native (`node:crypto`) when it has the curve primitives, noble otherwise.
 * `PAYKIT_CRYPTO=noble` forces the pure-JS path (used by tests and the benchmark).
 */
import { nativeProvider } from './native'
import { nobleProvider } from './noble'
import type { CryptoProvider } from './provider'

export type { CryptoProvider, HashName } from './provider'
export { CryptoError } from './provider'
export { nativeProvider, nobleProvider }

function nativeWorks(): boolean {
  try {
    const pub = nativeProvider.x25519PublicKey(new Uint8Array(32).fill(7))
    nativeProvider.ed25519PublicKey(new Uint8Array(32).fill(7))
    nativeProvider.aeadEncrypt(new Uint8Array(32), new Uint8Array(12), new Uint8Array(0), pub)
    return true
  } catch {
    return false
  }
}

let chosen: CryptoProvider | undefined

/** The process-wide default provider. */
export function defaultProvider(): CryptoProvider {
  if (!chosen) {
    chosen = process.env['PAYKIT_CRYPTO'] === 'noble' || !nativeWorks() ? nobleProvider : nativeProvider
  }
  return chosen
}

/** Every provider usable in this process, for tests that must run the same vectors through each. */
export function providers(): CryptoProvider[] {
  return nativeWorks() ? [nativeProvider, nobleProvider] : [nobleProvider]
}
