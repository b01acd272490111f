/**
 * @module methods/bip21
 * BIP21 `bitcoin:` URIs: address checked with @scure/btc-signer (see `onchain.ts`), `amount` in
 * BTC converted to satoshis exactly (at most 8 decimal places, no exponent), `label`/`message`
 * decoded, an optional `lightning=` BOLT11 fallback (unified QR) parsed, and any unknown `req-`
 * parameter rejected as BIP21 requires.
 */
import { Amount } from '../money/amount'
import { parseQuery, UriError } from '../uri/percent'
import { MethodError, type Network } from './errors'
import { validateOnchainAddress, type OnchainAddress } from './onchain'
import { parseBolt11, type Bolt11Invoice, type Bolt11Options } from './bolt11'

export interface Bip21 {
  /** null when only a `lightning=` invoice is given (`bitcoin:?lightning=…`). */
  readonly address: OnchainAddress | null
  readonly amountSats: bigint | null
  readonly label: string | null
  readonly message: string | null
  readonly lightning: Bolt11Invoice | null
  /** Other non-`req-` parameters, verbatim (e.g. `pj`). */
  readonly extra: ReadonlyMap<string, string>
  readonly warnings: readonly string[]
}

const SATS_PER_BTC_DIGITS = 8

/** BTC decimal string → satoshis, exactly. */
export function btcToSats(text: string): bigint {
  let a: Amount
  try {
    a = Amount.parse(text)
  } catch (e) {
    throw new MethodError('invalid-amount', `BIP21 amount "${text}": ${(e as Error).message}`)
  }
  if (a.scale > SATS_PER_BTC_DIGITS) {
    throw new MethodError('invalid-amount', `BIP21 amount "${text}" has more than 8 decimal places`)
  }
  if (!a.isPositive()) throw new MethodError('invalid-amount', `BIP21 amount "${text}" must be positive`)
  const sats = a.mantissa * 10n ** BigInt(SATS_PER_BTC_DIGITS - a.scale)
  if (sats > 2_100_000_000_000_000n)
    throw new MethodError('invalid-amount', 'BIP21 amount exceeds 21 million BTC')
  return sats
}

export function parseBip21(
  input: string,
  options: { network?: Network } & Pick<Bolt11Options, 'clock'> = {},
): Bip21 {
  if (typeof input !== 'string') throw new MethodError('invalid-bip21', 'URI must be text')
  const text = input.trim()
  if (text.length > 4096) throw new MethodError('invalid-bip21', 'URI is too long')
  if (!/^bitcoin:/i.test(text)) throw new MethodError('invalid-bip21', 'a BIP21 URI starts with "bitcoin:"')
  const rest = text.slice('bitcoin:'.length)
  const q = rest.indexOf('?')
  const addrText = q < 0 ? rest : rest.slice(0, q)
  let params: Map<string, string>
  try {
    params = parseQuery(q < 0 ? '' : rest.slice(q + 1), true)
  } catch (e) {
    throw new MethodError('invalid-bip21', (e as UriError).message)
  }
  const lower = new Map<string, string>()
  for (const [k, v] of params) {
    const lk = k.toLowerCase()
    if (lower.has(lk)) throw new MethodError('invalid-bip21', `parameter "${k}" appears more than once`)
    lower.set(lk, v)
  }
  const extra = new Map<string, string>()
  for (const [k, v] of lower) {
    if (['amount', 'label', 'message', 'lightning'].includes(k)) continue
    if (k.startsWith('req-')) throw new MethodError('invalid-bip21', `unsupported required parameter "${k}"`)
    extra.set(k, v)
  }
  const netOpt = options.network
  const address = addrText.length > 0 ? validateOnchainAddress(addrText, netOpt) : null
  const ln = lower.get('lightning')
  const lnOpts: Bolt11Options = {}
  if (netOpt) lnOpts.network = netOpt
  if (options.clock) lnOpts.clock = options.clock
  const lightning = ln !== undefined ? parseBolt11(ln, lnOpts) : null
  if (!address && !lightning)
    throw new MethodError('invalid-bip21', 'BIP21 URI has neither an address nor a lightning invoice')
  const amountText = lower.get('amount')
  const amountSats = amountText !== undefined ? btcToSats(amountText) : null
  const warnings: string[] = [...(address?.warnings ?? [])]
  if (
    lightning &&
    amountSats !== null &&
    lightning.amountSats !== null &&
    lightning.amountSats !== amountSats
  ) {
    warnings.push('lightning invoice amount differs from the on-chain amount')
  }
  return {
    address,
    amountSats,
    label: lower.get('label') ?? null,
    message: lower.get('message') ?? null,
    lightning,
    extra,
    warnings,
  }
}
