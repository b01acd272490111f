/**
 * @module uri/checkout
 * The checkout QR the POS shows at the counter.
 *
 * Format (v1):
 *
 *   pubky://{merchant_z32}?paykit=checkout&id={checkout_id}&amount={decimal}
 *           [&currency={CUR}][&memo={percent-encoded text}][&exp={unix seconds}]
 *
 * Why this shape: it is the reference's own identity form (`pubky://{z32}`) plus a query. A
 * reference wallet's `parse_uri` keeps only the key (pkarr's parser strips the query), so an
 * older wallet still lands on "pay this merchant" and proceeds by directory discovery; a wallet
 * that knows the `paykit=checkout` marker can pre-fill amount and memo and quote the checkout id
 * in its receipt metadata (`order_id`), which is how the POS matches a payment to the checkout.
 *
 * Fields:
 * - `paykit=checkout` — marker (first in our output). A later incompatible form would use another
 *   marker value, so this parser refuses anything else.
 * - `id` — 1–64 URL-unreserved characters `[A-Za-z0-9._~-]` (no escaping needed; path-safe).
 * - `amount` — a positive decimal (rust_decimal spelling); for SAT a whole number, otherwise at
 *   most 8 decimal places.
 * - `currency` — 3–5 uppercase letters; omitted means SAT (and SAT is omitted when writing).
 * - `memo` — at most 140 characters, no control characters; written with RFC 3986 escaping.
 * - `exp` — Unix seconds after which the checkout must not be paid.
 * - parameters starting `x-` are extensions: kept verbatim, ignored by this version.
 * Anything else — unknown or repeated parameters, a path, a fragment, a non-canonical key — is an
 * error. Writing then parsing gives back the same value, and parsing then writing a URI we wrote
 * gives back the same text.
 */
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import { Amount } from '../money/amount'
import { z32Encode } from '../keys/z32'
import { parseZ32Key } from './paykit-uri'
import { parseQuery, UriError, urlEncode } from './percent'

export interface CheckoutUri {
  readonly merchant: Uint8Array
  readonly id: string
  readonly amount: Amount
  readonly currency: string
  readonly memo: string | null
  readonly expiresAt: number | null
  /** `x-…` parameters, in the order given. */
  readonly extensions: ReadonlyMap<string, string>
}

export const CHECKOUT_MARKER = 'checkout'
const ID_RE = /^[A-Za-z0-9._~-]{1,64}$/
const CURRENCY_RE = /^[A-Z]{3,5}$/
const MAX_MEMO = 140
const KNOWN = ['paykit', 'id', 'amount', 'currency', 'memo', 'exp']

function checkFields(c: Omit<CheckoutUri, 'extensions'>): void {
  if (!(c.merchant instanceof Uint8Array) || c.merchant.length !== 32)
    throw new UriError('merchant key must be 32 bytes')
  if (!ID_RE.test(c.id)) throw new UriError('checkout id must be 1–64 characters of A-Z a-z 0-9 . _ ~ -')
  if (!CURRENCY_RE.test(c.currency))
    throw new UriError('currency must be 3–5 uppercase letters (e.g. SAT, BTC)')
  if (!c.amount.isPositive()) throw new UriError('checkout amount must be positive')
  if (c.currency === 'SAT' && c.amount.scale !== 0) throw new UriError('a SAT amount must be a whole number')
  if (c.amount.scale > 8) throw new UriError('amount has more than 8 decimal places')
  if (c.memo !== null) {
    if ([...c.memo].length > MAX_MEMO) throw new UriError(`memo is longer than ${MAX_MEMO} characters`)
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    if (/[\u0000-\u001f\u007f-\u009f]/.test(c.memo)) throw new UriError('memo contains control characters')
  }
  if (c.expiresAt !== null && (!Number.isSafeInteger(c.expiresAt) || c.expiresAt <= 0)) {
    throw new UriError('exp must be a positive integer (Unix seconds)')
  }
}

