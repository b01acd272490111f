// The subscription flow end to end against the real embedded homeserver: the merchant proposes
// (signed, sealed), the customer discovers and accepts (two sealed agreement copies on ITS
// homeserver), the merchant discovers the agreement there with both signatures verified; nonces are
// persisted (replays refused, also after re-opening the store); cancellations both ways.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../../electron/main/core/util/clock'
import { fromPlain } from '../../../../electron/main/core/interactive/json'
import { Amount } from '../../../../electron/main/core/money/amount'
import { monthly } from '../../../../electron/main/core/subscriptions/frequency'
import {
  signSubscription,
  verifySubscriptionSignature,
} from '../../../../electron/main/core/subscriptions/signing'
import {
  subscriptionFromJson,
  writeSubscription,
  type Subscription,
} from '../../../../electron/main/core/subscriptions/model'
import { publishNoiseEndpoint } from '../../../../electron/main/core/directory/noise-endpoint'
import {
  subscriptionAgreementPath,
  subscriptionProposalPath,
} from '../../../../electron/main/core/directory/paths'
import { openSealedBlob, sealV1, subscriptionProposalAad } from '../../../../electron/main/core/sealed'
import {
  acceptProposal,
  cancelSubscription,
  discoverAgreements,
  discoverCancellations,
  discoverProposals,
  FileNonceStore,
  proposeSubscription,
  writeAgreementCopies,
  type FlowContext,
} from '../../../../electron/main/core/subscriptions/flow'
import { startNetwork, type TestIdentity, type TestNetwork } from '../../store/network'

const NOW = 1_790_000_000
const clock = new ManualClock(NOW * 1000)

function subscription(id: string, subscriber: TestIdentity, provider: TestIdentity): Subscription {
  return {
    subscriptionId: id,
    subscriber: subscriber.publicKey,
    provider: provider.publicKey,
    terms: {
      amount: Amount.parse('1000'),
      currency: 'SAT',
      frequency: monthly(1),
      method: 'lightning',
      maxAmountPerPeriod: null,
      description: 'Coffee club',
    },
    metadata: fromPlain({ tier: 'gold', a: 1 }),
    createdAt: NOW,
    startsAt: NOW,
    endsAt: null,
  }
}

