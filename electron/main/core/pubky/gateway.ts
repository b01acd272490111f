/**
 * @module pubky/gateway
 * The only module that loads `@synonymdev/pubky`. One SDK facade per process, bound to one network
 * profile: mainnet relays (default), the embedded node's relay, or the static testnet — never a mix,
 * because publishing needs ⌈n/2⌉ relays and a mixed set fails offline (pubky-platform.md §7a).
 *
 * Why the SDK is loaded lazily and once: importing it replaces the process-wide `fetch` with a
 * cookie-keeping wrapper (its in-memory jar is what authorises session requests). Nothing else in
 * the core may rely on global `fetch`; core HTTP goes through node:http (`pkarr/http.ts`).
 *
 * Sessions live only in that jar, so they do not survive a restart: `ensureSession` signs in at
 * start, and a write refused with 401 signs in once more and retries.
 *
 * A Ring-linked till holds no keypair: `startRingSignin` runs the `pubkyauth://` flow and reads the
 * granted session's cookie out of the jar into a `RingLink`; `restoreRingSession` puts it back at
 * start. Such a session cannot be renewed here, so a 401 on it is `ring-session-expired`.
 */
import type * as Sdk from '@synonymdev/pubky'
import { PaykitError } from '../util/errors'
import {
  RING_CAPABILITIES,
  RING_SESSION_EXPIRED_MESSAGE,
  RingError,
  checkRingLink,
  coversTill,
  putSessionCookie,
  readSessionCookie,
  sdkCookieJar,
  type RingLink,
} from './ring-link'

export const MAINNET_RELAYS = ['https://relay.pkarr.org', 'https://pkarr.pubky.org'] as const

export type NetworkProfile =
  | { kind: 'mainnet'; relays?: string[]; requestTimeoutMs?: number }
  | { kind: 'embedded'; relayUrl: string; requestTimeoutMs?: number }
  | { kind: 'testnet'; host?: string }

export type GatewayErrorCode =
  | 'pubky-not-found'
  | 'pubky-unauthorized'
  | 'pubky-forbidden'
  | 'pubky-conflict'
  | 'pubky-bad-request'
  | 'pubky-unresolvable'
  | 'pubky-request-failed'
  | 'pubky-profile-mismatch'
  | 'pubky-no-session'
  | 'pubky-invalid-input'
  | 'pubky-too-large'

export class PubkyGatewayError extends PaykitError<GatewayErrorCode> {
  constructor(
    code: GatewayErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
  }
}

/** Maps an SDK `PubkyError` (or anything thrown) to a typed gateway error. */
export function toGatewayError(e: unknown, what: string): PubkyGatewayError {
  if (e instanceof PubkyGatewayError) return e
  const err = e as { name?: string; message?: string; data?: { statusCode?: number } }
  const status = typeof err?.data?.statusCode === 'number' ? err.data.statusCode : undefined
  const msg = `${what}: ${err?.message ?? String(e)}`
  if (err?.name === 'PkarrError')
    return new PubkyGatewayError('pubky-unresolvable', msg, status, { cause: e })
  if (err?.name === 'InvalidInput')
    return new PubkyGatewayError('pubky-invalid-input', msg, status, { cause: e })
  switch (status) {
    case 400:
      return new PubkyGatewayError('pubky-bad-request', msg, status, { cause: e })
    case 401:
      return new PubkyGatewayError('pubky-unauthorized', msg, status, { cause: e })
    case 403:
      return new PubkyGatewayError('pubky-forbidden', msg, status, { cause: e })
    case 404:
      return new PubkyGatewayError('pubky-not-found', msg, status, { cause: e })
    case 409:
      return new PubkyGatewayError('pubky-conflict', msg, status, { cause: e })
    default:
      return new PubkyGatewayError('pubky-request-failed', msg, status, { cause: e })
  }
}

export interface ListOptions {
  /** A `pubky://…` entry returned by an earlier list (the server takes nothing else). */
  cursor?: string
  reverse?: boolean
  limit?: number
  shallow?: boolean
}

type PubPath = `/pub/${string}`

