/**
 * @module app/services/engine-dto
 * Engine ledger rows → the DTOs of the IPC contract. Only what a screen shows is copied: signed
 * agreements, request payloads and metadata blobs stay in the engine.
 */
import type { CheckoutRow } from '../../core/checkout/repo'
import type { ReceiptRow as CoreReceipt } from '../../core/receipts/repo'
import type { EndOfDay } from '../../core/receipts/book'
import type { InboxRow, OutboxRow } from '../../core/billing/requests-repo'
import type { BillingRunSummary } from '../../core/billing/engine'
import type { ListenerStatus } from '../../core/listener/server'
import { planLabel } from '../../core/subscriptions/frequency'
import type {
  CheckoutStarted,
  DirectoryMethod,
  EngineIdentity,
  SubscribersModel,
} from '../../core/engine/types'
import type {
  BillingSummary,
  CheckoutSession,
  CheckoutStatus,
  EndOfDaySummary,
  FrequencyInput,
  ReceiptDetail,
  ReceiptRow,
  RequestInRow,
  RequestOutRow,
  SubscribersModel as SubscribersDto,
} from '../../../../shared/domain/checkout'
import type { EngineIdentityInfo, ListenerInfo, PaymentMethodRow } from '../../../../shared/domain/engine'

const LABELS: Record<string, string> = {
  lightning: 'Lightning',
  onchain: 'On-chain',
  lnurl: 'LNURL / Lightning address',
}

export function methodLabel(methodId: string): string {
  return LABELS[methodId] ?? methodId
}

export function checkoutSession(s: CheckoutStarted): CheckoutSession {
  const c = s.checkout
  return {
    checkoutId: c.checkout_id,
    qr: s.uri,
    amountMinor: c.amount_sats,
    tipMinor: c.tip_sats,
    totalMinor: c.amount_sats + c.tip_sats,
    currency: 'SAT',
    createdAt: c.created_at,
    expiresAt: c.expires_at,
    lightningInvoice: c.lightning_invoice,
    onchainAddress: c.onchain_address,
    endpoint: { merchant: s.endpoint.merchant, host: s.endpoint.host, port: s.endpoint.port },
  }
}

export function checkoutStatus(c: CheckoutRow): CheckoutStatus {
  return {
    checkoutId: c.checkout_id,
    state: c.state,
    amountSats: c.amount_sats,
    tipSats: c.tip_sats,
    receivedSats: c.received_sats,
    memo: c.memo,
    createdAt: c.created_at,
    expiresAt: c.expires_at,
    paidAt: c.paid_at,
    receiptId: c.receipt_id,
    payer: c.payer,
  }
}

export function receiptRow(r: CoreReceipt): ReceiptRow {
  return {
    receiptId: r.receipt_id,
    payer: r.payer,
    checkoutId: r.checkout_id,
    subscriptionId: r.subscription_id,
    requestId: r.request_id,
    method: methodLabel(r.method_id),
    amountSats: r.amount_sats,
    tipSats: r.tip_sats,
    memo: r.memo,
    createdAt: r.created_at,
    proofVerified: r.proof_verified_at !== null,
  }
}

export function receiptDetail(r: CoreReceipt): ReceiptDetail {
  const peer = [r.peer_pattern, r.peer_generation, r.peer_dialect].filter((x) => x !== null).join(' · ')
  return {
    ...receiptRow(r),
    payee: r.payee,
    amount: r.amount,
    currency: r.currency,
    endpoint: r.endpoint,
    proofType: r.proof_type,
    proofValue: r.proof_value,
    proofVerifiedAt: r.proof_verified_at,
    peer: peer === '' ? null : peer,
  }
}

export function endOfDay(e: EndOfDay): EndOfDaySummary {
  return {
    from: e.from,
    to: e.to,
    count: e.count,
    grossSats: e.grossSats,
    tipsSats: e.tipsSats,
    salesSats: e.salesSats,
    byMethod: Object.entries(e.byMethod).map(([method, v]) => ({
      method: methodLabel(method),
      count: v.count,
      sats: v.sats,
    })),
    byHour: e.byHour.map((h) => ({ hour: h.hour, count: h.count, sats: h.sats })),
  }
}

