/**
 * @module subscriptions/flow/agreement
 * Checking a signed agreement read from the subscriber's homeserver (the provider's view), and
 * writing its two sealed copies (the subscriber's view). paykit-protocol.md §6.3–6.5, §11.
 *
 * Checks, stronger than the reference's `handle_subscription_acceptance`:
 * - owner binding: the agreement was read from the subscriber's homeserver, so its `subscriber` must
 *   be that owner, and its `provider` must be us; the payload id must equal the stored id;
 * - both Ed25519 signatures verify over the exact canonical bytes, and between them the provider and
 *   the subscriber each signed (`signature.public_key` equals the expected party key), with distinct
 *   nonces (`checkSignedSubscription`);
 * - signature `expires_at` is the offer's validity only: the subscriber must have signed no later
 *   than the provider's offer expired; the agreement itself stays valid after that (the reference's
 *   expiry check would make every agreement unverifiable after 7 days);
 * - both nonces go through the persisted nonce store under this agreement's fingerprint: the same
 *   agreement read again is `known`, a nonce reused in any other record is `nonce-replayed`.
 *
 * Slots: we write `subscriber_signature` = the subscriber's and `provider_signature` = the
 * provider's. The reference's positional constructor swaps them when the provider proposed; its
 * readers verify both without binding keys to slots, and ours accept either order, so both work.
 */
import { equalBytes } from '../../util/bytes'
import { sealV1, SEALED_PURPOSE, subscriptionAgreementAad } from '../../sealed'
import { formatPublicKey } from '../../keys/public-key'
import { subscriptionAgreementPath } from '../../directory/paths'
import { requireNoiseKey } from '../../directory/noise-endpoint'
import { toHex } from '../../util/bytes'
import { checkSignedSubscription } from '../signing'
import {
  readSignedSubscription,
  writeSignedSubscription,
  type SignedSubscription,
  type SubscriptionSignature,
} from '../model'
import { FlowError } from './errors'
import { me, openRecord, providerOf, signatureFingerprint, type FlowContext } from './common'
import { recordNonces, type NonceVerdict } from './nonce-store'

export interface CheckedAgreement {
  readonly agreement: SignedSubscription
  readonly providerSignature: SubscriptionSignature
  readonly subscriberSignature: SubscriptionSignature
  /** 'new' the first time this agreement is seen; 'same' when it was recorded by an earlier poll. */
  readonly verdict: Exclude<NonceVerdict, 'replay'>
}

/** Splits the two signatures by signer (either slot order is accepted). */
export function signaturesByParty(a: SignedSubscription): {
  provider: SubscriptionSignature
  subscriber: SubscriptionSignature
} {
  const sub = a.subscription
  const [x, y] = [a.subscriberSignature, a.providerSignature]
  if (equalBytes(x.publicKey, sub.provider) && equalBytes(y.publicKey, sub.subscriber))
    return { provider: x, subscriber: y }
  return { provider: y, subscriber: x }
}

/**
 * Opens and checks the agreement stored at `agreements/{me}/{id}` on `owner`'s (the subscriber's)
 * homeserver, recording its nonces. Throws a typed error naming the failed check.
 */
export async function openAgreement(
  body: Uint8Array,
  id: string,
  owner: Uint8Array,
  ctx: FlowContext,
): Promise<CheckedAgreement> {
  const provider = providerOf(ctx)
  const { text } = openRecord(body, subscriptionAgreementAad(me(ctx), id), ctx)
  const agreement = readSignedSubscription(text)
  const sub = agreement.subscription
  if (sub.subscriptionId !== id) {
    throw new FlowError('id-mismatch', `agreement is for "${sub.subscriptionId}" but stored as "${id}"`)
  }
  if (!equalBytes(sub.subscriber, owner)) {
    throw new FlowError(
      'wrong-owner',
      'agreement subscriber is not the owner of the homeserver it was read from',
    )
  }
  if (!equalBytes(sub.provider, ctx.party.publicKey)) {
    throw new FlowError('wrong-party', 'agreement names another provider')
  }
  checkSignedSubscription(agreement, { provider })
  const sigs = signaturesByParty(agreement)
  if (sigs.subscriber.timestamp > sigs.provider.expiresAt) {
    throw new FlowError(
      'accepted-after-offer',
      `subscriber signed at ${sigs.subscriber.timestamp}, after the offer expired at ${sigs.provider.expiresAt}`,
    )
  }
  const context = `agreement:${id}:${signatureFingerprint([sigs.provider, sigs.subscriber], provider)}`
  const verdict = await recordNonces(
    ctx.nonces,
    [toHex(sigs.provider.nonce), toHex(sigs.subscriber.nonce)],
    context,
    null,
    ctx.clock.now(),
  )
  if (verdict === 'replay') {
    throw new FlowError(
      'nonce-replayed',
      'a signature nonce of this agreement was already used by another record',
    )
  }
  return { agreement, providerSignature: sigs.provider, subscriberSignature: sigs.subscriber, verdict }
}

export interface WrittenAgreement {
  readonly paths: readonly string[]
}

/**
 * PUTs the two sealed copies of `agreement` on our (the subscriber's) homeserver:
 * `agreements/{subscriber}/{id}` sealed to our key and `agreements/{provider}/{id}` sealed to the
 * provider's `/noise` key (purpose `subscription_agreement`), as `store_signed_subscription` does.
 */
export async function writeAgreementCopies(
  ctx: FlowContext,
  agreement: SignedSubscription,
  providerNoiseKey?: Uint8Array,
): Promise<WrittenAgreement> {
  const provider = providerOf(ctx)
  const sub = agreement.subscription
  if (!equalBytes(sub.subscriber, ctx.party.publicKey)) {
    throw new FlowError('wrong-party', 'only the subscriber writes agreement copies on its homeserver')
  }
  const plaintext = writeSignedSubscription(agreement)
  const providerZ32 = formatPublicKey(sub.provider)
  const theirKey = providerNoiseKey ?? (await requireNoiseKey(ctx.reader, providerZ32))
  const paths: string[] = []
  for (const [party, key] of [
    [me(ctx), ctx.party.noisePublicKey],
    [providerZ32, theirKey],
  ] as const) {
    const path = subscriptionAgreementPath(party, sub.subscriptionId)
    const envelope = sealV1(key, plaintext, subscriptionAgreementAad(party, sub.subscriptionId), {
      purpose: SEALED_PURPOSE.subscriptionAgreement,
      provider,
      ...(ctx.rng ? { rng: ctx.rng } : {}),
    })
    await ctx.writer.put(path, envelope)
    paths.push(path)
  }
  return { paths }
}
