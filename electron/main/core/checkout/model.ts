/**
 * @module checkout/model
 * A checkout session's states (open → paid | expired | cancelled) as one pure transition function.
 *
 * Money that arrives is never ignored: a partial payment keeps the checkout open and shows what is
 * still due; an over-payment settles it and shows the excess; a payment to an expired or cancelled
 * checkout is recorded as late (for a refund or a manual decision), without reopening anything.
 * The same proof twice changes nothing; a proof that contradicts what is recorded is refused.
 */
import { missingCase } from '../util/errors'

export type CheckoutState = 'open' | 'paid' | 'expired' | 'cancelled'
export type PaymentMethod = 'lightning' | 'onchain'

/** A payment already verified by core/payments (preimage against hash, tx output to our address). */
export interface CheckoutPayment {
  method: PaymentMethod
  /** 'lightning_preimage' | 'bitcoin_txid' (paykit-interactive proof_type). */
  proofType: string
  /** Preimage hex or txid (with `:vout` when one tx pays several of our addresses). */
  proofValue: string
  /** Lightning only: the payment hash the preimage was checked against. */
  paymentHash?: string
  amountSats: number
  verifiedAt: number
}

/**
 * Proof type of a Lightning payment the merchant's node reports settled (the settlement watcher):
 * the value is the payment hash. Weaker than a payer's preimage, which replaces it on the receipt.
 */
export const OBSERVED_LIGHTNING_PROOF = 'lightning_invoice_settled'

export interface RecordedPayment {
  method: PaymentMethod
  proofType: string
  proofValue: string
  amountSats: number
}

export interface CheckoutFacts {
  state: CheckoutState
  amountSats: number
  tipSats: number
  receivedSats: number
  lateSats: number
  expiresAt: number
  paymentHash: string | null
  payments: readonly RecordedPayment[]
}

export type CheckoutEvent =
  | { type: 'payment'; payment: CheckoutPayment }
  | { type: 'expire'; now: number }
  | { type: 'cancel'; now: number }

export type Effect = 'paid' | 'partial' | 'overpaid' | 'late' | 'expired' | 'cancelled'

export type RefusalCode =
  'proof-conflict' | 'proof-mismatch' | 'already-paid' | 'not-expired' | 'invalid-payment'

export type Transition =
  | { kind: 'changed'; next: CheckoutFacts; effect: Effect }
  | { kind: 'unchanged'; why: 'duplicate-proof' | 'already-closed' }
  | { kind: 'refused'; code: RefusalCode; reason: string }

/** Sats the customer owes in total (sale + tip). */
export const dueSats = (f: CheckoutFacts): number => f.amountSats + f.tipSats

/** What a payment means against the recorded ones, before looking at the state. */
function screen(
  f: CheckoutFacts,
  p: CheckoutPayment,
):
  { kind: 'new' } | { kind: 'unchanged'; why: 'duplicate-proof' } | Extract<Transition, { kind: 'refused' }> {
  if (!Number.isSafeInteger(p.amountSats) || p.amountSats <= 0) {
    return {
      kind: 'refused',
      code: 'invalid-payment',
      reason: 'a payment must be a positive whole number of sats',
    }
  }
  const same = f.payments.find((r) => r.proofType === p.proofType && r.proofValue === p.proofValue)
  if (same) {
    if (same.amountSats === p.amountSats && same.method === p.method)
      return { kind: 'unchanged', why: 'duplicate-proof' }
    return {
      kind: 'refused',
      code: 'proof-conflict',
      reason: `this ${p.proofType} was already recorded for ${same.amountSats} sats via ${same.method}; it cannot now be ${p.amountSats} sats`,
    }
  }
  if (p.method === 'lightning') {
    if (f.paymentHash === null || p.paymentHash !== f.paymentHash) {
      return {
        kind: 'refused',
        code: 'proof-mismatch',
        reason: "the Lightning proof is for another invoice (its payment hash is not this checkout's)",
      }
    }
    // A BOLT11 invoice is paid at most once: a payment observed on the node (no preimage) and the
    // payer's preimage for the same invoice are one payment seen twice, in either order.
    if (
      f.payments.some((r) => r.method === 'lightning') &&
      (p.proofType === OBSERVED_LIGHTNING_PROOF ||
        f.payments.some((r) => r.proofType === OBSERVED_LIGHTNING_PROOF))
    ) {
      return { kind: 'unchanged', why: 'duplicate-proof' }
    }
    if (f.payments.some((r) => r.method === 'lightning')) {
      return {
        kind: 'refused',
        code: 'already-paid',
        reason: "this checkout's invoice was already paid with a different preimage",
      }
    }
  }
  return { kind: 'new' }
}

function withPayment(f: CheckoutFacts, p: CheckoutPayment, late: boolean): CheckoutFacts {
  const payments = [
    ...f.payments,
    { method: p.method, proofType: p.proofType, proofValue: p.proofValue, amountSats: p.amountSats },
  ]
  return late
    ? { ...f, payments, lateSats: f.lateSats + p.amountSats }
    : { ...f, payments, receivedSats: f.receivedSats + p.amountSats }
}

export function transition(f: CheckoutFacts, e: CheckoutEvent): Transition {
  switch (f.state) {
    case 'open':
      switch (e.type) {
        case 'payment': {
          const s = screen(f, e.payment)
          if (s.kind !== 'new') return s
          const next = withPayment(f, e.payment, false)
          if (next.receivedSats < dueSats(f)) return { kind: 'changed', next, effect: 'partial' }
          return {
            kind: 'changed',
            next: { ...next, state: 'paid' },
            effect: next.receivedSats === dueSats(f) ? 'paid' : 'overpaid',
          }
        }
        case 'expire':
          if (e.now < f.expiresAt) {
            return {
              kind: 'refused',
              code: 'not-expired',
              reason: 'the checkout has not reached its expiry yet',
            }
          }
          return { kind: 'changed', next: { ...f, state: 'expired' }, effect: 'expired' }
        case 'cancel':
          return { kind: 'changed', next: { ...f, state: 'cancelled' }, effect: 'cancelled' }
        default:
          return missingCase(e)
      }
    case 'paid':
      switch (e.type) {
        case 'payment': {
          const s = screen(f, e.payment)
          if (s.kind !== 'new') return s
          // Another on-chain payment to this never-reused address: real money, shown as over-payment.
          return { kind: 'changed', next: withPayment(f, e.payment, false), effect: 'overpaid' }
        }
        case 'expire':
          return { kind: 'unchanged', why: 'already-closed' }
        case 'cancel':
          return {
            kind: 'refused',
            code: 'already-paid',
            reason: 'a paid checkout cannot be cancelled; refund it instead',
          }
        default:
          return missingCase(e)
      }
    case 'expired':
    case 'cancelled':
      switch (e.type) {
        case 'payment': {
          const s = screen(f, e.payment)
          if (s.kind !== 'new') return s
          return { kind: 'changed', next: withPayment(f, e.payment, true), effect: 'late' }
        }
        case 'expire':
        case 'cancel':
          return { kind: 'unchanged', why: 'already-closed' }
        default:
          return missingCase(e)
      }
    default:
      return missingCase(f.state)
  }
}

/** 'none' | 'partial' | 'exact' | 'over' against what is due. */
export function paymentStatus(f: CheckoutFacts): 'none' | 'partial' | 'exact' | 'over' {
  if (f.receivedSats === 0) return 'none'
  const due = dueSats(f)
  return f.receivedSats < due ? 'partial' : f.receivedSats === due ? 'exact' : 'over'
}
