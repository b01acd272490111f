/**
 * @module uri/paykit-uri
 * Parsing of the URIs a Paykit wallet scans (paykit-lib `uri.rs`; vectors `uri.json`):
 *
 *   pubky://{z32}[/…][?…][#…]                          → Pubky (an identity to pay)
 *   lightning:{bolt11} | lnbc…/lntb…/lnbcrt…           → Invoice(lightning, data)
 *   bitcoin:{address}[?…] | bc1…/1…/3… (26–62 chars)   → Invoice(onchain, data)
 *   paykit:invoice?method={id}&data={urlencoded}        → Invoice(method, data)
 *   paykit:request?request_id={id}&from={urlencoded pubky://z32}  → PaymentRequest
 *   paykit://payment-request?requestId={id}&from={z32}  (Bitkit deep link; also bitkit://)
 *
 * Like the reference, `data` is not validated here (the methods/ parsers do that). Unlike the
 * reference: schemes are case-insensitive, an all-uppercase invoice (QR alphanumeric mode) is
 * lowercased, percent-decoding yields UTF-8, keys must be canonical 52-character z32, and a
 * missing parameter is reported before a malformed one (so the message names what is absent).
 */
import { z32Decode } from '../keys/z32'
import { parseQuery, UriError, urlDecode } from './percent'

export type PaykitUri =
  | { readonly type: 'Pubky'; readonly publicKey: Uint8Array }
  | { readonly type: 'Invoice'; readonly method: string; readonly data: string }
  | { readonly type: 'PaymentRequest'; readonly requestId: string; readonly from: Uint8Array }

export { urlDecode }

const MAX_URI_CHARS = 8_192

/** Decodes a bare 52-character z32 key (no prefixes). */
export function parseZ32Key(text: string, what = 'public key'): Uint8Array {
  if (text.length !== 52) throw new UriError(`${what} must be 52 z-base-32 characters, got ${text.length}`)
  try {
    return z32Decode(text)
  } catch (e) {
    throw new UriError(`${what} is not z-base-32: ${(e as Error).message}`)
  }
}

/** The key of a `pubky://{z32}…` string: everything up to the first '/', '?' or '#'. */
export function parsePubkyAuthority(rest: string): Uint8Array {
  const end = rest.search(/[/?#]/)
  const key = end < 0 ? rest : rest.slice(0, end)
  if (key.length === 0) throw new UriError('Empty public key in pubky:// URI')
  return parseZ32Key(key)
}

function startsWithCi(s: string, prefix: string): boolean {
  return s.slice(0, prefix.length).toLowerCase() === prefix
}

function invoiceData(text: string): string {
  return text === text.toUpperCase() ? text.toLowerCase() : text
}

/** Parses any of the forms above; throws `UriError` ('invalid-uri') saying what is wrong. */
export function parsePaykitUri(input: string): PaykitUri {
  if (typeof input !== 'string') throw new UriError('URI must be text')
  const uri = input.trim()
  if (uri.length === 0) throw new UriError('URI is empty')
  if (uri.length > MAX_URI_CHARS) throw new UriError(`URI is longer than ${MAX_URI_CHARS} characters`)
  if (startsWithCi(uri, 'pubky://')) return { type: 'Pubky', publicKey: parsePubkyAuthority(uri.slice(8)) }
  if (startsWithCi(uri, 'lightning:'))
    return { type: 'Invoice', method: 'lightning', data: invoiceData(uri.slice(10)) }
  const lower = uri.toLowerCase()
  if (lower.startsWith('lnbc') || lower.startsWith('lntb')) {
    return { type: 'Invoice', method: 'lightning', data: invoiceData(uri) }
  }
  if (startsWithCi(uri, 'bitcoin:')) return { type: 'Invoice', method: 'onchain', data: uri.slice(8) }
  if (
    (uri.startsWith('bc1') || uri.startsWith('1') || uri.startsWith('3')) &&
    uri.length >= 26 &&
    uri.length <= 62
  ) {
    return { type: 'Invoice', method: 'onchain', data: uri }
  }
  if (startsWithCi(uri, 'paykit://payment-request') || startsWithCi(uri, 'bitkit://payment-request')) {
    return parseDeepLink(uri)
  }
  if (startsWithCi(uri, 'paykit:')) return parsePaykitScheme(uri.slice(7))
  throw new UriError(`Unrecognized URI format: ${uri.slice(0, 80)}`)
}

function parsePaykitScheme(rest: string): PaykitUri {
  const body = rest.split('#')[0]!
  if (body.startsWith('request?')) {
    const q = parseQuery(body.slice(8), false)
    const requestId = q.get('request_id')
    const from = q.get('from')
    if (requestId === undefined) throw new UriError("Missing 'request_id' in payment request URI")
    if (from === undefined) throw new UriError("Missing 'from' in payment request URI")
    if (requestId.length === 0 || requestId.length > 256)
      throw new UriError('request_id must be 1–256 characters')
    if (!startsWithCi(from, 'pubky://')) throw new UriError("Payment request 'from' must be a pubky:// URI")
    return { type: 'PaymentRequest', requestId, from: parsePubkyAuthority(from.slice(8)) }
  }
  if (body.startsWith('invoice?')) {
    const q = parseQuery(body.slice(8), false)
    const method = q.get('method')
    const data = q.get('data')
    if (method === undefined) throw new UriError("Missing 'method' in invoice URI")
    if (data === undefined) throw new UriError("Missing 'data' in invoice URI")
    if (method.length === 0 || method.length > 64) throw new UriError('method must be 1–64 characters')
    return { type: 'Invoice', method, data }
  }
  throw new UriError(`Unrecognized paykit: URI format: ${body.slice(0, 80)}`)
}

function parseDeepLink(uri: string): PaykitUri {
  const qi = uri.indexOf('?')
  const q = parseQuery(qi < 0 ? '' : uri.slice(qi + 1).split('#')[0]!, false)
  const requestId = q.get('requestId')
  const from = q.get('from')
  if (requestId === undefined) throw new UriError("Missing 'requestId' in payment-request link")
  if (from === undefined) throw new UriError("Missing 'from' in payment-request link")
  if (requestId.length === 0 || requestId.length > 256)
    throw new UriError('requestId must be 1–256 characters')
  const key = startsWithCi(from, 'pubky://') ? from.slice(8) : from.startsWith('pk:') ? from.slice(3) : from
  return { type: 'PaymentRequest', requestId, from: parsePubkyAuthority(key) }
}
