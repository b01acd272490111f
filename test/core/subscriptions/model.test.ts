// Subscription records and frequencies against json_shapes.json; validation and bad input.
import { describe, expect, it } from 'vitest'
import { fromPlain, parseJson, writeJson } from '../../../electron/main/core/interactive/json'
import {
  frequencyFromJson,
  frequencyLabel,
  frequencySeconds,
  frequencyToJson,
} from '../../../electron/main/core/subscriptions/frequency'
import {
  isSubscriptionActive,
  isSubscriptionExpired,
  readCancellation,
  readProposal,
  readSignedSubscription,
  readSubscription,
  writeCancellation,
  writeSignedSubscription,
  writeSubscription,
} from '../../../electron/main/core/subscriptions/model'
import { checkSignedSubscription } from '../../../electron/main/core/subscriptions/signing'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

describe.skipIf(!vectorsPresent)('json_shapes.json subscription payloads (needs ../shared/vectors)', () => {
  const shapes = loadVectors('paykit/json_shapes.json')
  const sp = shapes.sealed_payloads

  it('the five frequency encodings read and re-write exactly', () => {
    let n = 0
    const kinds: string[] = []
    for (const text of shapes.frequency_encodings as string[]) {
      const f = frequencyFromJson(parseJson(text))
      expect(writeJson(frequencyToJson(f))).toBe(text)
      kinds.push(f.kind)
      n++
    }
    expect(n).toBe(5)
    expect(kinds).toEqual(['daily', 'weekly', 'monthly', 'yearly', 'custom'])
  })

  it('proposal, signed agreement and cancellation re-write byte-exact', () => {
    const proposalText = JSON.stringify(sp.subscription_proposal_plaintext_rust)
    const read = readProposal(proposalText)
    expect(read.schema).toBe('rust')
    if (read.schema === 'rust') expect(writeSubscription(read.subscription)).toBe(proposalText)
    expect(writeSubscription(readSubscription(proposalText))).toBe(proposalText)

    const { note: _note, ...agreement } = sp.signed_subscription_agreement
    const agreementText = JSON.stringify(agreement)
    const signed = readSignedSubscription(agreementText)
    expect(writeSignedSubscription(signed)).toBe(agreementText)
    // Its two signatures share one nonce and are the illustrative bytes 0..63: it must not verify.
    expect(() => checkSignedSubscription(signed)).toThrow(
      expect.objectContaining({ code: 'signature-invalid' }),
    )

    const cancelText = JSON.stringify(sp.cancellation)
    expect(writeCancellation(readCancellation(cancelText))).toBe(cancelText)
  })

  it('Bitkit-doc proposal is read as its own schema (ms → s, z32 provider, string frequency)', () => {
    const read = readProposal(
      JSON.stringify(sp.subscription_proposal_plaintext_bitkit_doc_schema.transcribed),
    )
    expect(read.schema).toBe('mobile')
    if (read.schema !== 'mobile') return
    expect(read.proposal.amountSats).toBe(5000n)
    expect(read.proposal.createdAt).toBe(1704153600)
    expect(read.proposal.frequency).toEqual({ kind: 'monthly', dayOfMonth: 2 }) // anchored on 2024-01-02
    expect(read.proposal.provider).toEqual(z32Decode('8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo'))
  })
})

describe('subscription model', () => {
  const base = {
    subscription_id: 'sub_1',
    subscriber: Array.from(z32Decode('8iybxo9eeqriirizbkuw4g56z1qjomgxf5njpdgy3ik9nkzwcagy')),
    provider: Array.from(z32Decode('47pjoycnsrfmxikm95jh13y88e8qnhzu5kungjpxyepgt7a8krpy')),
    terms: {
      amount: '1000',
      currency: 'SAT',
      frequency: 'Weekly',
      method: 'lightning',
      max_amount_per_period: null,
      description: 'x',
    },
    metadata: { b: 1, a: 2 },
    created_at: 100,
    starts_at: 100,
    ends_at: 200,
  }

  it('writes metadata sorted, as serde_json does, and tracks active/expired with the clock', () => {
    const s = readSubscription(JSON.stringify(base))
    expect(writeSubscription(s)).toContain('"metadata":{"a":2,"b":1}')
    const clock = new ManualClock(99_000)
    expect(isSubscriptionActive(s, clock)).toBe(false)
    clock.set(100_000)
    expect(isSubscriptionActive(s, clock)).toBe(true)
    clock.set(200_000)
    expect(isSubscriptionActive(s, clock)).toBe(false)
    expect(isSubscriptionExpired(s, clock)).toBe(true)
    expect(frequencyLabel(s.terms.frequency)).toBe('Weekly')
    expect(frequencySeconds({ kind: 'monthly', dayOfMonth: 1 })).toBe(2_592_000)
  })

  it('bad input gets typed errors', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutating test JSON freely is the point
    const mutate = (f: (o: any) => void): string => {
      const o = JSON.parse(JSON.stringify(base))
      f(o)
      return JSON.stringify(o)
    }
    const cases: [string, string][] = [
      [mutate((o) => (o.provider = o.subscriber)), 'invalid-subscription'],
      [mutate((o) => (o.ends_at = 100)), 'invalid-subscription'],
      [mutate((o) => (o.starts_at = -1)), 'invalid-subscription'],
      [mutate((o) => (o.terms.description = '')), 'invalid-subscription'],
      [mutate((o) => (o.terms.currency = '')), 'invalid-subscription'],
      [mutate((o) => (o.subscription_id = 'a/b')), 'invalid-subscription'],
      [mutate((o) => (o.terms.max_amount_per_period = '10')), 'invalid-subscription'],
      [mutate((o) => (o.terms.amount = 'ten')), 'invalid-amount'],
      [mutate((o) => (o.terms.frequency = { Monthly: { day_of_month: 32 } })), 'invalid-frequency'],
      [mutate((o) => (o.terms.frequency = { Yearly: { month: 2, day: 30 } })), 'invalid-frequency'],
      [mutate((o) => (o.terms.frequency = { Custom: { interval_seconds: 0 } })), 'invalid-frequency'],
      [mutate((o) => (o.terms.frequency = { Hourly: {} })), 'invalid-frequency'],
      [mutate((o) => (o.terms.frequency = 'monthly')), 'invalid-frequency'],
      [mutate((o) => (o.terms.frequency = { Monthly: { day_of_month: 1 }, Daily: {} })), 'invalid-frequency'],
      [mutate((o) => (o.subscriber = 'abc')), 'invalid-key'],
      [mutate((o) => delete o.metadata), 'invalid-subscription'],
      [mutate((o) => (o.created_at = 1.5)), 'invalid-shape'],
    ]
    for (const [text, code] of cases) {
      expect(() => readSubscription(text), text.slice(0, 200)).toThrow(expect.objectContaining({ code }))
    }
    expect(() => readCancellation('{"cancelled_at":-1,"reason":null,"subscription_id":"s"}')).toThrow(
      expect.objectContaining({ code: 'invalid-shape' }),
    )
    expect(writeJson(fromPlain({ x: 1 }))).toBe('{"x":1}')
  })
})
