// The signed-proposal plaintext: the flattened form we write is still a plain Subscription to a
// reader that ignores unknown keys (serde's default, the reference subscriber's reader); all read forms.
import { describe, expect, it } from 'vitest'
import { nativeProvider } from '../../../../electron/main/core/crypto'
import { ManualClock } from '../../../../electron/main/core/util/clock'
import { fixedRng } from '../../../../electron/main/core/util/rng'
import { z32Encode } from '../../../../electron/main/core/keys/z32'
import { fromPlain, writeJson } from '../../../../electron/main/core/interactive/json'
import { Amount } from '../../../../electron/main/core/money/amount'
import { daily } from '../../../../electron/main/core/subscriptions/frequency'
import {
  signatureToJson,
  subscriptionFromJson,
  subscriptionToJson,
  writeSubscription,
  type Subscription,
} from '../../../../electron/main/core/subscriptions/model'
import {
  signSubscription,
  verifySubscriptionSignature,
} from '../../../../electron/main/core/subscriptions/signing'
import { readSignedProposal, writeSignedProposal } from '../../../../electron/main/core/subscriptions/flow'

const NOW = 1_790_000_000
const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const sub: Subscription = {
  subscriptionId: 'sub_1',
  subscriber: nativeProvider.ed25519PublicKey(seed(1)),
  provider: nativeProvider.ed25519PublicKey(seed(2)),
  terms: {
    amount: Amount.parse('100.50'),
    currency: 'SAT',
    frequency: daily(),
    method: 'lightning',
    maxAmountPerPeriod: null,
    description: 'd',
  },
  metadata: fromPlain({ z: 1, a: { y: 2, b: 3 } }),
  createdAt: NOW,
  startsAt: NOW,
  endsAt: null,
}
const sig = signSubscription(sub, seed(2), {
  clock: new ManualClock(NOW * 1000),
  rng: fixedRng(new Uint8Array(32).fill(9)),
})

describe('signed proposal plaintext', () => {
  it('is the exact Subscription JSON plus one trailing provider_signature key', () => {
    const text = writeSignedProposal(sub, sig)
    const bare = writeSubscription(sub)
    expect(text).toBe(`${bare.slice(0, -1)},"provider_signature":${writeJson(signatureToJson(sig))}}`)
    // A reader that only knows Subscription (ignoring unknown keys) reads the same subscription.
    const asBare = subscriptionFromJson(fromPlain(JSON.parse(text)))
    expect(writeSubscription(asBare)).toBe(bare)
    expect(verifySubscriptionSignature(asBare, sig, { expectedSigner: sub.provider })).toBe(true)
  })

  it('reads the flat, bare, nested and mobile forms', () => {
    const flat = readSignedProposal(writeSignedProposal(sub, sig))
    expect(flat).toMatchObject({ schema: 'rust', form: 'flat' })
    expect(flat.schema === 'rust' && flat.providerSignature?.expiresAt).toBe(sig.expiresAt)
    expect(readSignedProposal(writeSubscription(sub))).toMatchObject({
      schema: 'rust',
      form: 'bare',
      providerSignature: null,
    })
    const nested = writeJson({
      subscription: subscriptionToJson(sub),
      provider_signature: signatureToJson(sig),
    })
    const n = readSignedProposal(nested)
    expect(n.schema === 'rust' && n.form).toBe('nested')
    expect(n.schema === 'rust' && writeSubscription(n.subscription)).toBe(writeSubscription(sub))
    const mobile = readSignedProposal(
      JSON.stringify({
        schema_version: 1,
        provider_pubkey: z32Encode(sub.provider),
        amount_sats: 1000,
        frequency: 'monthly',
        description: 'x',
        method_id: 'lightning',
        created_at: NOW * 1000,
      }),
    )
    expect(mobile.schema).toBe('mobile')
  })

  it('rejects malformed proposals with typed errors', () => {
    const bad: [string, string][] = [
      ['not json', 'invalid-json'],
      ['[]', 'invalid-shape'],
      [
        writeSignedProposal(sub, sig).replace(
          '"provider_signature":{"signature":[',
          '"provider_signature":{"signature":[1,',
        ),
        'invalid-key',
      ],
      [writeSubscription({ ...sub, provider: sub.subscriber }), 'invalid-subscription'],
      [JSON.stringify({ subscription: 5 }), 'invalid-shape'],
    ]
    for (const [text, code] of bad)
      expect(() => readSignedProposal(text), text.slice(0, 40)).toThrow(expect.objectContaining({ code }))
    expect(() => writeSignedProposal({ ...sub, subscriptionId: '' }, sig)).toThrow(
      expect.objectContaining({ code: 'invalid-subscription' }),
    )
  })
})
