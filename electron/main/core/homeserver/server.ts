/**
 * @module homeserver/server
 * The homeserver client API that `@synonymdev/pubky` 0.6.0 uses (pubky-core v0.6.0
 * `client_server`): `/signup`, `/session`, `/pub/…` GET/HEAD/PUT/DELETE with listings, `/events/`.
 * Tenants are chosen by a z32 `Host`, overridden by the `pubky-host` header, else `?pubky-host=`.
 * Status codes and messages follow the reference (`routes/auth.rs`, `layers/authz.rs`,
 * `routes/tenants/*`, `routes/events.rs`, `shared/http_error.rs`); error bodies are plain text.
 *
 * Session cookies are named by the user's z32 with the session secret as value, HttpOnly, Path=/,
 * a one-year lifetime, and `Secure; SameSite=None` only when the Host is a z32 key or a dotted name
 * without a port (so the Node SDK's cookie jar keeps them over plain http to localhost).
 */
import type * as http from 'node:http'
import { base32crockford } from '@scure/base'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { z32Decode, z32Encode } from '../keys/z32'
import { applyCors, HttpError, readBody, sendBytes, sendEmpty, sendError, sendText } from '../pkarr/http'
import { systemClock, type Clock } from '../util/clock'
import { systemRng, type Rng } from '../util/rng'
import { AuthTokenError, TIMESTAMP_WINDOW_US, verifyAuthToken } from './auth-token'
import { canWrite, formatCapability, parseCapabilities, type Capability } from './capabilities'
import { inferContentType } from './content-type'
import { encodeSessionInfo } from './postcard'
import type { EntryInfo, HomeserverStore } from './store'
import { isDirectory, normalizePath } from './webdav-path'

export type SignupMode = 'open' | 'token_required'

export const DEFAULT_LIST_LIMIT = 100
export const MAX_LIST_LIMIT = 1000
/** Body limit of tenant routes in the reference (`DefaultBodyLimit::max(100 MiB)`). */
export const DEFAULT_BODY_LIMIT = 100 * 1024 * 1024
const ONE_YEAR_S = 365 * 24 * 3600
/** Most z32 tenant keys remembered as valid (see `Homeserver.isTenantKey`). */
const KNOWN_KEYS_MAX = 4096

export interface HomeserverOptions {
  store: HomeserverStore
  /** The homeserver's own z32 public key (for logs and /events/ addressing). */
  publicKey: string
  signupMode?: SignupMode
  /** Largest request body on tenant routes, bytes. */
  bodyLimit?: number
  /** Per-user storage quota in bytes; undefined = unlimited. */
  quotaBytes?: number
  clock?: Clock
  rng?: Rng
  provider?: CryptoProvider
}

/** Whether a string is a z32-encoded 32-byte key (without the `pubky` prefix). */
export function isZ32Key(value: string): boolean {
  if (value.length !== 52) return false
  try {
    return z32Decode(value).length === 32
  } catch {
    return false
  }
}

function isSecureHost(host: string): boolean {
  if (isZ32Key(host)) return true
  if (host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return false
  return host.includes('.')
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (!header) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim())
  }
  return out
}

function parseBool(value: string): boolean {
  switch (value.toLowerCase()) {
    case '':
    case 'true':
    case 'yes':
    case '1':
      return true
    case 'false':
    case 'no':
    case '0':
      return false
    default:
      throw new HttpError(400, 'Invalid boolean parameter')
  }
}

const etagOf = (hash: Uint8Array): string => `"${Buffer.from(hash).toString('base64')}"`
const httpDate = (ms: number): string => new Date(ms).toUTCString()

export class Homeserver {
  readonly publicKey: string
  private readonly store: HomeserverStore
  private readonly signupMode: SignupMode
  private readonly bodyLimit: number
  private readonly quotaBytes: number | undefined
  private readonly clock: Clock
  private readonly rng: Rng
  private readonly provider: CryptoProvider
  private readonly knownKeys = new Set<string>()

