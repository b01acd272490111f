/**
 * @module requests/model
 * Payment-request plaintexts (the sealed content at `requests/{scope}/{id}`), `paykit-protocol.md`
 * §5.1–5.2.
 *
 * Write: the Rust `PublishedRequest` (paykit-subscriptions `discovery.rs`, `request.rs`):
 *   {"request":{"request_id","from"[32 ints],"to"[32 ints],"amount":"dec","currency","method",
 *     "description"|null,"due_date"|null,"metadata","created_at","expires_at"|null
 *     [,"invoice_number"][,"items"(non-empty)][,"tax"][,"shipping"][,"notes"]},
 *    "published_at","active"}
 * (optional keys omitted unless set; `metadata` keys sorted as serde_json writes a `Value`).
 *
 * Read: that shape, or the Bitkit-doc (mobile) schema (PROTOCOL_V0 §11), detected by
 * `from_pubkey`/`schema_version`: {"schema_version":1,"from_pubkey":z32,"to_pubkey":z32,
 * "amount_sats":int,"description","method_id","created_at":ms,"expires_at":ms}. Both normalize to a
 * `RequestView` for the rest of the app.
 *
 * Checks stronger than the reference: a path-safe id, a positive amount, from ≠ to, and
 * `checkRequestSender` (the decrypted `from` must be the homeserver owner it was read from).
 */
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import { PaykitError } from '../util/errors'
import { equalBytes } from '../util/bytes'
import { Amount } from '../money/amount'
import { parseJson, sortKeysDeep, writeJson, type JsonObject, type JsonValue } from '../interactive/json'
import {
  asObject,
  bytesToJson,
  get,
  has,
  keyFromArray,
  keyFromZ32,
  optInt,
  optStr,
  reqBool,
  reqInt,
  reqStr,
} from '../interactive/shape'
import { checkRecordId, toSeconds } from '../subscriptions/model'

export type RequestErrorCode = 'invalid-request' | 'request-expired' | 'wrong-sender'

export class RequestError extends PaykitError<RequestErrorCode> {}

export const MAX_REQUEST_CHARS = 65_536

export interface InvoiceItem {
  readonly itemId: string | null
  readonly description: string
  readonly quantity: number
  readonly unitPrice: Amount
  readonly total: Amount
  readonly sku: string | null
  readonly category: string | null
}

export interface TaxInfo {
  readonly description: string
  /** A rust_decimal (written as a string), e.g. "8.25". */
  readonly rate: Amount
  readonly amount: Amount
  readonly jurisdiction: string | null
  readonly taxId: string | null
}

export interface ShippingAddress {
  readonly name: string
  readonly line1: string
  readonly line2: string | null
  readonly city: string
  readonly state: string | null
  readonly postalCode: string
  readonly country: string
  readonly phone: string | null
}

export type ShippingMethod = 'Standard' | 'Express' | 'Overnight' | 'Digital' | 'Pickup' | { custom: string }

export interface ShippingInfo {
  readonly address: ShippingAddress
  readonly method: ShippingMethod
  readonly cost: Amount
  readonly trackingNumber: string | null
  readonly carrier: string | null
  readonly estimatedDelivery: number | null
  readonly instructions: string | null
}

export interface PaymentRequest {
  readonly requestId: string
  readonly from: Uint8Array
  readonly to: Uint8Array
  readonly amount: Amount
  readonly currency: string
  readonly method: string
  readonly description: string | null
  readonly dueDate: number | null
  readonly metadata: JsonValue
  readonly createdAt: number
  readonly expiresAt: number | null
  readonly invoiceNumber?: string
  readonly items?: readonly InvoiceItem[]
  readonly tax?: TaxInfo
  readonly shipping?: ShippingInfo
  readonly notes?: string
}

export interface PublishedRequest {
  readonly request: PaymentRequest
  readonly publishedAt: number
  readonly active: boolean
}

// ---------------------------------------------------------------------------------------------
// Write (Rust shape)
// ---------------------------------------------------------------------------------------------

function itemToJson(i: InvoiceItem): JsonObject {
  return {
    item_id: i.itemId,
    description: i.description,
    quantity: i.quantity,
    unit_price: i.unitPrice.toJson(),
    total: i.total.toJson(),
    sku: i.sku,
    category: i.category,
  }
}

function taxToJson(t: TaxInfo): JsonObject {
  return {
    description: t.description,
    rate: t.rate.toJson(),
    amount: t.amount.toJson(),
    jurisdiction: t.jurisdiction,
    tax_id: t.taxId,
  }
}

