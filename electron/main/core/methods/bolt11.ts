/**
 * @module methods/bolt11
 * BOLT11 invoice parsing with light-bolt11-decoder (bech32 checksum, HRP, tagged fields), giving
 * network, amount, expiry and payment hash, on top of the reference's prefix heuristic.
 *
 * Not checked here: the invoice signature against the payee node key (that needs secp256k1
 * public-key recovery, which is outside the CryptoProvider port). A result carries a warning so
 * callers never mistake a parse for proof of who issued the invoice.
 */
import { decode } from 'light-bolt11-decoder'
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import { MethodError, type Network } from './errors'

export interface Bolt11Invoice {
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
  readonly warnings: readonly string[]
}

export const SIGNATURE_NOT_CHECKED = 'Invoice signature is not verified against the payee node key'
const MAX_INVOICE_CHARS = 7_089 // BOLT11 QR-code practical ceiling; longer inputs are refused

const NETWORK_BY_HRP: Record<string, Network> = {
  bc: 'mainnet',
  tb: 'testnet',
  tbs: 'signet',
  bcrt: 'regtest',
}

export interface Bolt11Options {
  /** Required network; a mismatch is `wrong-network`. */
  network?: Network
  /** When given, an expired invoice is `invoice-expired`. */
  clock?: Clock
}

/** Parses and checks a BOLT11 invoice (optional `lightning:` prefix, either case). */
export function parseBolt11(input: string, options: Bolt11Options = {}): Bolt11Invoice {
  if (typeof input !== 'string') throw new MethodError('invalid-invoice', 'invoice must be text')
  let text = input.trim()
  if (/^lightning:/i.test(text)) text = text.slice('lightning:'.length)
  if (text.length > MAX_INVOICE_CHARS) throw new MethodError('invalid-invoice', 'invoice is too long')
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
    throw new MethodError('invalid-invoice', 'invoice mixes upper and lower case (invalid bech32)')
  }
  text = text.toLowerCase()
  let decoded: ReturnType<typeof decode>
  try {
    decoded = decode(text)
  } catch (e) {
    throw new MethodError('invalid-invoice', `not a valid BOLT11 invoice: ${(e as Error).message}`)
  }
  const sections = decoded.sections
  const find = <N extends string>(name: N): (typeof sections)[number] | undefined =>
    sections.find((s) => s.name === name)
  const coin = find('coin_network') as { value?: { bech32: string } } | undefined
  const network = coin?.value ? NETWORK_BY_HRP[coin.value.bech32] : undefined
  if (!network) throw new MethodError('invalid-invoice', 'invoice is for an unsupported network (simnet?)')
  if (options.network && options.network !== network) {
    throw new MethodError('wrong-network', `invoice is for ${network}, expected ${options.network}`)
  }
  const amount = find('amount') as { value: string } | undefined
  const amountMsat = amount ? BigInt(amount.value) : null
  const hash = find('payment_hash') as { value: string } | undefined
  if (!hash || !/^[0-9a-f]{64}$/.test(hash.value)) {
    throw new MethodError('invalid-invoice', 'invoice has no valid payment hash')
  }
  const ts = find('timestamp') as { value: number } | undefined
  if (!ts) throw new MethodError('invalid-invoice', 'invoice has no timestamp')
  const exp = find('expiry') as { value: number } | undefined
  const expirySecs = exp ? exp.value : 3600
  const desc = find('description') as { value: string } | undefined
  const descHash = sections.find((s) => (s as { name: string }).name === 'description_hash') as
    { value: string } | undefined
  const warnings = [SIGNATURE_NOT_CHECKED]
  if (amountMsat !== null && amountMsat % 1000n !== 0n) warnings.push('Amount has sub-satoshi precision')
  const result: Bolt11Invoice = {
    invoice: text,
    network,
    amountMsat,
    amountSats: amountMsat === null ? null : (amountMsat + 999n) / 1000n,
    paymentHash: hash.value,
    timestamp: ts.value,
    expirySecs,
    expiresAt: ts.value + expirySecs,
    description: desc ? desc.value : null,
    descriptionHash: descHash ? descHash.value : null,
    warnings,
  }
  if (options.clock && nowSeconds(options.clock) >= result.expiresAt) {
    throw new MethodError('invoice-expired', `invoice expired at ${result.expiresAt} (Unix seconds)`)
  }
  return result
}