  constructor(opts: HomeserverOptions) {
    this.store = opts.store
    this.publicKey = opts.publicKey
    this.signupMode = opts.signupMode ?? 'open'
    this.bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT
    this.quotaBytes = opts.quotaBytes
    this.clock = opts.clock ?? systemClock
    this.rng = opts.rng ?? systemRng
    this.provider = opts.provider ?? defaultProvider()
  }

  /** A fresh signup token: 7 random bytes, Crockford base32, `XXXX-XXXX-XXXX`. */
  createSignupToken(): string {
    const raw = base32crockford.encode(this.rng(7)).toUpperCase()
    const token = `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`
    this.store.createSignupToken(token, this.clock.now())
    return token
  }

  /** The node:http handler. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    applyCors(req, res)
    try {
      const url = req.url ?? '/'
      const q = url.indexOf('?')
      const rawPath = q < 0 ? url : url.slice(0, q)
      const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1))
      const method = req.method ?? 'GET'
      if (method === 'OPTIONS') return sendEmpty(res, 200)
      if (rawPath === '/') {
        if (method === 'GET' || method === 'HEAD') return sendText(res, 200, 'Pubky Homeserver')
        return sendText(res, 405, 'Method Not Allowed')
      }
      if (rawPath === '/signup') {
        if (method !== 'POST') return sendText(res, 405, 'Method Not Allowed')
        return await this.signup(req, res, query)
      }
      if (rawPath === '/session' && method === 'POST') return await this.signin(req, res)
      if (rawPath === '/events/') {
        if (method !== 'GET') return sendText(res, 405, 'Method Not Allowed')
        return this.events(res, query)
      }
      const tenant = this.tenantOf(req, query)
      if (rawPath === '/session') {
        if (method !== 'GET' && method !== 'DELETE') return sendText(res, 405, 'Method Not Allowed')
        if (!tenant) throw new HttpError(404, 'Pubky Host is missing')
        return method === 'GET' ? this.getSession(req, res, tenant) : this.signout(req, res, tenant)
      }
      if (!['GET', 'HEAD', 'PUT', 'DELETE'].includes(method)) return sendText(res, 405, 'Method Not Allowed')
      if (!tenant) throw new HttpError(404, 'Pubky Host is missing')
      const path = normalizePath(rawPath)
      if (!path.startsWith('/pub/')) {
        throw new HttpError(403, "Writing to directories other than '/pub/' is forbidden")
      }
      if (method === 'PUT' || method === 'DELETE') this.authorizeWrite(req, tenant, path)
      switch (method) {
        case 'GET':
          return isDirectory(path)
            ? this.list(res, tenant, path, query)
            : this.getFile(req, res, tenant, path, false)
        case 'HEAD':
          return this.getFile(req, res, tenant, path, true)
        case 'PUT':
          return await this.put(req, res, tenant, path)
        default:
          return this.delete(res, tenant, path)
      }
    } catch (e) {
      if (!res.headersSent && !req.readableEnded) req.resume()
      sendError(res, e)
    }
  }

  // ---------------------------------------------------------------- tenant and auth

  private tenantOf(req: http.IncomingMessage, query: URLSearchParams): string | undefined {
    let tenant: string | undefined
    for (const name of ['host', 'pubky-host']) {
      const v = req.headers[name]
      if (typeof v === 'string' && !v.startsWith('pubky') && this.isTenantKey(v)) tenant = v
    }
    if (tenant === undefined) {
      const v = query.get('pubky-host')
      if (v !== null && !v.startsWith('pubky') && this.isTenantKey(v)) tenant = v
    }
    return tenant
  }

  /**
   * `isZ32Key`, remembering keys that passed: every request names its tenant, and decoding the
   * same 52 characters each time was a measurable share of a small request's CPU. Bounded: the
   * set is emptied when it reaches `KNOWN_KEYS_MAX`, so hostile hosts cannot grow it.
   */
  private isTenantKey(value: string): boolean {
    if (this.knownKeys.has(value)) return true
    if (!isZ32Key(value)) return false
    if (this.knownKeys.size >= KNOWN_KEYS_MAX) this.knownKeys.clear()
    this.knownKeys.add(value)
    return true
  }

