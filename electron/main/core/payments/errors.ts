/**
 * @module payments/errors
 * One error class for the payment rails, with a stable `code` per failed check so that callers
 * (checkout flow, IPC, the simulator's HTTP replies) can tell *which* check failed without reading
 * message text.
 */
import { PaykitError } from '../util/errors'

export type PaymentErrorCode =
  // BOLT11 encoding and decoding
  | 'bolt11-invalid-field'
  | 'bolt11-description-too-long'
  | 'bolt11-too-long'
  | 'bolt11-malformed'
  | 'bolt11-unknown-network'
  | 'bolt11-bad-amount'
  | 'bolt11-missing-field'
  | 'bolt11-unknown-required-feature'
  | 'bolt11-bad-signature'
  // Lightning backend / simulated network
  | 'invoice-unknown'
  | 'invoice-unknown-payee'
  | 'invoice-wrong-network'
  | 'invoice-expired'
  | 'invoice-already-paid'
  | 'invoice-amount-required'
  | 'invoice-amount-too-low'
  | 'invoice-amount-too-high'
  // Chain backend / simulated chain
  | 'chain-bad-address'
  | 'chain-bad-amount'
  // Proof checks
  | 'proof-preimage-malformed'
  | 'proof-preimage-length'
  | 'proof-preimage-mismatch'
  | 'proof-payment-hash-mismatch'
  | 'proof-payment-hash-malformed'
  | 'proof-txid-malformed'
  | 'proof-tx-not-found'
  | 'proof-wrong-address'
  | 'proof-underpaid'
  | 'proof-unconfirmed'
  | 'proof-json-invalid'

export class PaymentError extends PaykitError<PaymentErrorCode> {}

/**
 * An on-chain payment that reached the address but fell short. Carries the numbers so the POS can
 * show "paid 40,000 of 50,000 sat, 10,000 sat still due" (BTCPay's PaidPartial) instead of a bare
 * failure.
 */
export class UnderpaidError extends PaymentError {
  readonly expectedSats: number
  readonly paidSats: number
  readonly shortSats: number
  readonly confirmations: number

  constructor(expectedSats: number, paidSats: number, confirmations: number) {
    const shortSats = expectedSats - paidSats
    super(
      'proof-underpaid',
      `partial payment: the transaction pays ${paidSats} sat of the ${expectedSats} sat due; ` +
        `${shortSats} sat is still missing`,
    )
    this.expectedSats = expectedSats
    this.paidSats = paidSats
    this.shortSats = shortSats
    this.confirmations = confirmations
  }
}