function shippingToJson(s: ShippingInfo): JsonObject {
  const a = s.address
  return {
    address: {
      name: a.name,
      line1: a.line1,
      line2: a.line2,
      city: a.city,
      state: a.state,
      postal_code: a.postalCode,
      country: a.country,
      phone: a.phone,
    },
    method: typeof s.method === 'string' ? s.method : { Custom: s.method.custom },
    cost: s.cost.toJson(),
    tracking_number: s.trackingNumber,
    carrier: s.carrier,
    estimated_delivery: s.estimatedDelivery,
    instructions: s.instructions,
  }
}

export function paymentRequestToJson(r: PaymentRequest): JsonObject {
  const o: JsonObject = {
    request_id: r.requestId,
    from: bytesToJson(r.from),
    to: bytesToJson(r.to),
    amount: r.amount.toJson(),
    currency: r.currency,
    method: r.method,
    description: r.description,
    due_date: r.dueDate,
    metadata: sortKeysDeep(r.metadata),
    created_at: r.createdAt,
    expires_at: r.expiresAt,
  }
  if (r.invoiceNumber !== undefined) o['invoice_number'] = r.invoiceNumber
  if (r.items !== undefined && r.items.length > 0) o['items'] = r.items.map(itemToJson)
  if (r.tax !== undefined) o['tax'] = taxToJson(r.tax)
  if (r.shipping !== undefined) o['shipping'] = shippingToJson(r.shipping)
  if (r.notes !== undefined) o['notes'] = r.notes
  return o
}

export function publishedRequestToJson(p: PublishedRequest): JsonObject {
  return { request: paymentRequestToJson(p.request), published_at: p.publishedAt, active: p.active }
}

/** Compact JSON, byte-for-byte as serde_json writes the Rust struct. */
export function writePublishedRequest(p: PublishedRequest): string {
  validatePaymentRequest(p.request)
  return writeJson(publishedRequestToJson(p))
}

// ---------------------------------------------------------------------------------------------
// Read (Rust shape)
// ---------------------------------------------------------------------------------------------

function itemFromJson(v: JsonValue | undefined, path: string): InvoiceItem {
  const o = asObject(v, path)
  const q = reqInt(o, 'quantity', path, 0)
  if (q > 0xffffffff) throw new RequestError('invalid-request', `${path}.quantity must fit a u32`)
  return {
    itemId: optStr(o, 'item_id', path, 256),
    description: reqStr(o, 'description', path, 1024),
    quantity: q,
    unitPrice: Amount.fromJson(get(o, 'unit_price'), `${path}.unit_price`),
    total: Amount.fromJson(get(o, 'total'), `${path}.total`),
    sku: optStr(o, 'sku', path, 256),
    category: optStr(o, 'category', path, 256),
  }
}

function taxFromJson(v: JsonValue | undefined, path: string): TaxInfo {
  const o = asObject(v, path)
  return {
    description: reqStr(o, 'description', path, 1024),
    rate: Amount.fromJson(get(o, 'rate'), `${path}.rate`),
    amount: Amount.fromJson(get(o, 'amount'), `${path}.amount`),
    jurisdiction: optStr(o, 'jurisdiction', path, 256),
    taxId: optStr(o, 'tax_id', path, 256),
  }
}

const SHIPPING_METHODS = ['Standard', 'Express', 'Overnight', 'Digital', 'Pickup'] as const

function shippingFromJson(v: JsonValue | undefined, path: string): ShippingInfo {
  const o = asObject(v, path)
  const a = asObject(get(o, 'address'), `${path}.address`)
  const ap = `${path}.address`
  const m = get(o, 'method')
  let method: ShippingMethod
  if (typeof m === 'string' && (SHIPPING_METHODS as readonly string[]).includes(m))
    method = m as ShippingMethod
  else {
    const mo = asObject(m, `${path}.method`)
    method = { custom: reqStr(mo, 'Custom', `${path}.method`, 256) }
  }
  return {
    address: {
      name: reqStr(a, 'name', ap, 256),
      line1: reqStr(a, 'line1', ap, 512),
      line2: optStr(a, 'line2', ap, 512),
      city: reqStr(a, 'city', ap, 256),
      state: optStr(a, 'state', ap, 256),
      postalCode: reqStr(a, 'postal_code', ap, 64),
      country: reqStr(a, 'country', ap, 64),
      phone: optStr(a, 'phone', ap, 64),
    },
    method,
    cost: Amount.fromJson(get(o, 'cost'), `${path}.cost`),
    trackingNumber: optStr(o, 'tracking_number', path, 256),
    carrier: optStr(o, 'carrier', path, 256),
    estimatedDelivery: optInt(o, 'estimated_delivery', path),
    instructions: optStr(o, 'instructions', path, 1024),
  }
}

