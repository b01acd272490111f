/**
 * @module subscriptions/period-request
 * The payment request a provider publishes for one billing period (`paykit-protocol.md` §6.8):
 * `from` = provider, `to` = subscriber, and `amount` (the exact decimal string), `currency` and
 * `method` equal to the signed terms, because a reference payer's autopay compares them
 * (`should_autopay`). The description matches the reference monitor's ("Subscription payment: …");
 * the metadata names the subscription and the period key so billing and reconciliation can match
 * a receipt to the period it pays, and publishing stays idempotent per period.
 */
import type { Clock } from '../util/clock'
import { createPaymentRequest, type PaymentRequest } from '../requests/model'
import type { Subscription } from './model'
import { periodKey, type Period } from './schedule'

export function requestForPeriod(
  sub: Subscription,
  period: Period,
  ctx: { clock: Clock; ids: { next(prefix: 'req'): string }; expiresInSecs?: number },
): PaymentRequest {
  return createPaymentRequest(
    {
      from: sub.provider,
      to: sub.subscriber,
      amount: sub.terms.amount,
      currency: sub.terms.currency,
      method: sub.terms.method,
      description: `Subscription payment: ${sub.terms.description}`,
      dueDate: period.start,
      metadata: {
        period_end: period.end,
        period_index: period.index,
        period_key: periodKey(sub.subscriptionId, period.index),
        period_start: period.start,
        subscription_id: sub.subscriptionId,
      },
      expiresInSecs: ctx.expiresInSecs ?? Math.max(1, period.end - period.start),
    },
    ctx,
  )
}
