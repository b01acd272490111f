/**
 * @module interactive/messages
 * The application messages exchanged over a Noise session, in the three dialects found in the
 * reference tree (`paykit-protocol.md` §7.3), decoded into one internal union and encoded back in
 * the dialect the peer spoke.
 *
 * (A) `rust`: paykit-interactive `PaykitNoiseMessage`, serde adjacently tagged
 *     {"type":"<Variant>","payload":{…}}; `Ack` has no payload key; receipt keys are int arrays,
 *     `amount`/`currency` omitted when None.
 * (B) `mobile-builder`: paykit-mobile `PaykitMessageBuilder` (built with `json!`, so every object's
 *     keys are sorted: {"payload":…,"type":…}); payer/payee are z32 strings; amount/currency null;
 *     Ack is {"payload":null,"type":"Ack"}. Only OfferPrivateEndpoint, RequestReceipt,
 *     ConfirmReceipt, Ack, Error exist.
 * (C) `mobile-flat`: paykit-mobile `noise_ffi` helpers and the iOS/Android demo service: flat
 *     objects with snake_case `type` (request_receipt, confirm_receipt, private_endpoint_offer,
 *     error, ping, pong), keys sorted. The iOS demo's {"type":"Error","code","message"} (no payload)
 *     is read as flat too.
 *
 * Detection: lowercase `type` → C. PascalCase with a `payload` → A or B: z32-string parties, a
 * null Ack payload, or a document whose first key is `payload` (only `json!` writes that order) →
 * B; otherwise A. Replies use `encodeMessage(msg, decoded.dialect)`.
 *
 * Limits: a message is at most 65,535 bytes (one Noise transport message), 16 levels deep; ids,
 * methods, codes and endpoints have per-field caps; 64 private endpoints per offer.
 */
import { PaykitError } from '../util/errors'
import { parseJson, sortKeysDeep, writeJson, type JsonObject, type JsonValue } from './json'
import {
  ShapeError,
  asObject,
  get,
  has,
  keyFromZ32,
  keyToZ32,
  optInt,
  optStr,
  reqInt,
  reqStr,
  type KnownKeys,
} from './shape'
import { receiptFromRustJson, receiptPartsFromJson, receiptToRustJson, type Receipt } from './receipt'

export type Dialect = 'rust' | 'mobile-builder' | 'mobile-flat'

export interface PrivateEndpoint {
  readonly methodId: string
  readonly endpoint: string
  readonly expiresAt: number | null
}

export type Message =
  | {
      readonly type: 'OfferPrivateEndpoint'
      readonly methodId: string
      readonly endpoint: string
      /** Flat dialect only. */
      readonly createdAt?: number | null
      readonly expiresAt?: number | null
    }
  | { readonly type: 'OfferPrivateEndpoints'; readonly methods: readonly PrivateEndpoint[] }
  | { readonly type: 'AcceptPrivateEndpoints'; readonly methodIds: readonly string[] }
  | { readonly type: 'DeclinePrivateEndpoints'; readonly reason: string }
  | { readonly type: 'RequestReceipt'; readonly receipt: Receipt; readonly description?: string | null }
  | {
      readonly type: 'ConfirmReceipt'
      readonly receipt: Receipt
      /** Flat dialect: `confirmed_at` and the (undefined-format) `signature`. */
      readonly confirmedAt?: number | null
      readonly signature?: string | null
    }
  | { readonly type: 'Ack' }
  | {
      readonly type: 'Error'
      readonly code: string
      readonly message: string
      readonly timestamp?: number | null
    }
  | { readonly type: 'Ping' }
  | { readonly type: 'Pong' }

export interface DecodedMessage {
  readonly dialect: Dialect
  readonly message: Message
}

export type MessageErrorCode = 'unknown-message' | 'too-large' | 'unsupported-in-dialect'

export class MessageError extends PaykitError<MessageErrorCode> {}

/** One Noise transport message carries at most 65,535 bytes of ciphertext (16 of them the tag). */
export const MAX_MESSAGE_BYTES = 65_535 - 16
const MAX_ENDPOINT_CHARS = 4_096
const MAX_CODE_CHARS = 64
const MAX_TEXT_CHARS = 1_024
const MAX_OFFERS = 64

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8')

export interface DecodeOptions {
  /**
   * Keys already proven valid (the session's authenticated identity, our own key): a receipt
   * party equal to one of them skips the Ed25519 point decode. See shape.ts `KnownKeys`.
   */
  knownKeys?: KnownKeys
}