export function paymentRequestFromJson(v: JsonValue | undefined, path = 'request'): PaymentRequest {
  const o = asObject(v, path)
  if (!has(o, 'metadata')) throw new RequestError('invalid-request', `${path}.metadata is missing`)
  const base: PaymentRequest = {
    requestId: reqStr(o, 'request_id', path, 256),
    from: keyFromArray(get(o, 'from'), `${path}.from`),
    to: keyFromArray(get(o, 'to'), `${path}.to`),
    amount: Amount.fromJson(get(o, 'amount'), `${path}.amount`),
    currency: reqStr(o, 'currency', path, 64),
    method: reqStr(o, 'method', path, 64),
    description: optStr(o, 'description', path, 1024),
    dueDate: optInt(o, 'due_date', path),
    metadata: get(o, 'metadata')!,
    createdAt: reqInt(o, 'created_at', path),
    expiresAt: optInt(o, 'expires_at', path),
  }
  const extra: {
    invoiceNumber?: string
    items?: InvoiceItem[]
    tax?: TaxInfo
    shipping?: ShippingInfo
    notes?: string
  } = {}
  const inv = optStr(o, 'invoice_number', path, 256)
  if (inv !== null) extra.invoiceNumber = inv
  const items = get(o, 'items')
  if (items !== undefined) {
    if (!Array.isArray(items)) throw new RequestError('invalid-request', `${path}.items must be an array`)
    if (items.length > 1000)
      throw new RequestError('invalid-request', `${path}.items has more than 1000 entries`)
    if (items.length > 0) extra.items = items.map((it, i) => itemFromJson(it, `${path}.items[${i}]`))
  }
  const tax = get(o, 'tax')
  if (tax !== undefined && tax !== null) extra.tax = taxFromJson(tax, `${path}.tax`)
  const ship = get(o, 'shipping')
  if (ship !== undefined && ship !== null) extra.shipping = shippingFromJson(ship, `${path}.shipping`)
  const notes = optStr(o, 'notes', path, 4096)
  if (notes !== null) extra.notes = notes
  return { ...base, ...extra }
}

export function publishedRequestFromJson(
  v: JsonValue | undefined,
  path = 'published_request',
): PublishedRequest {
  const o = asObject(v, path)
  return {
    request: validatePaymentRequest(paymentRequestFromJson(get(o, 'request'), `${path}.request`)),
    publishedAt: reqInt(o, 'published_at', path),
    active: reqBool(o, 'active', path),
  }
}

/** The reference's `validate_request` (non-empty currency) plus id, amount and party checks. */
export function validatePaymentRequest(r: PaymentRequest): PaymentRequest {
  try {
    checkRecordId(r.requestId, 'request_id')
  } catch (e) {
    throw new RequestError('invalid-request', (e as Error).message)
  }
  if (r.currency.length === 0) throw new RequestError('invalid-request', 'Currency cannot be empty')
  if (r.method.length === 0) throw new RequestError('invalid-request', 'Payment method cannot be empty')
  if (!r.amount.isPositive())
    throw new RequestError('invalid-request', `Amount must be positive, got ${r.amount}`)
  if (equalBytes(r.from, r.to))
    throw new RequestError('invalid-request', 'A request cannot be addressed to its sender')
  if (r.expiresAt !== null && r.expiresAt < r.createdAt) {
    throw new RequestError('invalid-request', 'expires_at is before created_at')
  }
  return r
}

// ---------------------------------------------------------------------------------------------
// Mobile (Bitkit doc) schema — read only
// ---------------------------------------------------------------------------------------------

export interface MobileRequest {
  readonly schemaVersion: number
  readonly from: Uint8Array
  readonly to: Uint8Array
  readonly amountSats: bigint
  readonly description: string | null
  readonly methodId: string
  /** Seconds (the schema uses ms; converted). */
  readonly createdAt: number
  readonly expiresAt: number | null
}

export function mobileRequestFromJson(v: JsonValue, path = 'request'): MobileRequest {
  const o = asObject(v, path)
  const sats = get(o, 'amount_sats')
  if (!(typeof sats === 'number' && Number.isSafeInteger(sats)) && typeof sats !== 'bigint') {
    throw new RequestError('invalid-request', `${path}.amount_sats must be an integer`)
  }
  if (BigInt(sats) <= 0n) throw new RequestError('invalid-request', `${path}.amount_sats must be positive`)
  const from = keyFromZ32(get(o, 'from_pubkey'), `${path}.from_pubkey`)
  const to = keyFromZ32(get(o, 'to_pubkey'), `${path}.to_pubkey`)
  const exp = optInt(o, 'expires_at', path, 0)
  return {
    schemaVersion: reqInt(o, 'schema_version', path, 1),
    from,
    to,
    amountSats: BigInt(sats),
    description: optStr(o, 'description', path, 1024),
    methodId: reqStr(o, 'method_id', path, 64),
    createdAt: toSeconds(reqInt(o, 'created_at', path, 0)),
    expiresAt: exp === null ? null : toSeconds(exp),
  }
}