/**
 * Request expiry arrives as epoch seconds (the wire format) or milliseconds (the ledger's own
 * times); the UI always gets milliseconds. Anything below 1e11 is seconds (before year 5138).
 */
export function epochMs(t: number | null): number | null {
  if (t === null) return null
  return t < 1e11 ? t * 1000 : t
}

export function requestIn(r: InboxRow): RequestInRow {
  return {
    sender: r.sender,
    requestId: r.request_id,
    amount: r.amount,
    currency: r.currency,
    amountSats: r.amount_sats,
    method: r.method,
    description: r.description,
    expiresAt: epochMs(r.expires_at),
    state: r.state,
    receivedAt: r.received_at,
  }
}

export function requestOut(r: OutboxRow): RequestOutRow {
  return {
    requestId: r.request_id,
    recipient: r.recipient,
    kind: r.kind,
    subscriptionId: r.subscription_id,
    amountSats: r.amount_sats,
    method: r.method,
    description: r.description,
    state: r.state,
    createdAt: r.created_at,
    expiresAt: epochMs(r.expires_at),
    paidAt: r.paid_at,
    lastError: r.last_error,
  }
}

export function subscribers(m: SubscribersModel): SubscribersDto {
  return {
    subscribers: m.subscribers.map((s) => ({
      subscriptionId: s.subscriptionId,
      subscriber: s.subscriber,
      description: s.description,
      plan: planLabel(s.frequency),
      status: s.status,
      amountSats: s.amountSats,
      nextChargeAt: s.nextChargeAt,
      lastPaidAt: s.lastPaidAt,
      overdueDays: s.overdueDays,
      unpaidPeriods: s.unpaidPeriods,
      unpaidSats: s.unpaidSats,
    })),
    mrrSats: m.mrrSats,
    churn: { activeAtStart: m.churn.activeAtStart, churned: m.churn.churned, rate: m.churn.rate },
  }
}

export function billingSummary(s: BillingRunSummary): BillingSummary {
  return {
    periodsCreated: s.periodsCreated,
    published: s.published,
    publishFailed: s.publishFailed,
    reminded: s.reminded,
    endedUnpaid: s.endedUnpaid,
    cancelled: s.cancelled,
  }
}

/** The engine's frequency text (`daily`, `weekly`, `monthly:<day>`, `yearly:MM-DD`, `custom:<seconds>`). */
export function frequencyText(f: FrequencyInput): string {
  switch (f.kind) {
    case 'daily':
    case 'weekly':
      return f.kind
    case 'monthly':
      return `monthly:${f.day}`
    case 'yearly':
      return `yearly:${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`
    case 'custom':
      return `custom:${f.days * 86_400}`
  }
}

export function methodRows(methods: readonly DirectoryMethod[]): PaymentMethodRow[] {
  return methods.map((m) => ({ methodId: m.methodId, endpoint: m.endpoint, label: methodLabel(m.methodId) }))
}

export function identityInfo(id: EngineIdentity, kind: 'embedded' | 'hosted'): EngineIdentityInfo {
  return {
    publicKey: id.merchant,
    uri: `pubky${id.merchant}`,
    homeserver: id.homeserver,
    homeserverKind: kind,
    noisePubkey: id.noisePubkey,
    deviceId: id.deviceId,
    network: id.chainNetwork,
    simulatorUrl: id.simulatorUrl,
  }
}

export function listenerInfo(s: ListenerStatus): ListenerInfo {
  return {
    accepting: s.accepting,
    host: s.host,
    port: s.port,
    wsPort: s.wsPort,
    sessions: s.sessions,
    connections: s.connections,
    handshakesOk: s.handshakes.ok,
    handshakesFailed: s.handshakes.failed,
    // What the listener itself answers: all five, or IK, IK-raw and N on a Ring-linked till.
    patterns: [...s.patterns],
    selfCheck: s.selfCheck
      ? { ok: s.selfCheck.ok, ms: Math.round(s.selfCheck.ms * 10) / 10, detail: s.selfCheck.detail }
      : null,
  }
}
