/**
 * @module domain/checkout
 * DTOs of the merchant engine as the renderer sees them: checkouts, receipts, payment requests and
 * subscribers. Built in main from the engine's ledger rows; only what a screen shows crosses IPC
 * (no signed blobs, no payloads the view does not need). Amounts are whole sats.
 */
import type { CurrencyCode } from './money'

export type CheckoutStartRequest = {
  readonly amountMinor: number
  readonly tipMinor: number
  readonly currency: CurrencyCode
  readonly memo: string
}

export type CheckoutState = 'open' | 'paid' | 'expired' | 'cancelled'

/** Where a customer's wallet connects (the Noise listener) and who it pays. */
export type PayeeEndpoint = { readonly merchant: string; readonly host: string; readonly port: number }

export type CheckoutSession = {
  readonly checkoutId: string
  /** The checkout URI (`pubky://…?paykit=checkout&…`): the big QR a Paykit wallet scans. */
  readonly qr: string
  readonly amountMinor: number
  readonly tipMinor: number
  readonly totalMinor: number
  readonly currency: CurrencyCode
  readonly createdAt: number
  readonly expiresAt: number
  /** The checkout's own BOLT11 invoice, when Lightning is offered. */
  readonly lightningInvoice: string | null
  /** A never-reused on-chain address, when on-chain is offered. */
  readonly onchainAddress: string | null
  readonly endpoint: PayeeEndpoint
}

/** A checkout as stored (status screens and the customer display). */
export type CheckoutStatus = {
  readonly checkoutId: string
  readonly state: CheckoutState
  readonly amountSats: number
  readonly tipSats: number
  readonly receivedSats: number
  readonly memo: string | null
  readonly createdAt: number
  readonly expiresAt: number
  readonly paidAt: number | null
  readonly receiptId: string | null
  readonly payer: string | null
}

export type CheckoutPaid = {
  readonly checkoutId: string
  readonly totalMinor: number
  readonly currency: CurrencyCode
  readonly paidAt: number
  /** Human label of the method used, e.g. "Lightning" or "On-chain". */
  readonly method: string
  readonly receiptId: string
}

export type CheckoutExpired = { readonly checkoutId: string }

export type CheckoutChanged = {
  readonly checkoutId: string
  readonly state: CheckoutState
  readonly receivedSats: number
}

export type ReceiptRow = {
  readonly receiptId: string
  readonly payer: string | null
  readonly checkoutId: string | null
  readonly subscriptionId: string | null
  readonly requestId: string | null
  /** Method label ("Lightning", "On-chain", or the id). */
  readonly method: string
  readonly amountSats: number | null
  readonly tipSats: number
  readonly memo: string | null
  readonly createdAt: number
  /** True once the payment proof was checked against the payment network. */
  readonly proofVerified: boolean
}

/** One receipt with both keys and its proof (detail and printout). */
export type ReceiptDetail = ReceiptRow & {
  readonly payee: string
  readonly amount: string | null
  readonly currency: string | null
  readonly endpoint: string | null
  readonly proofType: string | null
  readonly proofValue: string | null
  readonly proofVerifiedAt: number | null
  readonly peer: string | null
}

export type ReceiptSearch = {
  readonly text: string
  /** created_at ≥ from (ms), or null. */
  readonly from: number | null
  /** created_at < to (ms), or null. */
  readonly to: number | null
}

export type EndOfDaySummary = {
  readonly from: number
  readonly to: number
  readonly count: number
  readonly grossSats: number
  readonly tipsSats: number
  readonly salesSats: number
  readonly byMethod: readonly { readonly method: string; readonly count: number; readonly sats: number }[]
  readonly byHour: readonly { readonly hour: number; readonly count: number; readonly sats: number }[]
}

export type CsvFile = { readonly fileName: string; readonly csv: string; readonly rows: number }

export type RequestInRow = {
  readonly sender: string
  readonly requestId: string
  readonly amount: string | null
  readonly currency: string | null
  readonly amountSats: number | null
  readonly method: string | null
  readonly description: string | null
  /** Milliseconds since the epoch. */
  readonly expiresAt: number | null
  readonly state: 'new' | 'seen' | 'paid' | 'declined' | 'expired'
  readonly receivedAt: number
}

export type RequestOutRow = {
  readonly requestId: string
  readonly recipient: string
  readonly kind: 'billing' | 'proration' | 'invoice'
  readonly subscriptionId: string | null
  readonly amountSats: number | null
  readonly method: string
  readonly description: string | null
  readonly state: 'pending' | 'published' | 'paid' | 'void'
  readonly createdAt: number
  readonly expiresAt: number | null
  readonly paidAt: number | null
  readonly lastError: string | null
}

export type SendRequest = {
  readonly to: string
  readonly amountSats: number
  readonly method: 'lightning' | 'onchain'
  readonly description: string
}

export type SubscriberStatus =
  'trialing' | 'active' | 'paused' | 'past-due' | 'cancelling' | 'cancelled' | 'ended'

export type SubscriberRow = {
  readonly subscriptionId: string
  readonly subscriber: string
  readonly description: string
  /** How often it bills, in words ("Monthly on day 1", "Yearly on 14 Mar"). */
  readonly plan: string
  readonly status: string
  readonly amountSats: number
  readonly nextChargeAt: number | null
  readonly lastPaidAt: number | null
  readonly overdueDays: number
  readonly unpaidPeriods: number
  readonly unpaidSats: number
}

export type SubscribersModel = {
  readonly subscribers: readonly SubscriberRow[]
  readonly mrrSats: number
  readonly churn: { readonly activeAtStart: number; readonly churned: number; readonly rate: number }
}

/** How often a proposed subscription bills. */
export type FrequencyInput =
  | { readonly kind: 'daily' }
  | { readonly kind: 'weekly' }
  | { readonly kind: 'monthly'; readonly day: number }
  /** Every year on `day` of `month` (1–12); Feb 29 bills on Feb 28 in common years. */
  | { readonly kind: 'yearly'; readonly month: number; readonly day: number }
  | { readonly kind: 'custom'; readonly days: number }

export type ProposeRequest = {
  readonly subscriber: string
  readonly amountSats: number
  readonly frequency: FrequencyInput
  readonly method: 'lightning' | 'onchain'
  readonly description: string
}

export type BillingProgress = {
  readonly phase: string
  readonly done: number
  readonly total: number
  /** True on the run's last event. */
  readonly finished: boolean
}

export type BillingSummary = {
  readonly periodsCreated: number
  readonly published: number
  readonly publishFailed: number
  readonly reminded: number
  readonly endedUnpaid: number
  readonly cancelled: number
}

export type Page<T> = { readonly items: readonly T[]; readonly cursor: string | null }
