/**
 * @module pkarr/relay-client
 * Publish to and resolve from pkarr HTTP relays over node:http (never global fetch). Used by the
 * embedded homeserver to publish its own record, and by tests.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { z32Encode } from '../keys/z32'
import { PkarrError } from './errors'
import { request } from './http'
import { fromRelayPayload, parsePublicKey, toRelayPayload, type SignedPacket } from './signed-packet'

const keyUrl = (relay: string, z32: string): string => `${relay.replace(/\/+$/, '')}/${z32}`

/** PUTs a packet; resolves on 2xx, otherwise throws `pkarr-relay` with the relay's status and text. */
export async function publishToRelay(relay: string, packet: SignedPacket, ifMatch?: bigint): Promise<void> {
  const z32 = z32Encode(packet.publicKey)
  const res = await request(keyUrl(relay, z32), {
    method: 'PUT',
    headers: {
      'content-type': 'application/pkarr.org/relays#payload',
      ...(ifMatch !== undefined ? { 'if-match': ifMatch.toString() } : {}),
    },
    body: toRelayPayload(packet),
  })
  if (res.status < 200 || res.status > 299) {
    throw new PkarrError(
      'pkarr-relay',
      `relay ${relay} refused the packet for ${z32}: ${res.status} ${res.body.toString('utf8')}`,
    )
  }
}

/** GETs and verifies a packet; undefined on 404. */
export async function resolveFromRelay(
  relay: string,
  z32: string,
  provider: CryptoProvider = defaultProvider(),
): Promise<SignedPacket | undefined> {
  const key = parsePublicKey(z32)
  const res = await request(keyUrl(relay, z32), { maxBytes: 2048 })
  if (res.status === 404) return undefined
  if (res.status !== 200) {
    throw new PkarrError(
      'pkarr-relay',
      `relay ${relay} answered ${res.status} for ${z32}: ${res.body.toString('utf8')}`,
    )
  }
  return fromRelayPayload(key, new Uint8Array(res.body), provider)
}
