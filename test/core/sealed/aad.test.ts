// AAD builders against ../shared/vectors/paykit/aad.json, and recognition of the non-canonical formats
// (which we can build to read old blobs but never seal with).
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import {
  buildAad,
  classifyAad,
  handoffAad,
  legacyPurposeOwnerPathAad,
  paymentRequestAad,
  relaySessionAad,
  subscriptionAgreementAad,
  subscriptionCancellationAad,
  subscriptionProposalAad,
} from '../../../electron/main/core/sealed/aad'
import { InputError } from '../../../electron/main/core/util/errors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()

describe.skipIf(!vectorsPresent)('aad.json (needs ../shared/vectors)', () => {
  const v = vectorsPresent ? loadVectors('paykit/aad.json') : {}

  for (const p of all) {
    it(`${p.name}: every canonical vector`, () => {
      let n = 0
      for (const c of v.vectors) {
        let got: string
        if (c.recipient_pubkey_z32) got = paymentRequestAad(c.recipient_pubkey_z32, c.request_id, p)
        else if (c.subscriber_pubkey_z32)
          got = subscriptionProposalAad(c.subscriber_pubkey_z32, c.proposal_id, p)
        else if (c.owner_pubkey_z32) got = handoffAad(c.owner_pubkey_z32, c.request_id)
        else if (c.name === 'build_aad_generic') got = buildAad(c.purpose, c.path, c.id)
        else if (c.name === 'agreement_example')
          got = subscriptionAgreementAad(c.party_z32, c.subscription_id)
        else if (c.name === 'cancellation_example')
          got = subscriptionCancellationAad(c.party_z32, c.subscription_id)
        else throw new Error(`unhandled vector ${c.name}`)
        expect(got, c.name).toBe(c.expected)
        n++
      }
      expect(n).toBe(11)
    })
  }

  it('classifies every canonical vector as canonical or handoff, with the id', () => {
    for (const c of v.vectors) {
      const k = classifyAad(c.expected)
      expect(['canonical', 'handoff'], c.name).toContain(k.kind)
      if (k.kind === 'handoff') expect(k.owner).toBe(c.owner_pubkey_z32)
    }
    expect(classifyAad(v.vectors[0].expected)).toMatchObject({
      kind: 'canonical',
      purpose: 'request',
      id: 'req-12345',
    })
  })

  it('recognises (but does not emit) the non-canonical formats', () => {
    const nc = v.non_canonical_formats_seen_in_docs_or_other_apps
    expect(nc).toHaveLength(3)
    const legacy = legacyPurposeOwnerPathAad(
      'handoff',
      '8um71us3fyw6h8wbcxb5ar3rwusy1a6u49956ikzojg3gcwd1dty',
      '/pub/paykit.app/v0/handoff/f3a7b2c1d4e5',
    )
    expect(classifyAad(legacy)).toMatchObject({ kind: 'legacy-purpose-owner-path', purpose: 'handoff' })
    expect(nc[0].format).toContain('{purpose}:{owner_pubkey}:{path}')
    expect(relaySessionAad('r1')).toBe('paykit:v0:relay:session:r1')
    expect(classifyAad(relaySessionAad('r1'))).toEqual({ kind: 'relay-session', id: 'r1' })
    expect(classifyAad('/pub/paykit.app/v0/requests/req_1:req_1:request')).toMatchObject({
      kind: 'legacy-path-id-request',
      id: 'req_1',
    })
    const spec = loadVectors('paykit/sealed_blob.json').vectors[0].aad
    expect(classifyAad(spec)).toMatchObject({ kind: 'legacy-purpose-owner-path', owner: 'testpubkey123' })
    expect(classifyAad('garbage')).toEqual({ kind: 'unknown' })
    expect(classifyAad(7 as unknown as string)).toEqual({ kind: 'unknown' })
  })
})

describe('AAD builders refuse bad input', () => {
  const key = 'ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1u'
  it('with InputError', () => {
    expect(() => paymentRequestAad(key, 'a/b')).toThrow(InputError)
    expect(() => paymentRequestAad('nope', 'req')).toThrow(InputError)
    expect(() => handoffAad('pk:abc', 'req')).toThrow(InputError)
    expect(() => handoffAad('', 'req')).toThrow(InputError)
    expect(() => buildAad('Bad', '/p', 'id')).toThrow(InputError)
    expect(() => buildAad('ok', 'relative', 'id')).toThrow(InputError)
    expect(() => relaySessionAad('')).toThrow(InputError)
  })
  it('differs per id and per recipient, deterministically', () => {
    const other = '8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo'
    expect(paymentRequestAad(key, 'a')).toBe(paymentRequestAad(key, 'a'))
    expect(paymentRequestAad(key, 'a')).not.toBe(paymentRequestAad(key, 'b'))
    expect(paymentRequestAad(key, 'a')).not.toBe(paymentRequestAad(other, 'a'))
  })
})
