/**
 * @module billing/errors
 * Typed failures of the subscriber-billing ledger.
 */
import { PaykitError } from '../util/errors'

export type BillingErrorCode =
  | 'unknown-subscription'
  | 'unknown-request'
  | 'invalid-state'
  | 'invalid-agreement'
  | 'invalid-amount-change'
  | 'proration-out-of-period'

export class BillingError extends PaykitError<BillingErrorCode> {}
