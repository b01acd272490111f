/**
 * @module cli/format
 * Small text helpers shared by commands: aligned two-column tables, JSON that survives the core's
 * bigint amounts and byte arrays, and short descriptions of validated payment methods.
 */
import { toHex } from '../main/core/util/bytes'
import type { MethodDetail } from '../main/core/directory/method-validate'

/** JSON.stringify replacer: bigint → decimal string, bytes → hex, Map → object. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return toHex(value)
  if (value instanceof Map) return Object.fromEntries(value)
  return value
}

/** Rows as `  left   right`, the left column padded to the widest entry. */
export function table(rows: readonly (readonly [string, string])[], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([l]) => l.length))
  return rows.map(([l, r]) => `${indent}${l.padEnd(width)}  ${r}`.trimEnd()).join('\n')
}

/** Wraps `text` at `width` columns (help descriptions). */
export function wrap(text: string, width: number): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      out.push(line)
      line = word
    } else line = line.length > 0 ? `${line} ${word}` : word
  }
  if (line.length > 0) out.push(line)
  return out
}

const sats = (n: bigint | null): string => (n === null ? 'any amount' : `${n.toString()} sat`)

/** One line saying what a validated endpoint is ("BOLT11 invoice, regtest, 1000 sat, expires …"). */
export function describeMethod(detail: MethodDetail): string {
  switch (detail.kind) {
    case 'onchain-address':
      return `on-chain address, ${detail.address.network}, ${detail.address.type}`
    case 'bip21':
      return `BIP21 URI, ${detail.uri.address?.network ?? 'no address'}, ${sats(detail.uri.amountSats)}`
    case 'bolt11':
      return `BOLT11 invoice, ${detail.invoice.network}, ${sats(detail.invoice.amountSats)}, expires ${new Date(
        detail.invoice.expiresAt * 1000,
      ).toISOString()}`
    case 'lnurl':
      return `LNURL, ${detail.lnurl.url}`
    case 'lightning-address':
      return `Lightning address, ${detail.address.url}`
  }
}

/** Shortens long endpoints (invoices) for text output. */
export function ellipsize(s: string, max = 72): string {
  return s.length <= max ? s : `${s.slice(0, max - 12)}…${s.slice(-10)}`
}
