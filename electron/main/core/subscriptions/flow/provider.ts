/**
 * @module subscriptions/flow/provider
 * The provider's (merchant's) half of the subscription flow (paykit-protocol.md §6.4):
 *
 * 1. `proposeSubscription`: validate, sign as provider (7-day offer by default), seal the signed
 *    proposal (flattened form, see `proposal.ts`) to the subscriber's `/noise` key with purpose
 *    `subscription_proposal`, PUT at `subscriptions/proposals/{scope(subscriber)}/{id}` on OUR
 *    homeserver.
 * 2. `discoverAgreements`: poll each SUBSCRIBER's homeserver at `agreements/{our z32}/` (the reference
 *    only reads its own homeserver, where the subscriber's copies never are) and check each agreement
 *    (`agreement.ts`).
 */
import { equalBytes } from '../../util/bytes'
import { sealV1, SEALED_PURPOSE, subscriptionProposalAad } from '../../sealed'
import { formatPublicKey } from '../../keys/public-key'
import { subscriptionAgreementsDir, subscriptionProposalPath } from '../../directory/paths'
import { requireNoiseKey } from '../../directory/noise-endpoint'
import { signSubscription } from '../signing'
import { validateSubscription, type Subscription, type SubscriptionSignature } from '../model'
import { FlowError } from './errors'
import { forEachRecord, me, partyKey, providerOf, type FlowContext, type Rejection } from './common'
import { writeSignedProposal } from './proposal'
import { openAgreement, type CheckedAgreement } from './agreement'
import { systemRng } from '../../util/rng'

export interface ProposeOptions {
  /** Offer validity in seconds (the provider signature's lifetime); default 7 days. */
  offerLifetimeSecs?: number
  /** The subscriber's X25519 key when already known (skips the `/noise` lookup). */
  subscriberNoiseKey?: Uint8Array
}

export interface ProposalWritten {
  readonly path: string
  readonly providerSignature: SubscriptionSignature
  readonly envelope: string
}

/** Signs and publishes a proposal for `subscription` (we must be its provider). */
export async function proposeSubscription(
  ctx: FlowContext,
  subscription: Subscription,
  options: ProposeOptions = {},
): Promise<ProposalWritten> {
  const provider = providerOf(ctx)
  validateSubscription(subscription)
  if (!equalBytes(subscription.provider, ctx.party.publicKey)) {
    throw new FlowError('wrong-party', 'only the provider named in the subscription can propose it')
  }
  const rng = ctx.rng ?? systemRng
  const signature = signSubscription(subscription, ctx.party.secretKey, {
    clock: ctx.clock,
    rng,
    provider,
    ...(options.offerLifetimeSecs !== undefined ? { lifetimeSecs: options.offerLifetimeSecs } : {}),
  })
  const subscriber = formatPublicKey(subscription.subscriber)
  const key = options.subscriberNoiseKey ?? (await requireNoiseKey(ctx.reader, subscriber))
  const id = subscription.subscriptionId
  const path = subscriptionProposalPath(subscriber, id, provider)
  const envelope = sealV1(
    key,
    writeSignedProposal(subscription, signature),
    subscriptionProposalAad(subscriber, id, provider),
    {
      purpose: SEALED_PURPOSE.subscriptionProposal,
      rng,
      provider,
    },
  )
  await ctx.writer.put(path, envelope)
  return { path, providerSignature: signature, envelope }
}

/** Deletes a proposal we published (withdrawn, or accepted and no longer needed). */
export async function withdrawProposal(
  ctx: FlowContext,
  subscriber: string,
  subscriptionId: string,
): Promise<void> {
  await ctx.writer.delete(subscriptionProposalPath(partyKey(subscriber).z32, subscriptionId, providerOf(ctx)))
}

export interface AgreementsResult {
  /** Agreements seen for the first time (nonces now recorded). */
  readonly accepted: readonly CheckedAgreement[]
  /** Agreements recorded by an earlier poll, read again. */
  readonly known: readonly CheckedAgreement[]
  readonly rejected: readonly Rejection[]
}

/** Polls each subscriber's homeserver for agreements addressed to us. Never throws per record. */
export async function discoverAgreements(
  ctx: FlowContext,
  subscribers: readonly string[],
): Promise<AgreementsResult> {
  const accepted: CheckedAgreement[] = []
  const known: CheckedAgreement[] = []
  const rejected: Rejection[] = []
  const dir = subscriptionAgreementsDir(me(ctx))
  await forEachRecord(ctx, subscribers, dir, rejected, async (owner, id, body) => {
    const checked = await openAgreement(body, id, owner.key, ctx)
    ;(checked.verdict === 'new' ? accepted : known).push(checked)
  })
  return { accepted, known, rejected }
}