function pubPath(path: string): PubPath {
  if (!path.startsWith('/pub/'))
    throw new PubkyGatewayError('pubky-invalid-input', `path "${path}" must start with /pub/`)
  return path as PubPath
}

function address(user: string, path: string): Sdk.Address {
  if (!/^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/.test(user)) {
    throw new PubkyGatewayError('pubky-invalid-input', `"${user}" is not a z-base-32 public key`)
  }
  return `pubky${user}${pubPath(path)}` as Sdk.Address
}

let loaded: { sdk: typeof Sdk; profileKey: string; gateway: PubkyGateway } | undefined

const profileKey = (p: NetworkProfile): string => JSON.stringify(p)

/** The user's signed-in state: the keypair (kept for re-signin; none for a Ring link) and the live session. */
interface Identity {
  keypair: Sdk.Keypair | undefined
  session: Sdk.Session | undefined
}

/** A running `pubkyauth://` sign-in: show `url` as a QR; `approved` settles once Ring answers. */
export interface RingSignin {
  /** The `pubkyauth://signin?…` deep link (holds the one-time channel secret: show it, do not log it). */
  readonly url: string
  /** The grant, or a `RingError`: `ring-denied`, `ring-timeout`, `ring-cancelled`, `ring-relay-failed`. */
  readonly approved: Promise<RingLink>
  /** Stops waiting (`approved` rejects with `ring-cancelled`); a late approval is signed out. */
  cancel(): Promise<void>
}

export interface RingSigninOptions {
  /** Give up after this long (default 10 minutes, the relay's own limit). */
  timeoutMs?: number
}

export class PubkyGateway {
  private readonly identities = new Map<string, Identity>()

  private constructor(
    private readonly sdk: typeof Sdk,
    private readonly pubky: Sdk.Pubky,
    readonly profile: NetworkProfile,
  ) {}

  /**
   * Loads the SDK (first call only) and returns the process's gateway. A second call with a
   * different profile throws `pubky-profile-mismatch`: one process, one network.
   */
  static async open(profile: NetworkProfile = { kind: 'mainnet' }): Promise<PubkyGateway> {
    const key = profileKey(profile)
    if (loaded) {
      if (loaded.profileKey !== key) {
        throw new PubkyGatewayError(
          'pubky-profile-mismatch',
          `the Pubky gateway is already bound to ${loaded.profileKey}; restart to switch to ${key}`,
        )
      }
      return loaded.gateway
    }
    const sdk = (await import('@synonymdev/pubky')) as typeof Sdk
    let pubky: Sdk.Pubky
    switch (profile.kind) {
      case 'testnet':
        pubky = sdk.Pubky.testnet(profile.host ?? 'localhost')
        break
      case 'embedded':
        pubky = sdk.Pubky.withClient(
          new sdk.Client({
            pkarr: { relays: [profile.relayUrl], requestTimeout: profile.requestTimeoutMs ?? 5000 },
          }),
        )
        break
      case 'mainnet':
        pubky = sdk.Pubky.withClient(
          new sdk.Client({
            pkarr: {
              relays: profile.relays ?? [...MAINNET_RELAYS],
              requestTimeout: profile.requestTimeoutMs ?? 5000,
            },
          }),
        )
        break
    }
    const gateway = new PubkyGateway(sdk, pubky, profile)
    loaded = { sdk, profileKey: key, gateway }
    return gateway
  }

  private identity(secret: Uint8Array): { z32: string; id: Identity } {
    if (!(secret instanceof Uint8Array) || secret.length !== 32) {
      throw new PubkyGatewayError('pubky-invalid-input', 'a Pubky secret key is 32 bytes')
    }
    const keypair = this.sdk.Keypair.fromSecret(secret)
    const z32 = keypair.publicKey.z32()
    let id = this.identities.get(z32)
    if (!id) {
      id = { keypair, session: undefined }
      this.identities.set(z32, id)
    } else if (!id.keypair) id.keypair = keypair
    else keypair.free()
    return { z32, id }
  }

  private sessionOf(user: string): { id: Identity; session: Sdk.Session } {
    const id = this.identities.get(user)
    if (!id?.session)
      throw new PubkyGatewayError('pubky-no-session', `no session for ${user}: sign up or sign in first`)
    return { id, session: id.session }
  }

