/**
 * @module directory/paths
 * Every homeserver path Paykit reads or writes, from paykit-rs `paykit-lib/src/protocol/paths.rs`,
 * `paykit-subscriptions/src/manager.rs` and `paykit-lib/src/lib.rs` @3b97922 (vectors:
 * `paykit/paths.json`). Paths are absolute on the *owner's* homeserver; address them as
 * `pubky://{owner}{path}`.
 *
 * Stronger than the reference: ids and method names are checked to be a single, harmless path segment
 * (the reference formats whatever it is given, so an id containing `/` would silently land elsewhere),
 * and method names that collide with Paykit's own files (`noise`, `supported.json`, …) are refused so a
 * writer can never create stray entries in the methods directory.
 */
import type { CryptoProvider } from '../crypto'
import { InputError } from '../util/errors'
import { assertEd25519PublicKey, formatPublicKey, parsePublicKey } from '../keys/public-key'
import { recipientScope, subscriberScope, type PubkeyRef } from './scope'

export const PAYKIT_V0_PREFIX = '/pub/paykit.app/v0'
/** The payment-methods directory; each file directly under it is one method's raw endpoint text. */
export const PAYKIT_METHODS_DIR = `${PAYKIT_V0_PREFIX}/`
export const SUPPORTED_SNAPSHOT_PATH = `${PAYKIT_V0_PREFIX}/supported.json`
export const NOISE_ENDPOINT_PATH = `${PAYKIT_V0_PREFIX}/noise`
/** Deprecated public push token location: read-never, write-never (replaced by the push relay). */
export const DEPRECATED_PUSH_PATH = `${PAYKIT_V0_PREFIX}/push`
export const PUBKY_FOLLOWS_DIR = '/pub/pubky.app/follows/'
export const PUBKY_PROFILE_PATH = '/pub/pubky.app/profile.json'
/** pubky-noise 0.8.0-era per-device Noise key records (paykit-demo-core `NOISE_KEY_PATH_PREFIX`). */
export const NOISE_KEY_DIR = '/pub/noise.app/v0/'

/** Names directly under the methods directory that are Paykit's own files, not payment methods. */
export const RESERVED_METHOD_NAMES: ReadonlySet<string> = new Set([
  'noise',
  'supported.json',
  'push',
  'requests',
  'subscriptions',
  'handoff',
])

const MAX_SEGMENT = 256

/**
 * Throws unless `value` is one non-empty path segment: no `/` or `\`, not `.`/`..`, no control
 * characters, no `?`/`#`/`%` (which would change meaning inside a URL), at most 256 characters.
 */
