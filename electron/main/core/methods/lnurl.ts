/**
 * @module methods/lnurl
 * LNURL (LUD-01: bech32 `lnurl1…` of a URL) and Lightning addresses (LUD-16: `user@domain`).
 * A decoded LNURL must be an `https:` URL, or `http:` only for a `.onion` host (LUD-01).
 */
import { bech32 } from '@scure/base'
import { fromUtf8 } from '../util/bytes'
import { MethodError } from './errors'

const MAX_LNURL_CHARS = 2_000

export interface Lnurl {
  readonly lnurl: string
  readonly url: string
  readonly onion: boolean
}

function checkUrl(
  text: string,
  code: 'invalid-lnurl' | 'invalid-lightning-address',
): { url: URL; onion: boolean } {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new MethodError(code, 'LNURL does not decode to a URL')
  }
  const onion = url.hostname.endsWith('.onion')
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && onion)) {
    throw new MethodError(code, `LNURL must be https (or http to a .onion host), got ${url.protocol}//`)
  }
  if (url.username || url.password) throw new MethodError(code, 'LNURL must not carry credentials')
  return { url, onion }
}

/** Decodes a bech32 LNURL (optional `lightning:` prefix, either case). */
export function parseLnurl(input: string): Lnurl {
  if (typeof input !== 'string') throw new MethodError('invalid-lnurl', 'LNURL must be text')
  let text = input.trim()
  if (/^lightning:/i.test(text)) text = text.slice('lightning:'.length)
  if (text.length > MAX_LNURL_CHARS) throw new MethodError('invalid-lnurl', 'LNURL is too long')
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
    throw new MethodError('invalid-lnurl', 'LNURL mixes upper and lower case (invalid bech32)')
  }
  text = text.toLowerCase()
  let decoded
  try {
    decoded = bech32.decode(text as `${string}1${string}`, MAX_LNURL_CHARS)
  } catch (e) {
    throw new MethodError('invalid-lnurl', `not a valid bech32 LNURL: ${(e as Error).message}`)
  }
  if (decoded.prefix !== 'lnurl')
    throw new MethodError('invalid-lnurl', `bech32 prefix must be "lnurl", got "${decoded.prefix}"`)
  let urlText: string
  try {
    urlText = fromUtf8(bech32.fromWords(decoded.words), 'LNURL')
  } catch (e) {
    throw new MethodError('invalid-lnurl', `LNURL payload is not a UTF-8 URL: ${(e as Error).message}`)
  }
  const { url, onion } = checkUrl(urlText, 'invalid-lnurl')
  return { lnurl: text, url: url.toString(), onion }
}

export interface LightningAddress {
  readonly address: string
  readonly user: string
  readonly domain: string
  /** The LNURL-pay endpoint (LUD-16). */
  readonly url: string
}

const USER_RE = /^[a-z0-9\-_.+]{1,64}$/
const LABEL_RE = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/

/** Parses `user@domain` (LUD-16). The user part is lowercase `a-z0-9-_.+`. */
export function parseLightningAddress(input: string): LightningAddress {
  if (typeof input !== 'string') throw new MethodError('invalid-lightning-address', 'address must be text')
  const text = input.trim()
  const at = text.indexOf('@')
  if (at <= 0 || at !== text.lastIndexOf('@')) {
    throw new MethodError('invalid-lightning-address', 'a Lightning address is user@domain')
  }
  const user = text.slice(0, at)
  const domain = text.slice(at + 1).toLowerCase()
  if (!USER_RE.test(user)) {
    throw new MethodError(
      'invalid-lightning-address',
      'the user part may contain only a-z, 0-9, "-", "_", "." and "+"',
    )
  }
  const labels = domain.split('.')
  if (
    domain.length > 253 ||
    labels.length < 2 ||
    !labels.every((l) => LABEL_RE.test(l)) ||
    /^[0-9]+$/.test(labels.at(-1)!)
  ) {
    throw new MethodError('invalid-lightning-address', `"${domain}" is not a valid domain name`)
  }
  const onion = domain.endsWith('.onion')
  const url = `${onion ? 'http' : 'https'}://${domain}/.well-known/lnurlp/${user}`
  return { address: `${user}@${domain}`, user, domain, url }
}
