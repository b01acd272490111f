// Homeserver paths against ../shared/vectors/paykit/paths.json and string-format vectors, plus the
// segment checks that keep ids from escaping their directory.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import {
  DEPRECATED_PUSH_PATH,
  NOISE_ENDPOINT_PATH,
  PAYKIT_METHODS_DIR,
  PUBKY_PROFILE_PATH,
  SUPPORTED_SNAPSHOT_PATH,
  followPath,
  isPaymentMethodName,
  noiseEndpointPath,
  noiseKeyPath,
  paymentMethodPath,
  paymentRequestPath,
  paymentRequestsDir,
  secureHandoffPath,
  subscriptionAgreementPath,
  subscriptionAgreementsDir,
  subscriptionCancellationPath,
  subscriptionCancellationsDir,
  subscriptionProposalPath,
  subscriptionProposalsDir,
} from '../../../electron/main/core/directory/paths'
import { InputError } from '../../../electron/main/core/util/errors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()

describe.skipIf(!vectorsPresent)('paths.json (needs ../shared/vectors)', () => {
  const v = vectorsPresent ? loadVectors('paykit/paths.json') : {}
  const sf = vectorsPresent ? loadVectors('noise/pubky-noise-repo-string-formats.json') : {}

  for (const p of all) {
    it(`${p.name}: every path vector`, () => {
      let n = 0
      for (const c of v.vectors) {
        const got: Record<string, () => string> = {
          payment_request_path: () => paymentRequestPath(c.recipient, c.request_id, p),
          payment_requests_dir: () => paymentRequestsDir(c.recipient, p),
          subscription_proposal_path: () => subscriptionProposalPath(c.subscriber, c.proposal_id, p),
          subscription_proposals_dir: () => subscriptionProposalsDir(c.subscriber, p),
          noise_endpoint_path: () => noiseEndpointPath(),
          secure_handoff_path: () => secureHandoffPath(c.request_id),
        }
        const fn = got[c.fn]
        expect(fn, `no builder for ${c.fn}`).toBeDefined()
        expect(fn!()).toBe(c.expected)
        n++
      }
      expect(n).toBe(7)
    })
  }

  it('structural checks (segment count, scope index and length, suffix)', () => {
    expect(v.structural_checks).toHaveLength(2)
    for (const c of v.structural_checks) {
      const path =
        c.fn === 'payment_request_path'
          ? paymentRequestPath(c.recipient, c.request_id)
          : subscriptionProposalPath(c.subscriber, c.proposal_id)
      const parts = path.split('/')
      expect(parts).toHaveLength(c.split_on_slash_len)
      expect(parts[c.scope_index]).toHaveLength(c.scope_len)
      expect(path.endsWith(c.ends_with)).toBe(true)
    }
  })

  it('templates: fixed paths and the agreement/cancellation forms', () => {
    const t = v.templates
    expect(SUPPORTED_SNAPSHOT_PATH).toBe(t.supported_snapshot)
    expect(NOISE_ENDPOINT_PATH).toBe(t.noise_endpoint)
    expect(PUBKY_PROFILE_PATH).toBe(t.profile)
    expect(DEPRECATED_PUSH_PATH).toBe('/pub/paykit.app/v0/push')
    expect(PAYKIT_METHODS_DIR).toBe('/pub/paykit.app/v0/')
    const party = '8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo'
    const fill = (tpl: string, vars: Record<string, string>): string =>
      tpl.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`)
    expect(subscriptionAgreementPath(party, 'sub_1')).toBe(
      fill(t.subscription_agreement, { party_z32: party, subscription_id: 'sub_1' }),
    )
    expect(subscriptionCancellationPath(`pk:${party}`, 'sub_1')).toBe(
      fill(t.subscription_cancellation, { party_z32: party, subscription_id: 'sub_1' }),
    )
    expect(paymentMethodPath('lightning')).toBe(fill(t.payment_method, { method_id: 'lightning' }))
    expect(followPath(party)).toBe(fill(t.follows, { contact_z32: party }))
    expect(subscriptionAgreementsDir(party)).toBe(`/pub/paykit.app/v0/subscriptions/agreements/${party}/`)
    expect(subscriptionCancellationsDir(party)).toBe(
      `/pub/paykit.app/v0/subscriptions/cancellations/${party}/`,
    )
  })

  it('string-format vectors: noise_key_path and noise_endpoint_path', () => {
    const keyPath = sf.vectors.find((x: { name: string }) => x.name.startsWith('noise_key_path'))
    expect(keyPath.cases.length).toBe(3)
    for (const [id, expected] of keyPath.cases) expect(noiseKeyPath(id)).toBe(expected)
    const ep = sf.vectors.find((x: { name: string }) => x.name.startsWith('noise_endpoint_path'))
    expect(noiseEndpointPath()).toBe(ep.value)
  })
})

describe('path segments are checked', () => {
  const key = 'ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1u'
  it('ids that would escape or change the path are InputErrors', () => {
    for (const id of ['', '.', '..', 'a/b', 'a\\b', 'a?b', 'a#b', 'a%2f', 'x\u0000', 'x'.repeat(257)]) {
      expect(() => paymentRequestPath(key, id)).toThrow(InputError)
      expect(() => secureHandoffPath(id)).toThrow(InputError)
    }
    expect(() => noiseKeyPath('../x')).toThrow(InputError)
  })
  it('reserved method names are refused for writing and filtered from listings', () => {
    for (const name of ['noise', 'supported.json', 'push', 'requests']) {
      expect(() => paymentMethodPath(name)).toThrow(InputError)
      expect(isPaymentMethodName(name)).toBe(false)
    }
    expect(isPaymentMethodName('lightning')).toBe(true)
    expect(isPaymentMethodName('requests/')).toBe(false)
  })
  it('agreement paths need a real key (the scope test string is not a curve point)', () => {
    expect(() => subscriptionAgreementPath(key, 'sub_1')).toThrow(InputError)
    expect(() => subscriptionAgreementPath(new Uint8Array(32), 'sub_1')).toThrow(InputError)
  })
})
