/**
 * @module directory/method-validate
 * Turns a payment-method file (or `supported.json` entry) into something payable, using the real
 * parsers in `core/methods` (bech32/base58 checksums, BOLT11 network and expiry, LNURL decoding),
 * never the reference's prefix heuristics alone (paykit-protocol.md §3.2–3.3).
 *
 * Which parser runs is decided by the method id, as the reference plugins do: `onchain` takes an
 * address (raw, JSON `{"address"|"p2wpkh"|…}`) or a BIP21 URI; `lightning` takes a BOLT11 invoice,
 * an LNURL, a Lightning address or JSON `{"bolt11"|"lnurl"}`; `lnurl` takes an LNURL or a Lightning
 * address. Any other id has no validator and is therefore never returned as payable.
 */
import type { Clock } from '../util/clock'
import { extractLightning, extractOnchainAddress, readMethodFile } from '../methods/endpoint'
import { MethodError, type Network } from '../methods/errors'
import { validateOnchainAddress, type OnchainAddress } from '../methods/onchain'
import { parseBip21, type Bip21 } from '../methods/bip21'
import { parseBolt11, type Bolt11Invoice } from '../methods/bolt11'
import { parseLightningAddress, parseLnurl, type LightningAddress, type Lnurl } from '../methods/lnurl'
import { LIGHTNING, ONCHAIN } from '../methods/ids'
import { DirectoryError } from './errors'

export const LNURL_METHOD = 'lnurl'

/** The method ids the product can validate (and therefore pay or publish). */
export const VALIDATED_METHOD_IDS: readonly string[] = [ONCHAIN, LIGHTNING, LNURL_METHOD]

export type MethodDetail =
  | { readonly kind: 'onchain-address'; readonly address: OnchainAddress }
  | { readonly kind: 'bip21'; readonly uri: Bip21 }
  | { readonly kind: 'bolt11'; readonly invoice: Bolt11Invoice }
  | { readonly kind: 'lnurl'; readonly lnurl: Lnurl }
  | { readonly kind: 'lightning-address'; readonly address: LightningAddress }

export interface ValidatedEndpoint {
  /**
   * The payable value that was validated (trimmed; JSON wrappers such as `{"endpoint"|"address"|
   * "bolt11"|"lnurl": …}` removed): what a payer pays, and what we write as the raw method file.
   */
  readonly endpoint: string
  readonly detail: MethodDetail
  readonly warnings: readonly string[]
}

export interface ValidateOptions {
  /** The network we are on: addresses and invoices for another network are `wrong-network`. */
  network: Network
  /** When given, expired BOLT11 invoices are `invoice-expired`. */
  clock?: Clock
}

function lightningLike(v: string, options: ValidateOptions, allowBolt11: boolean): MethodDetail {
  if (/^(lightning:)?lnurl/i.test(v)) return { kind: 'lnurl', lnurl: parseLnurl(v) }
  if (v.includes('@')) return { kind: 'lightning-address', address: parseLightningAddress(v) }
  if (!allowBolt11)
    throw new MethodError('invalid-lnurl', 'expected an LNURL (lnurl1…) or a Lightning address (user@domain)')
  return {
    kind: 'bolt11',
    invoice: parseBolt11(v, { network: options.network, ...(options.clock ? { clock: options.clock } : {}) }),
  }
}

function warningsOf(detail: MethodDetail): string[] {
  switch (detail.kind) {
    case 'onchain-address':
      return [...detail.address.warnings]
    case 'bip21':
      return [...detail.uri.warnings]
    case 'bolt11':
      return [...detail.invoice.warnings]
    case 'lnurl':
    case 'lightning-address':
      return []
  }
}

/** Validates an already-unwrapped endpoint string for `methodId`. Throws `MethodError`/`DirectoryError`. */
export function validateEndpoint(
  methodId: string,
  endpoint: string,
  options: ValidateOptions,
): ValidatedEndpoint {
  let detail: MethodDetail
  let value = endpoint.trim()
  switch (methodId) {
    case ONCHAIN: {
      if (/^bitcoin:/i.test(value)) {
        const uri = parseBip21(value, {
          network: options.network,
          ...(options.clock ? { clock: options.clock } : {}),
        })
        if (uri.address === null)
          throw new MethodError('invalid-bip21', 'an onchain endpoint needs a BIP21 URI with an address')
        detail = { kind: 'bip21', uri }
      } else {
        value = extractOnchainAddress(value).trim()
        detail = { kind: 'onchain-address', address: validateOnchainAddress(value, options.network) }
      }
      break
    }
    case LIGHTNING: {
      if (value.startsWith('{')) {
        const ln = extractLightning(value)
        value = ln.value.trim()
        detail = lightningLike(value, options, ln.kind === 'bolt11')
        if (ln.kind === 'lnurl' && detail.kind !== 'lnurl')
          throw new MethodError('invalid-lnurl', '"lnurl" must hold an LNURL')
      } else detail = lightningLike(value, options, true)
      break
    }
    case LNURL_METHOD:
      detail = lightningLike(value, options, false)
      break
    default:
      throw new DirectoryError(
        'directory-unsupported-method',
        `method "${methodId.slice(0, 64)}" has no validator here (supported: ${VALIDATED_METHOD_IDS.join(', ')})`,
      )
  }
  return { endpoint: value, detail, warnings: warningsOf(detail) }
}

/** Reads a method file body (raw text or a `{"endpoint": …}` wrapper) and validates it for `methodId`. */
export function validateMethodFile(
  methodId: string,
  body: string,
  options: ValidateOptions,
): ValidatedEndpoint {
  return validateEndpoint(methodId, readMethodFile(body), options)
}