export function assertPathSegment(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InputError(`${what} must be a non-empty string`)
  if (value.length > MAX_SEGMENT) throw new InputError(`${what} is longer than ${MAX_SEGMENT} characters`)
  if (value === '.' || value === '..') throw new InputError(`${what} may not be "." or ".."`)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being refused
  const bad = /[/\\?#%\u0000-\u001f\u007f]/.exec(value)
  if (bad) throw new InputError(`${what} may not contain ${JSON.stringify(bad[0])}`)
  return value
}

/** Canonical z32 of a party key given as text (any pkarr form) or bytes. */
function partyZ32(party: PubkeyRef): string {
  if (party instanceof Uint8Array) {
    assertEd25519PublicKey(party, 'party key')
    return formatPublicKey(party)
  }
  return formatPublicKey(parsePublicKey(party))
}

/** True when a name listed directly under the methods directory is a payment method file. */
export function isPaymentMethodName(name: string): boolean {
  if (RESERVED_METHOD_NAMES.has(name) || name.endsWith('/')) return false
  try {
    assertPathSegment(name, 'method id')
    return true
  } catch {
    return false
  }
}

/** `/pub/paykit.app/v0/{method_id}`; refuses reserved names. */
export function paymentMethodPath(methodId: string): string {
  assertPathSegment(methodId, 'method id')
  if (RESERVED_METHOD_NAMES.has(methodId)) {
    throw new InputError(`"${methodId}" is one of Paykit's own files, not a payment method id`)
  }
  return `${PAYKIT_V0_PREFIX}/${methodId}`
}

/** `/pub/paykit.app/v0/requests/{recipient_scope}/{request_id}` (on the sender's homeserver). */
export function paymentRequestPath(
  recipient: PubkeyRef,
  requestId: string,
  provider?: CryptoProvider,
): string {
  assertPathSegment(requestId, 'request id')
  return `${paymentRequestsDir(recipient, provider)}${requestId}`
}

/** `/pub/paykit.app/v0/requests/{recipient_scope}/` (trailing slash: a directory). */
export function paymentRequestsDir(recipient: PubkeyRef, provider?: CryptoProvider): string {
  return `${PAYKIT_V0_PREFIX}/requests/${recipientScope(recipient, provider)}/`
}

/** `/pub/paykit.app/v0/subscriptions/proposals/{subscriber_scope}/{proposal_id}` (provider's homeserver). */
export function subscriptionProposalPath(
  subscriber: PubkeyRef,
  proposalId: string,
  provider?: CryptoProvider,
): string {
  assertPathSegment(proposalId, 'proposal id')
  return `${subscriptionProposalsDir(subscriber, provider)}${proposalId}`
}

/** `/pub/paykit.app/v0/subscriptions/proposals/{subscriber_scope}/`. */
export function subscriptionProposalsDir(subscriber: PubkeyRef, provider?: CryptoProvider): string {
  return `${PAYKIT_V0_PREFIX}/subscriptions/proposals/${subscriberScope(subscriber, provider)}/`
}

/**
 * `/pub/paykit.app/v0/subscriptions/agreements/{party_z32}/{subscription_id}` on the accepting party's
 * homeserver. The party is the bare z32 (pkarr `Display`), not a scope hash.
 */
export function subscriptionAgreementPath(party: PubkeyRef, subscriptionId: string): string {
  assertPathSegment(subscriptionId, 'subscription id')
  return `${subscriptionAgreementsDir(party)}${subscriptionId}`
}

/** `/pub/paykit.app/v0/subscriptions/agreements/{party_z32}/`. */
export function subscriptionAgreementsDir(party: PubkeyRef): string {
  return `${PAYKIT_V0_PREFIX}/subscriptions/agreements/${partyZ32(party)}/`
}

/** `/pub/paykit.app/v0/subscriptions/cancellations/{party_z32}/{subscription_id}` (canceller's homeserver). */
export function subscriptionCancellationPath(party: PubkeyRef, subscriptionId: string): string {
  assertPathSegment(subscriptionId, 'subscription id')
  return `${subscriptionCancellationsDir(party)}${subscriptionId}`
}

/** `/pub/paykit.app/v0/subscriptions/cancellations/{party_z32}/`. */
export function subscriptionCancellationsDir(party: PubkeyRef): string {
  return `${PAYKIT_V0_PREFIX}/subscriptions/cancellations/${partyZ32(party)}/`
}

/** `/pub/paykit.app/v0/handoff/{request_id}` (Ring user's homeserver). */
export function secureHandoffPath(requestId: string): string {
  assertPathSegment(requestId, 'request id')
  return `${PAYKIT_V0_PREFIX}/handoff/${requestId}`
}

/** `/pub/paykit.app/v0/noise`: the Noise endpoint record `{"host","port","pubkey","metadata"?}`. */
export function noiseEndpointPath(): string {
  return NOISE_ENDPOINT_PATH
}

/** `/pub/noise.app/v0/{device_id}`: the 0.8.0-era pkarr-style TXT value for one device. */
export function noiseKeyPath(deviceId: string): string {
  assertPathSegment(deviceId, 'device id')
  return `${NOISE_KEY_DIR}${deviceId}`
}

/** `/pub/pubky.app/follows/{contact_z32}`. */
export function followPath(contact: PubkeyRef): string {
  return `${PUBKY_FOLLOWS_DIR}${partyZ32(contact)}`
}
