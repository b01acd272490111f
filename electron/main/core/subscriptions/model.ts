/**
 * @module subscriptions/model
 * Subscription records as paykit-rs main writes them (sealed proposal / agreement / cancellation
 * plaintexts, `paykit-protocol.md` §6.1, §6.3–6.4) plus a reader for the Bitkit-doc (mobile) proposal
 * schema (PROTOCOL_V0 §11), which cannot be signed and is returned as its own type.
 *
 * Rust JSON, field order as serde derives it:
 *   Subscription {subscription_id, subscriber[32 ints], provider[32 ints],
 *                 terms{amount "dec", currency, frequency, method, max_amount_per_period "dec"|null, description},
 *                 metadata (any; keys sorted as serde_json writes them), created_at, starts_at, ends_at|null}
 *   Signature {signature[64 ints], public_key[32 ints], nonce[32 ints], timestamp, expires_at}
 *   SignedSubscription {subscription, subscriber_signature, provider_signature}
 *   Cancellation (json! → sorted keys) {cancelled_at, reason|null, subscription_id}
 * Times are Unix seconds.
 */
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import { PaykitError } from '../util/errors'
import { Amount } from '../money/amount'
import { parseJson, sortKeysDeep, writeJson, type JsonObject, type JsonValue } from '../interactive/json'
import {
  asObject,
  bytesFromJson,
  bytesToJson,
  get,
  has,
  keyFromArray,
  keyFromZ32,
  optInt,
  optStr,
  reqInt,
  reqStr,
} from '../interactive/shape'
import { equalBytes } from '../util/bytes'
import { frequencyFromJson, frequencyFromMobile, frequencyToJson, type Frequency } from './frequency'

export class SubscriptionError extends PaykitError<'invalid-subscription'> {
  constructor(message: string) {
    super('invalid-subscription', message)
  }
}

export interface SubscriptionTerms {
  readonly amount: Amount
  readonly currency: string
  readonly frequency: Frequency
  readonly method: string
  readonly maxAmountPerPeriod: Amount | null
  readonly description: string
}

export interface Subscription {
  readonly subscriptionId: string
  /** Ed25519 public key bytes. */
  readonly subscriber: Uint8Array
  readonly provider: Uint8Array
  readonly terms: SubscriptionTerms
  readonly metadata: JsonValue
  readonly createdAt: number
  readonly startsAt: number
  readonly endsAt: number | null
}

export interface SubscriptionSignature {
  readonly signature: Uint8Array
  readonly publicKey: Uint8Array
  readonly nonce: Uint8Array
  readonly timestamp: number
  readonly expiresAt: number
}

export interface SignedSubscription {
  readonly subscription: Subscription
  /** As the reference fills it: the PROPOSER's signature when the provider proposed (§6.4). */
  readonly subscriberSignature: SubscriptionSignature
  /** As the reference fills it: the ACCEPTOR's signature when the provider proposed. */
  readonly providerSignature: SubscriptionSignature
}

export interface Cancellation {
  readonly cancelledAt: number
  readonly reason: string | null
  readonly subscriptionId: string
}

/** Largest sealed plaintext the reference encrypts (Sealed Blob v1 limit). */
export const MAX_PAYLOAD_CHARS = 65_536

/**
 * Ids are path segments on a homeserver. The reference only requires non-empty; we also refuse
 * separators, whitespace and control characters so an id can never escape its directory.
 */