/** Writes the canonical checkout URI. */
export function formatCheckoutUri(c: CheckoutUri): string {
  checkFields(c)
  const parts = [`paykit=${CHECKOUT_MARKER}`, `id=${c.id}`, `amount=${c.amount.toString()}`]
  if (c.currency !== 'SAT') parts.push(`currency=${c.currency}`)
  if (c.memo !== null) parts.push(`memo=${urlEncode(c.memo)}`)
  if (c.expiresAt !== null) parts.push(`exp=${c.expiresAt}`)
  for (const [k, v] of c.extensions) {
    if (!/^x-[a-z0-9-]{1,32}$/.test(k))
      throw new UriError(`extension "${k}" must be x- plus lowercase a-z 0-9 -`)
    parts.push(`${k}=${urlEncode(v)}`)
  }
  return `pubky://${z32Encode(c.merchant)}?${parts.join('&')}`
}

/** True when `text` carries the checkout marker (cheap test before `parseCheckoutUri`). */
export function isCheckoutUri(text: string): boolean {
  return (
    typeof text === 'string' && /^pubky:\/\/[^?#/]{52}\/?\?(?:.*&)?paykit=checkout(?:&|$)/i.test(text.trim())
  )
}

/** Parses a checkout URI strictly; throws `UriError` ('invalid-uri') saying what is wrong. */
export function parseCheckoutUri(input: string): CheckoutUri {
  if (typeof input !== 'string') throw new UriError('checkout URI must be text')
  const text = input.trim()
  if (text.length > 2048) throw new UriError('checkout URI is too long')
  if (text.slice(0, 8).toLowerCase() !== 'pubky://') throw new UriError('a checkout URI starts with pubky://')
  if (text.includes('#')) throw new UriError('a checkout URI has no #fragment')
  const rest = text.slice(8)
  const q = rest.indexOf('?')
  if (q < 0) throw new UriError('checkout URI has no query (expected ?paykit=checkout&…)')
  let authority = rest.slice(0, q)
  if (authority.endsWith('/')) authority = authority.slice(0, -1)
  if (authority.includes('/')) throw new UriError('a checkout URI has no path')
  const merchant = parseZ32Key(authority, 'merchant key')
  const params = parseQuery(rest.slice(q + 1), true)
  const extensions = new Map<string, string>()
  for (const [k, v] of params) {
    if (k.startsWith('x-')) extensions.set(k, v)
    else if (!KNOWN.includes(k)) throw new UriError(`unknown checkout parameter "${k}"`)
  }
  const marker = params.get('paykit')
  if (marker === undefined) throw new UriError("missing 'paykit=checkout'")
  if (marker !== CHECKOUT_MARKER) throw new UriError(`unsupported paykit URI kind "${marker}"`)
  const id = params.get('id')
  if (id === undefined) throw new UriError("missing 'id'")
  const amountText = params.get('amount')
  if (amountText === undefined) throw new UriError("missing 'amount'")
  let amount: Amount
  try {
    amount = Amount.parse(amountText)
  } catch (e) {
    throw new UriError(`amount: ${(e as Error).message}`)
  }
  if (amount.toString() !== amountText) throw new UriError(`amount "${amountText}" is not in canonical form`)
  const expText = params.get('exp')
  if (expText !== undefined && !/^[1-9][0-9]{0,15}$/.test(expText))
    throw new UriError('exp must be Unix seconds')
  const c = {
    merchant,
    id,
    amount,
    currency: params.get('currency') ?? 'SAT',
    memo: params.get('memo') ?? null,
    expiresAt: expText === undefined ? null : Number(expText),
  }
  checkFields(c)
  return { ...c, extensions }
}

/** Throws `invalid-uri` when the checkout's `exp` has passed. */
export function checkCheckoutNotExpired(c: CheckoutUri, clock: Clock): void {
  if (c.expiresAt !== null && nowSeconds(clock) > c.expiresAt) {
    throw new UriError(`checkout ${c.id} expired at ${c.expiresAt} (Unix seconds)`)
  }
}
