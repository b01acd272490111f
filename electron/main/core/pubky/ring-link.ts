/**
 * @module pubky/ring-link
 * A Ring-linked till: the merchant's Ed25519 key stays in Pubky Ring (the owner's phone); this
 * computer holds only a homeserver session limited to `/pub/paykit.app/v0/`, granted through the
 * `pubkyauth://` QR flow (pubky-platform.md §1.8). `RingLink` is what the app keeps of that grant:
 * the public facts plus the session cookie (a SECRET: it authorises writes as the merchant).
 *
 * Why the cookie is carried by hand: in Node the SDK keeps sessions only in the cookie jar that
 * `fetch-cookie` installs on `globalThis.fetch` (one in-memory jar per realm), so a session would
 * not survive a restart. We read the cookie out of that jar after approval and put it back at start.
 *
 * This module loads no SDK: it is the shape, its validation and the jar plumbing, usable anywhere.
 */
import { PaykitError } from '../util/errors'

/** Everything a counter till writes lives under this prefix; nothing else is asked for. */
export const RING_CAPABILITIES = '/pub/paykit.app/v0/:rw'

export interface RingLink {
  /** The merchant's z32 (the Ring user). */
  readonly publicKey: string
  readonly capabilities: readonly string[]
  /** SDK `Session.export()`: the public SessionInfo, no secret. */
  readonly exported: string
  /** SECRET `name=value`: the app stores it in the secret store. */
  readonly sessionCookie: string
  /** The URL the jar keyed the cookie under (to put it back). */
  readonly cookieUrl: string
}

export type RingErrorCode =
  | 'ring-session-expired'
  | 'ring-denied'
  | 'ring-timeout'
  | 'ring-cancelled'
  | 'ring-invalid-link'
  | 'ring-relay-failed'
  | 'needs-identity-key'

export class RingError extends PaykitError<RingErrorCode> {}

/** The person-facing explanation used by every `ring-session-expired`. */
export const RING_SESSION_EXPIRED_MESSAGE =
  "The shop's homeserver no longer knows this till's Pubky Ring session. Pair this till with Pubky Ring again."

/**
 * `needs-identity-key`: `what` needs the identity key (e.g. "Subscriptions are signed"), `todo` is
 * what the person can do with the recovery phrase (e.g. "propose plans").
 */
export function needsIdentityKey(what: string, todo: string): RingError {
  return new RingError(
    'needs-identity-key',
    `${what} with the shop's identity key, which stays in Pubky Ring. Open this till with the recovery phrase to ${todo}.`,
  )
}

const Z32_KEY = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/
// RFC 6265 cookie-name token and cookie-octets (no quotes, commas, semicolons, spaces or controls).
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,4096}$/
const MAX_EXPORTED = 16 * 1024

const invalid = (why: string): never => {
  throw new RingError('ring-invalid-link', `the saved Pubky Ring link ${why}; pair this till again`)
}

/**
 * Checks a `RingLink` from storage or another thread and returns a frozen copy. Throws
 * `ring-invalid-link` naming the bad field; never trusts lengths or types.
 */
export function checkRingLink(v: unknown): RingLink {
  if (typeof v !== 'object' || v === null) return invalid('is not an object')
  const o = v as Record<string, unknown>
  const publicKey = o['publicKey']
  if (typeof publicKey !== 'string' || !Z32_KEY.test(publicKey))
    invalid('has no z-base-32 "publicKey" (52 characters)')
  const caps = o['capabilities']
  if (
    !Array.isArray(caps) ||
    caps.length > 32 ||
    !caps.every((c) => typeof c === 'string' && c.length <= 256)
  )
    invalid('has no "capabilities" list of strings')
  const exported = o['exported']
  if (typeof exported !== 'string' || exported.length === 0 || exported.length > MAX_EXPORTED)
    invalid('has no exported session ("exported")')
  const cookie = o['sessionCookie']
  if (typeof cookie !== 'string') return invalid('has no "sessionCookie"')
  const eq = cookie.indexOf('=')
  if (eq <= 0 || !COOKIE_NAME.test(cookie.slice(0, eq)) || !COOKIE_VALUE.test(cookie.slice(eq + 1)))
    invalid('has a "sessionCookie" that is not name=value')
  if (cookie.slice(0, eq) !== publicKey) invalid('has a session cookie for another user')
  const cookieUrl = o['cookieUrl']
  let url: URL | undefined
  try {
    url = typeof cookieUrl === 'string' && cookieUrl.length <= 2048 ? new URL(cookieUrl) : undefined
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) invalid('has no http(s) "cookieUrl"')
  return Object.freeze({
    publicKey: publicKey as string,
    capabilities: Object.freeze([...(caps as string[])]),
    exported: exported as string,
    sessionCookie: cookie,
    cookieUrl: cookieUrl as string,
  })
}

/** Whether `caps` (the SDK's granted list) covers everything a till writes. */
export function coversTill(caps: readonly string[]): boolean {
  return caps.some((c) => {
    const i = c.lastIndexOf(':')
    if (i < 0) return false
    const scope = c.slice(0, i)
    const actions = c.slice(i + 1)
    return (
      actions.includes('r') &&
      actions.includes('w') &&
      (scope === '/' || scope === '/pub/' || scope === '/pub/paykit.app/' || scope === '/pub/paykit.app/v0/')
    )
  })
}

/** The parts of tough-cookie's jar we use (fetch-cookie's `cookieJar`). */
export interface CookieJarLike {
  serialize(): Promise<{ cookies: readonly SerializedCookie[] }>
  setCookie(cookie: string, url: string): Promise<unknown>
}

interface SerializedCookie {
  key?: string
  value?: string
  domain?: string | null
  path?: string | null
  secure?: boolean
  creation?: string
  expires?: string
}

/** The jar the SDK installed on this realm's `fetch`, or a `ring-relay-failed` saying it is missing. */
export function sdkCookieJar(): CookieJarLike {
  const jar = (globalThis.fetch as unknown as { cookieJar?: CookieJarLike }).cookieJar
  if (!jar || typeof jar.serialize !== 'function' || typeof jar.setCookie !== 'function')
    throw new RingError(
      'ring-relay-failed',
      "the Pubky SDK's cookie jar is not installed on fetch; load the SDK (PubkyGateway.open) first",
    )
  return jar
}

/** Reads `user`'s session cookie out of the jar: `{ sessionCookie, cookieUrl }`, or undefined. */
export async function readSessionCookie(
  jar: CookieJarLike,
  user: string,
): Promise<{ sessionCookie: string; cookieUrl: string } | undefined> {
  const { cookies } = await jar.serialize()
  // The homeserver names the cookie by the user's z32; the newest one wins if several hosts hold one.
  const mine = cookies
    .filter((c) => c.key === user && typeof c.value === 'string' && c.value.length > 0 && c.domain)
    .sort((a, b) => String(b.creation ?? '').localeCompare(String(a.creation ?? '')))[0]
  if (!mine) return undefined
  const host = mine.domain!.replace(/^\./, '')
  const path = mine.path && mine.path.startsWith('/') ? mine.path : '/'
  return {
    sessionCookie: `${user}=${mine.value!}`,
    cookieUrl: `${mine.secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}${path}`,
  }
}

/** Puts a saved session cookie back into the jar (HttpOnly, Path=/, as the homeserver set it). */
export async function putSessionCookie(jar: CookieJarLike, link: RingLink): Promise<void> {
  const secure = link.cookieUrl.startsWith('https:')
  await jar.setCookie(`${link.sessionCookie}; Path=/; HttpOnly${secure ? '; Secure' : ''}`, link.cookieUrl)
}
