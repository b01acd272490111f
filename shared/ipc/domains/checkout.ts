/** Checkout at the counter: start a sale's payment, watch it, cancel it. */
import type {
  CheckoutChanged,
  CheckoutExpired,
  CheckoutPaid,
  CheckoutSession,
  CheckoutStartRequest,
  CheckoutStatus,
} from '../../domain/checkout'

export type CheckoutCommands = {
  'checkout:start': { req: CheckoutStartRequest; res: CheckoutSession }
  'checkout:cancel': { req: { checkoutId: string }; res: CheckoutStatus }
  'checkout:get': { req: { checkoutId: string }; res: CheckoutStatus }
  'checkout:list': { req: { limit: number }; res: CheckoutStatus[] }
}

export type CheckoutEvents = {
  /** The unmistakable one: the PAID screen listens to this. */
  'checkout:paid': CheckoutPaid
  'checkout:expired': CheckoutExpired
  /** Every state or amount change (partial payment, cancel, expiry). */
  'checkout:changed': CheckoutChanged
}

export const checkoutCommandNames = {
  'checkout:start': true,
  'checkout:cancel': true,
  'checkout:get': true,
  'checkout:list': true,
} as const satisfies Record<keyof CheckoutCommands, true>

export const checkoutEventNames = {
  'checkout:paid': true,
  'checkout:expired': true,
  'checkout:changed': true,
} as const satisfies Record<keyof CheckoutEvents, true>
