/**
 * @module methods/bolt11
 * BOLT11 invoices as a payment-method endpoint: the validator the directory and BIP21 use, on top
 * of the one strict decoder (payments/bolt11-decode.ts: bech32 checksum, tagged-field rules,
 * feature bits, and the signature verified with the payee node key recovered or taken from `n`).
 * What this layer adds is the method vocabulary: the `mainnet`/`testnet`/… network names, hex
 * strings for hashes and keys, whole-sat amounts, the expected-network and expiry checks, and
 * `MethodError` codes (`invalid-invoice`, `wrong-network`, `invoice-expired`).
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import { toHex } from '../util/bytes'
import { toPaykitError } from '../util/errors'
import { decodeBolt11, type DecodedBolt11 } from '../payments/bolt11-decode'
import type { Bolt11Network } from '../payments/bolt11-format'
import { MethodError, type Network } from './errors'

export interface Bolt11Invoice {
  /** The invoice in lowercase, without a `lightning:` scheme. */
  readonly invoice: string
  readonly network: Network
  /** null for "any amount" invoices. */
  readonly amountMsat: bigint | null
  /** Whole satoshis (amountMsat / 1000, rounded up), or null. */
  readonly amountSats: bigint | null
  readonly paymentHash: string
  readonly timestamp: number
  /** Relative expiry in seconds (default 3600 when the invoice has no `x` field). */
  readonly expirySecs: number
  readonly expiresAt: number
  readonly description: string | null
  readonly descriptionHash: string | null
  /** 33-byte compressed key (hex) of the node whose signature the invoice carries (verified). */
  readonly payeeNodeKey: string
  readonly warnings: readonly string[]
}

const NETWORK: Record<Bolt11Network, Network> = {
  bitcoin: 'mainnet',
  testnet: 'testnet',
  signet: 'signet',
  regtest: 'regtest',
}

export interface Bolt11Options {
  /** Required network; a mismatch is `wrong-network`. */
  network?: Network
  /** When given, an expired invoice is `invoice-expired`. */
  clock?: Clock
  crypto?: CryptoProvider
}

function decode(text: string, crypto: CryptoProvider): DecodedBolt11 {
  try {
    return decodeBolt11(text, crypto)
  } catch (e) {
    // The decoder's code names the failed check (bolt11-bad-signature, …); keep it in the message.
    const pe = toPaykitError(e)
    throw new MethodError('invalid-invoice', `not a valid BOLT11 invoice (${pe.code}): ${pe.message}`, {
      cause: e,
    })
  }
}

/**
 * Parses and checks a BOLT11 invoice (optional `lightning:` prefix, either case): a well-formed,
 * correctly signed invoice for a known network; then the expected network and expiry if asked.
 */
export function parseBolt11(input: string, options: Bolt11Options = {}): Bolt11Invoice {
  if (typeof input !== 'string') throw new MethodError('invalid-invoice', 'invoice must be text')
  const d = decode(input, options.crypto ?? defaultProvider())
  const network = NETWORK[d.network]
  if (options.network && options.network !== network) {
    throw new MethodError('wrong-network', `invoice is for ${network}, expected ${options.network}`)
  }
  const warnings: string[] = []
  if (d.amountMsat !== null && d.amountMsat % 1000n !== 0n) warnings.push('Amount has sub-satoshi precision')
  const result: Bolt11Invoice = {
    invoice: d.invoice,
    network,
    amountMsat: d.amountMsat,
    amountSats: d.amountMsat === null ? null : (d.amountMsat + 999n) / 1000n,
    paymentHash: toHex(d.paymentHash),
    timestamp: d.timestamp,
    expirySecs: d.expirySecs,
    expiresAt: d.expiresAt,
    description: d.description,
    descriptionHash: d.descriptionHash === null ? null : toHex(d.descriptionHash),
    payeeNodeKey: toHex(d.payeeNodeKey),
    warnings,
  }
  if (options.clock && nowSeconds(options.clock) >= result.expiresAt) {
    throw new MethodError('invoice-expired', `invoice expired at ${result.expiresAt} (Unix seconds)`)
  }
  return result
}
