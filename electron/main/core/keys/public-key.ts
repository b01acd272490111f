/**
 * @module keys/public-key
 * Pubky identity public keys as text: parsing every form pkarr's `PublicKey::from_str` accepts, and the
 * canonical spellings we write.
 *
 * Parsing follows `pubky/pkarr` `pkarr/src/keys.rs` (v3.11.0; same code in the 3.10.0 that paykit-rs
 * pins): while the text is longer than 52 bytes it successively drops a scheme up to the first `:`, a
 * leading `//`, a `user@`, a `:port`, a `/path`, a `?query`, a `#fragment`, trailing dots, and keeps the
 * last `.`-separated label. So `pk:<key>`, `pubky://<key>/pub/…` and `https://sub.<key>.:8888/x?y#z`
 * all yield the key. The 52 characters must then be z-base-32 and the point a valid Ed25519 key.
 *
 * Where we are stricter or kinder than pkarr, and why:
 * - the bytes must be a canonical encoding of a point outside the small-order subgroup (pkarr only
 *   decompresses): no honest identity is small-order, and such keys make signatures meaningless;
 * - the z32 spelling must be canonical (zero padding bits): one key, one spelling;
 * - surrounding whitespace is trimmed and the final label is lowercased (hostnames are
 *   case-insensitive; people paste keys from chat);
 * - `pubky<z32>`, the `@synonymdev/pubky` 0.6 display form, is accepted too.
 */
import { isWeakEd25519PublicKey } from '../crypto/weak-keys'
import { utf8 } from '../util/bytes'
import { InputError } from '../util/errors'
import { z32Decode, z32Encode } from './z32'

const KEY_LEN = 52
/** Longest input looked at (a URL with a long path); longer text is refused before any work. */
const MAX_INPUT = 4096

const byteLen = (s: string): number => utf8(s).length

/** `split_once(sep)`: the part after (`after = true`) or before the first `sep`, or `s` unchanged. */
function splitOnce(s: string, sep: string, after: boolean): string {
  const at = s.indexOf(sep)
  if (at < 0) return s
  return after ? s.slice(at + sep.length) : s.slice(0, at)
}

/** Reduces a URL-ish string to its key label with pkarr's length-gated stripping rules. */
function keyLabel(input: string): string {
  let s = input
  if (byteLen(s) <= KEY_LEN) return s
  s = splitOnce(s, ':', true) // scheme
  if (byteLen(s) <= KEY_LEN) return s
  if (s.startsWith('//')) s = s.slice(2)
  if (byteLen(s) <= KEY_LEN) return s
  s = splitOnce(s, '@', true) // user
  if (byteLen(s) <= KEY_LEN) return s
  s = splitOnce(s, ':', false) // port
  if (byteLen(s) <= KEY_LEN) return s
  s = splitOnce(s, '/', false) // path
  if (byteLen(s) <= KEY_LEN) return s
  s = splitOnce(s, '?', false) // query
  if (byteLen(s) <= KEY_LEN) return s
  s = splitOnce(s, '#', false) // fragment
  if (byteLen(s) <= KEY_LEN) return s
  if (s.endsWith('.')) s = s.replace(/^\.+|\.+$/g, '')
  const dot = s.lastIndexOf('.')
  return dot < 0 ? s : s.slice(dot + 1)
}

/** Throws unless `bytes` is a usable Ed25519 identity key. */
export function assertEd25519PublicKey(bytes: Uint8Array, name = 'public key'): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new InputError(`${name} must be 32 bytes`)
  }
  if (isWeakEd25519PublicKey(bytes)) {
    throw new InputError(
      `${name} is not a valid Ed25519 public key (not a canonical curve point, or a small-order point)`,
    )
  }
}

/**
 * Parses any pkarr public-key form (bare z32, `pk:`, `pubky://…`, `https://…`, `pubky<z32>`) to the 32
 * key bytes. Throws `InputError` saying what is wrong.
 */
export function parsePublicKey(input: string): Uint8Array {
  if (typeof input !== 'string') throw new InputError('public key must be given as text')
  if (input.length > MAX_INPUT) {
    throw new InputError(`public key text is ${input.length} characters long; no key form is that long`)
  }
  let text = input.trim()
  if (text.length === 0) throw new InputError('public key is empty')
  if (text.length === 5 + KEY_LEN && text.startsWith('pubky') && !text.includes(':')) text = text.slice(5)
  const label = keyLabel(text).toLowerCase()
  if (label.length !== KEY_LEN) {
    throw new InputError(
      `public key must be ${KEY_LEN} z-base-32 characters, found "${label.slice(0, 60)}" (${label.length} characters)`,
    )
  }
  const bytes = z32Decode(label)
  assertEd25519PublicKey(bytes)
  return bytes
}

/** The canonical spelling: bare z32 (pkarr `Display`). */
export function formatPublicKey(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new InputError('public key must be 32 bytes')
  }
  return z32Encode(bytes)
}

/** `pk:<z32>` (pkarr `to_uri_string`). */
export function toPkUri(bytes: Uint8Array): string {
  return `pk:${formatPublicKey(bytes)}`
}

/** `pubky://<z32>` plus an optional absolute path (`/pub/…`), the address form the SDK reads. */
export function toPubkyUri(bytes: Uint8Array, path = ''): string {
  if (path !== '' && !path.startsWith('/')) throw new InputError(`path must start with "/", got "${path}"`)
  return `pubky://${formatPublicKey(bytes)}${path}`
}