  private sessionSecretOf(req: http.IncomingMessage, tenant: string): string | undefined {
    const secret = parseCookies(req.headers.cookie).get(tenant)
    return secret !== undefined && /^[0-9A-Za-z]{26}$/.test(secret) ? secret : undefined
  }

  private authorizeWrite(req: http.IncomingMessage, tenant: string, path: string): void {
    const secret = this.sessionSecretOf(req, tenant)
    if (secret === undefined) throw new HttpError(401, 'No session secret found in cookies')
    const session = this.store.getSession(secret)
    if (!session) throw new HttpError(401, 'No session found for session secret')
    if (session.publicKey !== tenant)
      throw new HttpError(401, 'SessionInfo public key does not match pubky-host')
    if (!canWrite(parseCapabilities(session.capabilities), path)) {
      throw new HttpError(403, 'Session does not have write access to path')
    }
  }

  private verifyToken(body: Uint8Array): { publicKey: string; capabilities: Capability[] } {
    const nowUs = BigInt(this.clock.now()) * 1000n
    try {
      const token = verifyAuthToken(body, nowUs, this.provider)
      if (!this.store.rememberTokenId(token.id, token.timestampUs, nowUs - 2n * TIMESTAMP_WINDOW_US)) {
        throw new HttpError(400, 'AuthToken already used')
      }
      return { publicKey: z32Encode(token.publicKey), capabilities: token.capabilities }
    } catch (e) {
      if (e instanceof AuthTokenError) throw new HttpError(400, e.message)
      throw e
    }
  }

  private createSessionAndCookie(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    publicKey: string,
    capabilities: Capability[],
  ): void {
    const secret = base32crockford.encode(this.rng(16))
    const createdAtUs = BigInt(this.clock.now()) * 1000n
    const caps = capabilities.map(formatCapability)
    this.store.createSession(secret, publicKey, caps.join(','), createdAtUs)
    this.setCookie(req, res, publicKey, secret, ONE_YEAR_S)
    const body = encodeSessionInfo({ publicKey: z32Decode(publicKey), createdAtUs, capabilities: caps })
    sendBytes(res, 200, body, 'application/octet-stream')
  }

  private setCookie(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    name: string,
    value: string,
    maxAge: number,
  ): void {
    const host = req.headers.host ?? ''
    const expires = httpDate(this.clock.now() + maxAge * 1000)
    const secure = isSecureHost(host) ? '; Secure; SameSite=None' : ''
    res.setHeader(
      'set-cookie',
      `${name}=${value}; HttpOnly; Path=/; Max-Age=${maxAge}; Expires=${expires}${secure}`,
    )
  }

  // ---------------------------------------------------------------- /signup, /session

  private async signup(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    const body = await readBody(req, 64 * 1024)
    const token = this.verifyToken(body)
    const nowMs = this.clock.now()
    this.store.tx(() => {
      if (this.store.getUser(token.publicKey)) throw new HttpError(409, 'User already exists')
      if (this.signupMode === 'token_required') {
        const code = query.get('signup_token')
        if (code === null) throw new HttpError(400, 'Token required')
        if (!/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(code)) {
          throw new HttpError(400, 'Invalid signup token format: Invalid signup code id')
        }
        const row = this.store.getSignupToken(code)
        if (!row) throw new HttpError(401, 'Invalid token')
        if (row.usedBy !== undefined) throw new HttpError(401, 'Token already used')
        this.store.useSignupToken(code, token.publicKey)
      }
      this.store.createUser(token.publicKey, nowMs)
    })
    this.createSessionAndCookie(req, res, token.publicKey, token.capabilities)
  }