  /** Signs up on `homeserver` (z32), optionally with a signup token. Returns the user's z32. */
  async signup(secret: Uint8Array, homeserver: string, signupToken?: string): Promise<string> {
    const { z32, id } = this.identity(secret)
    try {
      // identity() always leaves a keypair on the entry it returns.
      id.session = await this.pubky
        .signer(id.keypair!)
        .signup(this.sdk.PublicKey.from(homeserver), signupToken ?? null)
      return z32
    } catch (e) {
      throw toGatewayError(e, 'signup')
    }
  }

  /** Signs in (waiting for the PKDNS republish, so the user is resolvable when this returns). */
  async signin(secret: Uint8Array): Promise<string> {
    const { z32, id } = this.identity(secret)
    await this.resignin(id, 'signin')
    return z32
  }

  /** At start: sign in so the process's cookie jar holds a session. Same as `signin`. */
  ensureSession(secret: Uint8Array): Promise<string> {
    return this.signin(secret)
  }

  private async resignin(id: Identity, what: string): Promise<Sdk.Session> {
    if (!id.keypair) throw new RingError('ring-session-expired', RING_SESSION_EXPIRED_MESSAGE)
    try {
      id.session = await this.pubky.signer(id.keypair).signinBlocking()
      return id.session
    } catch (e) {
      throw toGatewayError(e, what)
    }
  }

  /** Runs a session operation; on 401 signs in once more and retries. */
  private async withSession<T>(
    user: string,
    what: string,
    op: (s: Sdk.SessionStorage) => Promise<T>,
  ): Promise<T> {
    const { id, session } = this.sessionOf(user)
    try {
      return await op(session.storage)
    } catch (e) {
      const mapped = toGatewayError(e, what)
      if (mapped.code !== 'pubky-unauthorized') throw mapped
      // A Ring session cannot be renewed without the phone: the owner has to pair again.
      if (!id.keypair) throw new RingError('ring-session-expired', RING_SESSION_EXPIRED_MESSAGE, { cause: e })
      const fresh = await this.resignin(id, `${what} (re-signin after 401)`)
      try {
        return await op(fresh.storage)
      } catch (e2) {
        throw toGatewayError(e2, what)
      }
    }
  }

  put(user: string, path: string, body: Uint8Array | string): Promise<void> {
    const p = pubPath(path)
    return this.withSession(user, `put ${path}`, (s) =>
      typeof body === 'string' ? s.putText(p, body) : s.putBytes(p, body),
    )
  }

  putJson(user: string, path: string, value: unknown): Promise<void> {
    const p = pubPath(path)
    return this.withSession(user, `put ${path}`, (s) => s.putJson(p, value))
  }

  /** Own file bytes, or undefined when absent. */
  async get(user: string, path: string): Promise<Uint8Array | undefined> {
    const p = pubPath(path)
    try {
      return await this.withSession(user, `get ${path}`, (s) => s.getBytes(p))
    } catch (e) {
      if (e instanceof PubkyGatewayError && e.code === 'pubky-not-found') return undefined
      throw e
    }
  }

  delete(user: string, path: string): Promise<void> {
    const p = pubPath(path)
    return this.withSession(user, `delete ${path}`, (s) => s.delete(p))
  }

  /** Lists a directory (path ends with '/'); an absent directory lists as empty. */
  async list(user: string, dir: string, opts: ListOptions = {}): Promise<string[]> {
    const p = pubPath(dir)
    try {
      return await this.withSession(user, `list ${dir}`, (s) =>
        s.list(p, opts.cursor ?? null, opts.reverse ?? false, opts.limit ?? null, opts.shallow ?? false),
      )
    } catch (e) {
      if (e instanceof PubkyGatewayError && e.code === 'pubky-not-found') return []
      throw e
    }
  }

