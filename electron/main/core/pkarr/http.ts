/**
 * @module pkarr/http
 * Small node:http helpers shared by the relay, the homeserver and the link relay: bounded body
 * reading, plain-text error replies (the reference servers answer errors as text/plain), permissive
 * CORS like tower-http's `very_permissive`, and a client that never touches the process-wide `fetch`
 * (the Pubky SDK replaces that with a cookie-keeping wrapper).
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { PaykitError } from '../util/errors'

export class HttpError extends PaykitError<'http'> {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('http', message)
  }
}

/** Reads the whole body, refusing with 413 as soon as it exceeds `limit` bytes. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      req.resume()
      reject(new HttpError(413, `Failed to buffer the request body: length limit of ${limit} bytes exceeded`))
      return
    }
    const chunks: Buffer[] = []
    let total = 0
    let failed = false
    req.on('data', (chunk: Buffer) => {
      if (failed) return
      total += chunk.length
      if (total > limit) {
        failed = true
        chunks.length = 0
        reject(
          new HttpError(413, `Failed to buffer the request body: length limit of ${limit} bytes exceeded`),
        )
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total))
    })
    req.on('error', (e) => {
      if (!failed) {
        failed = true
        reject(new HttpError(400, `Stream broken: ${e.message}`))
      }
    })
  })
}

/** Mirrors the request origin and headers, as tower-http's `CorsLayer::very_permissive()` does. */
export function applyCors(req: http.IncomingMessage, res: http.ServerResponse, expose: string[] = []): void {
  const origin = req.headers.origin
  if (origin) {
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('access-control-allow-credentials', 'true')
    res.setHeader('vary', 'origin, access-control-request-method, access-control-request-headers')
  }
  if (expose.length > 0) res.setHeader('access-control-expose-headers', expose.join(', '))
  if (req.method === 'OPTIONS') {
    const method = req.headers['access-control-request-method']
    const headers = req.headers['access-control-request-headers']
    if (method) res.setHeader('access-control-allow-methods', method)
    if (headers) res.setHeader('access-control-allow-headers', headers)
  }
}

/** Sends a plain-text reply (error bodies are text, as the reference servers send them). */
export function sendText(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = Buffer.from(text, 'utf8')
  res.statusCode = status
  res.setHeader('content-type', 'text/plain; charset=utf-8')
  res.setHeader('content-length', body.length)
  res.end(body)
}

export function sendBytes(
  res: http.ServerResponse,
  status: number,
  body: Uint8Array,
  contentType = 'application/octet-stream',
): void {
  res.statusCode = status
  res.setHeader('content-type', contentType)
  res.setHeader('content-length', body.length)
  res.end(body)
}

export function sendEmpty(res: http.ServerResponse, status: number): void {
  res.statusCode = status
  if (status !== 204 && status !== 304) res.setHeader('content-length', 0)
  res.end()
}

/** Turns anything thrown by a handler into a reply; unexpected errors become a bare 500. */
export function sendError(res: http.ServerResponse, e: unknown): void {
  if (e instanceof HttpError) sendText(res, e.status, e.message)
  else {
    console.error('[http] internal error:', e)
    sendText(res, 500, 'Internal server error')
  }
}

export interface ClientResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/** One request with node:http(s); never global fetch. Response bodies are capped at `maxBytes`. */
export function request(
  url: string,
  init: {
    method?: string
    headers?: Record<string, string>
    body?: Uint8Array
    timeoutMs?: number
    maxBytes?: number
  } = {},
): Promise<ClientResponse> {
  const u = new URL(url)
  const mod = u.protocol === 'https:' ? https : http
  const maxBytes = init.maxBytes ?? 8 * 1024 * 1024
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: init.method ?? 'GET',
        headers: {
          ...(init.headers ?? {}),
          ...(init.body ? { 'content-length': String(init.body.length) } : {}),
        },
        timeout: init.timeoutMs ?? 10_000,
        // A fresh connection per request: a pooled socket to a server that restarted would hang up.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        let total = 0
        res.on('data', (c: Buffer) => {
          total += c.length
          if (total > maxBytes) {
            res.destroy(new Error(`response from ${u.origin} exceeds ${maxBytes} bytes`))
            return
          }
          chunks.push(c)
        })
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        )
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`request to ${u.origin} timed out`)))
    req.on('error', reject)
    req.end(init.body)
  })
}
