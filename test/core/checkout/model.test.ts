import { describe, expect, it } from 'vitest'
import {
  transition,
  type CheckoutFacts,
  type CheckoutPayment,
} from '../../../electron/main/core/checkout/model'

const HASH = 'ab'.repeat(32)
const open: CheckoutFacts = {
  state: 'open',
  amountSats: 1000,
  tipSats: 100,
  receivedSats: 0,
  lateSats: 0,
  expiresAt: 10_000,
  paymentHash: HASH,
  payments: [],
}
const ln = (amountSats = 1100, preimage = '11'.repeat(32)): CheckoutPayment => ({
  method: 'lightning',
  proofType: 'lightning_preimage',
  proofValue: preimage,
  paymentHash: HASH,
  amountSats,
  verifiedAt: 5,
})
const chain = (amountSats: number, txid = 'cd'.repeat(32)): CheckoutPayment => ({
  method: 'onchain',
  proofType: 'bitcoin_txid',
  proofValue: `${txid}:0`,
  amountSats,
  verifiedAt: 5,
})
const apply = (f: CheckoutFacts, p: CheckoutPayment) => transition(f, { type: 'payment', payment: p })
const next = (t: ReturnType<typeof transition>): CheckoutFacts => {
  if (t.kind !== 'changed') throw new Error(`expected a change, got ${JSON.stringify(t)}`)
  return t.next
}

describe('checkout transitions: open', () => {
  it('exact payment (sale + tip) → paid', () => {
    const t = apply(open, ln())
    expect(t).toMatchObject({ kind: 'changed', effect: 'paid', next: { state: 'paid', receivedSats: 1100 } })
  })
  it('partial payment stays open and records what came in; the rest completes it', () => {
    const a = apply(open, chain(400))
    expect(a).toMatchObject({
      kind: 'changed',
      effect: 'partial',
      next: { state: 'open', receivedSats: 400 },
    })
    expect(apply(next(a), chain(700, 'ef'.repeat(32)))).toMatchObject({
      effect: 'paid',
      next: { receivedSats: 1100 },
    })
  })
  it('over-payment settles and is flagged', () => {
    expect(apply(open, chain(5000))).toMatchObject({
      effect: 'overpaid',
      next: { state: 'paid', receivedSats: 5000 },
    })
  })
  it('expire refuses before the expiry and expires at it', () => {
    expect(transition(open, { type: 'expire', now: 9_999 })).toMatchObject({
      kind: 'refused',
      code: 'not-expired',
    })
    expect(transition(open, { type: 'expire', now: 10_000 })).toMatchObject({
      effect: 'expired',
      next: { state: 'expired' },
    })
  })
  it('cancel → cancelled', () => {
    expect(transition(open, { type: 'cancel', now: 1 })).toMatchObject({
      effect: 'cancelled',
      next: { state: 'cancelled' },
    })
  })
  it('refuses a Lightning proof for another invoice, and a non-positive amount', () => {
    expect(apply(open, { ...ln(), paymentHash: 'ff'.repeat(32) })).toMatchObject({
      kind: 'refused',
      code: 'proof-mismatch',
    })
    expect(apply(open, chain(0))).toMatchObject({ kind: 'refused', code: 'invalid-payment' })
    expect(apply(open, chain(1.5))).toMatchObject({ kind: 'refused', code: 'invalid-payment' })
  })
})

describe('checkout transitions: paid', () => {
  const paid = next(apply(open, ln()))
  it('the same proof again changes nothing', () => {
    expect(apply(paid, ln())).toEqual({ kind: 'unchanged', why: 'duplicate-proof' })
  })
  it('the same proof with another amount is refused as a conflict', () => {
    expect(apply(paid, ln(2000))).toMatchObject({ kind: 'refused', code: 'proof-conflict' })
  })
  it('a second Lightning preimage for the same invoice is refused', () => {
    expect(apply(paid, ln(1100, '22'.repeat(32)))).toMatchObject({ kind: 'refused', code: 'already-paid' })
  })
  it('another on-chain payment is recorded as over-payment', () => {
    expect(apply(paid, chain(300))).toMatchObject({
      effect: 'overpaid',
      next: { state: 'paid', receivedSats: 1400 },
    })
  })
  it('expire is a no-op and cancel is refused', () => {
    expect(transition(paid, { type: 'expire', now: 99_999 })).toEqual({
      kind: 'unchanged',
      why: 'already-closed',
    })
    expect(transition(paid, { type: 'cancel', now: 1 })).toMatchObject({
      kind: 'refused',
      code: 'already-paid',
    })
  })
})

describe('checkout transitions: expired and cancelled', () => {
  for (const state of ['expired', 'cancelled'] as const) {
    const closed: CheckoutFacts = { ...open, state }
    it(`${state}: a payment is recorded as late without reopening`, () => {
      const t = apply(closed, chain(1100))
      expect(t).toMatchObject({ effect: 'late', next: { state, receivedSats: 0, lateSats: 1100 } })
      expect(apply(next(t), chain(1100))).toEqual({ kind: 'unchanged', why: 'duplicate-proof' })
    })
    it(`${state}: expire and cancel are no-ops`, () => {
      expect(transition(closed, { type: 'expire', now: 99_999 })).toEqual({
        kind: 'unchanged',
        why: 'already-closed',
      })
      expect(transition(closed, { type: 'cancel', now: 1 })).toEqual({
        kind: 'unchanged',
        why: 'already-closed',
      })
    })
  }
})
