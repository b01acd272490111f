/**
 * @module interactive/receipt
 * `PaykitReceipt` (paykit-interactive `lib.rs`, `paykit-protocol.md` §7.3, §7.5): the record both
 * sides keep after a RequestReceipt → ConfirmReceipt exchange. Receipts are unsigned in the
 * reference; authenticity comes from the Noise session, so the payee must check that the receipt's
 * payer is the authenticated client (`checkReceiptParties`).
 *
 * Rust JSON (dialect A): {"receipt_id","payer"[32 ints],"payee"[32 ints],"method_id",
 *   ["amount"],["currency"] (omitted when None),"created_at" (seconds),"metadata" (any JSON)}.
 * `amount`/`currency` are free text (`Option<String>`), kept verbatim, never re-spelled.
 */
import { PaykitError } from '../util/errors'
import { equalBytes } from '../util/bytes'
import { parseJson, sortKeysDeep, writeJson, type JsonObject, type JsonValue } from './json'
import {
  ShapeError,
  asObject,
  bytesToJson,
  get,
  has,
  keyFromArray,
  optStr,
  reqInt,
  reqStr,
  type KnownKeys,
} from './shape'

export class ReceiptError extends PaykitError<'wrong-payee' | 'wrong-payer' | 'receipt-mismatch'> {}

export interface Receipt {
  readonly receiptId: string
  readonly payer: Uint8Array
  readonly payee: Uint8Array
  readonly methodId: string
  /** Verbatim text (e.g. "1000"), or null when absent. */
  readonly amount: string | null
  readonly currency: string | null
  /** Unix seconds; null only for mobile flat messages that carry no `created_at`. */
  readonly createdAt: number | null
  readonly metadata: JsonValue
}

export const MAX_RECEIPT_ID_CHARS = 256

/** Dialect-A receipt JSON (serde order; metadata keys sorted as serde_json writes a `Value`). */
export function receiptToRustJson(r: Receipt): JsonObject {
  if (r.createdAt === null) throw new ShapeError('invalid-shape', 'a Rust receipt needs created_at')
  const o: JsonObject = {
    receipt_id: r.receiptId,
    payer: bytesToJson(r.payer),
    payee: bytesToJson(r.payee),
    method_id: r.methodId,
  }
  if (r.amount !== null) o['amount'] = r.amount
  if (r.currency !== null) o['currency'] = r.currency
  o['created_at'] = r.createdAt
  o['metadata'] = sortKeysDeep(r.metadata)
  return o
}

/**
 * The receipt fields every dialect spells the same way; only how a party key is written differs
 * (`key`: int arrays in dialect A, z32 in the others). `createdAt` and `metadata` are the caller's.
 */
export function receiptPartsFromJson(
  o: JsonObject,
  path: string,
  key: (v: JsonValue | undefined, path: string) => Uint8Array,
): Omit<Receipt, 'createdAt' | 'metadata'> {
  return {
    receiptId: reqStr(o, 'receipt_id', path, MAX_RECEIPT_ID_CHARS),
    payer: key(get(o, 'payer'), `${path}.payer`),
    payee: key(get(o, 'payee'), `${path}.payee`),
    methodId: reqStr(o, 'method_id', path, 64),
    amount: optStr(o, 'amount', path, 64),
    currency: optStr(o, 'currency', path, 64),
  }
}

/** Reads a dialect-A receipt (keys as int arrays; `known`: see shape.ts `KnownKeys`). */
export function receiptFromRustJson(v: JsonValue | undefined, path = 'receipt', known?: KnownKeys): Receipt {
  const o = asObject(v, path)
  if (!has(o, 'metadata')) throw new ShapeError('invalid-shape', `${path}.metadata is missing`)
  return {
    ...receiptPartsFromJson(o, path, (k, p) => keyFromArray(k, p, known)),
    createdAt: reqInt(o, 'created_at', path),
    metadata: get(o, 'metadata')!,
  }
}

export function writeReceipt(r: Receipt): string {
  return writeJson(receiptToRustJson(r))
}

export function readReceipt(text: string): Receipt {
  return receiptFromRustJson(parseJson(text))
}

/**
 * What a payee checks before confirming (stronger than the reference, which only checks the
 * payee): the receipt names me as payee, and its payer is the peer authenticated by the Noise
 * handshake.
 */
export function checkReceiptParties(r: Receipt, me: Uint8Array, authenticatedPeer: Uint8Array): void {
  if (!equalBytes(r.payee, me)) throw new ReceiptError('wrong-payee', 'I am not the intended payee')
  if (!equalBytes(r.payer, authenticatedPeer)) {
    throw new ReceiptError('wrong-payer', 'receipt payer is not the authenticated client of this session')
  }
}

/** What a payer checks on ConfirmReceipt: the echoed id and parties are the ones it asked for. */
export function checkConfirmation(asked: Receipt, confirmed: Receipt): void {
  if (asked.receiptId !== confirmed.receiptId)
    throw new ReceiptError('receipt-mismatch', 'Receipt ID mismatch')
  if (!equalBytes(asked.payer, confirmed.payer) || !equalBytes(asked.payee, confirmed.payee)) {
    throw new ReceiptError('receipt-mismatch', 'confirmed receipt names different parties')
  }
}
