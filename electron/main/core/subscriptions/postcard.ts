/**
 * @module subscriptions/postcard
 * How a `serde_json::Value` (the subscription's `metadata`) serializes into postcard, on top of the
 * shared writer in util/postcard.ts:
 *
 * - null (unit): nothing; bool: 0x00/0x01; string: str;
 * - integers keep serde_json's typing: non-negative → u64 varint, negative → i64 zigzag;
 *   floats (`JsonFloat`, or a number that is not a safe integer) → f64;
 * - array: varint(len) then the items; object: varint(len) then key, value pairs in sorted key
 *   order, because serde_json (without `preserve_order`, as paykit-rs builds it) keeps maps in a
 *   BTreeMap.
 */
import { compareKeys, JsonFloat, type JsonValue } from '../interactive/json'
import type { PostcardWriter } from '../util/postcard'

/** Appends `v` to `w` as serde serializes a `serde_json::Value` into postcard. */
export function writeJsonValue(w: PostcardWriter, v: JsonValue): PostcardWriter {
  if (v === null) return w
  if (typeof v === 'boolean') return w.bool(v)
  if (typeof v === 'string') return w.str(v)
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return w.f64(v)
    return v >= 0 ? w.varint(v) : w.i64(v)
  }
  if (typeof v === 'bigint') return v >= 0n ? w.varint(v) : w.i64(v)
  if (v instanceof JsonFloat) return w.f64(v.value)
  if (Array.isArray(v)) {
    w.varint(v.length)
    for (const item of v) writeJsonValue(w, item)
    return w
  }
  const keys = Object.keys(v).sort(compareKeys)
  w.varint(keys.length)
  for (const k of keys) writeJsonValue(w.str(k), v[k]!)
  return w
}
