/**
 * @module subscriptions/signing
 * Subscription signatures exactly as paykit-subscriptions `signing.rs` computes them:
 *
 *   message   = SHA-256( postcard( SignaturePayload { domain: b"PAYKIT_SUBSCRIPTION_V2",
 *                                   subscription, nonce: [u8; 32], timestamp: i64, expires_at: i64 } ) )
 *   signature = Ed25519(seed, message)           (pure Ed25519 over the 32-byte hash)
 *
 * Postcard, field by field (serde derive order):
 *   domain            varint(22) ‖ 22 ASCII bytes (`&[u8]` is a seq of u8)
 *   subscription_id   str = varint(len) ‖ UTF-8
 *   subscriber        32 raw bytes (pkarr serializes `[u8; 32]`, a tuple: no length)
 *   provider          32 raw bytes
 *   terms.amount      str of the decimal string (rust_decimal serializes as a string)
 *   terms.currency    str
 *   terms.frequency   varint(variant 0..4) ‖ fields (Monthly: u8; Yearly: u8 month, u8 day; Custom: varint u64)
 *   terms.method      str (MethodId newtype)
 *   terms.max_amount  0x00 | 0x01 ‖ str
 *   terms.description str
 *   metadata          serde_json::Value (maps sorted bytewise; see subscriptions/postcard.ts)
 *   created_at        zigzag varint;  starts_at  zigzag varint;  ends_at  0x00 | 0x01 ‖ zigzag varint
 *   nonce             32 raw bytes;   timestamp  zigzag varint;  expires_at zigzag varint
 *
 * Verification (stronger than the reference, which only checks expiry and the signature): the
 * caller names which party must have signed (`expectedSigner`), and the check for "offer still
 * valid" (`expires_at`) is separate from the check that an agreement is authentic, because the
 * reference's 7-day signature expiry would otherwise make every stored agreement unverifiable.
 */
import type { CryptoProvider } from '../crypto/provider'
import { defaultProvider } from '../crypto/index'
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import type { Rng } from '../util/rng'
import { PaykitError } from '../util/errors'
import { abytes, equalBytes, utf8, wipe } from '../util/bytes'
import { PostcardWriter } from '../util/postcard'
import { writeJsonValue } from './postcard'
import { FREQUENCY_VARIANT } from './frequency'
import type { SignedSubscription, Subscription, SubscriptionSignature } from './model'

export const SUBSCRIPTION_DOMAIN = 'PAYKIT_SUBSCRIPTION_V2'
/** Signature lifetime the reference manager uses (7 days). */
export const DEFAULT_SIGNATURE_LIFETIME_SECS = 604_800

export type SigningErrorCode = 'signature-invalid' | 'signature-expired' | 'wrong-signer'

export class SigningError extends PaykitError<SigningErrorCode> {}

/** The postcard bytes of `SignaturePayload` (what is hashed). */
export function subscriptionCanonicalBytes(
  sub: Subscription,
  nonce: Uint8Array,
  timestamp: number,
  expiresAt: number,
): Uint8Array {
  abytes(nonce, 'nonce', 32)
  abytes(sub.subscriber, 'subscriber', 32)
  abytes(sub.provider, 'provider', 32)
  const w = new PostcardWriter()
  w.bytes(utf8(SUBSCRIPTION_DOMAIN))
  w.str(sub.subscriptionId)
  w.raw(sub.subscriber)
  w.raw(sub.provider)
  const t = sub.terms
  w.str(t.amount.toString())
  w.str(t.currency)
  const f = t.frequency
  w.varint(FREQUENCY_VARIANT[f.kind])
  switch (f.kind) {
    case 'daily':
    case 'weekly':
      break
    case 'monthly':
      w.u8(f.dayOfMonth)
      break
    case 'yearly':
      w.u8(f.month).u8(f.day)
      break
    case 'custom':
      w.varint(f.intervalSeconds)
      break
  }
  w.str(t.method)
  if (t.maxAmountPerPeriod === null) w.none()
  else w.some().str(t.maxAmountPerPeriod.toString())
  w.str(t.description)
  writeJsonValue(w, sub.metadata)
  w.i64(sub.createdAt)
  w.i64(sub.startsAt)
  if (sub.endsAt === null) w.none()
  else w.some().i64(sub.endsAt)
  w.raw(nonce)
  w.i64(timestamp)
  w.i64(expiresAt)
  return w.finish()
}

/** SHA-256 of the canonical bytes: the 32-byte message that is signed. */
export function subscriptionSigningHash(
  sub: Subscription,
  nonce: Uint8Array,
  timestamp: number,
  expiresAt: number,
  provider: CryptoProvider = defaultProvider(),
): Uint8Array {
  return provider.hash('sha256', subscriptionCanonicalBytes(sub, nonce, timestamp, expiresAt))
}

