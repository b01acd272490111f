/**
 * @module domain/checkout
 * DTOs of the merchant engine (checkout, receipts, requests, subscribers). The UI is built against
 * them; the engine that answers these commands is not part of this build yet (see EngineCommands).
 */
import type { CurrencyCode } from './money'

export type CheckoutStartRequest = {
  readonly amountMinor: number
  readonly tipMinor: number
  readonly currency: CurrencyCode
  readonly memo: string
}

export type CheckoutSession = {
  readonly checkoutId: string
  /** Text to encode in the QR the customer scans (a pubky URI or a payment request link). */
  readonly qr: string
  readonly amountMinor: number
  readonly tipMinor: number
  readonly totalMinor: number
  readonly currency: CurrencyCode
  readonly createdAt: number
  readonly expiresAt: number
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

export type ReceiptRow = {
  readonly receiptId: string
  readonly totalMinor: number
  readonly currency: CurrencyCode
  readonly paidAt: number
  readonly method: string
  readonly payer: string | null
}

export type RequestRow = {
  readonly requestId: string
  readonly amountMinor: number
  readonly currency: CurrencyCode
  readonly payer: string
  readonly status: 'pending' | 'paid' | 'expired' | 'cancelled'
  readonly expiresAt: number | null
}

export type SubscriberRow = {
  readonly subscriptionId: string
  readonly subscriber: string
  readonly amountMinor: number
  readonly currency: CurrencyCode
  readonly frequency: string
  readonly status: 'active' | 'paused' | 'cancelled' | 'past-due'
  readonly nextChargeAt: number | null
}

export type Page<T> = { readonly items: readonly T[]; readonly cursor: string | null }
