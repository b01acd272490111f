/** Subscribers: the table with MRR and churn, proposals, pause/resume/cancel and billing runs. */
import type { BillingProgress, BillingSummary, ProposeRequest, SubscribersModel } from '../../domain/checkout'
import type { Empty } from './app'

type ById = { subscriptionId: string }

export type SubscribersCommands = {
  'subscribers:view': { req: Empty; res: SubscribersModel }
  'subscribers:propose': { req: ProposeRequest; res: { subscriptionId: string } }
  'subscribers:pause': { req: ById; res: SubscribersModel }
  'subscribers:resume': { req: ById; res: SubscribersModel }
  'subscribers:cancel': { req: ById; res: SubscribersModel }
  /** Reads subscribers' homeservers now: accepted proposals become subscriptions, cancellations apply. */
  'subscribers:sync': { req: Empty; res: { imported: number; cancelled: number; model: SubscribersModel } }
  /** Sync, then one billing pass; progress arrives as `billing:progress` events. */
  'subscribers:bill': { req: Empty; res: BillingSummary }
}

export type SubscribersEvents = {
  'subscribers:changed': { subscriptionId: string; change: string }
  'billing:progress': BillingProgress
}

export const subscribersCommandNames = {
  'subscribers:view': true,
  'subscribers:propose': true,
  'subscribers:pause': true,
  'subscribers:resume': true,
  'subscribers:cancel': true,
  'subscribers:sync': true,
  'subscribers:bill': true,
} as const satisfies Record<keyof SubscribersCommands, true>

export const subscribersEventNames = {
  'subscribers:changed': true,
  'billing:progress': true,
} as const satisfies Record<keyof SubscribersEvents, true>