export interface SignOptions {
  clock: Clock
  rng: Rng
  /** Seconds the signature (offer) stays valid; default 7 days, as the reference. */
  lifetimeSecs?: number
  provider?: CryptoProvider
  /** Fixed nonce (vectors/tests); otherwise 32 bytes from `rng`. */
  nonce?: Uint8Array
}

/** Signs a subscription with an Ed25519 seed (`timestamp = now`, `expires_at = now + lifetime`). */
export function signSubscription(
  sub: Subscription,
  seed: Uint8Array,
  options: SignOptions,
): SubscriptionSignature {
  abytes(seed, 'ed25519 seed', 32)
  const provider = options.provider ?? defaultProvider()
  const nonce = options.nonce ? abytes(options.nonce, 'nonce', 32).slice() : options.rng(32)
  abytes(nonce, 'nonce', 32)
  const timestamp = nowSeconds(options.clock)
  const expiresAt = timestamp + (options.lifetimeSecs ?? DEFAULT_SIGNATURE_LIFETIME_SECS)
  const message = subscriptionSigningHash(sub, nonce, timestamp, expiresAt, provider)
  const signature = provider.ed25519Sign(seed, message)
  const publicKey = provider.ed25519PublicKey(seed)
  wipe(message)
  return { signature, publicKey, nonce, timestamp, expiresAt }
}

export interface VerifyOptions {
  provider?: CryptoProvider
  /** When given, the signature must be by exactly this key (the reference does not check this). */
  expectedSigner?: Uint8Array
  /**
   * When given, also require `now ≤ expires_at` (the reference's check). Leave it out to verify a
   * stored agreement whose offer window has passed.
   */
  clock?: Clock
}

/** Returns true only for an authentic signature (and, if asked, unexpired and by the expected key). */
export function verifySubscriptionSignature(
  sub: Subscription,
  sig: SubscriptionSignature,
  options: VerifyOptions = {},
): boolean {
  try {
    checkSubscriptionSignature(sub, sig, options)
    return true
  } catch (e) {
    if (e instanceof SigningError) return false
    throw e
  }
}

/** Like `verifySubscriptionSignature` but throws a `SigningError` saying which check failed. */
export function checkSubscriptionSignature(
  sub: Subscription,
  sig: SubscriptionSignature,
  options: VerifyOptions = {},
): void {
  const provider = options.provider ?? defaultProvider()
  if (options.clock && nowSeconds(options.clock) > sig.expiresAt) {
    throw new SigningError('signature-expired', `signature expired at ${sig.expiresAt} (Unix seconds)`)
  }
  if (options.expectedSigner && !equalBytes(options.expectedSigner, sig.publicKey)) {
    throw new SigningError('wrong-signer', 'signature public key is not the expected party')
  }
  if (sig.signature.length !== 64 || sig.nonce.length !== 32 || sig.publicKey.length !== 32) {
    throw new SigningError('signature-invalid', 'signature, nonce or public key has the wrong length')
  }
  const message = subscriptionSigningHash(sub, sig.nonce, sig.timestamp, sig.expiresAt, provider)
  if (!provider.ed25519Verify(sig.signature, message, sig.publicKey)) {
    throw new SigningError('signature-invalid', 'Ed25519 signature does not match the subscription')
  }
}

export interface AgreementCheck {
  provider?: CryptoProvider
  clock?: Clock
}

/**
 * Verifies both signatures of an agreement and that between them the subscriber and the provider
 * each signed once (in either slot: the reference's positional constructor puts the proposer's
 * signature under `subscriber_signature`), with distinct nonces.
 */
export function checkSignedSubscription(agreement: SignedSubscription, options: AgreementCheck = {}): void {
  const sub = agreement.subscription
  const a = agreement.subscriberSignature
  const b = agreement.providerSignature
  const signers = [a.publicKey, b.publicKey]
  const hasSubscriber = signers.some((k) => equalBytes(k, sub.subscriber))
  const hasProvider = signers.some((k) => equalBytes(k, sub.provider))
  if (!hasSubscriber || !hasProvider) {
    throw new SigningError('wrong-signer', 'agreement must be signed by both the subscriber and the provider')
  }
  if (equalBytes(a.nonce, b.nonce))
    throw new SigningError('signature-invalid', 'both signatures reuse one nonce')
  const verifyOpts = (): VerifyOptions => {
    const o: VerifyOptions = {}
    if (options.provider) o.provider = options.provider
    if (options.clock) o.clock = options.clock
    return o
  }
  checkSubscriptionSignature(sub, a, verifyOpts())
  checkSubscriptionSignature(sub, b, verifyOpts())
}
