/**
 * @module pubky/testnet
 * A drop-in for pubky-testnet's static testnet (`pubky-testnet/src/static_testnet.rs`), so the
 * unmodified SDK's `Pubky.testnet()` works offline: pkarr relay on 15411, auth-flow HTTP relay on
 * 15412 (`/link/{id}`), homeserver on 6286 whose key is derived from the all-zero secret
 * (`8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo`) and admin on 6288
 * (`X-Admin-Password: admin`), all on 127.0.0.1. State is in memory unless `dataDir` is given.
 */
import { defaultProvider } from '../crypto'
import { z32Encode } from '../keys/z32'
import { createAdminHandler } from '../homeserver/admin'
import { homeserverPacket } from '../homeserver/pkdns'
import { Homeserver, type SignupMode } from '../homeserver/server'
import { HomeserverStore, openDatabase } from '../homeserver/store'
import { PkarrRelay } from '../pkarr/relay'
import { publishToRelay } from '../pkarr/relay-client'
import { RelayStore } from '../pkarr/relay-store'
import { LinkRelay } from './link-relay'
import { closeServer, listen } from './listen'
import type * as http from 'node:http'
import { isIPv4 } from 'node:net'

export const TESTNET_PORTS = { relay: 15411, httpRelay: 15412, homeserver: 6286, admin: 6288 } as const
export const TESTNET_HOMESERVER_KEY = '8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo'

export interface TestnetOptions {
  host?: string
  /** Persist to this folder; default in memory, like the reference testnet. */
  dataDir?: string
  /** The reference testnet signs up openly; 'token_required' exercises signup tokens. */
  signupMode?: SignupMode
  adminPassword?: string
  /** Override ports (tests of the wiring only; the SDK expects the defaults). */
  ports?: Partial<typeof TESTNET_PORTS>
}

export interface Testnet {
  homeserverPublicKey: string
  relayUrl: string
  httpRelayUrl: string
  homeserverUrl: string
  adminUrl: string
  close(): Promise<void>
}

export async function startTestnet(opts: TestnetOptions = {}): Promise<Testnet> {
  const host = opts.host ?? '127.0.0.1'
  const ports = { ...TESTNET_PORTS, ...(opts.ports ?? {}) }
  const provider = defaultProvider()
  const secret = new Uint8Array(32)
  const publicKey = z32Encode(provider.ed25519PublicKey(secret))
  const db = openDatabase(opts.dataDir)
  const store = new HomeserverStore(db)
  const relay = new PkarrRelay({ store: new RelayStore(db), provider })
  const homeserver = new Homeserver({ store, publicKey, signupMode: opts.signupMode ?? 'open', provider })
  const link = new LinkRelay()
  const servers: http.Server[] = []
  const run = (p: Promise<void>): void => {
    p.catch((e: unknown) => console.error('[testnet] handler failed:', e))
  }
  const close = async (): Promise<void> => {
    link.close()
    await Promise.all(servers.map(closeServer))
    servers.length = 0
    store.close()
  }
  try {
    servers.push(
      (
        await listen(
          (req, res) => run(relay.handle(req, res, (req.url ?? '/').split('?')[0]!)),
          ports.relay,
          host,
        )
      ).server,
    )
    servers.push(
      (
        await listen(
          (req, res) => run(link.handle(req, res, (req.url ?? '/').split('?')[0]!)),
          ports.httpRelay,
          host,
        )
      ).server,
    )
    const hs = await listen((req, res) => run(homeserver.handle(req, res)), ports.homeserver, host)
    servers.push(hs.server)
    servers.push(
      (
        await listen(
          createAdminHandler({ homeserver, store, password: opts.adminPassword ?? 'admin' }),
          ports.admin,
          host,
        )
      ).server,
    )
    const relayUrl = `http://${host}:${ports.relay}`
    await publishToRelay(
      relayUrl,
      homeserverPacket({
        secret,
        httpPort: hs.port,
        provider,
        // The SDK's testnet profile reaches a homeserver on another host by that host's name in the
        // record (the reference testnet's icann_domain); on loopback the reference's `localhost`.
        ...(host === '127.0.0.1' || host === 'localhost'
          ? {}
          : { domain: host, ...(isIPv4(host) ? { ip: host } : {}) }),
      }),
    )
    return {
      homeserverPublicKey: publicKey,
      relayUrl,
      httpRelayUrl: `http://${host}:${ports.httpRelay}/link`,
      homeserverUrl: `http://${host}:${hs.port}`,
      adminUrl: `http://${host}:${ports.admin}`,
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}
