/**
 * @module pubky/embedded-node
 * The app's offline "embedded default": a pkarr relay, a homeserver and an auth-flow link relay in
 * this process, on one 127.0.0.1 port, persisted in SQLite under `dataDir`:
 *
 * - `/pkarr/{z32}` — the relay (give `relayUrl` to the SDK: `new Client({ pkarr: { relays: [relayUrl] } })`);
 * - `/link/{id}` — the `pubkyauth://` HTTP relay;
 * - everything else — the homeserver.
 *
 * At start the homeserver publishes its own packet (`HTTPS 10 localhost` + port) to the relay over
 * HTTP, so clients find it through pkarr exactly as they find a real one. Unless a port is given,
 * the port used last time is tried first (SDK caches keep records for minutes), then any free port.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { z32Encode } from '../keys/z32'
import { HomeserverStore, openDatabase } from '../homeserver/store'
import { Homeserver, type SignupMode } from '../homeserver/server'
import { homeserverPacket } from '../homeserver/pkdns'
import { publishToRelay } from '../pkarr/relay-client'
import { PkarrRelay } from '../pkarr/relay'
import { RelayStore } from '../pkarr/relay-store'
import { systemClock, type Clock } from '../util/clock'
import { wipe } from '../util/bytes'
import { loadOrCreateHomeserverSecret } from './homeserver-key'
import { LinkRelay } from './link-relay'
import { closeServer, listen } from './listen'

export interface EmbeddedNodeOptions {
  dataDir: string
  /** Port to bind; default: the last port used, else OS-assigned. */
  port?: number
  /** Bind address; default 127.0.0.1. */
  host?: string
  signupMode?: SignupMode
  quotaBytes?: number
  bodyLimit?: number
  durability?: 'full' | 'normal'
  /** Called with every request's method and URL before it is handled (diagnostics and tests). */
  onRequest?: (method: string, url: string) => void
  clock?: Clock
  provider?: CryptoProvider
}

export interface EmbeddedNode {
  homeserverPublicKey: string
  /** pkarr relay base URL (the SDK appends `/<z32>`). */
  relayUrl: string
  /** Base URL of the homeserver routes (tenant chosen by the `pubky-host` header). */
  homeserverUrl: string
  /** Base URL for `startAuthFlow(…, relay)`: `<origin>/link`. */
  linkRelayUrl: string
  port: number
  /** Mints a signup token (for `signupMode: 'token_required'`). */
  createSignupToken(): string
  close(): Promise<void>
}

const PORT_FILE = 'node-port.json'

function lastPort(dataDir: string): number | undefined {
  try {
    const file = join(dataDir, PORT_FILE)
    if (!existsSync(file)) return undefined
    const v = (JSON.parse(readFileSync(file, 'utf8')) as { port?: unknown }).port
    return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536 ? v : undefined
  } catch {
    return undefined
  }
}

/** Starts the embedded relay + homeserver + link relay. */
export async function startEmbeddedNode(opts: EmbeddedNodeOptions): Promise<EmbeddedNode> {
  const host = opts.host ?? '127.0.0.1'
  const clock = opts.clock ?? systemClock
  const provider = opts.provider ?? defaultProvider()
  const db = openDatabase(opts.dataDir, opts.durability)
  const secret = loadOrCreateHomeserverSecret(opts.dataDir)
  const publicKey = z32Encode(provider.ed25519PublicKey(secret))
  const store = new HomeserverStore(db)
  const relay = new PkarrRelay({ store: new RelayStore(db), clock, provider })
  const homeserver = new Homeserver({
    store,
    publicKey,
    signupMode: opts.signupMode ?? 'open',
    clock,
    provider,
    ...(opts.quotaBytes !== undefined ? { quotaBytes: opts.quotaBytes } : {}),
    ...(opts.bodyLimit !== undefined ? { bodyLimit: opts.bodyLimit } : {}),
  })
  const link = new LinkRelay()
  const handler = (
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ): void => {
    const url = req.url ?? '/'
    opts.onRequest?.(req.method ?? 'GET', url)
    const p = url.split('?')[0]!
    const task =
      p === '/pkarr' || p.startsWith('/pkarr/')
        ? relay.handle(req, res, p.slice('/pkarr'.length))
        : p.startsWith('/link/')
          ? link.handle(req, res, p)
          : homeserver.handle(req, res)
    task.catch((e: unknown) => console.error('[embedded-node] handler failed:', e))
  }

  let bound: Awaited<ReturnType<typeof listen>>
  const preferred = opts.port ?? lastPort(opts.dataDir)
  try {
    bound = await listen(handler, preferred ?? 0, host)
  } catch (e) {
    if (opts.port !== undefined || preferred === undefined) {
      db.close()
      throw e
    }
    bound = await listen(handler, 0, host)
  }
  writeFileSync(join(opts.dataDir, PORT_FILE), JSON.stringify({ port: bound.port }))
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}`
  const relayUrl = `${origin}/pkarr`
  try {
    await publishToRelay(relayUrl, homeserverPacket({ secret, httpPort: bound.port, clock, provider }))
  } catch (e) {
    await closeServer(bound.server)
    db.close()
    throw e
  } finally {
    wipe(secret)
  }

  let closed = false
  return {
    homeserverPublicKey: publicKey,
    relayUrl,
    homeserverUrl: origin,
    linkRelayUrl: `${origin}/link`,
    port: bound.port,
    createSignupToken: () => homeserver.createSignupToken(),
    async close() {
      if (closed) return
      closed = true
      link.close()
      await closeServer(bound.server)
      store.close()
    },
  }
}
