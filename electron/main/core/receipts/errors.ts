/**
 * @module receipts/errors
 */
import { PaykitError } from '../util/errors'

export type ReceiptErrorCode =
  'receipt-id-conflict' | 'invalid-receipt' | 'unknown-receipt' | 'proof-conflict'

export class ReceiptError extends PaykitError<ReceiptErrorCode> {}
