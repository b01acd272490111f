/**
 * @module uri/percent
 * Query-string decoding shared by the URI parsers.
 *
 * The reference's `url_decode` (paykit-lib `uri.rs`) maps `%XX` to the *character* U+00XX and `+`
 * to a space, which garbles UTF-8. We decode `%XX` sequences to bytes and then require valid UTF-8
 * (identical to the reference for ASCII), keep `+` → space, and reject truncated or non-hex escapes.
 */
import { PaykitError } from '../util/errors'

export class UriError extends PaykitError<'invalid-uri'> {
  constructor(message: string) {
    super('invalid-uri', message)
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** `application/x-www-form-urlencoded`-style value decoding (strict). */
export function urlDecode(encoded: string): string {
  if (typeof encoded !== 'string') throw new UriError('value to decode must be text')
  const bytes: number[] = []
  const enc = new TextEncoder()
  for (let i = 0; i < encoded.length; i++) {
    const ch = encoded[i]!
    if (ch === '%') {
      const h = encoded.slice(i + 1, i + 3)
      if (h.length < 2) throw new UriError('Incomplete percent encoding')
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new UriError('Invalid hex in percent encoding')
      bytes.push(parseInt(h, 16))
      i += 2
    } else if (ch === '+') {
      bytes.push(0x20)
    } else {
      const cp = encoded.codePointAt(i)!
      for (const b of enc.encode(String.fromCodePoint(cp))) bytes.push(b)
      if (cp > 0xffff) i++
    }
  }
  try {
    return decoder.decode(Uint8Array.from(bytes))
  } catch {
    throw new UriError('percent-encoded value is not valid UTF-8')
  }
}

/** Percent-encodes everything but RFC 3986 unreserved characters. */
export function urlEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** Splits `a=1&b=2` into decoded pairs; rejects duplicate keys when `unique` is set. */
export function parseQuery(query: string, unique: boolean): Map<string, string> {
  const out = new Map<string, string>()
  if (query.length === 0) return out
  for (const part of query.split('&')) {
    if (part.length === 0) continue
    const eq = part.indexOf('=')
    const key = urlDecode(eq < 0 ? part : part.slice(0, eq))
    const value = eq < 0 ? '' : urlDecode(part.slice(eq + 1))
    if (out.has(key)) {
      if (unique) throw new UriError(`parameter "${key}" appears more than once`)
      continue // the reference keeps the last; for the lenient parsers we keep the first consistently
    }
    out.set(key, value)
  }
  return out
}