describe('subscription flow between merchant and customer homeservers', () => {
  let net: TestNetwork
  let merchant: TestIdentity
  let customer: TestIdentity
  let mallory: TestIdentity
  let dir: string
  const ctx = (who: TestIdentity, nonces: FileNonceStore): FlowContext => ({
    writer: who.writer,
    reader: net.httpReader,
    party: {
      secretKey: who.secretKey,
      publicKey: who.publicKey,
      noiseKeys: [who.noise],
      noisePublicKey: who.noise.publicKey,
    },
    nonces,
    clock,
  })
  let merchantNonces: FileNonceStore
  let customerNonces: FileNonceStore

  beforeAll(async () => {
    net = await startNetwork()
    merchant = await net.identity(0x61)
    customer = await net.identity(0x62)
    mallory = await net.identity(0x63)
    for (const who of [merchant, customer, mallory]) {
      await publishNoiseEndpoint(who.writer, {
        host: 'localhost',
        port: 9000,
        publicKey: who.noise.publicKey,
      })
    }
    dir = mkdtempSync(join(tmpdir(), 'paykit-nonces-'))
    merchantNonces = new FileNonceStore(join(dir, 'merchant.nonces'))
    customerNonces = new FileNonceStore(join(dir, 'customer.nonces'))
  })
  afterAll(async () => {
    await net?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('proposal → acceptance → agreement discovered by the merchant with both signatures verified', async () => {
    const m = ctx(merchant, merchantNonces)
    const c = ctx(customer, customerNonces)
    const sub = subscription('sub_coffee_1', customer, merchant)
    const proposed = await proposeSubscription(m, sub, { offerLifetimeSecs: 3600 })
    expect(proposed.path).toBe(subscriptionProposalPath(customer.z32, 'sub_coffee_1'))
    expect(JSON.parse(proposed.envelope).purpose).toBe('subscription_proposal')

    // Interop: the sealed plaintext is a plain Subscription to a reader that ignores unknown keys
    // (serde's default, what the reference subscriber does), and it carries our signature.
    const plain = new TextDecoder().decode(
      openSealedBlob(
        proposed.envelope,
        customer.noise,
        subscriptionProposalAad(customer.z32, 'sub_coffee_1'),
      ),
    )
    expect(plain.startsWith(writeSubscription(sub).slice(0, -1))).toBe(true)
    expect(subscriptionFromJson(fromPlain(JSON.parse(plain))).subscriptionId).toBe('sub_coffee_1')
    expect(JSON.parse(plain).provider_signature.public_key).toEqual([...merchant.publicKey])

    const found = await discoverProposals(c, [merchant.z32])
    expect(found.rejected).toEqual([])
    expect(found.proposals).toHaveLength(1)
    const p = found.proposals[0]!
    expect(p.schema === 'rust' && p.offerOpen && p.providerSignature !== null).toBe(true)

    const accepted = await acceptProposal(c, p)
    expect(accepted.paths).toEqual([
      subscriptionAgreementPath(customer.z32, 'sub_coffee_1'),
      subscriptionAgreementPath(merchant.z32, 'sub_coffee_1'),
    ])

    // The merchant polls the CUSTOMER's homeserver (its own has no agreements).
    const own = await discoverAgreements(m, [merchant.z32])
    expect(own.accepted).toEqual([])
    const got = await discoverAgreements(m, [customer.z32])
    expect(got.rejected).toEqual([])
    expect(got.accepted).toHaveLength(1)
    const a = got.accepted[0]!
    expect(a.agreement.subscription.subscriptionId).toBe('sub_coffee_1')
    expect(Buffer.from(a.providerSignature.publicKey)).toEqual(Buffer.from(merchant.publicKey))
    expect(Buffer.from(a.subscriberSignature.publicKey)).toEqual(Buffer.from(customer.publicKey))
    expect(
      verifySubscriptionSignature(sub, a.providerSignature, { expectedSigner: merchant.publicKey }),
    ).toBe(true)
    expect(
      verifySubscriptionSignature(sub, a.subscriberSignature, { expectedSigner: customer.publicKey }),
    ).toBe(true)

    // Polled again: known, not new, not a replay. Long after the 7-day signature expiry: still valid.
    clock.advance(30 * 86_400_000)
    try {
      const again = await discoverAgreements(m, [customer.z32])
      expect(again.accepted).toEqual([])
      expect(again.known).toHaveLength(1)
      expect(again.rejected).toEqual([])
    } finally {
      clock.set(NOW * 1000)
    }
  })

  it('rejects a replayed agreement nonce, also after re-opening the nonce store', async () => {
    const m = ctx(merchant, merchantNonces)
    const c = ctx(customer, customerNonces)
    const first = await discoverAgreements(m, [customer.z32])
    const reused = first.known[0]!.subscriberSignature.nonce
    // The customer signs a second subscription re-using its nonce from the first agreement.
    const sub2 = subscription('sub_coffee_2', customer, merchant)
    await proposeSubscription(m, sub2)
    const p2 = (await discoverProposals(c, [merchant.z32])).proposals.find((x) => x.id === 'sub_coffee_2')!
    if (p2.schema !== 'rust' || p2.providerSignature === null) throw new Error('expected a signed proposal')
    const replaySig = signSubscription(sub2, customer.secretKey, { clock, rng: () => reused, nonce: reused })
    await writeAgreementCopies(c, {
      subscription: sub2,
      subscriberSignature: replaySig,
      providerSignature: p2.providerSignature,
    })

    const res = await discoverAgreements(m, [customer.z32])
    expect(res.rejected.map((r) => [r.id, r.code])).toEqual([['sub_coffee_2', 'nonce-replayed']])
    expect(res.known.map((k) => k.agreement.subscription.subscriptionId)).toEqual(['sub_coffee_1'])

    const reopened = new FileNonceStore(join(dir, 'merchant.nonces'))
    expect(reopened.size).toBe(merchantNonces.size)
    const res2 = await discoverAgreements(ctx(merchant, reopened), [customer.z32])
    expect(res2.rejected.map((r) => [r.id, r.code])).toEqual([['sub_coffee_2', 'nonce-replayed']])
    expect(res2.known).toHaveLength(1)
    expect(res2.accepted).toEqual([])
  })

  it('enforces owner binding: a proposal copied to another homeserver and an agreement naming another subscriber', async () => {
    const c = ctx(customer, customerNonces)
    // Mallory copies the merchant's proposal blob into her own homeserver at the same path.
    const blob = await net.httpReader.get(
      merchant.z32,
      subscriptionProposalPath(customer.z32, 'sub_coffee_1'),
    )
    await mallory.writer.put(subscriptionProposalPath(customer.z32, 'sub_coffee_1'), blob!)
    // And publishes a reference-style bare (unsigned) proposal of her own.
    const bare = subscription('sub_bare', customer, mallory)
    await mallory.writer.put(
      subscriptionProposalPath(customer.z32, 'sub_bare'),
      sealV1(
        customer.noise.publicKey,
        writeSubscription(bare),
        subscriptionProposalAad(customer.z32, 'sub_bare'),
      ),
    )
    const res = await discoverProposals(c, [mallory.z32])
    expect(res.rejected.map((r) => [r.id, r.code])).toEqual([['sub_coffee_1', 'wrong-owner']])
    const bareFound = res.proposals.find((x) => x.id === 'sub_bare')!
    expect(bareFound.schema === 'rust' && bareFound.providerSignature).toBe(null)
    await expect(acceptProposal(c, bareFound)).rejects.toMatchObject({ code: 'proposal-unsigned' })

    // Mallory writes an agreement "for" the merchant on her homeserver, copying the customer's one.
    const copy = await net.httpReader.get(
      customer.z32,
      subscriptionAgreementPath(merchant.z32, 'sub_coffee_1'),
    )
    await mallory.writer.put(subscriptionAgreementPath(merchant.z32, 'sub_coffee_1'), copy!)
    const m = ctx(merchant, merchantNonces)
    const got = await discoverAgreements(m, [mallory.z32])
    expect(got.rejected.map((r) => [r.id, r.code])).toEqual([['sub_coffee_1', 'wrong-owner']])
  })

  it('refuses to accept an expired offer', async () => {
    const m = ctx(merchant, merchantNonces)
    const c = ctx(customer, customerNonces)
    await proposeSubscription(m, subscription('sub_short', customer, merchant), { offerLifetimeSecs: 60 })
    clock.advance(120_000)
    try {
      const p = (await discoverProposals(c, [merchant.z32])).proposals.find((x) => x.id === 'sub_short')!
      expect(p.schema === 'rust' && p.offerOpen).toBe(false)
      await expect(acceptProposal(c, p)).rejects.toMatchObject({ code: 'offer-expired' })
    } finally {
      clock.set(NOW * 1000)
    }
  })

  it('cancels both ways: each side reads the other side’s cancellation from the other homeserver', async () => {
    const m = ctx(merchant, merchantNonces)
    const c = ctx(customer, customerNonces)
    const sub1 = subscription('sub_coffee_1', customer, merchant)
    const byCustomer = await cancelSubscription(c, sub1, { reason: 'moving away' })
    expect(byCustomer.paths).toHaveLength(2)
    const seenByMerchant = await discoverCancellations(m, [sub1])
    expect(seenByMerchant.rejected).toEqual([])
    expect(
      seenByMerchant.cancellations.map((x) => [x.subscription.subscriptionId, x.by, x.cancellation.reason]),
    ).toEqual([['sub_coffee_1', customer.z32, 'moving away']])

    const sub3 = subscription('sub_tea', customer, merchant)
    await cancelSubscription(m, sub3, { reason: null })
    const seenByCustomer = await discoverCancellations(c, [sub3])
    expect(seenByCustomer.rejected).toEqual([])
    expect(
      seenByCustomer.cancellations.map((x) => [
        x.subscription.subscriptionId,
        x.by,
        x.cancellation.cancelledAt,
      ]),
    ).toEqual([['sub_tea', merchant.z32, NOW]])
    // A cancellation for a subscription we do not have with that party is refused (owner binding).
    const onlyTea = await discoverCancellations(m, [sub3, subscription('sub_other', customer, merchant)])
    expect(onlyTea.rejected.map((r) => [r.id, r.code])).toEqual([['sub_coffee_1', 'unknown-subscription']])
  })
})
