/**
 * @module methods/heuristics
 * The reference plugins' prefix/length checks (`onchain.rs`, `lightning.rs`; `methods.json`),
 * reproduced so that what we accept is never narrower than what reference peers accept. They are
 * a lower bound only: the product layers real parsing on top (`onchain.ts`, `bolt11.ts`,
 * `lnurl.ts`), which rejects things these pass (bad checksums, regtest invoices on mainnet…).
 */
import type { Network } from './errors'

export interface HeuristicResult {
  readonly valid: boolean
  readonly errors: readonly string[]
  readonly warnings: readonly string[]
}

const ok = (warnings: string[] = []): HeuristicResult => ({ valid: true, errors: [], warnings })
const bad = (error: string): HeuristicResult => ({ valid: false, errors: [error], warnings: [] })

export const LEGACY_PRIVACY_WARNING = 'Legacy addresses provide less privacy than SegWit'
export const BOLT11_EXPIRY_WARNING = 'Cannot verify invoice expiration without full parsing'

/** `OnchainPlugin::validate_address` for the plugin's network (signet is treated as testnet). */
export function onchainHeuristic(address: string, network: Network): HeuristicResult {
  const a = address.trim()
  if (a.length === 0) return bad('Address is empty')
  if (network === 'mainnet') {
    const prefixOk = a.startsWith('1') || a.startsWith('3') || a.startsWith('bc1q') || a.startsWith('bc1p')
    if (!prefixOk) return bad(`Invalid mainnet address format: ${a}`)
    if ((a.startsWith('1') || a.startsWith('3')) && (a.length < 26 || a.length > 35)) {
      return bad(`Invalid address length: ${a.length} (expected 26-35)`)
    }
    if (a.startsWith('bc1q') && a.length !== 42 && a.length !== 62) {
      return bad(`Invalid bech32 address length: ${a.length} (expected 42 or 62)`)
    }
    if (a.startsWith('bc1p') && a.length !== 62)
      return bad(`Invalid taproot address length: ${a.length} (expected 62)`)
    return ok(a.startsWith('1') ? [LEGACY_PRIVACY_WARNING] : [])
  }
  const prefixes =
    network === 'regtest' ? ['m', 'n', '2', 'bcrt1q', 'bcrt1p'] : ['m', 'n', '2', 'tb1q', 'tb1p']
  return prefixes.some((p) => a.startsWith(p)) ? ok() : bad(`Invalid ${network} address format: ${a}`)
}

/** `LightningPlugin` BOLT11 check: lowercase, network prefix, contains "1", length ≥ 100. */
export function bolt11Heuristic(invoice: string, network: Network): HeuristicResult {
  const inv = invoice.trim().toLowerCase()
  const prefixOk =
    network === 'mainnet'
      ? inv.startsWith('lnbc') // (the reference's check also lets lnbcrt through)
      : network === 'regtest'
        ? inv.startsWith('lnbcrt')
        : inv.startsWith('lntb') || inv.startsWith('lnbcrt')
  if (!prefixOk) return bad(`Invalid ${network} invoice prefix`)
  if (!inv.includes('1')) return bad('Invalid invoice: missing separator')
  if (inv.length < 100) return bad(`Invoice too short: ${inv.length}`)
  return ok([BOLT11_EXPIRY_WARNING])
}

/** `LightningPlugin` LNURL check: starts with "lnurl", length ≥ 20. */
export function lnurlHeuristic(lnurl: string): HeuristicResult {
  const l = lnurl.trim().toLowerCase()
  if (!l.startsWith('lnurl')) return bad('LNURL must start with "lnurl"')
  if (l.length < 20) return bad('LNURL too short')
  return ok()
}

/** `supports_amount`: on-chain needs ≥ 546 sat (dust); Lightning 1..=4,000,000 sat. Non-SAT: true. */
export function supportsAmountHeuristic(
  method: 'onchain' | 'lightning',
  value: string,
  currency: string,
): boolean {
  if (currency.toUpperCase() !== 'SAT' || !/^-?[0-9]+$/.test(value)) return true
  const sats = BigInt(value)
  return method === 'onchain' ? sats >= 546n : sats >= 1n && sats <= 4_000_000n
}

/** Estimated confirmation seconds the reference reports (on-chain 600, Lightning 1). */
export const CONFIRMATION_SECS = { onchain: 600, lightning: 1 } as const