export function checkRecordId(id: string, what: string): string {
  if (typeof id !== 'string' || id.length === 0)
    throw new SubscriptionError(`${what} must be a non-empty string`)
  if (id.length > 256) throw new SubscriptionError(`${what} is longer than 256 characters`)
  if (!/^[A-Za-z0-9._~:@!$&'()*+,;=-]+$/.test(id) || id === '.' || id === '..') {
    throw new SubscriptionError(`${what} "${id}" contains characters not allowed in a path segment`)
  }
  return id
}

// ---------------------------------------------------------------------------------------------
// Subscription
// ---------------------------------------------------------------------------------------------

export function termsToJson(t: SubscriptionTerms): JsonObject {
  return {
    amount: t.amount.toJson(),
    currency: t.currency,
    frequency: frequencyToJson(t.frequency),
    method: t.method,
    max_amount_per_period: t.maxAmountPerPeriod ? t.maxAmountPerPeriod.toJson() : null,
    description: t.description,
  }
}

export function subscriptionToJson(s: Subscription): JsonObject {
  return {
    subscription_id: s.subscriptionId,
    subscriber: bytesToJson(s.subscriber),
    provider: bytesToJson(s.provider),
    terms: termsToJson(s.terms),
    metadata: s.metadata,
    created_at: s.createdAt,
    starts_at: s.startsAt,
    ends_at: s.endsAt,
  }
}

function termsFromJson(v: JsonValue | undefined, path: string): SubscriptionTerms {
  const o = asObject(v, path)
  const max = get(o, 'max_amount_per_period')
  return {
    amount: Amount.fromJson(get(o, 'amount'), `${path}.amount`),
    currency: reqStr(o, 'currency', path, 64),
    frequency: frequencyFromJson(get(o, 'frequency'), `${path}.frequency`),
    method: reqStr(o, 'method', path, 64),
    maxAmountPerPeriod:
      max === undefined || max === null ? null : Amount.fromJson(max, `${path}.max_amount_per_period`),
    description: reqStr(o, 'description', path, 1024),
  }
}

/** Reads a Rust-schema `Subscription` JSON value (shape only; see `validateSubscription`). */
export function subscriptionFromJson(v: JsonValue | undefined, path = 'subscription'): Subscription {
  const o = asObject(v, path)
  if (!has(o, 'metadata')) throw new SubscriptionError(`${path}.metadata is missing`)
  return {
    subscriptionId: reqStr(o, 'subscription_id', path, 256),
    subscriber: keyFromArray(get(o, 'subscriber'), `${path}.subscriber`),
    provider: keyFromArray(get(o, 'provider'), `${path}.provider`),
    terms: termsFromJson(get(o, 'terms'), `${path}.terms`),
    metadata: get(o, 'metadata')!,
    createdAt: reqInt(o, 'created_at', path),
    startsAt: reqInt(o, 'starts_at', path),
    endsAt: optInt(o, 'ends_at', path),
  }
}

/** Compact JSON exactly as serde_json writes the Rust struct (metadata keys sorted). */
export function writeSubscription(s: Subscription): string {
  return writeJson(withSortedMetadata(subscriptionToJson(s)))
}

export function readSubscription(text: string): Subscription {
  return validateSubscription(subscriptionFromJson(parseJson(text, { maxLength: MAX_PAYLOAD_CHARS })))
}

/** serde_json `Value` maps are sorted: write metadata as Rust would re-serialize it. */
function withSortedMetadata(o: JsonObject): JsonObject {
  const md = o['metadata']
  if (md === undefined) return o
  return { ...o, metadata: sortKeysDeep(md) }
}

/**
 * The reference's `validate()` (non-empty id, subscriber ≠ provider, starts_at ≥ 0,
 * ends_at > starts_at, non-empty currency and description), plus: a path-safe id, a positive
 * amount, a non-negative max that is at least the amount, and a non-empty method.
 */
export function validateSubscription(s: Subscription): Subscription {
  checkRecordId(s.subscriptionId, 'subscription_id')
  if (equalBytes(s.subscriber, s.provider))
    throw new SubscriptionError('Subscriber and provider must be different')
  if (s.startsAt < 0) throw new SubscriptionError('Start time cannot be negative')
  if (s.endsAt !== null && s.endsAt <= s.startsAt)
    throw new SubscriptionError('End time must be after start time')
  if (s.terms.currency.length === 0) throw new SubscriptionError('Currency cannot be empty')
  if (s.terms.description.length === 0) throw new SubscriptionError('Description cannot be empty')
  if (s.terms.method.length === 0) throw new SubscriptionError('Payment method cannot be empty')
  if (!s.terms.amount.isPositive())
    throw new SubscriptionError(`Amount must be positive, got ${s.terms.amount}`)
  const max = s.terms.maxAmountPerPeriod
  if (max !== null && max.compare(s.terms.amount) < 0) {
    throw new SubscriptionError(`max_amount_per_period ${max} is below the amount ${s.terms.amount}`)
  }
  return s
}

/** Active ⇔ starts_at ≤ now < ends_at (or no end). */
export function isSubscriptionActive(s: Subscription, clock: Clock): boolean {
  const now = nowSeconds(clock)
  return now >= s.startsAt && (s.endsAt === null || now < s.endsAt)
}

/** Expired ⇔ now ≥ ends_at. */
export function isSubscriptionExpired(s: Subscription, clock: Clock): boolean {
  return s.endsAt !== null && nowSeconds(clock) >= s.endsAt
}

// ---------------------------------------------------------------------------------------------
// Signatures and agreements
// ---------------------------------------------------------------------------------------------

export function signatureToJson(sig: SubscriptionSignature): JsonObject {
  return {
    signature: bytesToJson(sig.signature),
    public_key: bytesToJson(sig.publicKey),
    nonce: bytesToJson(sig.nonce),
    timestamp: sig.timestamp,
    expires_at: sig.expiresAt,
  }
}

export function signatureFromJson(v: JsonValue | undefined, path = 'signature'): SubscriptionSignature {
  const o = asObject(v, path)
  return {
    signature: bytesFromJson(get(o, 'signature'), 64, `${path}.signature`),
    publicKey: keyFromArray(get(o, 'public_key'), `${path}.public_key`),
    nonce: bytesFromJson(get(o, 'nonce'), 32, `${path}.nonce`),
    timestamp: reqInt(o, 'timestamp', path),
    expiresAt: reqInt(o, 'expires_at', path),
  }
}

export function writeSignature(sig: SubscriptionSignature): string {
  return writeJson(signatureToJson(sig))
}

export function signedSubscriptionToJson(s: SignedSubscription): JsonObject {
  return {
    subscription: withSortedMetadata(subscriptionToJson(s.subscription)),
    subscriber_signature: signatureToJson(s.subscriberSignature),
    provider_signature: signatureToJson(s.providerSignature),
  }
}

export function signedSubscriptionFromJson(
  v: JsonValue | undefined,
  path = 'signed_subscription',
): SignedSubscription {
  const o = asObject(v, path)
  return {
    subscription: validateSubscription(subscriptionFromJson(get(o, 'subscription'), `${path}.subscription`)),
    subscriberSignature: signatureFromJson(get(o, 'subscriber_signature'), `${path}.subscriber_signature`),
    providerSignature: signatureFromJson(get(o, 'provider_signature'), `${path}.provider_signature`),
  }
}

export function writeSignedSubscription(s: SignedSubscription): string {
  return writeJson(signedSubscriptionToJson(s))
}

export function readSignedSubscription(text: string): SignedSubscription {
  return signedSubscriptionFromJson(parseJson(text, { maxLength: MAX_PAYLOAD_CHARS }))
}

/** Cancellation record: Rust builds it with `json!`, so its keys come out sorted. */
export function cancellationToJson(c: Cancellation): JsonObject {
  return { cancelled_at: c.cancelledAt, reason: c.reason, subscription_id: c.subscriptionId }
}

export function cancellationFromJson(v: JsonValue | undefined, path = 'cancellation'): Cancellation {
  const o = asObject(v, path)
  return {
    cancelledAt: reqInt(o, 'cancelled_at', path, 0),
    reason: optStr(o, 'reason', path, 1024),
    subscriptionId: checkRecordId(reqStr(o, 'subscription_id', path, 256), `${path}.subscription_id`),
  }
}

export function writeCancellation(c: Cancellation): string {
  return writeJson(cancellationToJson(c))
}

export function readCancellation(text: string): Cancellation {
  return cancellationFromJson(parseJson(text, { maxLength: MAX_PAYLOAD_CHARS }))
}

// ---------------------------------------------------------------------------------------------
// Mobile (Bitkit doc) proposal schema — read only
// ---------------------------------------------------------------------------------------------

/** PROTOCOL_V0 §11 proposal, normalized: keys as bytes, times in seconds, amount in sats. */
export interface MobileProposal {
  readonly schemaVersion: number
  readonly provider: Uint8Array
  readonly providerName: string | null
  readonly amountSats: bigint
  readonly currency: string
  readonly frequency: Frequency
  readonly description: string
  readonly methodId: string
  readonly createdAt: number
  readonly maxPayments: number | null
  readonly startDate: number | null
}

/** Mixed units in the wild: values above 10^12 are milliseconds (Appendix C heuristic). */
export function toSeconds(t: number): number {
  return t > 1e12 ? Math.floor(t / 1000) : t
}

export type ProposalRead =
  { schema: 'rust'; subscription: Subscription } | { schema: 'mobile'; proposal: MobileProposal }

/** Reads a sealed proposal plaintext in either schema (mobile detected by `provider_pubkey`/`schema_version`). */
export function readProposal(text: string): ProposalRead {
  const v = parseJson(text, { maxLength: MAX_PAYLOAD_CHARS })
  const o = asObject(v, 'proposal')
  if (has(o, 'provider_pubkey') || has(o, 'schema_version'))
    return { schema: 'mobile', proposal: mobileProposalFromJson(o) }
  return { schema: 'rust', subscription: validateSubscription(subscriptionFromJson(o, 'proposal')) }
}

export function mobileProposalFromJson(v: JsonValue, path = 'proposal'): MobileProposal {
  const o = asObject(v, path)
  const version = reqInt(o, 'schema_version', path, 1)
  const sats = get(o, 'amount_sats')
  if (!(typeof sats === 'number' && Number.isSafeInteger(sats)) && typeof sats !== 'bigint') {
    throw new SubscriptionError(`${path}.amount_sats must be an integer`)
  }
  if (BigInt(sats) <= 0n) throw new SubscriptionError(`${path}.amount_sats must be positive`)
  const start = optInt(o, 'start_date', path, 0)
  const startSecs = start === null ? null : toSeconds(start)
  const anchorDate = new Date((startSecs ?? toSeconds(reqInt(o, 'created_at', path, 0))) * 1000)
  const maxPayments = optInt(o, 'max_payments', path, 1)
  const currency = optStr(o, 'currency', path, 64) ?? 'SAT'
  return {
    schemaVersion: version,
    provider: keyFromZ32(get(o, 'provider_pubkey'), `${path}.provider_pubkey`),
    providerName: optStr(o, 'provider_name', path, 256),
    amountSats: BigInt(sats),
    currency,
    frequency: frequencyFromMobile(get(o, 'frequency'), {
      month: anchorDate.getUTCMonth() + 1,
      day: anchorDate.getUTCDate(),
    }),
    description: reqStr(o, 'description', path, 1024),
    methodId: reqStr(o, 'method_id', path, 64),
    createdAt: toSeconds(reqInt(o, 'created_at', path, 0)),
    maxPayments,
    startDate: startSecs,
  }
}

export interface NewSubscription {
  readonly subscriber: Uint8Array
  readonly provider: Uint8Array
  readonly terms: SubscriptionTerms
  readonly metadata?: JsonValue
  /** Default: now. */
  readonly startsAt?: number
  readonly endsAt?: number | null
}

/**
 * A new subscription (`created_at = now`, `starts_at` default now, metadata default `{}`) with a
 * collision-free id (`ids.next('sub')`), validated. The reference uses `sub_{secs}`.
 */
export function createSubscription(
  input: NewSubscription,
  ctx: { clock: Clock; ids: { next(prefix: 'sub'): string } },
): Subscription {
  const now = nowSeconds(ctx.clock)
  return validateSubscription({
    subscriptionId: ctx.ids.next('sub'),
    subscriber: input.subscriber,
    provider: input.provider,
    terms: input.terms,
    metadata: input.metadata ?? {},
    createdAt: now,
    startsAt: input.startsAt ?? now,
    endsAt: input.endsAt ?? null,
  })
}