// ---------------------------------------------------------------------------------------------
// Decode
// ---------------------------------------------------------------------------------------------

/** Decodes a message in any dialect. Throws ShapeError / JsonError / MessageError with a code. */
export function decodeMessage(text: string, options: DecodeOptions = {}): DecodedMessage {
  if (typeof text !== 'string') throw new MessageError('unknown-message', 'message must be text')
  if (text.length > MAX_MESSAGE_BYTES || utf8Length(text) > MAX_MESSAGE_BYTES) {
    throw new MessageError('too-large', `message is larger than ${MAX_MESSAGE_BYTES} bytes`)
  }
  const root = asObject(parseJson(text, { maxLength: MAX_MESSAGE_BYTES, maxDepth: 16 }), 'message')
  const type = get(root, 'type')
  if (typeof type !== 'string') throw new ShapeError('invalid-shape', 'message.type must be a string')
  const known = options.knownKeys
  if (/^[a-z_]+$/.test(type)) return { dialect: 'mobile-flat', message: decodeFlat(root, type, known) }
  if (type === 'Error' && !has(root, 'payload')) {
    // iOS demo server: {"type":"Error","code","message"}.
    return {
      dialect: 'mobile-flat',
      message: {
        type: 'Error',
        code: reqStr(root, 'code', 'message', MAX_CODE_CHARS),
        message: reqStr(root, 'message', 'message', MAX_TEXT_CHARS),
      },
    }
  }
  return decodeEnvelope(root, type, known)
}

/** The first key of an object as written (only `json!` puts `payload` first). */
function firstKey(o: JsonObject): string | undefined {
  for (const k in o) return k
  return undefined
}

function payloadOf(payload: JsonValue | undefined): JsonObject {
  return asObject(payload, 'message.payload')
}

/** Dialect B when the parties are z32 (or Ack's payload is null) or `payload` comes first. */
function dialectOf(mobile: boolean, firstKeyIsPayload: boolean): Dialect {
  return mobile || firstKeyIsPayload ? 'mobile-builder' : 'rust'
}

function decodeEnvelope(root: JsonObject, type: string, known: KnownKeys | undefined): DecodedMessage {
  const firstKeyIsPayload = firstKey(root) === 'payload'
  const payload = get(root, 'payload')
  switch (type) {
    case 'Ack':
      if (payload !== undefined && payload !== null)
        throw new ShapeError('invalid-shape', 'Ack carries no payload')
      return { dialect: dialectOf(payload === null, firstKeyIsPayload), message: { type: 'Ack' } }
    case 'Error': {
      const o = payloadOf(payload)
      return {
        dialect: dialectOf(false, firstKeyIsPayload),
        message: {
          type: 'Error',
          code: reqStr(o, 'code', 'payload', MAX_CODE_CHARS),
          message: reqStr(o, 'message', 'payload', MAX_TEXT_CHARS),
        },
      }
    }
    case 'OfferPrivateEndpoint': {
      const o = payloadOf(payload)
      return {
        dialect: dialectOf(false, firstKeyIsPayload),
        message: {
          type: 'OfferPrivateEndpoint',
          methodId: reqStr(o, 'method_id', 'payload', 64),
          endpoint: reqStr(o, 'endpoint', 'payload', MAX_ENDPOINT_CHARS),
        },
      }
    }
    case 'OfferPrivateEndpoints': {
      const methods = get(payloadOf(payload), 'methods')
      if (!Array.isArray(methods)) throw new ShapeError('invalid-shape', 'payload.methods must be an array')
      if (methods.length > MAX_OFFERS)
        throw new ShapeError('invalid-shape', `more than ${MAX_OFFERS} endpoints offered`)
      return {
        dialect: 'rust',
        message: {
          type: 'OfferPrivateEndpoints',
          methods: methods.map((m, i) => {
            const path = `payload.methods[${i}]`
            const o = asObject(m, path)
            return {
              methodId: reqStr(o, 'method_id', path, 64),
              endpoint: reqStr(o, 'endpoint', path, MAX_ENDPOINT_CHARS),
              expiresAt: optInt(o, 'expires_at', path),
            }
          }),
        },
      }
    }
    case 'AcceptPrivateEndpoints': {
      const ids = get(payloadOf(payload), 'method_ids')
      if (
        !Array.isArray(ids) ||
        ids.length > MAX_OFFERS ||
        !ids.every((x) => typeof x === 'string' && x.length <= 64)
      ) {
        throw new ShapeError(
          'invalid-shape',
          `payload.method_ids must be an array of at most ${MAX_OFFERS} method ids`,
        )
      }
      return { dialect: 'rust', message: { type: 'AcceptPrivateEndpoints', methodIds: ids as string[] } }
    }
    case 'DeclinePrivateEndpoints':
      return {
        dialect: 'rust',
        message: {
          type: 'DeclinePrivateEndpoints',
          reason: reqStr(payloadOf(payload), 'reason', 'payload', MAX_TEXT_CHARS),
        },
      }
    case 'RequestReceipt':
    case 'ConfirmReceipt': {
      const key = type === 'RequestReceipt' ? 'provisional_receipt' : 'receipt'
      const r = asObject(get(payloadOf(payload), key), `payload.${key}`)
      const payer = get(r, 'payer')
      const mobile = typeof payer === 'string'
      const receipt = mobile
        ? builderReceiptFromJson(r, `payload.${key}`, known)
        : receiptFromRustJson(r, `payload.${key}`, known)
      return {
        dialect: dialectOf(mobile, firstKeyIsPayload),
        message: type === 'RequestReceipt' ? { type, receipt } : { type, receipt },
      }
    }
    default:
      throw new MessageError('unknown-message', `unknown message type "${type}"`)
  }
}

