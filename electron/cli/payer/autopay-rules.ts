/**
 * @module cli/payer/autopay-rules
 * `should_autopay` (paykit-protocol.md §6.7), decided without side effects: a merchant's request is
 * payable only when
 *   - it is not expired, and is priced in whole sats;
 *   - we hold an active agreement with its sender (the homeserver owner the request was read
 *     from — core/requests/inbox enforces that binding) whose method and currency equal the
 *     request's, and whose amount equals the request's exactly (same decimal text) or whose
 *     `max_amount_per_period` is at least the request's amount;
 *   - the amount is within our per-payment maximum.
 * The per-peer period cap is checked by the atomic reservation (limits.ts), not here.
 */
import { Amount } from '../../main/core/money/amount'

export interface IncomingRequest {
  sender: string
  requestId: string
  amount: Amount
  currency: string
  method: string
  /** Unix seconds. */
  expiresAt: number | null
}

export interface AgreementTerms {
  subscriptionId: string
  provider: string
  amount: string
  currency: string
  method: string
  maxAmountPerPeriod: string | null
  /** Unix seconds. */
  startsAt: number
  endsAt: number | null
  state: 'active' | 'cancelled'
}

export type RefusalReason =
  | 'expired'
  | 'not-sats'
  | 'no-agreement'
  | 'agreement-inactive'
  | 'method-mismatch'
  | 'currency-mismatch'
  | 'amount-mismatch'
  | 'over-max-per-payment'
  | 'unsupported-method'

export type AutopayDecision =
  | { pay: true; agreement: AgreementTerms; sats: number }
  | { pay: false; reason: RefusalReason; detail: string }

export interface AutopaySettings {
  /** Largest single payment, or null for no per-payment maximum. */
  maxPerPaymentSats: number | null
}

const refuse = (reason: RefusalReason, detail: string): AutopayDecision => ({ pay: false, reason, detail })

function parseAmount(text: string): Amount | null {
  try {
    return Amount.parse(text)
  } catch {
    return null
  }
}

/** The whole-sat value of a SAT amount, or null. */
export function satsOf(amount: Amount, currency: string): number | null {
  if (currency !== 'SAT' || !amount.isPositive()) return null
  const text = amount.toString()
  if (!/^[0-9]{1,15}$/.test(text)) return null
  return Number(text)
}

function isActive(a: AgreementTerms, nowSecs: number): boolean {
  return a.state === 'active' && a.startsAt <= nowSecs && (a.endsAt === null || nowSecs < a.endsAt)
}

/** Decides one request against our agreements with its sender. */
export function decideAutopay(
  request: IncomingRequest,
  agreements: readonly AgreementTerms[],
  settings: AutopaySettings,
  nowSecs: number,
): AutopayDecision {
  if (request.expiresAt !== null && nowSecs > request.expiresAt)
    return refuse('expired', `request ${request.requestId} expired at ${request.expiresAt}`)
  const sats = satsOf(request.amount, request.currency)
  if (sats === null)
    return refuse(
      'not-sats',
      `request ${request.requestId} is for ${request.amount.toString()} ${request.currency}; autopay pays whole SAT amounts only`,
    )
  if (request.method !== 'lightning' && request.method !== 'onchain')
    return refuse(
      'unsupported-method',
      `this wallet pays lightning and onchain requests, not ${request.method}`,
    )
  const withSender = agreements.filter((a) => a.provider === request.sender)
  if (withSender.length === 0)
    return refuse(
      'no-agreement',
      `no subscription agreement with ${request.sender}; requests from strangers are never autopaid`,
    )
  const active = withSender.filter((a) => isActive(a, nowSecs))
  if (active.length === 0)
    return refuse(
      'agreement-inactive',
      `every agreement with ${request.sender} is cancelled or outside its dates`,
    )
  let last: AutopayDecision = refuse('method-mismatch', '')
  for (const a of active) {
    if (a.method !== request.method) {
      last = refuse(
        'method-mismatch',
        `request asks for ${request.method}; agreement ${a.subscriptionId} is paid by ${a.method}`,
      )
      continue
    }
    if (a.currency !== request.currency) {
      last = refuse(
        'currency-mismatch',
        `request is in ${request.currency}; agreement ${a.subscriptionId} is in ${a.currency}`,
      )
      continue
    }
    const exact = a.amount === request.amount.toString()
    const max = a.maxAmountPerPeriod === null ? null : parseAmount(a.maxAmountPerPeriod)
    const underMax = max !== null && request.amount.compare(max) <= 0
    if (!exact && !underMax) {
      last = refuse(
        'amount-mismatch',
        `request is for ${request.amount.toString()} ${request.currency}; agreement ${a.subscriptionId} is for ${a.amount}${
          a.maxAmountPerPeriod !== null ? ` (at most ${a.maxAmountPerPeriod} per period)` : ''
        }`,
      )
      continue
    }
    if (settings.maxPerPaymentSats !== null && sats > settings.maxPerPaymentSats)
      return refuse(
        'over-max-per-payment',
        `${sats} sat is over the per-payment maximum of ${settings.maxPerPaymentSats} sat`,
      )
    return { pay: true, agreement: a, sats }
  }
  return last
}
