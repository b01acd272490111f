/**
 * Shared helpers for the payment-rail tests: which `PaymentError` code a call fails with, and a
 * fresh regtest address to pay to.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { Address, p2wpkh } from '@scure/btc-signer'
import { CHAIN_PARAMS } from '../../../electron/main/core/payments/chain'
import { PaymentError } from '../../../electron/main/core/payments/errors'

/** The `code` of the PaymentError `fn` throws; anything else thrown (or nothing) fails the test. */
export function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof PaymentError) return e.code
    throw e
  }
  throw new Error('expected a PaymentError, nothing was thrown')
}

/** The PaymentError `p` rejects with; anything else (or a resolution) fails the test. */
export async function rejection(p: Promise<unknown>): Promise<PaymentError> {
  try {
    await p
  } catch (e) {
    if (e instanceof PaymentError) return e
    throw e
  }
  throw new Error('expected a PaymentError, nothing was thrown')
}

export async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  return (await rejection(p)).code
}

/** A P2WPKH regtest address of a fresh random key. */
export function regtestAddress(): string {
  const key = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true)
  return Address(CHAIN_PARAMS.regtest).encode(p2wpkh(key, CHAIN_PARAMS.regtest))
}