/** Dialect B receipt: z32 parties; missing/null amount, currency → null; metadata default {}. */
function builderReceiptFromJson(o: JsonObject, path: string, known: KnownKeys | undefined): Receipt {
  return {
    ...receiptPartsFromJson(o, path, (k, p) => keyFromZ32(k, p, known)),
    createdAt: reqInt(o, 'created_at', path),
    metadata: get(o, 'metadata') ?? {},
  }
}

function flatReceipt(
  o: JsonObject,
  path: string,
  createdKey: 'created_at' | null,
  known: KnownKeys | undefined,
): Receipt {
  return {
    ...receiptPartsFromJson(o, path, (k, p) => keyFromZ32(k, p, known)),
    createdAt: createdKey ? optInt(o, createdKey, path) : null,
    metadata: get(o, 'metadata') ?? {},
  }
}

function decodeFlat(o: JsonObject, type: string, known: KnownKeys | undefined): Message {
  const path = 'message'
  switch (type) {
    case 'request_receipt': {
      const description = optStr(o, 'description', path, MAX_TEXT_CHARS)
      const receipt = flatReceipt(o, path, 'created_at', known)
      return has(o, 'description')
        ? { type: 'RequestReceipt', receipt, description }
        : { type: 'RequestReceipt', receipt }
    }
    case 'confirm_receipt':
      return {
        type: 'ConfirmReceipt',
        receipt: flatReceipt(o, path, null, known),
        confirmedAt: optInt(o, 'confirmed_at', path),
        signature: optStr(o, 'signature', path, MAX_ENDPOINT_CHARS),
      }
    case 'private_endpoint_offer':
      return {
        type: 'OfferPrivateEndpoint',
        methodId: reqStr(o, 'method_id', path, 64),
        endpoint: reqStr(o, 'endpoint', path, MAX_ENDPOINT_CHARS),
        createdAt: optInt(o, 'created_at', path),
        expiresAt: optInt(o, 'expires_at', path),
      }
    case 'error':
      return {
        type: 'Error',
        code: reqStr(o, 'code', path, MAX_CODE_CHARS),
        message: reqStr(o, 'message', path, MAX_TEXT_CHARS),
        timestamp: optInt(o, 'timestamp', path),
      }
    case 'ping':
      return { type: 'Ping' }
    case 'pong':
      return { type: 'Pong' }
    default:
      throw new MessageError('unknown-message', `unknown message type "${type}"`)
  }
}

// ---------------------------------------------------------------------------------------------
// Encode
// ---------------------------------------------------------------------------------------------

/** Encodes a message as compact JSON in `dialect`, byte-for-byte as that implementation writes it. */
export function encodeMessage(msg: Message, dialect: Dialect): string {
  const value =
    dialect === 'rust' ? encodeRust(msg) : dialect === 'mobile-builder' ? encodeBuilder(msg) : encodeFlat(msg)
  const text = writeJson(value)
  if (utf8Length(text) > MAX_MESSAGE_BYTES) {
    throw new MessageError('too-large', `encoded message is larger than ${MAX_MESSAGE_BYTES} bytes`)
  }
  return text
}

