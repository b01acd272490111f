/**
 * @module homeserver/pkdns
 * The pkarr records of a homeserver and of a user (pubky-platform.md §3.3).
 *
 * A homeserver's packet carries `HTTPS 10 localhost` with private SvcParam 65280 = its http port
 * (JS clients turn a `localhost` target into `http://localhost:<65280>`) and `A <ip>`. The reference
 * also publishes `HTTPS 1 .` with its Pubky-TLS port for native clients; this server has no TLS
 * port, so that record is left out rather than pointing native clients at a port that is not TLS.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { z32Encode } from '../keys/z32'
import { SVC_PARAM, u16Param, type ResourceRecord } from '../pkarr/dns'
import { signPacket, type SignedPacket } from '../pkarr/signed-packet'
import type { Clock } from '../util/clock'

export const HOMESERVER_RECORD_TTL = 3600

export interface HomeserverPacketOptions {
  secret: Uint8Array
  httpPort: number
  /** Domain for the HTTPS record; `localhost` makes JS clients use plain http. */
  domain?: string
  ip?: string
  clock?: Clock
  provider?: CryptoProvider
}

export function homeserverRecords(
  z32: string,
  httpPort: number,
  domain = 'localhost',
  ip = '127.0.0.1',
): ResourceRecord[] {
  return [
    {
      name: z32,
      class: 1,
      ttl: HOMESERVER_RECORD_TTL,
      data: { type: 'HTTPS', priority: 10, target: domain, params: [u16Param(SVC_PARAM.httpPort, httpPort)] },
    },
    { name: z32, class: 1, ttl: HOMESERVER_RECORD_TTL, data: { type: 'A', address: ip } },
  ]
}

/** Signs the homeserver's own packet. */
export function homeserverPacket(opts: HomeserverPacketOptions): SignedPacket {
  const provider = opts.provider ?? defaultProvider()
  const z32 = z32Encode(provider.ed25519PublicKey(opts.secret))
  return signPacket({
    secret: opts.secret,
    records: homeserverRecords(z32, opts.httpPort, opts.domain, opts.ip),
    provider,
    ...(opts.clock ? { clock: opts.clock } : {}),
  })
}

/** A user's `_pubky` record: HTTPS AliasMode (priority 0) pointing at the homeserver key. */
export function userHomeserverRecord(userZ32: string, homeserverZ32: string): ResourceRecord {
  return {
    name: `_pubky.${userZ32}`,
    class: 1,
    ttl: HOMESERVER_RECORD_TTL,
    data: { type: 'HTTPS', priority: 0, target: homeserverZ32, params: [] },
  }
}
