/**
 * @module keys/noise-endpoint-uri
 * The legacy `noise://host:port@<64 hex X25519 key>` endpoint string that the paykit-rs web demo
 * publishes as a payment-method value (`paykit-demo-web/src/payment.rs` `parse_noise_endpoint_wasm`
 * @3b97922). The canonical Noise record is the JSON at `/pub/paykit.app/v0/noise`; this exists to read
 * (and, for tests, write) the old form.
 *
 * Rules as the reference: prefix `noise://`, exactly one `@`, a 64-hex-digit key, host and port split at
 * the last `:`, port 1–65535. `ws://` for localhost/127.0.0.1/192.168./10./172. hosts, else `wss://`.
 * Stronger: the host must be non-empty and contain no whitespace, `/`, `?` or `#`; the port must be
 * plain digits; `[::1]` also counts as local.
 */
import { fromHex, toHex } from '../util/bytes'
import { InputError } from '../util/errors'

export interface NoiseEndpointUri {
  host: string
  port: number
  /** X25519 static public key of the server. */
  serverKey: Uint8Array
  /** WebSocket URL the web demo derives from it. */
  wsUrl: string
}

const PREFIX = 'noise://'
const MAX_LEN = 512

function isLocalHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '127.0.0.1' ||
    host === '[::1]' ||
    host.startsWith('192.168.') ||
    host.startsWith('10.') ||
    host.startsWith('172.')
  )
}

function checkHostPort(host: string, port: number): void {
  if (host.length === 0 || /[\s/?#@]/.test(host))
    throw new InputError('Noise endpoint host is empty or has invalid characters')
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InputError('Noise endpoint port must be between 1 and 65535')
}

/** Parses `noise://host:port@<64 hex>`. Throws `InputError` saying which part is wrong. */
export function parseNoiseEndpointUri(text: string): NoiseEndpointUri {
  if (typeof text !== 'string') throw new InputError('Noise endpoint must be text')
  if (text.length > MAX_LEN) throw new InputError(`Noise endpoint is longer than ${MAX_LEN} characters`)
  if (!text.startsWith(PREFIX)) throw new InputError("Noise endpoint must start with 'noise://'")
  const parts = text.slice(PREFIX.length).split('@')
  if (parts.length !== 2) {
    throw new InputError('Noise endpoint format is noise://host:port@pubkey_hex (exactly one "@")')
  }
  const [hostPort, keyHex] = parts as [string, string]
  if (!/^[0-9a-fA-F]{64}$/.test(keyHex))
    throw new InputError('Noise endpoint server key must be 64 hex characters (32 bytes)')
  const colon = hostPort.lastIndexOf(':')
  if (colon < 0) throw new InputError('Noise endpoint has no ":port" after the host')
  const host = hostPort.slice(0, colon)
  const portText = hostPort.slice(colon + 1)
  if (!/^\d{1,5}$/.test(portText)) throw new InputError('Noise endpoint port is not a number')
  const port = Number(portText)
  checkHostPort(host, port)
  return {
    host,
    port,
    serverKey: fromHex(keyHex),
    wsUrl: `${isLocalHost(host) ? 'ws' : 'wss'}://${host}:${port}`,
  }
}

/** Formats `noise://host:port@<lowercase hex key>`. */
export function formatNoiseEndpointUri(endpoint: {
  host: string
  port: number
  serverKey: Uint8Array
}): string {
  checkHostPort(endpoint.host, endpoint.port)
  if (!(endpoint.serverKey instanceof Uint8Array) || endpoint.serverKey.length !== 32) {
    throw new InputError('Noise endpoint server key must be 32 bytes')
  }
  return `${PREFIX}${endpoint.host}:${endpoint.port}@${toHex(endpoint.serverKey)}`
}