function unsupported(msg: Message, dialect: Dialect): never {
  throw new MessageError('unsupported-in-dialect', `${msg.type} has no form in the ${dialect} dialect`)
}

function encodeRust(msg: Message): JsonObject {
  switch (msg.type) {
    case 'OfferPrivateEndpoint':
      return { type: msg.type, payload: { method_id: msg.methodId, endpoint: msg.endpoint } }
    case 'OfferPrivateEndpoints':
      return {
        type: msg.type,
        payload: {
          methods: msg.methods.map((m) => ({
            method_id: m.methodId,
            endpoint: m.endpoint,
            expires_at: m.expiresAt,
          })),
        },
      }
    case 'AcceptPrivateEndpoints':
      return { type: msg.type, payload: { method_ids: [...msg.methodIds] } }
    case 'DeclinePrivateEndpoints':
      return { type: msg.type, payload: { reason: msg.reason } }
    case 'RequestReceipt':
      return { type: msg.type, payload: { provisional_receipt: receiptToRustJson(msg.receipt) } }
    case 'ConfirmReceipt':
      return { type: msg.type, payload: { receipt: receiptToRustJson(msg.receipt) } }
    case 'Ack':
      return { type: 'Ack' }
    case 'Error':
      return { type: 'Error', payload: { code: msg.code, message: msg.message } }
    case 'Ping':
    case 'Pong':
      return unsupported(msg, 'rust')
  }
}

function builderReceipt(r: Receipt): JsonObject {
  if (r.createdAt === null) throw new ShapeError('invalid-shape', 'a mobile-builder receipt needs created_at')
  return { ...flatParties(r), created_at: r.createdAt, metadata: r.metadata }
}

function encodeBuilder(msg: Message): JsonValue {
  let v: JsonObject
  switch (msg.type) {
    case 'OfferPrivateEndpoint':
      v = { type: msg.type, payload: { method_id: msg.methodId, endpoint: msg.endpoint } }
      break
    case 'RequestReceipt':
      v = { type: msg.type, payload: { provisional_receipt: builderReceipt(msg.receipt) } }
      break
    case 'ConfirmReceipt':
      v = { type: msg.type, payload: { receipt: builderReceipt(msg.receipt) } }
      break
    case 'Ack':
      v = { type: 'Ack', payload: null }
      break
    case 'Error':
      v = { type: 'Error', payload: { code: msg.code, message: msg.message } }
      break
    default:
      return unsupported(msg, 'mobile-builder')
  }
  return sortKeysDeep(v) // json! → BTreeMap order at every level
}

/** The receipt fields the z32 dialects (mobile builder and flat) write the same way. */
function flatParties(r: Receipt): JsonObject {
  return {
    receipt_id: r.receiptId,
    payer: keyToZ32(r.payer),
    payee: keyToZ32(r.payee),
    method_id: r.methodId,
    amount: r.amount,
    currency: r.currency,
  }
}

function nonEmptyObject(v: JsonValue): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0
}

function encodeFlat(msg: Message): JsonValue {
  let v: JsonObject
  switch (msg.type) {
    case 'RequestReceipt': {
      v = { type: 'request_receipt', ...flatParties(msg.receipt), created_at: msg.receipt.createdAt }
      if (msg.description !== undefined && msg.description !== null) v['description'] = msg.description
      break
    }
    case 'ConfirmReceipt':
      v = {
        type: 'confirm_receipt',
        ...flatParties(msg.receipt),
        confirmed_at: msg.confirmedAt ?? msg.receipt.createdAt,
        signature: msg.signature ?? null,
      }
      // The flat shape has no metadata; we add it only when there is something to convey (e.g. the
      // BOLT11 to pay). Mobile readers look fields up by name and ignore extras.
      if (nonEmptyObject(msg.receipt.metadata)) v['metadata'] = msg.receipt.metadata
      break
    case 'OfferPrivateEndpoint':
      v = {
        type: 'private_endpoint_offer',
        method_id: msg.methodId,
        endpoint: msg.endpoint,
        created_at: msg.createdAt ?? null,
        expires_at: msg.expiresAt ?? null,
      }
      break
    case 'Error':
      v = { type: 'error', code: msg.code, message: msg.message, timestamp: msg.timestamp ?? null }
      break
    case 'Ping':
      v = { type: 'ping' }
      break
    case 'Pong':
      v = { type: 'pong' }
      break
    default:
      return unsupported(msg, 'mobile-flat')
  }
  return sortKeysDeep(v)
}
