// `should_autopay` (paykit-protocol.md §6.7) and the Noise pattern flowchart, as pure decisions.
import { describe, expect, it } from 'vitest'
import {
  decideAutopay,
  type AgreementTerms,
  type IncomingRequest,
} from '../../../electron/cli/payer/autopay-rules'
import {
  checkCombination,
  choosePattern,
  parsePattern,
  patternFacts,
} from '../../../electron/cli/payer/patterns'
import { Amount } from '../../../electron/main/core/money/amount'
import { UsageError } from '../../../electron/cli/errors'

const NOW = 1_800_000_000
const agreement = (o: Partial<AgreementTerms> = {}): AgreementTerms => ({
  subscriptionId: 'sub_1',
  provider: 'merchant',
  amount: '1000',
  currency: 'SAT',
  method: 'lightning',
  maxAmountPerPeriod: null,
  startsAt: NOW - 100,
  endsAt: null,
  state: 'active',
  ...o,
})
const request = (
  o: Partial<Omit<IncomingRequest, 'amount'>> & { amount?: string } = {},
): IncomingRequest => ({
  sender: 'merchant',
  requestId: 'req_1',
  currency: 'SAT',
  method: 'lightning',
  expiresAt: NOW + 3600,
  ...o,
  amount: Amount.parse(o.amount ?? '1000'),
})
const none = { maxPerPaymentSats: null }

describe('decideAutopay', () => {
  it('pays a request that matches an active agreement exactly', () => {
    expect(decideAutopay(request(), [agreement()], none, NOW)).toMatchObject({ pay: true, sats: 1000 })
  })

  it.each([
    ['no agreement with the sender', request({ sender: 'stranger' }), [agreement()], 'no-agreement'],
    ['cancelled agreement', request(), [agreement({ state: 'cancelled' })], 'agreement-inactive'],
    ['agreement not started', request(), [agreement({ startsAt: NOW + 10 })], 'agreement-inactive'],
    ['agreement ended', request(), [agreement({ endsAt: NOW })], 'agreement-inactive'],
    ['other method', request({ method: 'onchain' }), [agreement()], 'method-mismatch'],
    [
      'other currency',
      request({ currency: 'USD' }),
      [agreement({ currency: 'USD', amount: '10' })],
      'not-sats',
    ],
    ['other amount', request({ amount: '1001' }), [agreement()], 'amount-mismatch'],
    ['same value, other spelling', request({ amount: '1000.0' }), [agreement()], 'not-sats'],
    ['expired request', request({ expiresAt: NOW - 1 }), [agreement()], 'expired'],
    [
      'unsupported method',
      request({ method: 'lnurl' }),
      [agreement({ method: 'lnurl' })],
      'unsupported-method',
    ],
  ] as const)('refuses: %s', (_name, req, agreements, reason) => {
    expect(decideAutopay(req, agreements, none, NOW)).toMatchObject({ pay: false, reason })
  })

  it('accepts a different amount only up to max_amount_per_period', () => {
    const a = agreement({ maxAmountPerPeriod: '1500' })
    expect(decideAutopay(request({ amount: '1400' }), [a], none, NOW)).toMatchObject({
      pay: true,
      sats: 1400,
    })
    expect(decideAutopay(request({ amount: '1500' }), [a], none, NOW)).toMatchObject({ pay: true })
    expect(decideAutopay(request({ amount: '1501' }), [a], none, NOW)).toMatchObject({
      reason: 'amount-mismatch',
    })
  })

  it('refuses a request for less than the agreed amount (small extra requests must not drain a subscriber)', () => {
    expect(decideAutopay(request({ amount: '700' }), [agreement()], none, NOW)).toMatchObject({
      pay: false,
      reason: 'amount-mismatch',
    })
  })

  it('applies the per-payment maximum', () => {
    expect(decideAutopay(request(), [agreement()], { maxPerPaymentSats: 999 }, NOW)).toMatchObject({
      pay: false,
      reason: 'over-max-per-payment',
    })
    expect(decideAutopay(request(), [agreement()], { maxPerPaymentSats: 1000 }, NOW)).toMatchObject({
      pay: true,
    })
  })

  it('finds the matching agreement among several with the same merchant', () => {
    const d = decideAutopay(
      request({ method: 'onchain', amount: '5000' }),
      [agreement(), agreement({ subscriptionId: 'sub_2', method: 'onchain', amount: '5000' })],
      none,
      NOW,
    )
    expect(d).toMatchObject({ pay: true, agreement: { subscriptionId: 'sub_2' } })
  })
})

