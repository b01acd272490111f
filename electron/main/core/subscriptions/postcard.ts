/**
 * @module subscriptions/postcard
 * The subset of the postcard 1.x wire format the subscription signature needs (serialize only).
 *
 * - unsigned integers ≥ 16 bits: LEB128 varint; u8: one raw byte;
 * - signed integers: zigzag, then varint;
 * - str / byte seq (`&[u8]` serialized as a seq of u8): varint(len) then the bytes;
 * - `[u8; N]` (serde tuple): the N raw bytes, no length;
 * - Option: 0x00, or 0x01 then the value;
 * - enum: varint(variant index) then the fields; unit (`()`, JSON null): nothing;
 * - map: varint(len) then key, value pairs; f64: 8 bytes little-endian; bool: 0x00/0x01.
 */
import { PaykitError } from '../util/errors'
import { compareKeys, JsonFloat, type JsonValue } from '../interactive/json'

const U64_MAX = (1n << 64n) - 1n
const I64_MAX = (1n << 63n) - 1n
const I64_MIN = -(1n << 63n)

export class PostcardWriter {
  private chunks: number[] = []
  private readonly encoder = new TextEncoder()

  /** LEB128 varint of an unsigned integer (u16..u64). */
  varint(n: bigint | number): this {
    let v = BigInt(n)
    if (v < 0n || v > U64_MAX) throw new PaykitError('internal', `varint out of u64 range: ${v}`)
    do {
      let b = Number(v & 0x7fn)
      v >>= 7n
      if (v !== 0n) b |= 0x80
      this.chunks.push(b)
    } while (v !== 0n)
    return this
  }

  /** Zigzag varint of an i64. */
  i64(n: bigint | number): this {
    const v = BigInt(n)
    if (v < I64_MIN || v > I64_MAX) throw new PaykitError('internal', `i64 out of range: ${v}`)
    const zz = v >= 0n ? v << 1n : (-v << 1n) - 1n
    return this.varint(zz)
  }

  u8(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new PaykitError('internal', `u8 out of range: ${n}`)
    this.chunks.push(n)
    return this
  }

  bool(b: boolean): this {
    return this.u8(b ? 1 : 0)
  }

  /** Fixed-size array: raw bytes. */
  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.chunks.push(b)
    return this
  }

  /** A length-prefixed byte sequence (`&[u8]` / `Vec<u8>`). */
  bytes(bytes: Uint8Array): this {
    return this.varint(bytes.length).raw(bytes)
  }

  str(s: string): this {
    return this.bytes(this.encoder.encode(s))
  }

  f64(v: number): this {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setFloat64(0, v, true)
    return this.raw(b)
  }

  none(): this {
    return this.u8(0)
  }

  some(): this {
    return this.u8(1)
  }

  /**
   * A `serde_json::Value` as serde serializes it into postcard. Objects are written in sorted key
   * order because serde_json (without `preserve_order`, as paykit-rs builds it) stores maps in a
   * BTreeMap. Integers keep serde_json's typing: non-negative → u64 varint, negative → i64 zigzag;
   * floats (JsonFloat) → f64.
   */
  jsonValue(v: JsonValue): this {
    if (v === null) return this
    if (typeof v === 'boolean') return this.bool(v)
    if (typeof v === 'string') return this.str(v)
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) return this.f64(v)
      return v >= 0 ? this.varint(v) : this.i64(v)
    }
    if (typeof v === 'bigint') return v >= 0n ? this.varint(v) : this.i64(v)
    if (v instanceof JsonFloat) return this.f64(v.value)
    if (Array.isArray(v)) {
      this.varint(v.length)
      for (const item of v) this.jsonValue(item)
      return this
    }
    const keys = Object.keys(v).sort(compareKeys)
    this.varint(keys.length)
    for (const k of keys) this.str(k).jsonValue(v[k]!)
    return this
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks)
  }
}
