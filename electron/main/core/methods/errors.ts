/**
 * @module methods/errors
 * One error type for payment-method parsing and validation; `code` says what is wrong.
 */
import { PaykitError } from '../util/errors'

export type MethodErrorCode =
  | 'invalid-method-id'
  | 'invalid-endpoint'
  | 'invalid-address'
  | 'wrong-network'
  | 'invalid-invoice'
  | 'invoice-expired'
  | 'invalid-bip21'
  | 'invalid-lnurl'
  | 'invalid-lightning-address'
  | 'invalid-xpub'
  | 'invalid-amount'

export class MethodError extends PaykitError<MethodErrorCode> {}

export type Network = 'mainnet' | 'testnet' | 'signet' | 'regtest'
