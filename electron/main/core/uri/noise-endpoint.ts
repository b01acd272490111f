/**
 * @module uri/noise-endpoint
 * The legacy `noise://host:port@<64 hex X25519 key>` endpoint string (paykit-demo-web
 * `parse_noise_endpoint_wasm`; vectors `uri.json`). The canonical Noise discovery is the JSON
 * record at `/pub/paykit.app/v0/noise`; this form is only read from old method files.
 *
 * WebSocket URL rule (the reference's): `ws://` for localhost, 127.0.0.1 and private-looking
 * hosts (192.168.*, 10.*, 172.*), `wss://` otherwise. IPv6 literals are written in brackets.
 */
import { UriError } from './percent'

export interface NoiseEndpoint {
  readonly host: string
  readonly port: number
  readonly serverKeyHex: string
  readonly wsUrl: string
}

export function parseNoiseEndpoint(input: string): NoiseEndpoint {
  if (typeof input !== 'string' || !input.startsWith('noise://')) {
    throw new UriError("Endpoint must start with 'noise://'")
  }
  if (input.length > 512) throw new UriError('noise endpoint is too long')
  const parts = input.slice(8).split('@')
  if (parts.length !== 2)
    throw new UriError('Invalid Noise endpoint format. Expected: noise://host:port@pubkey_hex')
  const [hostPort, keyHex] = parts as [string, string]
  if (!/^[0-9a-fA-F]{64}$/.test(keyHex)) throw new UriError('Server key must be 64 hex characters (32 bytes)')
  const colon = hostPort.lastIndexOf(':')
  if (colon < 0) throw new UriError('Invalid host:port format')
  let host = hostPort.slice(0, colon)
  const portText = hostPort.slice(colon + 1)
  if (!/^[0-9]{1,5}$/.test(portText)) throw new UriError('Invalid port number')
  const port = Number(portText)
  if (port < 1 || port > 65535) throw new UriError('Port must be between 1 and 65535')
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1)
  if (host.length === 0 || host.length > 253 || /[\s/@?#]/.test(host)) throw new UriError('Invalid host')
  const local =
    host === 'localhost' ||
    host === '127.0.0.1' ||
    host.startsWith('192.168.') ||
    host.startsWith('10.') ||
    host.startsWith('172.')
  const hostForUrl = host.includes(':') ? `[${host}]` : host
  return {
    host,
    port,
    serverKeyHex: keyHex.toLowerCase(),
    wsUrl: `${local ? 'ws' : 'wss'}://${hostForUrl}:${port}`,
  }
}

export function formatNoiseEndpoint(e: { host: string; port: number; serverKeyHex: string }): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host
  const text = `noise://${host}:${e.port}@${e.serverKeyHex.toLowerCase()}`
  parseNoiseEndpoint(text)
  return text
}

/** The JSON the reference's wasm helper returns (built with `json!`, so keys are sorted). */
export function noiseEndpointToJson(e: NoiseEndpoint): {
  host: string
  port: number
  server_key_hex: string
  ws_url: string
} {
  return { host: e.host, port: e.port, server_key_hex: e.serverKeyHex, ws_url: e.wsUrl }
}
