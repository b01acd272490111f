/**
 * @module cli/payer/autopay
 * One autopay pass (paykit-protocol.md §6.7 `execute_autopay`, made safe to rerun):
 *
 *   1. apply the cancellations our merchants published; an agreement cancelled by either side
 *      stops its autopay at once;
 *   2. poll every merchant we hold an agreement with for requests sealed to us;
 *   3. for each request, oldest first: skip it if the payer database says it is already settled
 *      (never pay twice); decide it (autopay-rules.ts); reserve its amount against the peer's
 *      cap (limits.ts, atomic); pay it over Noise with receipt id `autopay_{request_id}`
 *      (pay-flow.ts); commit the reservation when money left, roll it back when nothing did.
 *   A refusal is recorded with its reason and reported; it is decided again on the next pass
 *   (a raised cap can make it payable), while a payment already made is never repeated.
 */
import type { Network } from '../../main/core/methods/errors'
import type { SimServiceClient } from '../../main/core/payments/sim-client'
import { isJsonObject, type JsonObject } from '../../main/core/interactive/json'
import { readNoiseEndpoint } from '../../main/core/directory/noise-endpoint'
import { parsePublicKey } from '../../main/core/keys/public-key'
import { nowSeconds } from '../../main/core/util/clock'
import { toPaykitError } from '../../main/core/util/errors'
import type { InboxRequest } from '../../main/core/requests/inbox'
import { decideAutopay, type RefusalReason } from './autopay-rules'
import { applyProviderCancellations, listAgreements } from './agreements'
import { LimitError, SpendingLimits } from './limits'
import { pollRequests } from './inbox'
import { MerchantChannel, type ChannelOptions } from './channel'
import { payWithReceipt, paymentRow } from './pay-flow'
import type { PayerSession } from './session'

export interface AutopayItem {
  merchant: string
  requestId: string
  amount: string
  currency: string
  method: string
  outcome: 'paid' | 'already-paid' | 'refused' | 'failed'
  reason?: RefusalReason | 'no-peer-limit' | 'peer-limit-exceeded' | string
  detail?: string
  receiptId?: string
  settlement?: JsonObject
}

export interface AutopayReport {
  polled: string[]
  items: AutopayItem[]
  cancelledByProvider: { id: string; by: string; reason: string | null }[]
  rejected: { sender: string; requestId: string; code: string; reason: string }[]
}

export const MAX_PER_PAYMENT_KEY = 'autopay.max_per_payment_sats'

export function maxPerPayment(session: PayerSession): number | null {
  const v = session.db.get<{ value: string }>(
    'SELECT value FROM settings WHERE key = ?',
    MAX_PER_PAYMENT_KEY,
  )?.value
  return v === undefined || v === 'none' ? null : Number(v)
}

export function setMaxPerPayment(session: PayerSession, sats: number | null): void {
  session.db.run(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    MAX_PER_PAYMENT_KEY,
    sats === null ? 'none' : String(sats),
  )
}

function recordRefusal(session: PayerSession, item: AutopayItem): void {
  session.db.run(
    `INSERT INTO refusals (merchant, request_id, reason, detail, at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (merchant, request_id) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, at = excluded.at`,
    item.merchant,
    item.requestId,
    item.reason ?? 'refused',
    item.detail ?? '',
    session.ctx.clock.now(),
  )
}

export interface AutopayDeps {
  sim: SimServiceClient
  network: Network
  channel: Omit<ChannelOptions, 'pattern'>
  limits?: SpendingLimits
}

