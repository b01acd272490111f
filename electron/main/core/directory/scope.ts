/**
 * @module directory/scope
 * Paykit's recipient/subscriber "scope": the per-recipient directory name under `requests/` and
 * `subscriptions/proposals/`. It is `hex(SHA-256(utf8(normalized z32)))`, a hash of the 52 ASCII
 * characters, not of the key bytes (paykit-rs `paykit-lib/src/protocol/scope.rs` @3b97922).
 *
 * The normalization is deliberately the reference's, byte for byte, because two parties must reach the
 * same directory name: trim Unicode whitespace (Rust `str::trim`), strip a literal lowercase `pk:`,
 * ASCII-lowercase, then require 52 z-base-32 characters. `PK:` is not stripped (the strip happens
 * before lowercasing), and the key is not checked to be a curve point (the reference test vector
 * `ybndrfg8…ot1u` is not one).
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { toHex, utf8 } from '../util/bytes'
import { InputError } from '../util/errors'
import { z32Encode, Z32_ALPHABET } from '../keys/z32'

/** Length of a z-base-32 Ed25519 public key. */
export const Z32_PUBKEY_LENGTH = 52

// Rust's `char::is_whitespace` is the Unicode White_Space property. JS `trim()` differs (it strips
// U+FEFF and keeps U+0085), so the set is spelled out to land on the reference's exact bytes.
const WHITE_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
])

/** Longest input looked at; anything longer cannot be a key and is refused before any work. */
const MAX_INPUT = 1024

function rustTrim(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && WHITE_SPACE.has(text.charCodeAt(start))) start++
  while (end > start && WHITE_SPACE.has(text.charCodeAt(end - 1))) end--
  return text.slice(start, end)
}

// ASCII-only lowercase, as Rust `to_ascii_lowercase` (JS `toLowerCase` would also fold non-ASCII).
const asciiLower = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase())

/**
 * Normalizes a z32 public key the way paykit-rs `normalize_pubkey_z32` does. Throws `InputError` with
 * the reference's reasons (`z32 pubkey must be 52 chars, got N`, `invalid z32 character: 'c'`).
 */
export function normalizePubkeyZ32(input: string): string {
  if (typeof input !== 'string') throw new InputError('pubkey must be a z32 string')
  if (input.length > MAX_INPUT) {
    throw new InputError(`z32 pubkey must be ${Z32_PUBKEY_LENGTH} chars, got a ${input.length}-char string`)
  }
  const trimmed = rustTrim(input)
  const withoutPrefix = trimmed.startsWith('pk:') ? trimmed.slice(3) : trimmed
  const lowered = asciiLower(withoutPrefix)
  // Rust `len()` counts UTF-8 bytes; report the same number.
  const byteLength = utf8(lowered).length
  if (byteLength !== Z32_PUBKEY_LENGTH) {
    throw new InputError(`z32 pubkey must be ${Z32_PUBKEY_LENGTH} chars, got ${byteLength}`)
  }
  for (const c of lowered) {
    if (!Z32_ALPHABET.includes(c)) throw new InputError(`invalid z32 character: '${c}'`)
  }
  return lowered
}

/** A public key as the directory functions accept it: z32 text (normalized as above) or 32 key bytes. */
export type PubkeyRef = string | Uint8Array

function pubkeyText(pubkey: PubkeyRef): string {
  if (pubkey instanceof Uint8Array) {
    if (pubkey.length !== 32) throw new InputError(`public key must be 32 bytes, got ${pubkey.length}`)
    return z32Encode(pubkey)
  }
  return pubkey
}

/** `hex(SHA-256(utf8(normalizePubkeyZ32(pubkey))))`: 64 lowercase hex characters. */
export function recipientScope(pubkey: PubkeyRef, provider: CryptoProvider = defaultProvider()): string {
  const normalized = normalizePubkeyZ32(pubkeyText(pubkey))
  return toHex(provider.hash('sha256', utf8(normalized)))
}

/** The subscriber scope is the same function (paykit-rs `subscriber_scope`). */
export const subscriberScope = recipientScope
