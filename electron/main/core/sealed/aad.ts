/**
 * @module sealed/aad
 * AAD strings for Sealed Blobs (their UTF-8 bytes are the AEAD associated data). Canonical v0 formats
 * from paykit-rs `paykit-lib/src/protocol/aad.rs` and, for agreements and cancellations,
 * `paykit-subscriptions/src/manager.rs` @3b97922 (vectors: `paykit/aad.json`):
 *
 *   paykit:v0:{purpose}:{path}:{id}
 *   paykit:v0:handoff:{owner as passed}:/pub/paykit.app/v0/handoff/{id}:{id}
 *
 * Older formats seen in docs and other apps are recognised (`classifyAad`) and can be built for reading
 * old blobs (`legacy…`/`relaySessionAad`), but the product never seals with them.
 */
import type { CryptoProvider } from '../crypto'
import { InputError } from '../util/errors'
import {
  PAYKIT_V0_PREFIX,
  assertPathSegment,
  paymentRequestPath,
  secureHandoffPath,
  subscriptionAgreementPath,
  subscriptionCancellationPath,
  subscriptionProposalPath,
} from '../directory/paths'
import type { PubkeyRef } from '../directory/scope'
import { SEALED_PURPOSE } from './envelope'

export const AAD_PREFIX = 'paykit:v0'

/** `paykit:v0:{purpose}:{path}:{id}` (paykit-rs `build_aad`). */
export function buildAad(purpose: string, path: string, id: string): string {
  if (typeof purpose !== 'string' || !/^[a-z0-9_]+$/.test(purpose)) {
    throw new InputError('AAD purpose must be lowercase letters, digits and "_"')
  }
  if (typeof path !== 'string' || !path.startsWith('/')) throw new InputError('AAD path must be absolute')
  assertPathSegment(id, 'AAD id')
  return `${AAD_PREFIX}:${purpose}:${path}:${id}`
}

/** Payment request: `paykit:v0:request:{payment_request_path}:{request_id}`. */
export function paymentRequestAad(
  recipient: PubkeyRef,
  requestId: string,
  provider?: CryptoProvider,
): string {
  return buildAad(SEALED_PURPOSE.request, paymentRequestPath(recipient, requestId, provider), requestId)
}

/** Subscription proposal: `paykit:v0:subscription_proposal:{proposal_path}:{proposal_id}`. */
export function subscriptionProposalAad(
  subscriber: PubkeyRef,
  proposalId: string,
  provider?: CryptoProvider,
): string {
  return buildAad(
    SEALED_PURPOSE.subscriptionProposal,
    subscriptionProposalPath(subscriber, proposalId, provider),
    proposalId,
  )
}

/** Signed agreement copy for `party`: `paykit:v0:subscription_agreement:{agreement_path}:{subscription_id}`. */
export function subscriptionAgreementAad(party: PubkeyRef, subscriptionId: string): string {
  return buildAad(
    SEALED_PURPOSE.subscriptionAgreement,
    subscriptionAgreementPath(party, subscriptionId),
    subscriptionId,
  )
}

/** Cancellation: `paykit:v0:subscription_cancellation:{cancellation_path}:{subscription_id}`. */
export function subscriptionCancellationAad(party: PubkeyRef, subscriptionId: string): string {
  return buildAad(
    SEALED_PURPOSE.subscriptionCancellation,
    subscriptionCancellationPath(party, subscriptionId),
    subscriptionId,
  )
}

/**
 * Secure handoff: `paykit:v0:handoff:{owner}:/pub/paykit.app/v0/handoff/{id}:{id}`. The owner string is
 * used exactly as passed (not normalized), as the reference does; it must not contain `:`.
 */
export function handoffAad(ownerPubkeyZ32: string, requestId: string): string {
  if (typeof ownerPubkeyZ32 !== 'string' || ownerPubkeyZ32.length === 0 || ownerPubkeyZ32.includes(':')) {
    throw new InputError('handoff owner must be a z32 key without a "pk:" prefix')
  }
  return `${AAD_PREFIX}:${SEALED_PURPOSE.handoff}:${ownerPubkeyZ32}:${secureHandoffPath(requestId)}:${requestId}`
}

/**
 * READ ONLY. The pre-v0 `{purpose}:{owner}:{path}` form (`SEALED_BLOB_V1_SPEC.md`; older Ring handoff
 * code). Build it only to try opening an old blob; never seal with it.
 */
export function legacyPurposeOwnerPathAad(purpose: string, owner: string, path: string): string {
  if (!/^[a-z_]+$/.test(purpose)) throw new InputError('legacy AAD purpose must be lowercase letters')
  if (!path.startsWith('/')) throw new InputError('legacy AAD path must be absolute')
  return `${purpose}:${owner}:${path}`
}

/** READ ONLY. Bitkit's cross-device relay form `paykit:v0:relay:session:{request_id}`. */
export function relaySessionAad(requestId: string): string {
  assertPathSegment(requestId, 'request id')
  return `${AAD_PREFIX}:relay:session:${requestId}`
}

export type AadClass =
  | { kind: 'canonical'; purpose: string; path: string; id: string }
  | { kind: 'handoff'; owner: string; path: string; id: string }
  | { kind: 'relay-session'; id: string }
  | { kind: 'legacy-purpose-owner-path'; purpose: string; owner: string; path: string }
  | { kind: 'legacy-path-id-request'; path: string; id: string }
  | { kind: 'unknown' }

/**
 * Recognises which AAD format a string is in (for diagnostics and for readers deciding which AADs to
 * try). Only `canonical` and `handoff` are formats the product emits.
 */
export function classifyAad(aad: string): AadClass {
  if (typeof aad !== 'string' || aad.length > 4096) return { kind: 'unknown' }
  const relay = /^paykit:v0:relay:session:([^:/]+)$/.exec(aad)
  if (relay) return { kind: 'relay-session', id: relay[1]! }
  const handoff = /^paykit:v0:handoff:([^:]+):(\/pub\/paykit\.app\/v0\/handoff\/([^:/]+)):([^:/]+)$/.exec(aad)
  if (handoff && handoff[3] === handoff[4]) {
    return { kind: 'handoff', owner: handoff[1]!, path: handoff[2]!, id: handoff[4]! }
  }
  const canonical = /^paykit:v0:([a-z0-9_]+):(\/[^:]*):([^:/]+)$/.exec(aad)
  if (canonical) return { kind: 'canonical', purpose: canonical[1]!, path: canonical[2]!, id: canonical[3]! }
  const oldDiscovery = new RegExp(
    `^(${PAYKIT_V0_PREFIX.replace(/\./g, '\\.')}/requests/([^:/]+)):([^:/]+):request$`,
  ).exec(aad)
  if (oldDiscovery && oldDiscovery[2] === oldDiscovery[3]) {
    return { kind: 'legacy-path-id-request', path: oldDiscovery[1]!, id: oldDiscovery[3]! }
  }
  const legacy = /^([a-z_]+):([^:]+):(\/\S*)$/.exec(aad)
  if (legacy)
    return { kind: 'legacy-purpose-owner-path', purpose: legacy[1]!, owner: legacy[2]!, path: legacy[3]! }
  return { kind: 'unknown' }
}