  private async signin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, 64 * 1024)
    const token = this.verifyToken(body)
    if (!this.store.getUser(token.publicKey)) throw new HttpError(404, 'Not Found')
    this.createSessionAndCookie(req, res, token.publicKey, token.capabilities)
  }

  private getSession(req: http.IncomingMessage, res: http.ServerResponse, tenant: string): void {
    if (!this.store.getUser(tenant)) throw new HttpError(404, 'Not Found')
    const secret = this.sessionSecretOf(req, tenant)
    const session = secret !== undefined ? this.store.getSession(secret) : undefined
    // Stronger than the reference: the session must also belong to the tenant it is read for.
    if (!session || session.publicKey !== tenant) throw new HttpError(404, 'Not Found')
    const body = encodeSessionInfo({
      publicKey: z32Decode(tenant),
      createdAtUs: session.createdAtUs,
      capabilities: session.capabilities === '' ? [] : session.capabilities.split(','),
    })
    res.setHeader('vary', 'cookie, pubky-host')
    res.setHeader('cache-control', 'private, must-revalidate')
    sendBytes(res, 200, body, 'application/octet-stream')
  }

  private signout(req: http.IncomingMessage, res: http.ServerResponse, tenant: string): void {
    const secret = this.sessionSecretOf(req, tenant)
    if (secret !== undefined) {
      const session = this.store.getSession(secret)
      if (session && session.publicKey === tenant) this.store.deleteSession(secret)
    }
    this.setCookie(req, res, tenant, '', 0)
    sendEmpty(res, 200)
  }

  // ---------------------------------------------------------------- files

  private entryHeaders(res: http.ServerResponse, e: EntryInfo): void {
    res.setHeader('content-length', e.contentLength)
    res.setHeader('content-type', e.contentType)
    res.setHeader('last-modified', httpDate(e.modifiedAtMs))
    res.setHeader('etag', etagOf(e.contentHash))
    res.setHeader('vary', 'pubky-host')
    res.setHeader('cache-control', 'private, must-revalidate')
  }

  private getFile(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tenant: string,
    path: string,
    head: boolean,
  ): void {
    if (head && !this.store.getUser(tenant)) throw new HttpError(404, 'Not Found')
    const inm = req.headers['if-none-match']
    const ims = req.headers['if-modified-since']
    // A plain GET (the common case) reads metadata and bytes in one query; HEAD and conditional
    // requests read metadata only, since they may not need the bytes.
    const full =
      !head && inm === undefined && ims === undefined ? this.store.getEntry(tenant, path) : undefined
    const entry = full ? full.info : this.store.getEntryInfo(tenant, path)
    if (!entry) throw new HttpError(404, 'Not Found')
    let notModified = false
    if (typeof inm === 'string') {
      const current = etagOf(entry.contentHash)
      notModified = inm.split(',').some((t) => t.trim() === current)
    } else if (typeof ims === 'string') {
      const since = Date.parse(ims)
      notModified = Number.isFinite(since) && since >= Math.floor(entry.modifiedAtMs / 1000) * 1000
    }
    if (!head && notModified) {
      res.setHeader('etag', etagOf(entry.contentHash))
      res.setHeader('last-modified', httpDate(entry.modifiedAtMs))
      res.setHeader('vary', 'pubky-host')
      res.setHeader('cache-control', 'private, must-revalidate')
      return sendEmpty(res, 304)
    }
    this.entryHeaders(res, entry)
    res.statusCode = 200
    if (head) {
      res.end()
      return
    }
    res.end(full ? full.content : (this.store.getContent(tenant, path) ?? new Uint8Array(0)))
  }

  private list(res: http.ServerResponse, tenant: string, dir: string, query: URLSearchParams): void {
    if (!this.store.hasAnyUnder(tenant, dir)) throw new HttpError(404, 'Directory Not Found')
    const reverse = query.has('reverse') ? parseBool(query.get('reverse') ?? '') : false
    const shallow = query.has('shallow') ? parseBool(query.get('shallow') ?? '') : false
    const limitText = query.get('limit') ?? ''
    const parsedLimit =
      /^\d{1,5}$/.test(limitText) && Number(limitText) <= 0xffff ? Number(limitText) : DEFAULT_LIST_LIMIT
    const limit = Math.min(parsedLimit, MAX_LIST_LIMIT)
    let cursor: string | undefined
    const rawCursor = query.get('cursor')
    if (rawCursor !== null && rawCursor !== '') {
      const c = rawCursor.startsWith('pubky://') ? rawCursor.slice(8) : rawCursor
      const slash = c.indexOf('/')
      if (slash < 0 || !isZ32Key(c.slice(0, slash))) throw new HttpError(400, 'Invalid cursor')
      try {
        cursor = normalizePath(c.slice(slash).replace(/%/g, '%25'))
      } catch {
        throw new HttpError(400, 'Invalid cursor')
      }
    }
    const paths = shallow
      ? this.store.listShallow(tenant, dir, limit, cursor, reverse)
      : this.store.listDeep(tenant, dir, limit, cursor, reverse)
    sendText(res, 200, paths.map((p) => `pubky://${tenant}${p}`).join('\n'))
  }

  private async put(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    tenant: string,
    path: string,
  ): Promise<void> {
    if (isDirectory(path))
      throw new HttpError(400, 'Invalid path: cannot write to a directory path (it ends with /)')
    const user = this.store.getUser(tenant)
    if (!user) throw new HttpError(404, 'Not Found')
    if (user.disabled) throw new HttpError(403, 'User is disabled')
    // Quota checks cost two lookups before and two after the body; without a quota, skip them.
    const declared = Number(req.headers['content-length'])
    if (this.quotaBytes !== undefined && Number.isFinite(declared)) {
      this.checkQuota(user.usedBytes, this.store.getEntryInfo(tenant, path)?.contentLength ?? 0, declared)
    }
    const body = await readBody(req, this.bodyLimit)
    if (this.quotaBytes !== undefined) {
      // Again after the body: other writes may have landed while it streamed in.
      this.checkQuota(
        this.store.getUser(tenant)?.usedBytes ?? 0,
        this.store.getEntryInfo(tenant, path)?.contentLength ?? 0,
        body.length,
      )
    }
    const content = new Uint8Array(body.buffer, body.byteOffset, body.length)
    this.store.putEntry(
      tenant,
      {
        path,
        contentHash: this.provider.blake3(content),
        contentLength: content.length,
        contentType: inferContentType(path, content),
        modifiedAtMs: this.clock.now(),
      },
      content,
    )
    sendEmpty(res, 201)
  }

  private checkQuota(used: number, existing: number, incoming: number): void {
    if (this.quotaBytes === undefined) return
    if (used + Math.max(0, incoming - existing) > this.quotaBytes) {
      const mb = (this.quotaBytes / 1024 / 1024).toFixed(1)
      throw new HttpError(507, `Disk space quota of ${mb} MB exceeded. Write operation failed.`)
    }
  }

  private delete(res: http.ServerResponse, tenant: string, path: string): void {
    if (isDirectory(path))
      throw new HttpError(400, 'Invalid path: cannot delete a directory path (it ends with /)')
    if (!this.store.getUser(tenant)) throw new HttpError(404, 'Not Found')
    if (!this.store.deleteEntry(tenant, path)) throw new HttpError(404, 'Not Found')
    sendEmpty(res, 204)
  }

  // ---------------------------------------------------------------- events

  private events(res: http.ServerResponse, query: URLSearchParams): void {
    const rawCursor = query.get('cursor') ?? ''
    const cursorText = rawCursor === '' ? '0' : rawCursor
    if (!/^\d{1,15}$/.test(cursorText)) throw new HttpError(400, 'Invalid cursor')
    const limitText = query.get('limit') ?? ''
    const parsed =
      /^\d{1,5}$/.test(limitText) && Number(limitText) <= 0xffff ? Number(limitText) : DEFAULT_LIST_LIMIT
    const events = this.store.eventsAfter(Number(cursorText), Math.min(parsed, MAX_LIST_LIMIT))
    const lines = events.map((e) => `${e.type} pubky://${e.publicKey}${e.path}`)
    const last = events[events.length - 1]
    if (last) lines.push(`cursor: ${last.id}`)
    sendText(res, 200, lines.join('\n'))
  }
}
