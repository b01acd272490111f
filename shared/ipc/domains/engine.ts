/**
 * The merchant engine's commands and events (checkout, receipts, requests, subscribers). They are
 * declared so the UI can be built and type-checked against them, but they are NOT part of
 * `Commands` yet: no handler exists until the engine lands. To ship one, move its entry into a
 * domain map composed into `Commands`, add its schema and router handler (tsc then insists on both).
 * The renderer reaches these only through `bridge/pos.ts`'s `invokeEngine`, which answers
 * `unavailable` while the preload has no invoker for them.
 */
import type {
  CheckoutExpired,
  CheckoutPaid,
  CheckoutSession,
  CheckoutStartRequest,
  Page,
  ReceiptRow,
  RequestRow,
  SubscriberRow,
} from '../../domain/checkout'

export type PageRequest = { limit: number; cursor: string | null }

export type EngineCommands = {
  'checkout:start': { req: CheckoutStartRequest; res: CheckoutSession }
  'checkout:cancel': { req: { checkoutId: string }; res: { cancelled: boolean } }
  'receipts:list': { req: PageRequest; res: Page<ReceiptRow> }
  'requests:list': { req: PageRequest; res: Page<RequestRow> }
  'subscribers:list': { req: PageRequest; res: Page<SubscriberRow> }
}

export type EngineEvents = {
  'checkout:paid': CheckoutPaid
  'checkout:expired': CheckoutExpired
}

export const engineCommandNames = {
  'checkout:start': true,
  'checkout:cancel': true,
  'receipts:list': true,
  'requests:list': true,
  'subscribers:list': true,
} as const satisfies Record<keyof EngineCommands, true>

export const engineEventNames = {
  'checkout:paid': true,
  'checkout:expired': true,
} as const satisfies Record<keyof EngineEvents, true>