describe('pattern flowchart', () => {
  const known = { anonymous: false, merchantKeyKnown: true, merchantKeyBound: true }
  it('IK for a known merchant whose key is bound to its identity', () => {
    expect(choosePattern(known).pattern).toBe('IK')
  })
  it('N for an anonymous donation', () => {
    expect(choosePattern({ ...known, anonymous: true }).pattern).toBe('N')
  })
  it('XX on first contact: key not published, or not bound', () => {
    expect(choosePattern({ ...known, merchantKeyBound: false }).pattern).toBe('XX')
    expect(choosePattern({ ...known, merchantKeyKnown: false, merchantKeyBound: false }).pattern).toBe('XX')
  })
  it("honours the merchant's /noise patterns (a Ring-linked till: no key binding, no XX)", () => {
    const ring = { ...known, merchantKeyBound: false, offered: ['IK', 'IK-raw', 'N'] as const }
    expect(choosePattern(ring).pattern).toBe('IK')
    expect(choosePattern(ring).reason).toContain('Ring-linked till')
    expect(choosePattern({ ...ring, offered: ['IK-raw', 'N'] }).pattern).toBe('IK-raw')
    // A bound key whose merchant does not take IK: IK-raw, still not XX.
    expect(choosePattern({ ...known, offered: ['IK-raw'] }).pattern).toBe('IK-raw')
    expect(choosePattern({ ...ring, anonymous: true }).pattern).toBe('N')
    // A list naming neither IK nor IK-raw falls back to the flowchart; no list: unchanged.
    expect(choosePattern({ ...ring, offered: ['XX'] }).pattern).toBe('XX')
    expect(choosePattern({ ...known, merchantKeyBound: false }).pattern).toBe('XX')
    expect(choosePattern(ring, 'XX').pattern).toBe('XX')
  })
  it('--pattern wins', () => {
    expect(choosePattern({ ...known, anonymous: true }, 'IK-raw')).toEqual({
      pattern: 'IK-raw',
      reason: 'given with --pattern',
    })
  })
  it('what each pattern proves', () => {
    expect(patternFacts('IK', '0.8.0')).toMatchObject({
      provesPayer: true,
      provesMerchant: true,
      twoWay: true,
    })
    expect(patternFacts('IK-raw', '0.8.0')).toMatchObject({ provesPayer: false, provesMerchant: true })
    expect(patternFacts('N', '0.8.0')).toMatchObject({ provesPayer: false, twoWay: false })
    expect(patternFacts('NN', '0.8.0')).toMatchObject({ provesPayer: false, provesMerchant: false })
    expect(patternFacts('XX', '0.8.0').provesPayer).toBe(false)
    expect(patternFacts('XX', '1.2.0').provesPayer).toBe(true)
  })
  it('impossible combinations are usage errors', () => {
    expect(() => checkCombination('XX', 'raw', true, 'h')).toThrow(UsageError)
    expect(() => checkCombination('N', undefined, true, 'h')).toThrow(/one-way/)
    expect(() => checkCombination('IK', 'raw', true, 'h')).not.toThrow()
    expect(() => parsePattern('ikk', 'h')).toThrow(UsageError)
    expect(parsePattern('IK-RAW', 'h')).toBe('IK-raw')
  })
})
