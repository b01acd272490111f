// Legacy noise://host:port@<hex> endpoint strings against the string-format and uri.json vectors.
import { describe, expect, it } from 'vitest'
import {
  formatNoiseEndpointUri,
  parseNoiseEndpointUri,
} from '../../../electron/main/core/keys/noise-endpoint-uri'
import { toHex } from '../../../electron/main/core/util/bytes'
import { InputError } from '../../../electron/main/core/util/errors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

describe.skipIf(!vectorsPresent)('noise:// vectors (needs ../shared/vectors)', () => {
  it('string-formats parse_noise_endpoint_wasm and uri.json noise_endpoint_string_vectors', () => {
    const sf = loadVectors('noise/pubky-noise-repo-string-formats.json')
    const a = sf.vectors.find((x: { name: string }) => x.name === 'parse_noise_endpoint_wasm').cases
    const b = loadVectors('paykit/uri.json').noise_endpoint_string_vectors.cases.map(
      (c: { input: string; expected: Record<string, unknown> }) => ({
        input: c.input,
        ...c.expected,
        expect: c.expected['error'] ? 'error' : undefined,
      }),
    )
    let n = 0
    for (const c of [...a, ...b]) {
      if (c.expect === 'error') {
        expect(() => parseNoiseEndpointUri(c.input)).toThrow(InputError)
      } else {
        const r = parseNoiseEndpointUri(c.input)
        expect(r.wsUrl).toBe(c.ws_url)
        if (c.host !== undefined) expect(r.host).toBe(c.host)
        if (c.port !== undefined) expect(r.port).toBe(c.port)
        if (c.server_key_hex !== undefined) expect(toHex(r.serverKey)).toBe(c.server_key_hex)
        expect(formatNoiseEndpointUri(r)).toBe(c.input)
      }
      n++
    }
    expect(n).toBe(6)
  })
})

describe('noise:// bad input', () => {
  const key = '0123456789abcdef'.repeat(4)
  it.each([
    `noise:/127.0.0.1:9735@${key}`,
    `noise://127.0.0.1:9735@${key}@x`,
    `noise://127.0.0.1:9735@${key.slice(1)}`,
    `noise://127.0.0.1:9735@${key.slice(1)}g`,
    `noise://127.0.0.1@${key}`,
    `noise://:9735@${key}`,
    `noise://127.0.0.1:0@${key}`,
    `noise://127.0.0.1:65536@${key}`,
    `noise://127.0.0.1:+80@${key}`,
    `noise://a b:80@${key}`,
    `noise://${'h'.repeat(600)}:80@${key}`,
    42,
  ])('%s', (input) => {
    expect(() => parseNoiseEndpointUri(input as string)).toThrow(InputError)
  })
  it('formatting checks host, port and key', () => {
    expect(() => formatNoiseEndpointUri({ host: 'h', port: 0, serverKey: new Uint8Array(32) })).toThrow(
      InputError,
    )
    expect(() => formatNoiseEndpointUri({ host: '', port: 1, serverKey: new Uint8Array(32) })).toThrow(
      InputError,
    )
    expect(() => formatNoiseEndpointUri({ host: 'h', port: 1, serverKey: new Uint8Array(31) })).toThrow(
      InputError,
    )
    expect(parseNoiseEndpointUri(`noise://[::1]:9735@${key.toUpperCase()}`).wsUrl).toBe('ws://[::1]:9735')
  })
})
