// Canonical subscription signing against ../shared/vectors/paykit/subscription_signing.json, through
// every crypto provider; plus tamper, expiry and signer-binding checks.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto/index'
import { fromHex, toHex } from '../../../electron/main/core/util/bytes'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { fixedRng } from '../../../electron/main/core/util/rng'
import { fromPlain } from '../../../electron/main/core/interactive/json'
import { Amount } from '../../../electron/main/core/money/amount'
import {
  subscriptionFromJson,
  signatureFromJson,
  writeSignature,
  validateSubscription,
  type Subscription,
  type SignedSubscription,
} from '../../../electron/main/core/subscriptions/model'
import {
  checkSignedSubscription,
  checkSubscriptionSignature,
  signSubscription,
  subscriptionCanonicalBytes,
  subscriptionSigningHash,
  verifySubscriptionSignature,
} from '../../../electron/main/core/subscriptions/signing'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

describe.skipIf(!vectorsPresent)('subscription_signing.json (needs ../shared/vectors)', () => {
  const v = loadVectors('paykit/subscription_signing.json')
  for (const provider of providers()) {
    it(`canonical bytes, SHA-256 and Ed25519 match every case (${provider.name})`, () => {
      let n = 0
      for (const c of v.cases) {
        const sub = validateSubscription(subscriptionFromJson(fromPlain(c.subscription)))
        const nonce = fromHex(c.nonce_hex)
        expect(toHex(subscriptionCanonicalBytes(sub, nonce, c.timestamp, c.expires_at))).toBe(
          c.expected_canonical_bytes_hex,
        )
        expect(toHex(subscriptionSigningHash(sub, nonce, c.timestamp, c.expires_at, provider))).toBe(
          c.expected_sha256_hex,
        )
        const seed = fromHex(c.signer_seed_hex)
        const clock = new ManualClock(c.timestamp * 1000)
        const sig = signSubscription(sub, seed, {
          clock,
          rng: fixedRng(nonce),
          lifetimeSecs: c.expires_at - c.timestamp,
          provider,
        })
        expect(toHex(sig.signature)).toBe(c.expected_signature_hex)
        expect(toHex(sig.publicKey)).toBe(c.signer_pub_hex)
        if (c.expected_signature_json) expect(writeSignature(sig)).toBe(c.expected_signature_json)
        // The vector signature verifies, bound to the signer, and inside its window.
        const parsed = c.expected_signature_json
          ? signatureFromJson(fromPlain(JSON.parse(c.expected_signature_json)))
          : sig
        expect(
          verifySubscriptionSignature(sub, parsed, {
            provider,
            clock,
            expectedSigner: fromHex(c.signer_pub_hex),
          }),
        ).toBe(true)
        n++
      }
      expect(n).toBe(2)
    })
  }
})

function sampleSubscription(): Subscription {
  const subscriber = fromHex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c')
  const providerKey = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
  return {
    subscriptionId: 'sub_1704153600_aa',
    subscriber,
    provider: providerKey,
    terms: {
      amount: Amount.parse('1000'),
      currency: 'SAT',
      frequency: { kind: 'monthly', dayOfMonth: 31 },
      method: 'lightning',
      maxAmountPerPeriod: null,
      description: 'Coffee club',
    },
    metadata: fromPlain({ plan: 'gold' }),
    createdAt: 1704153600,
    startsAt: 1704153600,
    endsAt: null,
  }
}

describe('subscription signatures: tamper, expiry, signer binding', () => {
  const providerSeed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
  const subscriberSeed = fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb')
  for (const provider of providers()) {
    it(`detects changed terms, amount spelling, expiry and the wrong signer (${provider.name})`, () => {
      const sub = sampleSubscription()
      const clock = new ManualClock(1704153600_000)
      const sig = signSubscription(sub, providerSeed, {
        clock,
        rng: fixedRng(new Uint8Array(32).fill(1)),
        provider,
      })
      expect(verifySubscriptionSignature(sub, sig, { provider, clock, expectedSigner: sub.provider })).toBe(
        true,
      )
      // "1000.0" is numerically equal but a different signed string.
      const respelled = { ...sub, terms: { ...sub.terms, amount: Amount.parse('1000.0') } }
      expect(verifySubscriptionSignature(respelled, sig, { provider })).toBe(false)
      const otherDay = {
        ...sub,
        terms: { ...sub.terms, frequency: { kind: 'monthly' as const, dayOfMonth: 30 } },
      }
      expect(verifySubscriptionSignature(otherDay, sig, { provider })).toBe(false)
      const otherMeta = { ...sub, metadata: fromPlain({ plan: 'gold', n: 1 }) }
      expect(verifySubscriptionSignature(otherMeta, sig, { provider })).toBe(false)
      expect(() =>
        checkSubscriptionSignature(sub, sig, { provider, expectedSigner: sub.subscriber }),
      ).toThrow(expect.objectContaining({ code: 'wrong-signer' }))
      clock.advance((604_800 + 1) * 1000)
      expect(() => checkSubscriptionSignature(sub, sig, { provider, clock })).toThrow(
        expect.objectContaining({ code: 'signature-expired' }),
      )
      // Without a clock the stored agreement still verifies (authenticity, not offer validity).
      expect(verifySubscriptionSignature(sub, sig, { provider })).toBe(true)
    })

    it(`agreements need both parties, distinct nonces and valid signatures (${provider.name})`, () => {
      const sub = sampleSubscription()
      const clock = new ManualClock(1704153600_000)
      const p = signSubscription(sub, providerSeed, {
        clock,
        rng: fixedRng(new Uint8Array(32).fill(1)),
        provider,
      })
      const s = signSubscription(sub, subscriberSeed, {
        clock,
        rng: fixedRng(new Uint8Array(32).fill(2)),
        provider,
      })
      // Reference positional order: proposer (provider) in subscriber_signature.
      const agreement: SignedSubscription = {
        subscription: sub,
        subscriberSignature: p,
        providerSignature: s,
      }
      expect(() => checkSignedSubscription(agreement, { provider })).not.toThrow()
      expect(() => checkSignedSubscription({ ...agreement, providerSignature: p }, { provider })).toThrow(
        expect.objectContaining({ code: 'wrong-signer' }),
      )
      const forged = { ...s, signature: s.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) }
      expect(() =>
        checkSignedSubscription({ ...agreement, providerSignature: forged }, { provider }),
      ).toThrow(expect.objectContaining({ code: 'signature-invalid' }))
    })
  }
})
