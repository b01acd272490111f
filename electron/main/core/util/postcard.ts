/**
 * @module postcard
 * The subset of the postcard 1.x wire format (serde's compact binary format) that crosses our
 * wires: the subscription signing payload (paykit-subscriptions) and pubky-common's AuthToken and
 * SessionInfo. One writer and one reader, so every layout built on them agrees on the primitives:
 *
 * - unsigned integers ≥ 16 bits: LEB128 varint; u8: one raw byte; bool: 0x00 / 0x01;
 * - signed integers: zigzag, then varint;
 * - str / byte seq (`&[u8]`, `Vec<u8>`): varint(len) then the bytes;
 * - `[u8; N]` (a serde tuple): the N raw bytes, no length;
 * - Option: 0x00, or 0x01 then the value;
 * - f64: 8 bytes little-endian.
 *
 * The reader is bounds-checked for untrusted input: varints are capped at 10 bytes and every length
 * is checked against the bytes that remain before anything is sliced or allocated. Every failure is
 * an `InputError` naming what was being read.
 */
import { fromUtf8, utf8 } from './bytes'
import { InputError } from './errors'

const U64_MAX = (1n << 64n) - 1n
const I64_MAX = (1n << 63n) - 1n
const I64_MIN = -(1n << 63n)
/** A u64 varint never needs more than 10 bytes (7 bits each). */
const MAX_VARINT_BYTES = 10

/** Serializes values in postcard's layout; chain the calls, then `finish()`. */
export class PostcardWriter {
  private readonly out: number[] = []

  /** LEB128 varint of an unsigned integer (u16..u64). */
  varint(n: bigint | number): this {
    let v = BigInt(n)
    if (v < 0n || v > U64_MAX) throw new InputError(`postcard varint must be in the u64 range, got ${v}`)
    do {
      let b = Number(v & 0x7fn)
      v >>= 7n
      if (v !== 0n) b |= 0x80
      this.out.push(b)
    } while (v !== 0n)
    return this
  }

  /** Zigzag varint of an i64. */
  i64(n: bigint | number): this {
    const v = BigInt(n)
    if (v < I64_MIN || v > I64_MAX) throw new InputError(`postcard i64 out of range: ${v}`)
    return this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n)
  }

  u8(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new InputError(`postcard u8 out of range: ${n}`)
    this.out.push(n)
    return this
  }

  bool(b: boolean): this {
    return this.u8(b ? 1 : 0)
  }

  /** Fixed-size array (`[u8; N]`): the raw bytes, no length. */
  raw(bytes: Uint8Array): this {
    for (const b of bytes) this.out.push(b)
    return this
  }

  /** A length-prefixed byte sequence (`&[u8]` / `Vec<u8>`). */
  bytes(bytes: Uint8Array): this {
    return this.varint(bytes.length).raw(bytes)
  }

  str(s: string): this {
    return this.bytes(utf8(s))
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

  finish(): Uint8Array {
    return Uint8Array.from(this.out)
  }
}

/** Reads postcard values from untrusted bytes; `what` names the structure in error messages. */
export class PostcardReader {
  pos = 0

  constructor(
    readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  private fail(message: string): never {
    throw new InputError(`${this.what}: ${message}`)
  }

  remaining(): number {
    return this.buf.length - this.pos
  }

  /** `n` raw bytes (a copy, so callers may keep it after the buffer is reused). */
  bytes(n: number, field: string): Uint8Array {
    if (n > this.remaining()) this.fail(`${field} needs ${n} bytes but only ${this.remaining()} remain`)
    const out = Uint8Array.prototype.slice.call(this.buf, this.pos, this.pos + n)
    this.pos += n
    return out
  }

  u8(field: string): number {
    return this.bytes(1, field)[0]!
  }

  varint(field: string): bigint {
    let result = 0n
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.buf.length) this.fail(`${field} varint runs past the end`)
      const b = this.buf[this.pos++]!
      result |= BigInt(b & 0x7f) << BigInt(7 * i)
      if ((b & 0x80) === 0) return result
    }
    return this.fail(`${field} varint is longer than ${MAX_VARINT_BYTES} bytes`)
  }

  /** A length-prefixed UTF-8 string (strictly decoded). */
  string(field: string): string {
    const len = this.varint(`${field} length`)
    if (len > BigInt(this.remaining()))
      this.fail(`${field} claims ${len} bytes but only ${this.remaining()} remain`)
    return fromUtf8(this.bytes(Number(len), field), `${this.what} ${field}`)
  }
}
