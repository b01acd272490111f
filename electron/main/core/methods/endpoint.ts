/**
 * @module methods/endpoint
 * Endpoint payloads (`paykit-protocol.md` §3.2) and how the reference plugins extract the value
 * to validate (`onchain.rs`, `lightning.rs`; vectors `methods.json`).
 *
 * A method file holds the raw endpoint text (Rust writes `EndpointData(String)` verbatim). Readers
 * are tolerant: `{"endpoint": "…"}` (the `supported.json` entry shape some docs show) is unwrapped.
 * - onchain: raw address, or JSON whose first string among address, p2wpkh, p2tr, p2sh, p2pkh is used.
 * - lightning: raw BOLT11; raw LNURL (case-insensitive `lnurl…`); or JSON {"bolt11"} / {"lnurl"}.
 */
import { isJsonObject, parseJson } from '../interactive/json'
import { MethodError } from './errors'

export const MAX_ENDPOINT_CHARS = 8_192

/** Reads a method file body: trims, and unwraps a JSON `{"endpoint": "..."}` wrapper if present. */
export function readMethodFile(body: string): string {
  if (typeof body !== 'string') throw new MethodError('invalid-endpoint', 'endpoint must be text')
  if (body.length > MAX_ENDPOINT_CHARS)
    throw new MethodError('invalid-endpoint', 'endpoint file is too large')
  const text = body.trim()
  if (text.length === 0) throw new MethodError('invalid-endpoint', 'endpoint file is empty')
  if (text.startsWith('{')) {
    let v
    try {
      v = parseJson(text)
    } catch {
      return text // not JSON after all: the plugins will reject or accept it as raw text
    }
    if (isJsonObject(v) && typeof v['endpoint'] === 'string') return v['endpoint'].trim()
  }
  return text
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let v
  try {
    v = parseJson(text)
  } catch (e) {
    throw new MethodError('invalid-endpoint', `${what} endpoint is not valid JSON: ${(e as Error).message}`)
  }
  if (!isJsonObject(v)) throw new MethodError('invalid-endpoint', `${what} endpoint JSON must be an object`)
  return v
}

const ONCHAIN_KEYS = ['address', 'p2wpkh', 'p2tr', 'p2sh', 'p2pkh'] as const

/** The on-chain plugin's `extract_address`. */
export function extractOnchainAddress(endpoint: string): string {
  const data = endpoint.trim()
  if (!data.startsWith('{')) return data
  const o = parseJsonObject(data, 'onchain')
  for (const k of ONCHAIN_KEYS) {
    const v = o[k]
    if (typeof v === 'string') return v
  }
  throw new MethodError('invalid-endpoint', 'No address field found in JSON endpoint')
}

export type LightningEndpoint = { kind: 'bolt11'; value: string } | { kind: 'lnurl'; value: string }

/** The Lightning plugin's extraction: BOLT11 or LNURL. */
export function extractLightning(endpoint: string): LightningEndpoint {
  const data = endpoint.trim()
  if (data.startsWith('{')) {
    const o = parseJsonObject(data, 'lightning')
    if (typeof o['bolt11'] === 'string') return { kind: 'bolt11', value: o['bolt11'] }
    if (typeof o['lnurl'] === 'string') return { kind: 'lnurl', value: o['lnurl'] }
    throw new MethodError('invalid-endpoint', 'Lightning JSON endpoint needs a "bolt11" or "lnurl" string')
  }
  if (data.toLowerCase().startsWith('lnurl')) return { kind: 'lnurl', value: data }
  return { kind: 'bolt11', value: data }
}
