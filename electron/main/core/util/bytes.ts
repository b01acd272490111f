/**
 * @module bytes
 * Byte helpers for the core. Only `Uint8Array` is accepted: no implicit string or number coercion
 * (a silent hex-decode is how noise-handshake's cipher hides bugs). Codecs come from @scure/base.
 */
import { hex as scureHex, base64urlnopad } from '@scure/base'
import { InputError } from './errors'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Asserts `value` is a Uint8Array, optionally of one of the given lengths. */
export function abytes(value: unknown, name: string, ...lengths: number[]): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InputError(`${name} must be bytes (Uint8Array)`)
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    throw new InputError(`${name} must be ${lengths.join(' or ')} bytes, got ${value.length}`)
  }
  return value
}

export function toHex(bytes: Uint8Array): string {
  return scureHex.encode(bytes)
}

/** Decodes lowercase or uppercase hex; rejects odd length and non-hex characters. */
export function fromHex(text: string, name = 'hex'): Uint8Array {
  if (typeof text !== 'string') throw new InputError(`${name} must be a hex string`)
  if (text.length % 2 !== 0) throw new InputError(`${name} has an odd number of hex digits`)
  if (!/^[0-9a-fA-F]*$/.test(text)) throw new InputError(`${name} contains characters that are not hex`)
  return scureHex.decode(text.toLowerCase())
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Strict UTF-8 decode: invalid sequences are an error, not U+FFFD. */
export function fromUtf8(bytes: Uint8Array, name = 'text'): string {
  try {
    return decoder.decode(bytes)
  } catch (e) {
    throw new InputError(`${name} is not valid UTF-8`, { cause: e })
  }
}

export function toBase64Url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes)
}

/** base64url without padding, as the Sealed Blob envelope uses; padding and other alphabets are rejected. */
export function fromBase64Url(text: string, name = 'base64url'): Uint8Array {
  if (typeof text !== 'string') throw new InputError(`${name} must be a base64url string`)
  try {
    return base64urlnopad.decode(text)
  } catch (e) {
    throw new InputError(`${name} is not unpadded base64url`, { cause: e })
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) total += p.length
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** Constant-time comparison for equal-length inputs; different lengths return false at once. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0
  for (const b of bytes) acc |= b
  return acc === 0
}

/** Overwrites secret material in place. JS cannot guarantee no copies exist; this removes ours. */
export function wipe(...arrays: (Uint8Array | undefined)[]): void {
  for (const a of arrays) a?.fill(0)
}

export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n >>> 0, false)
  return out
}

export function u64le(n: bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, n, true)
  return out
}
