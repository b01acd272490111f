/**
 * @module listener/errors
 * What the merchant's listener refuses, as one typed error whose `code` is also the code sent back
 * to the payer in an `Error` message (dialect A/B `{"type":"Error","payload":{code,message}}`,
 * dialect C `{"type":"error",code,message,timestamp}`). Codes are UPPER_SNAKE like the reference's
 * own `WRONG_PAYEE`, so a reference payer shows them as it shows that one.
 */
import { PaykitError } from '../util/errors'

export type WireErrorCode =
  /** The message is not JSON or not one of the three dialects' shapes. */
  | 'MALFORMED'
  /** Larger than the listener accepts for one application message. */
  | 'TOO_LARGE'
  /** A well-formed message type the merchant does not take (e.g. OfferPrivateEndpoints). */
  | 'UNSUPPORTED_MESSAGE'
  /** The session's handshake proved no Ed25519 identity (IK-raw, N, NN, XX 0.8.0). */
  | 'UNAUTHENTICATED'
  /** The reference's code: the receipt's payee is not this merchant. */
  | 'WRONG_PAYEE'
  /** The receipt's payer is not the identity the Noise handshake authenticated. */
  | 'WRONG_PAYER'
  /** Neither a checkout id nor an `autopay_{request_id}` points at something we issued. */
  | 'UNKNOWN_REFERENCE'
  | 'CHECKOUT_CLOSED'
  | 'CHECKOUT_EXPIRED'
  /** Another receipt already claimed this checkout. */
  | 'CHECKOUT_TAKEN'
  | 'REQUEST_CLOSED'
  | 'REQUEST_EXPIRED'
  /** The request was addressed to someone other than this payer. */
  | 'REQUEST_NOT_YOURS'
  | 'AMOUNT_MISMATCH'
  | 'CURRENCY_MISMATCH'
  | 'METHOD_MISMATCH'
  /** The method is not one this merchant publishes. */
  | 'UNSUPPORTED_METHOD'
  /** The same receipt_id was used before with other parties, method or amount. */
  | 'RECEIPT_CONFLICT'
  /** A proof names a receipt_id we never confirmed. */
  | 'UNKNOWN_RECEIPT'
  /** The proof JSON is not a §7.6 PaymentProof, or its kind does not fit the method. */
  | 'PROOF_MALFORMED'
  /** The proof does not prove payment of the endpoint we issued. */
  | 'PROOF_MISMATCH'
  /** The transaction pays our address less than is due (recorded as partial). */
  | 'UNDERPAID'
  /** The payment backend cannot be reached now; try again. */
  | 'BACKEND_UNAVAILABLE'
  | 'SHUTTING_DOWN'
  | 'INTERNAL'

/** A refusal that becomes a typed Error reply; `message` is safe to show the payer. */
export class ListenerError extends PaykitError<WireErrorCode> {}
