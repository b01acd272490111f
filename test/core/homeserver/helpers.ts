/**
 * Test helpers: mint AuthTokens exactly as pubky-common 0.6.0 lays them out (so the homeserver can
 * be driven over raw HTTP, without the SDK) and make requests with node:http.
 */
import { nativeProvider } from '../../../electron/main/core/crypto'
import { PostcardWriter } from '../../../electron/main/core/util/postcard'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import * as http from 'node:http'
import type { ClientResponse } from '../../../electron/main/core/pkarr/http'
import { concatBytes, utf8 } from '../../../electron/main/core/util/bytes'

export interface TestUser {
  secret: Uint8Array
  z32: string
}

export function user(seed: number): TestUser {
  const secret = new Uint8Array(32).fill(seed)
  return { secret, z32: z32Encode(nativeProvider.ed25519PublicKey(secret)) }
}

/** sig(64) ‖ "PUBKY:AUTH" ‖ version ‖ ts(8 BE µs) ‖ pubkey ‖ caps; signature over bytes[65..]. */
export function authToken(
  u: TestUser,
  opts: { caps?: string; timestampUs?: bigint; version?: number; namespace?: string } = {},
): Uint8Array {
  const ts = new Uint8Array(8)
  new DataView(ts.buffer).setBigUint64(0, opts.timestampUs ?? BigInt(Date.now()) * 1000n, false)
  const body = concatBytes(
    utf8(opts.namespace ?? 'PUBKY:AUTH'),
    Uint8Array.of(opts.version ?? 0),
    ts,
    nativeProvider.ed25519PublicKey(u.secret),
    new PostcardWriter().str(opts.caps ?? '/:rw').finish(),
  )
  const unsigned = concatBytes(new Uint8Array(64), body)
  const sig = nativeProvider.ed25519Sign(u.secret, unsigned.subarray(65))
  return concatBytes(sig, body)
}

export class RawClient {
  cookies = new Map<string, string>()
  constructor(readonly base: string) {}

  async send(
    method: string,
    path: string,
    opts: { tenant?: string; body?: Uint8Array; headers?: Record<string, string>; cookie?: boolean } = {},
  ): Promise<ClientResponse & { text: string }> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) }
    if (opts.tenant) headers['pubky-host'] = opts.tenant
    if (opts.cookie !== false && this.cookies.size > 0) {
      headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    }
    const res = await rawRequest(this.base, method, path, headers, opts.body)
    const setCookie = res.headers['set-cookie']
    for (const c of setCookie ?? []) {
      const [pair] = c.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return { ...res, text: res.body.toString('utf8') }
  }

  async signup(
    u: TestUser,
    opts: { caps?: string; query?: string } = {},
  ): Promise<ClientResponse & { text: string }> {
    return this.send('POST', `/signup${opts.query ?? ''}`, {
      body: authToken(u, opts.caps ? { caps: opts.caps } : {}),
    })
  }
}

/** A request whose path is sent byte for byte (no URL normalisation of `..`, `%2F` and the like). */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Uint8Array,
): Promise<ClientResponse> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        agent: false,
        headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}
