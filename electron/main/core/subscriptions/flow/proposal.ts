/**
 * @module subscriptions/flow/proposal
 * The sealed proposal plaintext, carrying the provider's signature (paykit-protocol.md §11: "publish
 * the signed proposal inside the sealed proposal"; the reference never transmits it, so a reference
 * subscriber cannot produce a two-signature agreement without a side channel).
 *
 * Interop decision (checked against BitcoinErrorLog/paykit-rs @3b97922): the reference subscriber
 * reads a proposal with `serde_json::from_slice::<Subscription>(&plaintext).ok()`
 * (`paykit-subscriptions/src/discovery.rs` `try_decrypt_subscription_proposal`), and `Subscription` /
 * `SubscriptionTerms` have no `deny_unknown_fields`. A nested `{"subscription":{…},
 * "provider_signature":{…}}` would therefore fail to parse there (no `subscription_id` at the top)
 * and be dropped silently. So we WRITE the flattened form: the exact Subscription JSON with one extra
 * top-level key, `{…subscription fields…, "provider_signature":{signature, public_key, nonce,
 * timestamp, expires_at}}`. A reference reader sees a plain Subscription (the extra key is ignored by
 * serde); our reader sees the signature. The signature covers the postcard bytes of the Subscription,
 * not this JSON, so the extra key changes nothing it signs.
 *
 * We READ three forms: the bare Subscription (what the reference writes: unsigned), the flattened
 * form above, and the nested form (tolerance for other writers); plus the mobile (Bitkit-doc) schema,
 * which has no signature and is returned as such.
 */
import { parseJson, sortKeysDeep, writeJson, type JsonObject } from '../../interactive/json'
import { asObject, get, has } from '../../interactive/shape'
import {
  MAX_PAYLOAD_CHARS,
  mobileProposalFromJson,
  signatureFromJson,
  signatureToJson,
  subscriptionFromJson,
  subscriptionToJson,
  validateSubscription,
  type MobileProposal,
  type Subscription,
  type SubscriptionSignature,
} from '../model'

export const PROVIDER_SIGNATURE_KEY = 'provider_signature'

export type ProposalForm =
  | {
      readonly schema: 'rust'
      /** `bare`: the reference's unsigned Subscription; `flat`/`nested`: with the provider's signature. */
      readonly form: 'bare' | 'flat' | 'nested'
      readonly subscription: Subscription
      readonly providerSignature: SubscriptionSignature | null
    }
  | { readonly schema: 'mobile'; readonly proposal: MobileProposal }

/** The flattened signed-proposal JSON (compact, Subscription keys in serde order, metadata sorted). */
export function writeSignedProposal(
  subscription: Subscription,
  providerSignature: SubscriptionSignature,
): string {
  validateSubscription(subscription)
  const o: JsonObject = subscriptionToJson(subscription)
  o['metadata'] = sortKeysDeep(subscription.metadata)
  o[PROVIDER_SIGNATURE_KEY] = signatureToJson(providerSignature)
  return writeJson(o)
}

/** Reads a decrypted proposal in any of the forms above. Throws a typed shape/subscription error. */
export function readSignedProposal(text: string): ProposalForm {
  const o = asObject(parseJson(text, { maxLength: MAX_PAYLOAD_CHARS }), 'proposal')
  if (has(o, 'provider_pubkey') || has(o, 'schema_version')) {
    return { schema: 'mobile', proposal: mobileProposalFromJson(o) }
  }
  const sigJson = get(o, PROVIDER_SIGNATURE_KEY)
  const sig =
    sigJson === undefined || sigJson === null
      ? null
      : signatureFromJson(sigJson, `proposal.${PROVIDER_SIGNATURE_KEY}`)
  if (!has(o, 'subscription_id') && has(o, 'subscription')) {
    const subscription = validateSubscription(
      subscriptionFromJson(get(o, 'subscription'), 'proposal.subscription'),
    )
    return { schema: 'rust', form: 'nested', subscription, providerSignature: sig }
  }
  const subscription = validateSubscription(subscriptionFromJson(o, 'proposal'))
  return { schema: 'rust', form: sig === null ? 'bare' : 'flat', subscription, providerSignature: sig }
}
