/**
 * @module directory/noise-endpoint
 * The `/pub/paykit.app/v0/noise` record: where someone's Noise server listens and its X25519 static
 * key, which is also the key Sealed Blobs to them are sealed with (paykit-protocol.md §2; pubky-noise.md
 * §3.4). Written as paykit-mobile's `NoiseEndpointData` serializes it: compact JSON
 * `{"host","port","pubkey"(64 lowercase hex)[,"metadata"(string)]}`, `metadata` left out when absent.
 * Read with the reference's tolerance: `pubkey` or the legacy `public_key`, `metadata` null or absent.
 *
 * Stronger than the reference: the key must be 64 hex digits and not all zero, the host a plausible
 * host name (no spaces, slashes or control characters), the port 0–65535 (Ring writes `host:"pending",
 * port:0` before its server runs: such a record is returned with `pending: true`, usable for sealing
 * but not for connecting), and the record is size-capped.
 */
import { fromHex, fromUtf8, isAllZero, toHex } from '../util/bytes'
import type { PubkyPattern } from '../noise/constants'
import { DirectoryError } from './errors'
import { NOISE_ENDPOINT_PATH } from './paths'
import type { PubkyReader, PubkyWriter } from '../store/types'

/** Largest `/noise` record read. */
export const MAX_NOISE_RECORD_BYTES = 8 * 1024
const MAX_HOST = 253
const MAX_METADATA = 4096

export interface NoiseEndpoint {
  readonly host: string
  readonly port: number
  /** X25519 static public key (32 bytes). */
  readonly publicKey: Uint8Array
  /** Free text (JSON-in-a-string by convention). */
  readonly metadata?: string
  /** Ring's placeholder (`host:"pending"` or port 0): seal to it, do not dial it. */
  readonly pending: boolean
}

export interface NoiseEndpointInput {
  host: string
  port: number
  publicKey: Uint8Array
  metadata?: string
}

const bad = (why: string): never => {
  throw new DirectoryError('directory-invalid-noise-endpoint', `Noise endpoint record ${why}`)
}

function checkHost(host: unknown): string {
  if (typeof host !== 'string') return bad('has no "host" string')
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (host.length === 0 || host.length > MAX_HOST || /[\s/\\?#@\u0000-\u001f\u007f]/.test(host)) {
    return bad('"host" is empty, too long or contains spaces, "/", "?", "#", "@" or control characters')
  }
  return host
}

function checkPort(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    return bad('"port" must be an integer from 0 to 65535')
  }
  return port
}

function checkKey(key: Uint8Array): Uint8Array {
  if (key.length !== 32) bad('key must be 32 bytes')
  if (isAllZero(key)) bad('key is all zeros')
  return key
}

/** The record text exactly as paykit-mobile writes it (compact, keys in struct order). */
export function formatNoiseEndpointRecord(e: NoiseEndpointInput): string {
  const record: Record<string, string | number> = {
    host: checkHost(e.host),
    port: checkPort(e.port),
    pubkey: toHex(checkKey(e.publicKey)),
  }
  if (e.metadata !== undefined) {
    if (typeof e.metadata !== 'string' || e.metadata.length > MAX_METADATA)
      bad(`"metadata" must be a string of at most ${MAX_METADATA} characters`)
    record['metadata'] = e.metadata
  }
  return JSON.stringify(record)
}

