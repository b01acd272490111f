/**
 * @module noise/framing
 * Wire framing of Pubky Noise (pubky-noise.md §4): `u32 BE length ‖ bytes` (paykit-interactive, on
 * every TCP message; inside each WebSocket frame for transport), the optional 0.8.0 pattern byte in
 * front of the first length-prefixed message, and raw (unprefixed) handshake messages.
 *
 * Security: a declared length over the 65535-byte Noise limit is refused before anything is
 * buffered (`FrameTooLarge`): the reference allocates whatever u32 it reads; we never do.
 */
import {
  MAX_MESSAGE_LEN,
  MIN_MSG1_LEN,
  PUBKY_PATTERNS,
  patternFromByte,
  type PubkyPattern,
} from './constants'
import { NoiseError } from './errors'

/** `u32 BE length ‖ message`. Messages over 65535 bytes are `FrameTooLarge`. */
export function encodeFrame(message: Uint8Array, patternByte?: number): Uint8Array {
  if (message.length > MAX_MESSAGE_LEN) {
    throw new NoiseError(
      'FrameTooLarge',
      `a Noise message is ${message.length} bytes; the limit is ${MAX_MESSAGE_LEN} (send smaller messages)`,
    )
  }
  const head = patternByte === undefined ? 0 : 1
  const out = new Uint8Array(head + 4 + message.length)
  if (patternByte !== undefined) out[0] = patternByte
  new DataView(out.buffer).setUint32(head, message.length, false)
  out.set(message, head + 4)
  return out
}

/**
 * An empty `u32 BE length ‖ message` frame for a message of `messageLength` bytes, header written:
 * the sender fills `frame.subarray(4)` in place (e.g. `CipherState.encryptWithAdInto`), so the
 * message is never built in a buffer of its own and copied. Same limit as `encodeFrame`.
 */
export function allocFrame(messageLength: number): Uint8Array {
  if (!Number.isSafeInteger(messageLength) || messageLength < 0 || messageLength > MAX_MESSAGE_LEN) {
    throw new NoiseError(
      'FrameTooLarge',
      `a Noise message is ${messageLength} bytes; the limit is ${MAX_MESSAGE_LEN} (send smaller messages)`,
    )
  }
  const out = new Uint8Array(4 + messageLength)
  new DataView(out.buffer).setUint32(0, messageLength, false)
  return out
}

/**
 * Incremental `u32 BE length ‖ bytes` reader over a byte stream. `push` returns every complete frame;
 * a declared length over `maxLength` throws `FrameTooLarge` at once. Memory is bounded by one frame.
 */
export class FrameDecoder {
  readonly maxLength: number
  #chunks: Uint8Array[] = []
  #buffered = 0

  constructor(maxLength = MAX_MESSAGE_LEN) {
    this.maxLength = maxLength
  }

  get buffered(): number {
    return this.#buffered
  }

  #flat(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0]!
    const out = new Uint8Array(this.#buffered)
    let o = 0
    for (const c of this.#chunks) {
      out.set(c, o)
      o += c.length
    }
    this.#chunks = [out]
    return out
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk)
      this.#buffered += chunk.length
    }
    const frames: Uint8Array[] = []
    while (this.#buffered >= 4) {
      const buf = this.#flat()
      const len = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0, false)
      if (len > this.maxLength) {
        this.#chunks = []
        this.#buffered = 0
        throw new NoiseError(
          'FrameTooLarge',
          `the peer announced a ${len}-byte frame; the limit is ${this.maxLength}. Closing the connection`,
        )
      }
      if (this.#buffered < 4 + len) break
      frames.push(buf.slice(4, 4 + len))
      const rest = buf.subarray(4 + len)
      this.#chunks = rest.length ? [rest] : []
      this.#buffered = rest.length
    }
    return frames
  }

  /** Takes whatever is buffered (used to hand over bytes after the handshake). */
  drain(): Uint8Array {
    const out = this.#buffered ? this.#flat().slice() : new Uint8Array(0)
    this.#chunks = []
    this.#buffered = 0
    return out
  }
}

/** How a connection opened (§4.6). */
export type Opening =
  | { kind: 'prefixed'; pattern: PubkyPattern; patternByte: boolean; msg1: Uint8Array; rest: Uint8Array }
  | { kind: 'raw'; pattern: PubkyPattern; msg1: Uint8Array }
  /** A length prefix is plausible but its bytes have not all arrived yet. */
  | { kind: 'incomplete'; needed: number }

function u32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, false)
}

/** The smallest msg1 of any pattern, used when no pattern byte says which pattern it is. */
const MIN_ANY = Math.min(...PUBKY_PATTERNS.map((p) => MIN_MSG1_LEN[p]))

/**
 * Classifies the first bytes a responder received (§4.6). Two prefixed readings are tried:
 * A = `[u32 len][msg1]` (no selector: IK) with 32 ≤ len ≤ 65535, and
 * B = `[pattern byte 0..4][u32 len][msg1]` with a length plausible for that pattern.
 * A reading whose frame ends exactly where the bytes end wins (A before B). Otherwise:
 * - `final` false (a stream; more bytes may come): a reading still short of bytes gives `incomplete`;
 *   if every reading is shorter than what arrived, B (then A) is taken and the excess is `rest`.
 * - `final` true (one WebSocket frame, or the stream went quiet): the bytes are raw.
 * With no plausible reading the bytes are raw: everything received is msg1 (IK). A raw msg1 starts
 * with a random ephemeral key, so it matches a reading by chance only with probability ~2^-16, and
 * then only until the stream goes quiet.
 */
export function classifyOpening(bytes: Uint8Array, final: boolean): Opening {
  if (bytes.length === 0) return { kind: 'incomplete', needed: 1 }
  const plausible = (len: number, min: number): boolean => len >= min && len <= MAX_MESSAGE_LEN
  const readings: { head: number; len: number; pattern: PubkyPattern; byte: boolean }[] = []
  if (bytes.length >= 4) {
    const len = u32(bytes, 0)
    if (plausible(len, MIN_ANY)) readings.push({ head: 4, len, pattern: 'IK', byte: false })
  } else if (!final) return { kind: 'incomplete', needed: 4 }
  const byPattern = patternFromByte(bytes[0]!)
  if (byPattern !== undefined) {
    if (bytes.length >= 5) {
      const len = u32(bytes, 1)
      if (plausible(len, MIN_MSG1_LEN[byPattern]))
        readings.push({ head: 5, len, pattern: byPattern, byte: true })
    } else if (!final) return { kind: 'incomplete', needed: 5 }
  }
  const take = (r: (typeof readings)[number]): Opening => ({
    kind: 'prefixed',
    pattern: r.pattern,
    patternByte: r.byte,
    msg1: bytes.slice(r.head, r.head + r.len),
    rest: bytes.slice(r.head + r.len),
  })
  const exact = readings.find((r) => r.head + r.len === bytes.length)
  if (exact) return take(exact)
  if (!final && readings.length > 0) {
    const short = readings.filter((r) => r.head + r.len > bytes.length)
    if (short.length > 0) return { kind: 'incomplete', needed: Math.min(...short.map((r) => r.head + r.len)) }
    return take(readings.find((r) => r.byte) ?? readings[0]!)
  }
  return { kind: 'raw', pattern: 'IK', msg1: bytes.slice() }
}
