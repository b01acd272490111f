/**
 * @module interactive/shape
 * Hand-written shape checks for Paykit JSON payloads (used consistently instead of a schema
 * library, because the readers need exact Rust semantics: integer vs float, `[u8; 32]` arrays,
 * serde's "missing Option = None"). Every failure is a `ShapeError` naming the JSON path.
 */
import { PaykitError } from '../util/errors'
import { z32Decode, z32Encode } from '../keys/z32'
import { isWeakEd25519PublicKey } from '../crypto/weak-keys'
import { isJsonObject, type JsonObject, type JsonValue } from './json'

export type ShapeErrorCode = 'invalid-shape' | 'invalid-key'

export class ShapeError extends PaykitError<ShapeErrorCode> {}

/** Largest string we accept in any single payload field (ids, memos, endpoints). */
export const MAX_FIELD_CHARS = 8_192

export function asObject(v: JsonValue | undefined, path: string): JsonObject {
  if (!isJsonObject(v)) throw new ShapeError('invalid-shape', `${path} must be a JSON object`)
  return v
}

export function has(o: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key)
}

export function get(o: JsonObject, key: string): JsonValue | undefined {
  return has(o, key) ? o[key] : undefined
}

export function reqStr(o: JsonObject, key: string, path: string, max = MAX_FIELD_CHARS): string {
  const v = get(o, key)
  if (typeof v !== 'string') throw new ShapeError('invalid-shape', `${path}.${key} must be a string`)
  if (v.length > max) throw new ShapeError('invalid-shape', `${path}.${key} is longer than ${max} characters`)
  return v
}

/** serde `Option<String>`: missing or null is None. */
export function optStr(o: JsonObject, key: string, path: string, max = MAX_FIELD_CHARS): string | null {
  const v = get(o, key)
  if (v === undefined || v === null) return null
  return reqStr(o, key, path, max)
}

/** An `i64` field carried as a JS safe integer (Unix seconds and friends). */
export function reqInt(o: JsonObject, key: string, path: string, min = Number.MIN_SAFE_INTEGER): number {
  const v = get(o, key)
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new ShapeError('invalid-shape', `${path}.${key} must be an integer`)
  }
  if (v < min) throw new ShapeError('invalid-shape', `${path}.${key} must be at least ${min}`)
  return v
}

export function optInt(
  o: JsonObject,
  key: string,
  path: string,
  min = Number.MIN_SAFE_INTEGER,
): number | null {
  const v = get(o, key)
  if (v === undefined || v === null) return null
  return reqInt(o, key, path, min)
}

export function reqBool(o: JsonObject, key: string, path: string): boolean {
  const v = get(o, key)
  if (typeof v !== 'boolean') throw new ShapeError('invalid-shape', `${path}.${key} must be true or false`)
  return v
}

/** A byte array serialized by serde as a JSON array of integers 0..255 of exactly `length` items. */
export function bytesFromJson(v: JsonValue | undefined, length: number, path: string): Uint8Array {
  if (!Array.isArray(v) || v.length !== length) {
    throw new ShapeError('invalid-key', `${path} must be an array of ${length} byte values`)
  }
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    const b = v[i]
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
      throw new ShapeError('invalid-key', `${path}[${i}] is not a byte (0..255)`)
    }
    out[i] = b
  }
  return out
}

export function bytesToJson(bytes: Uint8Array): number[] {
  return Array.from(bytes)
}

/**
 * Keys the caller has already proven to be valid Ed25519 points: the identity a Noise handshake
 * authenticated (its signature verified under that key, and the providers refuse weak keys before
 * verifying) and the merchant's own key. A parsed key equal to one of them skips the curve decode
 * (~100 µs for every payer not seen before, a measurable share of a receipt's latency in a burst).
 */
export type KnownKeys = readonly (Uint8Array | undefined)[]

function isKnown(key: Uint8Array, known: KnownKeys | undefined): boolean {
  if (!known) return false
  for (const k of known) {
    if (!k || k.length !== key.length) continue
    let diff = 0
    for (let i = 0; i < key.length; i++) diff |= k[i]! ^ key[i]!
    if (diff === 0) return true
  }
  return false
}

/**
 * Rust deserializes a `pkarr::PublicKey` only if the point decompresses; we also refuse
 * non-canonical and small-order points (no honest identity has one; keys/public-key.ts does the same).
 */
function checkPoint(key: Uint8Array, path: string, known?: KnownKeys): Uint8Array {
  if (isKnown(key, known)) return key
  if (isWeakEd25519PublicKey(key)) {
    throw new ShapeError(
      'invalid-key',
      `${path} is not a valid Ed25519 public key (not a usable curve point)`,
    )
  }
  return key
}

/** An Ed25519 public key as Rust writes it: `[u8; 32]` → 32 integers. */
export function keyFromArray(v: JsonValue | undefined, path: string, known?: KnownKeys): Uint8Array {
  return checkPoint(bytesFromJson(v, 32, path), path, known)
}

/**
 * A public key as the mobile dialects write it: z-base-32 text (a `pk:` prefix is tolerated).
 * Only the 52-character canonical spelling is accepted.
 */
export function keyFromZ32(v: JsonValue | undefined, path: string, known?: KnownKeys): Uint8Array {
  if (typeof v !== 'string')
    throw new ShapeError('invalid-key', `${path} must be a z-base-32 public key string`)
  const text = v.startsWith('pk:') ? v.slice(3) : v
  if (text.length !== 52) {
    throw new ShapeError(
      'invalid-key',
      `${path} must be a 52-character z-base-32 public key, got ${text.length}`,
    )
  }
  let key: Uint8Array
  try {
    key = z32Decode(text)
  } catch (e) {
    throw new ShapeError('invalid-key', `${path} is not a z-base-32 public key: ${(e as Error).message}`)
  }
  return checkPoint(key, path, known)
}

/** Either form: an int array (Rust) or z32 text (mobile). */
export function keyFromEither(v: JsonValue | undefined, path: string): Uint8Array {
  return Array.isArray(v) ? keyFromArray(v, path) : keyFromZ32(v, path)
}

export function keyToZ32(key: Uint8Array): string {
  return z32Encode(key)
}

/** Rejects keys other than the listed ones (used where a dialect is closed, e.g. envelopes). */
export function onlyKeys(o: JsonObject, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new ShapeError('invalid-shape', `${path} has an unexpected field "${k}"`)
  }
}