/** Parses a `/noise` record. Throws `directory-invalid-noise-endpoint` saying what is wrong. */
export function parseNoiseEndpointRecord(input: string | Uint8Array): NoiseEndpoint {
  if (input.length > MAX_NOISE_RECORD_BYTES)
    bad(`is ${input.length} bytes; the limit is ${MAX_NOISE_RECORD_BYTES}`)
  let text: string
  try {
    text = typeof input === 'string' ? input : fromUtf8(input, 'Noise endpoint record')
  } catch {
    return bad('is not UTF-8 text')
  }
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return bad('is not JSON')
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('must be a JSON object')
  const o = v as Record<string, unknown>
  const own = (k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined)
  const host = checkHost(own('host'))
  const port = checkPort(own('port'))
  const pub = own('pubkey')
  const legacy = own('public_key')
  const keyText = pub ?? legacy
  if (typeof keyText !== 'string' || !/^[0-9a-fA-F]{64}$/.test(keyText)) {
    return bad('needs "pubkey" (or "public_key") as 64 hex digits')
  }
  if (
    pub !== undefined &&
    legacy !== undefined &&
    String(pub).toLowerCase() !== String(legacy).toLowerCase()
  ) {
    bad('has "pubkey" and "public_key" that disagree')
  }
  const publicKey = checkKey(fromHex(keyText))
  const md = own('metadata')
  if (md !== undefined && md !== null && (typeof md !== 'string' || md.length > MAX_METADATA)) {
    bad(`"metadata" must be a string of at most ${MAX_METADATA} characters`)
  }
  const out: NoiseEndpoint = { host, port, publicKey, pending: host === 'pending' || port === 0 }
  return typeof md === 'string' ? { ...out, metadata: md } : out
}

/** PUTs our `/noise` record. */
export async function publishNoiseEndpoint(writer: PubkyWriter, endpoint: NoiseEndpointInput): Promise<void> {
  await writer.put(NOISE_ENDPOINT_PATH, formatNoiseEndpointRecord(endpoint))
}

/** Removes our `/noise` record (when the Noise server is switched off for good). */
export async function removeNoiseEndpoint(writer: PubkyWriter): Promise<void> {
  await writer.delete(NOISE_ENDPOINT_PATH)
}

/** Reads `owner`'s `/noise` record: null when absent; throws when malformed or oversize. */
export async function readNoiseEndpoint(reader: PubkyReader, owner: string): Promise<NoiseEndpoint | null> {
  const body = await reader.get(owner, NOISE_ENDPOINT_PATH, {
    maxBytes: MAX_NOISE_RECORD_BYTES,
  })
  return body === null ? null : parseNoiseEndpointRecord(body)
}

/** Like `readNoiseEndpoint` but a missing record is `directory-no-noise-endpoint` (needed to seal to `owner`). */
export async function requireNoiseKey(reader: PubkyReader, owner: string): Promise<Uint8Array> {
  const e = await readNoiseEndpoint(reader, owner)
  if (e === null) {
    throw new DirectoryError(
      'directory-no-noise-endpoint',
      `${owner} publishes no Noise endpoint (${NOISE_ENDPOINT_PATH}), so nothing can be sealed to them`,
    )
  }
  return e.publicKey
}

/**
 * What a Ring-linked till accepts (it holds no identity key): IK (the payer signs; our reply is
 * empty), IK-raw and N. Published as `metadata.patterns` in its `/noise` record.
 */
export const RING_NOISE_PATTERNS: readonly PubkyPattern[] = Object.freeze(['IK', 'IK-raw', 'N'])

const KNOWN_PATTERNS: readonly PubkyPattern[] = ['IK', 'IK-raw', 'N', 'NN', 'XX']

/**
 * The patterns a `/noise` record says its server accepts (`metadata` JSON `{"patterns":[…]}`), in
 * the order given, unknown names dropped; undefined when it says nothing (or says it unreadably),
 * which means "the usual set". Never throws: metadata is free text.
 */
export function offeredPatterns(endpoint: Pick<NoiseEndpoint, 'metadata'>): PubkyPattern[] | undefined {
  const md = endpoint.metadata
  if (md === undefined || md.length > MAX_METADATA || !md.includes('patterns')) return undefined
  let v: unknown
  try {
    v = JSON.parse(md)
  } catch {
    return undefined
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const list = (v as Record<string, unknown>)['patterns']
  if (!Array.isArray(list) || list.length > 16) return undefined
  const out: PubkyPattern[] = []
  for (const p of list)
    if (
      typeof p === 'string' &&
      (KNOWN_PATTERNS as readonly string[]).includes(p) &&
      !out.includes(p as PubkyPattern)
    )
      out.push(p as PubkyPattern)
  return out
}
