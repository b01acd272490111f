/**
 * @module interactive/status
 * `PaymentStatusInfo` (paykit-interactive `status/mod.rs`): a local record of where a payment
 * stands. JSON: {"status","receipt_id","method_id","updated_at"[,"confirmations"]
 * [,"required_confirmations"][,"error"][,"details"]} (optional keys omitted when empty).
 */
import { parseJson, writeJson, type JsonObject, type JsonValue } from './json'
import { ShapeError, asObject, get, optInt, optStr, reqInt, reqStr } from './shape'

export const PAYMENT_STATUSES = [
  'Pending',
  'Processing',
  'Confirmed',
  'Finalized',
  'Failed',
  'Cancelled',
  'Expired',
] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

/** Finalized, Failed, Cancelled and Expired never change again. */
export const isTerminalStatus = (s: PaymentStatus): boolean =>
  s === 'Finalized' || s === 'Failed' || s === 'Cancelled' || s === 'Expired'

export interface PaymentStatusInfo {
  readonly status: PaymentStatus
  readonly receiptId: string
  readonly methodId: string
  readonly updatedAt: number
  readonly confirmations: number | null
  readonly requiredConfirmations: number | null
  readonly error: string | null
  readonly details: JsonValue
}

export function statusToJson(s: PaymentStatusInfo): JsonObject {
  const o: JsonObject = {
    status: s.status,
    receipt_id: s.receiptId,
    method_id: s.methodId,
    updated_at: s.updatedAt,
  }
  if (s.confirmations !== null) o['confirmations'] = s.confirmations
  if (s.requiredConfirmations !== null) o['required_confirmations'] = s.requiredConfirmations
  if (s.error !== null) o['error'] = s.error
  if (s.details !== null) o['details'] = s.details
  return o
}

export function statusFromJson(v: JsonValue | undefined, path = 'status_info'): PaymentStatusInfo {
  const o = asObject(v, path)
  const status = get(o, 'status')
  if (typeof status !== 'string' || !(PAYMENT_STATUSES as readonly string[]).includes(status)) {
    throw new ShapeError('invalid-shape', `${path}.status must be one of ${PAYMENT_STATUSES.join(', ')}`)
  }
  return {
    status: status as PaymentStatus,
    receiptId: reqStr(o, 'receipt_id', path, 256),
    methodId: reqStr(o, 'method_id', path, 64),
    updatedAt: reqInt(o, 'updated_at', path),
    confirmations: optInt(o, 'confirmations', path, 0),
    requiredConfirmations: optInt(o, 'required_confirmations', path, 0),
    error: optStr(o, 'error', path, 1024),
    details: get(o, 'details') ?? null,
  }
}

export const writeStatus = (s: PaymentStatusInfo): string => writeJson(statusToJson(s))
export const readStatus = (text: string): PaymentStatusInfo => statusFromJson(parseJson(text))