export type RequestRead =
  | { readonly schema: 'rust'; readonly published: PublishedRequest }
  | { readonly schema: 'mobile'; readonly request: MobileRequest }

/** Reads a decrypted request plaintext in either schema. */
export function readRequest(text: string): RequestRead {
  const v = parseJson(text, { maxLength: MAX_REQUEST_CHARS })
  const o = asObject(v, 'request')
  if (has(o, 'from_pubkey') || has(o, 'schema_version')) {
    return { schema: 'mobile', request: mobileRequestFromJson(o) }
  }
  return { schema: 'rust', published: publishedRequestFromJson(o) }
}

/** One view of a request, whichever schema it came in. */
export interface RequestView {
  /** From the payload (Rust) or the storage path (mobile; pass it in). */
  readonly requestId: string
  readonly from: Uint8Array
  readonly to: Uint8Array
  readonly amount: Amount
  readonly currency: string
  readonly method: string
  readonly description: string | null
  readonly createdAt: number
  readonly expiresAt: number | null
  readonly active: boolean
}

export function toRequestView(read: RequestRead, pathId?: string): RequestView {
  if (read.schema === 'rust') {
    const r = read.published.request
    if (pathId !== undefined && pathId !== r.requestId) {
      throw new RequestError(
        'invalid-request',
        `request_id "${r.requestId}" does not match its path id "${pathId}"`,
      )
    }
    return {
      requestId: r.requestId,
      from: r.from,
      to: r.to,
      amount: r.amount,
      currency: r.currency,
      method: r.method,
      description: r.description,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
      active: read.published.active,
    }
  }
  if (pathId === undefined)
    throw new RequestError('invalid-request', 'a mobile-schema request needs its path id')
  const m = read.request
  return {
    requestId: pathId,
    from: m.from,
    to: m.to,
    amount: Amount.of(m.amountSats),
    currency: 'SAT',
    method: m.methodId,
    description: m.description,
    createdAt: m.createdAt,
    expiresAt: m.expiresAt,
    active: true,
  }
}

/** The reference's `is_expired`: now > expires_at (no expiry: never). */
export function isRequestExpired(r: { expiresAt: number | null }, clock: Clock): boolean {
  return r.expiresAt !== null && nowSeconds(clock) > r.expiresAt
}

/** Throws `request-expired` for an expired request. */
export function checkRequestNotExpired(
  r: { expiresAt: number | null; requestId: string },
  clock: Clock,
): void {
  if (isRequestExpired(r, clock)) {
    throw new RequestError(
      'request-expired',
      `request ${r.requestId} expired at ${r.expiresAt} (Unix seconds)`,
    )
  }
}

/** Owner binding: the decrypted sender must be the owner of the homeserver the blob came from. */
export function checkRequestSender(r: { from: Uint8Array }, homeserverOwner: Uint8Array): void {
  if (!equalBytes(r.from, homeserverOwner)) {
    throw new RequestError(
      'wrong-sender',
      'request "from" is not the owner of the homeserver it was read from',
    )
  }
}

// ---------------------------------------------------------------------------------------------
// Construction
// ---------------------------------------------------------------------------------------------

export interface NewRequest {
  readonly from: Uint8Array
  readonly to: Uint8Array
  readonly amount: Amount
  readonly currency?: string
  readonly method: string
  readonly description?: string | null
  readonly dueDate?: number | null
  readonly metadata?: JsonValue
  /** Seconds from now until the request expires (recommended; null = never). */
  readonly expiresInSecs?: number | null
}

/**
 * A new request with a collision-free id (`ids.next('req')`) and `created_at = now`, validated.
 * Like the reference's `PaymentRequest::new` plus builder calls, without its `req_{secs}` id.
 */
export function createPaymentRequest(
  input: NewRequest,
  ctx: { clock: Clock; ids: { next(prefix: 'req'): string } },
): PaymentRequest {
  const now = nowSeconds(ctx.clock)
  const exp = input.expiresInSecs ?? null
  if (exp !== null && (!Number.isSafeInteger(exp) || exp <= 0)) {
    throw new RequestError('invalid-request', 'expiresInSecs must be a positive integer')
  }
  return validatePaymentRequest({
    requestId: ctx.ids.next('req'),
    from: input.from,
    to: input.to,
    amount: input.amount,
    currency: input.currency ?? 'SAT',
    method: input.method,
    description: input.description ?? null,
    dueDate: input.dueDate ?? null,
    metadata: input.metadata ?? {},
    createdAt: now,
    expiresAt: exp === null ? null : now + exp,
  })
}