/** One pass over every merchant we have an agreement with. */
export async function runAutopayOnce(session: PayerSession, deps: AutopayDeps): Promise<AutopayReport> {
  const { ctx, db } = session
  const limits = deps.limits ?? new SpendingLimits(db, ctx.clock)
  const cancelledByProvider = await applyProviderCancellations(session)
  const agreements = listAgreements(db)
  const merchants = [...new Set(agreements.map((a) => a.provider))]
  const report: AutopayReport = { polled: merchants, items: [], cancelledByProvider, rejected: [] }
  if (merchants.length === 0) return report
  const polled = await pollRequests(session, merchants)
  report.rejected.push(...polled.rejected)
  const requests = [...polled.requests].sort((a, b) => a.view.createdAt - b.view.createdAt)
  const settings = { maxPerPaymentSats: maxPerPayment(session) }
  for (const r of requests) {
    const item: AutopayItem = {
      merchant: r.sender,
      requestId: r.requestId,
      amount: r.view.amount.toString(),
      currency: r.view.currency,
      method: r.view.method,
      outcome: 'refused',
    }
    report.items.push(item)
    const receiptId = `autopay_${r.requestId}`
    const prior = paymentRow(db, r.sender, receiptId)
    if (prior?.state === 'settled') {
      item.outcome = 'already-paid'
      item.receiptId = receiptId
      continue
    }
    const decision = decideAutopay(
      {
        sender: r.sender,
        requestId: r.requestId,
        amount: r.view.amount,
        currency: r.view.currency,
        method: r.view.method,
        expiresAt: r.view.expiresAt,
      },
      agreements,
      settings,
      nowSeconds(ctx.clock),
    )
    // A payment already under way (paid, proof not yet accepted) is finished whatever the rules
    // say now: the money has left.
    const resuming = prior?.state === 'paid' || prior?.state === 'paying'
    if (!decision.pay && !resuming) {
      item.reason = decision.reason
      item.detail = decision.detail
      recordRefusal(session, item)
      continue
    }
    const sats = decision.pay ? decision.sats : Number(r.view.amount.toString())
    const key = `${r.sender}/${receiptId}`
    if (!resuming) {
      try {
        limits.reserve(key, r.sender, sats)
      } catch (e) {
        if (!(e instanceof LimitError)) throw e
        item.reason = e.code
        item.detail = e.message
        recordRefusal(session, item)
        continue
      }
    }
    try {
      const outcome = await payRequest(session, r, receiptId, sats, deps)
      item.outcome = 'paid'
      item.receiptId = receiptId
      item.settlement = outcome
      if (limits.reservation(key)) limits.commit(key)
      db.run('DELETE FROM refusals WHERE merchant = ? AND request_id = ?', r.sender, r.requestId)
    } catch (e) {
      const state = paymentRow(db, r.sender, receiptId)?.state
      const reservation = limits.reservation(key)
      if (reservation?.state === 'reserved') {
        // Money left (paid) → it is spent; nothing left (asked/failed/none) → release it; a run
        // stopped mid-payment (paying) keeps it reserved until the payment is known.
        if (state === 'paid' || state === 'settled') limits.commit(key)
        else if (state !== 'paying') limits.rollback(key)
      }
      const pe = toPaykitError(e)
      item.outcome = 'failed'
      item.reason = (e as { originalCode?: string }).originalCode ?? pe.code
      item.detail = pe.message
    }
  }
  return report
}

async function payRequest(
  session: PayerSession,
  r: InboxRequest,
  receiptId: string,
  sats: number,
  deps: AutopayDeps,
): Promise<JsonObject> {
  const noise = await readNoiseEndpoint(session.reader, r.sender)
  if (!noise)
    throw new Error(`${r.sender} publishes no Noise endpoint; its request cannot be paid with a receipt`)
  const channel = await MerchantChannel.open(
    noise,
    { identitySecret: session.identity.secretKey, staticSecret: session.noise.secretKey },
    { ...deps.channel, pattern: 'IK' },
    session.ctx.clock,
    session.ctx.rng,
  )
  try {
    const m = r.published?.request.metadata
    const metadata: JsonObject = isJsonObject(m) ? m : {}
    const outcome = await payWithReceipt(
      channel,
      {
        receiptId,
        merchant: r.sender,
        merchantKey: parsePublicKey(r.sender),
        payerKey: session.identity.publicKey,
        methodId: r.view.method as 'lightning' | 'onchain',
        amount: r.view.amount.toString(),
        currency: r.view.currency,
        sats,
        metadata,
        requestId: r.requestId,
      },
      { db: session.db, sim: deps.sim, network: deps.network, clock: session.ctx.clock },
    )
    const status = outcome.settlement['status']
    if (status !== 'paid' && status !== 'overpaid')
      throw new Error(
        `the merchant reports ${typeof status === 'string' ? status : 'no settlement'} for ${receiptId}`,
      )
    return outcome.settlement
  } finally {
    channel.close()
  }
}
