/**
 * @module domain/display
 * The customer-facing display: what a second screen facing the customer shows (and nothing more),
 * and where the owner finds its link. Amounts are whole sats.
 */
import type { CurrencyCode } from './money'
import type { CustomerDisplayMode } from './settings'

/** What the customer sees: a welcome, the checkout waiting for payment, or PAID. */
export type DisplayState =
  | { readonly kind: 'idle'; readonly shopName: string }
  | {
      readonly kind: 'waiting'
      readonly shopName: string
      readonly checkoutId: string
      readonly totalMinor: number
      readonly currency: CurrencyCode
      /** The checkout URI the customer's wallet scans. */
      readonly qr: string
      readonly expiresAt: number
    }
  | {
      readonly kind: 'paid'
      readonly shopName: string
      readonly checkoutId: string
      readonly totalMinor: number
      readonly currency: CurrencyCode
    }

/** Settings → Customer display: the link to open on the second screen (owner only). */
export type DisplayInfo = {
  readonly mode: CustomerDisplayMode
  /** The link with its display token; null while the display is off (or failed to start). */
  readonly url: string | null
  /** LAN mode: one link per non-internal IPv4 address of this computer. */
  readonly lanUrls: readonly string[]
  /** Why the display server is not running although the setting is on (port in use…). */
  readonly problem: string | null
}
