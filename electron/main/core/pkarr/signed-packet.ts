/**
 * @module pkarr/signed-packet
 * pkarr signed packets (pubky/pkarr `design/base.md`): an Ed25519 key signs, BEP44-style, the bytes
 * `3:seqi<timestamp>e1:v<len>:<dns packet>`, where the timestamp is microseconds since the epoch
 * and the DNS packet is at most 1000 bytes.
 *
 * Wire forms:
 * - relay payload (HTTP relays): `sig(64) ‖ timestamp(8, BE µs) ‖ dns`;
 * - canonical bytes: `pubkey(32) ‖ relay payload` (at most 1104 bytes).
 *
 * Parsing verifies the signature and decodes the DNS packet before anything is returned, so a
 * `SignedPacket` value is always authentic and well-formed.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { z32Decode, z32Encode } from '../keys/z32'
import { concatBytes } from '../util/bytes'
import { systemClock, type Clock } from '../util/clock'
import { PaykitError } from '../util/errors'
import { decodeDns, encodeDns, REPLY_FLAGS, type DnsMessage, type ResourceRecord } from './dns'
import { PkarrError } from './errors'

/** Largest DNS packet a pkarr packet may carry (the BEP44 `v` limit). */
export const MAX_DNS_BYTES = 1000
/** Largest relay payload: signature + timestamp + DNS packet. */
export const MAX_RELAY_PAYLOAD_BYTES = 64 + 8 + MAX_DNS_BYTES
/** Largest canonical signed packet: public key + relay payload. */
export const MAX_SIGNED_PACKET_BYTES = 32 + MAX_RELAY_PAYLOAD_BYTES

export interface SignedPacket {
  readonly publicKey: Uint8Array
  readonly signature: Uint8Array
  /** Microseconds since the Unix epoch (the BEP44 `seq`). */
  readonly timestamp: bigint
  /** The DNS packet exactly as signed. */
  readonly dns: Uint8Array
  readonly message: DnsMessage
}

/** The BEP44 signable: `3:seqi<ts>e1:v<len>:<dns>`. */
export function signable(timestamp: bigint, dns: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(`3:seqi${timestamp.toString()}e1:v${dns.length}:`)
  return concatBytes(prefix, dns)
}

/** Parses a z-base-32 public key; `PkarrError('pkarr-bad-key')` if it is not one. */
export function parsePublicKey(z32: string): Uint8Array {
  try {
    const key = z32Decode(z32)
    if (key.length !== 32) throw new PaykitError('invalid-input', `decodes to ${key.length} bytes, not 32`)
    return key
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    throw new PkarrError('pkarr-bad-key', `"${z32.slice(0, 60)}" is not a z-base-32 public key: ${why}`, {
      cause: e,
    })
  }
}

export interface SignOptions {
  /** 32-byte Ed25519 secret key. */
  secret: Uint8Array
  records: ResourceRecord[]
  /** Microseconds; defaults to the clock's now. */
  timestamp?: bigint
  clock?: Clock
  provider?: CryptoProvider
}

/** Builds and signs a packet. Record names should be absolute (`_pubky.<z32>`, `<z32>`). */
export function signPacket(opts: SignOptions): SignedPacket {
  const provider = opts.provider ?? defaultProvider()
  const dns = encodeDns({ id: 0, flags: REPLY_FLAGS, answers: opts.records })
  if (dns.length > MAX_DNS_BYTES) {
    throw new PkarrError(
      'pkarr-packet-too-large',
      `DNS Packet is too large, expected max ${MAX_DNS_BYTES} bytes but got: ${dns.length}`,
    )
  }
  const timestamp = opts.timestamp ?? BigInt((opts.clock ?? systemClock).now()) * 1000n
  const publicKey = provider.ed25519PublicKey(opts.secret)
  const signature = provider.ed25519Sign(opts.secret, signable(timestamp, dns))
  return { publicKey, signature, timestamp, dns, message: decodeDns(dns) }
}

/** `sig ‖ timestamp ‖ dns`, as relays store and serve it. */
export function toRelayPayload(p: SignedPacket): Uint8Array {
  const ts = new Uint8Array(8)
  new DataView(ts.buffer).setBigUint64(0, p.timestamp, false)
  return concatBytes(p.signature, ts, p.dns)
}

/**
 * Parses and verifies a relay payload for `publicKey`. Errors: `pkarr-payload-too-short`,
 * `pkarr-packet-too-large`, `pkarr-bad-signature`, `dns-malformed`.
 */
export function fromRelayPayload(
  publicKey: Uint8Array,
  input: Uint8Array,
  provider: CryptoProvider = defaultProvider(),
): SignedPacket {
  // A plain copy: Node Buffers are views into a shared pool.
  const payload = Uint8Array.from(input)
  if (payload.length < 72) {
    throw new PkarrError(
      'pkarr-payload-too-short',
      `Invalid SignedPacket bytes length, expected at least 104 bytes but got: ${payload.length + 32}`,
    )
  }
  if (payload.length > MAX_RELAY_PAYLOAD_BYTES) {
    throw new PkarrError(
      'pkarr-packet-too-large',
      `DNS Packet is too large, expected max ${MAX_DNS_BYTES} bytes but got: ${payload.length - 72}`,
    )
  }
  const signature = payload.slice(0, 64)
  const timestamp = new DataView(payload.buffer, payload.byteOffset + 64, 8).getBigUint64(0, false)
  const dns = payload.slice(72)
  if (!provider.ed25519Verify(signature, signable(timestamp, dns), publicKey)) {
    throw new PkarrError(
      'pkarr-bad-signature',
      'Invalid signature: the packet was not signed by this public key',
    )
  }
  const message = decodeDns(dns)
  return { publicKey: publicKey.slice(), signature, timestamp, dns, message }
}

/** The pkarr tie-break: newer timestamp wins; on a tie, the larger DNS packet bytes win. */
export function moreRecentThan(a: SignedPacket, b: SignedPacket): boolean {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp
  const n = Math.min(a.dns.length, b.dns.length)
  for (let i = 0; i < n; i++) if (a.dns[i] !== b.dns[i]) return a.dns[i]! > b.dns[i]!
  return a.dns.length > b.dns.length
}

/** The packet's z32 origin (the "TLD" every record name is under). */
export function originOf(p: SignedPacket): string {
  return z32Encode(p.publicKey)
}

/** Records named `label` relative to the packet origin (`'@'` or `''` for the apex). */
export function recordsAt(p: SignedPacket, label: string): ResourceRecord[] {
  const origin = originOf(p)
  const full = label === '' || label === '@' ? origin : `${label}.${origin}`
  return p.message.answers.filter((r) => r.name.toLowerCase() === full.toLowerCase())
}