  /** Anyone's public file, or undefined when absent. `pubky-unresolvable` if the user has no homeserver. */
  async publicGet(user: string, path: string): Promise<Uint8Array | undefined> {
    const a = address(user, path)
    try {
      return await this.pubky.publicStorage.getBytes(a)
    } catch (e) {
      const mapped = toGatewayError(e, `public get ${user}${path}`)
      if (mapped.code === 'pubky-not-found') return undefined
      throw mapped
    }
  }

  /**
   * Like `publicGet`, but reads the body as a stream and aborts once it passes `maxBytes`, so a
   * hostile homeserver cannot make us buffer an unbounded response. `pubky-too-large` past the cap.
   */
  async publicGetCapped(user: string, path: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const a = address(user, path)
    let response: Response
    try {
      response = await this.pubky.publicStorage.get(a)
    } catch (e) {
      const mapped = toGatewayError(e, `public get ${user}${path}`)
      if (mapped.code === 'pubky-not-found') return undefined
      throw mapped
    }
    if (response.status === 404) return undefined
    const declared = Number(response.headers.get('content-length') ?? NaN)
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel()
      throw new PubkyGatewayError(
        'pubky-too-large',
        `${user}${path} is ${declared} bytes; the limit is ${maxBytes}`,
      )
    }
    if (!response.body) return new Uint8Array(0)
    const reader = response.body.getReader()
    const chunks: Uint8Array[] = []
    let total = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.length
      if (total > maxBytes) {
        await reader.cancel()
        throw new PubkyGatewayError('pubky-too-large', `${user}${path} exceeds the ${maxBytes}-byte limit`)
      }
      chunks.push(value)
    }
    const out = new Uint8Array(total)
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.length
    }
    return out
  }

  async publicList(user: string, dir: string, opts: ListOptions = {}): Promise<string[]> {
    const a = address(user, dir)
    try {
      return await this.pubky.publicStorage.list(
        a,
        opts.cursor ?? null,
        opts.reverse ?? false,
        opts.limit ?? null,
        opts.shallow ?? false,
      )
    } catch (e) {
      const mapped = toGatewayError(e, `public list ${user}${dir}`)
      if (mapped.code === 'pubky-not-found') return []
      throw mapped
    }
  }

  /** The homeserver a user's `_pubky` record points to, or undefined. */
  async homeserverOf(user: string): Promise<string | undefined> {
    try {
      return (await this.pubky.getHomeserverOf(this.sdk.PublicKey.from(user)))?.z32()
    } catch (e) {
      throw toGatewayError(e, `resolve homeserver of ${user}`)
    }
  }

  /**
   * Starts "Sign in with Pubky Ring": a `pubkyauth://signin` flow for `caps` over the HTTP relay
   * `relay` (the SDK's default relay when absent). On approval the granted session is this
   * gateway's session for the Ring user (writes work at once) and `approved` yields its `RingLink`.
   */
  startRingSignin(
    caps: string = RING_CAPABILITIES,
    relay?: string,
    opts: RingSigninOptions = {},
  ): RingSignin {
    let flow: Sdk.AuthFlow
    try {
      flow = this.pubky.startAuthFlow(caps as Sdk.Capabilities, this.sdk.AuthFlowKind.signin(), relay ?? null)
    } catch (e) {
      throw toGatewayError(e, 'start the Pubky Ring sign-in')
    }
    const url = flow.authorizationUrl
    let settled = false
    let rejectNow: (e: RingError) => void = () => {}
    const stopped = new Promise<never>((_, reject) => (rejectNow = reject))
    const timeoutMs = opts.timeoutMs ?? 10 * 60_000
    const timer = setTimeout(
      () =>
        rejectNow(
          new RingError(
            'ring-timeout',
            `Pubky Ring did not approve within ${Math.round(timeoutMs / 1000)} s; show a new QR code and scan it with Pubky Ring`,
          ),
        ),
      timeoutMs,
    )
    const approval = flow.awaitApproval()
    // Runs whatever the race's outcome: a grant that arrives after we stopped waiting is signed out,
    // so no session nobody holds is left on the homeserver.
    const granted = approval.then(
      async (session) => {
        if (settled) {
          await session.signout().catch(() => {})
          throw new RingError('ring-cancelled', 'the approval arrived after the sign-in was cancelled')
        }
        return this.adoptRingSession(session, caps)
      },
      (e: unknown) => {
        throw ringFailure(e)
      },
    )
    const approved = Promise.race([granted, stopped]).finally(() => {
      settled = true
      clearTimeout(timer)
    })
    // Neither branch may surface as an unhandled rejection once the other has won.
    granted.catch(() => {})
    approved.catch(() => {})
    return {
      url,
      approved,
      cancel: async () => {
        rejectNow(new RingError('ring-cancelled', 'the Pubky Ring sign-in was cancelled'))
        await approved.catch(() => {})
      },
    }
  }

  private async adoptRingSession(session: Sdk.Session, requested: string): Promise<RingLink> {
    const user = session.info.publicKey.z32()
    const capabilities = [...session.info.capabilities]
    if (requested === RING_CAPABILITIES && !coversTill(capabilities)) {
      await session.signout().catch(() => {})
      throw new RingError(
        'ring-denied',
        `Pubky Ring granted ${capabilities.join(', ') || 'nothing'}, but a till needs ${RING_CAPABILITIES}; approve the request as shown`,
      )
    }
    const cookie = await readSessionCookie(sdkCookieJar(), user)
    if (!cookie)
      throw new RingError(
        'ring-relay-failed',
        "the homeserver accepted Pubky Ring's approval but set no session cookie; try pairing again",
      )
    const existing = this.identities.get(user)
    if (existing) existing.session = session
    else this.identities.set(user, { keypair: undefined, session })
    return checkRingLink({ publicKey: user, capabilities, exported: session.export(), ...cookie })
  }

  /**
   * At start of a Ring-linked till: puts the saved cookie back into this process's jar and has the
   * homeserver confirm the session. `ring-session-expired` when it no longer knows it;
   * `ring-invalid-link` when `link` is damaged (then nothing was changed). Returns the user's z32.
   */
  async restoreRingSession(link: RingLink): Promise<string> {
    const l = checkRingLink(link)
    await putSessionCookie(sdkCookieJar(), l)
    let session: Sdk.Session
    try {
      session = await this.pubky.restoreSession(l.exported)
    } catch (e) {
      const mapped = toGatewayError(e, 'restore the Pubky Ring session')
      if (
        mapped.code === 'pubky-unauthorized' ||
        mapped.code === 'pubky-not-found' ||
        mapped.code === 'pubky-forbidden' ||
        (e as { name?: string })?.name === 'AuthenticationError'
      )
        throw new RingError('ring-session-expired', RING_SESSION_EXPIRED_MESSAGE, { cause: e })
      if (mapped.code === 'pubky-invalid-input' || mapped.code === 'pubky-bad-request')
        throw new RingError(
          'ring-invalid-link',
          'the saved Pubky Ring session cannot be read; pair this till again',
          {
            cause: e,
          },
        )
      throw mapped
    }
    if (session.info.publicKey.z32() !== l.publicKey)
      throw new RingError(
        'ring-invalid-link',
        'the saved Pubky Ring session belongs to another user; pair this till again',
      )
    const existing = this.identities.get(l.publicKey)
    if (existing) existing.session = session
    else this.identities.set(l.publicKey, { keypair: undefined, session })
    return l.publicKey
  }

  /** Signs out the user's session (server side and cookie). */
  async signout(user: string): Promise<void> {
    const { id, session } = this.sessionOf(user)
    try {
      await session.signout()
    } catch (e) {
      throw toGatewayError(e, 'signout')
    } finally {
      id.session = undefined
    }
  }
}

/** Maps an auth-flow failure to a `RingError`. */
function ringFailure(e: unknown): PaykitError {
  if (e instanceof PaykitError) return e
  const err = e as { name?: string; message?: string }
  const msg = err?.message ?? String(e)
  if (err?.name === 'AuthenticationError')
    return new RingError('ring-denied', `Pubky Ring's approval did not verify (${msg}); scan a new QR code`, {
      cause: e,
    })
  return new RingError(
    'ring-relay-failed',
    `waiting for Pubky Ring through the link relay failed (${msg}); check the connection and try again`,
    { cause: e },
  )
}
