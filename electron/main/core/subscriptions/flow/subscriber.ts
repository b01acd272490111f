/**
 * @module subscriptions/flow/subscriber
 * The subscriber's (payer's) half of the subscription flow (paykit-protocol.md §6.4), used by the
 * payer CLI and by any wallet role of the app:
 *
 * - `discoverProposals`: list each provider's `subscriptions/proposals/{scope(me)}/`, open each
 *   proposal and check it. Owner binding (PROTOCOL_V0 §11, which Rust does not implement): the
 *   proposal's `provider` must be the homeserver owner; it must name us as subscriber; the id must
 *   match. A provider signature, when present, must be the provider's and verify; whether the offer
 *   is still open is reported (`offerOpen`), not a rejection.
 * - `acceptProposal`: re-check the provider's signature (now within the offer window), record its
 *   nonce (a nonce already used by another proposal is a replay), sign as subscriber, and write the
 *   two sealed agreement copies on our homeserver.
 */
import { equalBytes, toHex } from '../../util/bytes'
import { nowSeconds } from '../../util/clock'
import { systemRng } from '../../util/rng'
import { subscriptionProposalAad } from '../../sealed'
import { subscriptionProposalsDir } from '../../directory/paths'
import { checkSubscriptionSignature, signSubscription } from '../signing'
import type { MobileProposal, SignedSubscription, Subscription, SubscriptionSignature } from '../model'
import { FlowError } from './errors'
import {
  forEachRecord,
  me,
  openRecord,
  providerOf,
  signatureFingerprint,
  type FlowContext,
  type Rejection,
} from './common'
import { readSignedProposal } from './proposal'
import { recordNonces } from './nonce-store'
import { writeAgreementCopies } from './agreement'

export type DiscoveredProposal =
  | {
      readonly schema: 'rust'
      /** Provider z32 (= the homeserver owner). */
      readonly provider: string
      readonly id: string
      readonly subscription: Subscription
      /** Null for a reference-written (unsigned) proposal: it cannot be accepted into a signed agreement. */
      readonly providerSignature: SubscriptionSignature | null
      /** True while the provider's signature has not expired. */
      readonly offerOpen: boolean
    }
  | {
      readonly schema: 'mobile'
      readonly provider: string
      readonly id: string
      readonly proposal: MobileProposal
    }

export interface ProposalsResult {
  readonly proposals: readonly DiscoveredProposal[]
  readonly rejected: readonly Rejection[]
}

function checkProposal(
  body: Uint8Array,
  id: string,
  owner: { z32: string; key: Uint8Array },
  ctx: FlowContext,
): DiscoveredProposal {
  const provider = providerOf(ctx)
  const { text } = openRecord(body, subscriptionProposalAad(me(ctx), id, provider), ctx)
  const form = readSignedProposal(text)
  if (form.schema === 'mobile') {
    if (!equalBytes(form.proposal.provider, owner.key)) {
      throw new FlowError(
        'wrong-owner',
        'proposal provider_pubkey is not the owner of the homeserver it was read from',
      )
    }
    return { schema: 'mobile', provider: owner.z32, id, proposal: form.proposal }
  }
  const sub = form.subscription
  if (sub.subscriptionId !== id)
    throw new FlowError('id-mismatch', `proposal is for "${sub.subscriptionId}" but stored as "${id}"`)
  if (!equalBytes(sub.provider, owner.key)) {
    throw new FlowError(
      'wrong-owner',
      'proposal provider is not the owner of the homeserver it was read from',
    )
  }
  if (!equalBytes(sub.subscriber, ctx.party.publicKey))
    throw new FlowError('wrong-party', 'proposal is addressed to another subscriber')
  let offerOpen = false
  if (form.providerSignature !== null) {
    checkSubscriptionSignature(sub, form.providerSignature, { provider, expectedSigner: sub.provider })
    offerOpen = nowSeconds(ctx.clock) <= form.providerSignature.expiresAt
  }
  return {
    schema: 'rust',
    provider: owner.z32,
    id,
    subscription: sub,
    providerSignature: form.providerSignature,
    offerOpen,
  }
}

/** Polls each provider's homeserver for proposals addressed to us. Never throws per record. */
export async function discoverProposals(
  ctx: FlowContext,
  providers: readonly string[],
): Promise<ProposalsResult> {
  const proposals: DiscoveredProposal[] = []
  const rejected: Rejection[] = []
  const dir = subscriptionProposalsDir(me(ctx), providerOf(ctx))
  await forEachRecord(ctx, providers, dir, rejected, (owner, id, body) => {
    proposals.push(checkProposal(body, id, owner, ctx))
  })
  return { proposals, rejected }
}

export interface AcceptOptions {
  /** Lifetime of our own signature (default 7 days, as the reference). */
  signatureLifetimeSecs?: number
  providerNoiseKey?: Uint8Array
}

export interface Accepted {
  readonly agreement: SignedSubscription
  readonly paths: readonly string[]
}

/** Accepts a discovered, signed, still-open proposal: signs it and writes both agreement copies. */
export async function acceptProposal(
  ctx: FlowContext,
  proposal: DiscoveredProposal,
  options: AcceptOptions = {},
): Promise<Accepted> {
  const provider = providerOf(ctx)
  if (proposal.schema !== 'rust' || proposal.providerSignature === null) {
    throw new FlowError(
      'proposal-unsigned',
      'this proposal carries no provider signature, so no two-party agreement can be made from it',
    )
  }
  const sub = proposal.subscription
  const providerSignature = proposal.providerSignature
  if (!equalBytes(sub.subscriber, ctx.party.publicKey))
    throw new FlowError('wrong-party', 'proposal is addressed to another subscriber')
  if (nowSeconds(ctx.clock) > providerSignature.expiresAt) {
    throw new FlowError(
      'offer-expired',
      `the provider's offer expired at ${providerSignature.expiresAt} (Unix seconds)`,
    )
  }
  checkSubscriptionSignature(sub, providerSignature, {
    provider,
    expectedSigner: sub.provider,
    clock: ctx.clock,
  })
  const verdict = await recordNonces(
    ctx.nonces,
    [toHex(providerSignature.nonce)],
    `proposal:${sub.subscriptionId}:${signatureFingerprint([providerSignature], provider)}`,
    providerSignature.expiresAt * 1000,
    ctx.clock.now(),
  )
  if (verdict === 'replay') {
    throw new FlowError(
      'nonce-replayed',
      "the provider signature's nonce was already used by another proposal",
    )
  }
  const subscriberSignature = signSubscription(sub, ctx.party.secretKey, {
    clock: ctx.clock,
    rng: ctx.rng ?? systemRng,
    provider,
    ...(options.signatureLifetimeSecs !== undefined ? { lifetimeSecs: options.signatureLifetimeSecs } : {}),
  })
  const agreement: SignedSubscription = { subscription: sub, subscriberSignature, providerSignature }
  const written = await writeAgreementCopies(ctx, agreement, options.providerNoiseKey)
  return { agreement, paths: written.paths }
}
