/**
 * @module payments/sim-service
 * A loopback HTTP front for the two simulators, so another process (the payer CLI, tests) can
 * play the customer: pay an invoice, send coins, mine blocks. It is a **simulator**: it binds only
 * to 127.0.0.1 and every response, success or error, says `"simulated": true`.
 *
 * Routes (JSON in, JSON out):
 *   GET  /info                                 → { simulated, network, nodeId, height }
 *   POST /lightning/pay { bolt11, amountSats? } → { simulated, preimage, paymentHash, amountMsat }
 *   POST /chain/send    { address, sats }      → { simulated, txid }
 *   POST /chain/mine    { blocks }             → { simulated, height }
 * Errors: { simulated, error: { code, message } } with a 4xx/5xx status.
 *
 * Bounded: bodies over `maxBodyBytes` get 413 (the rest is discarded, not buffered, and the
 * connection is cut past a hard cap); slow clients hit the request timeout.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PaykitError } from '../util/errors'
import type { SimulatedChain } from './chain'
import { PaymentError, type PaymentErrorCode } from './errors'
import type { SimulatedLightningNode } from './lightning'

export interface SimServiceOptions {
  lightning: SimulatedLightningNode
  chain: SimulatedChain
  /** Largest accepted request body. Default 16 KiB (an invoice is well under 2 KiB). */
  maxBodyBytes?: number
  /** Default 0: the OS picks a free port. */
  port?: number
  /** Whole-request deadline. Default 10 s. */
  requestTimeoutMs?: number
}

export interface RunningSimService {
  /** e.g. `http://127.0.0.1:43123` */
  url: string
  port: number
  close(): Promise<void>
}

type ServiceErrorCode =
  | 'invalid-json'
  | 'invalid-body'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'not-found'
  | 'method-not-allowed'
  | 'internal'

class ServiceError extends PaykitError<ServiceErrorCode> {
  constructor(
    readonly status: number,
    code: ServiceErrorCode,
    message: string,
  ) {
    super(code, message)
  }
}

const STATUS_BY_PAYMENT_CODE: Partial<Record<PaymentErrorCode, number>> = {
  'invoice-unknown': 404,
  'invoice-unknown-payee': 404,
  'invoice-already-paid': 409,
  'invoice-expired': 410,
}

type Body = Record<string, unknown>

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    let size = 0
    let tooLarge = Number.isFinite(declared) && declared > limit
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) tooLarge = true
      // Past a hard cap, stop draining: the client is not going to stop by itself.
      if (size > limit * 4 + 65_536) {
        req.destroy()
        return
      }
      if (!tooLarge) chunks.push(chunk)
    })
    let ended = false
    req.on('end', () => {
      ended = true
      if (tooLarge) reject(new ServiceError(413, 'body-too-large', `request body is over ${limit} bytes`))
      else resolve(Buffer.concat(chunks))
    })
    req.on('close', () => {
      if (ended) return
      reject(
        tooLarge
          ? new ServiceError(413, 'body-too-large', `request body is over ${limit} bytes`)
          : new ServiceError(400, 'invalid-body', 'request body was cut off before its end'),
      )
    })
    req.on('error', reject)
  })
}

function parseJsonBody(raw: Buffer, req: IncomingMessage): Body {
  const type = req.headers['content-type']
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new ServiceError(415, 'unsupported-media-type', 'send the body as application/json')
  }
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw))
  } catch {
    throw new ServiceError(400, 'invalid-json', 'request body is not valid UTF-8 JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceError(400, 'invalid-body', 'request body must be a JSON object')
  }
  return value as Body
}

/** Rejects unknown keys (a typo such as `amount_sats` must not be silently ignored). */
function only(body: Body, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k))
  if (extra.length > 0) {
    throw new ServiceError(
      400,
      'invalid-body',
      `unknown field(s) ${extra.join(', ')}; expected ${allowed.join(', ')}`,
    )
  }
}

function requireString(body: Body, key: string, maxLength: number): string {
  const v = body[key]
  if (v === undefined) throw new ServiceError(400, 'invalid-body', `field "${key}" is missing`)
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLength) {
    throw new ServiceError(
      400,
      'invalid-body',
      `field "${key}" must be a string of 1..${maxLength} characters`,
    )
  }
  return v
}

function requireInt(body: Body, key: string, min: number, max: number): number {
  const v = body[key]
  if (v === undefined) throw new ServiceError(400, 'invalid-body', `field "${key}" is missing`)
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ServiceError(400, 'invalid-body', `field "${key}" must be an integer in ${min}..${max}`)
  }
  return v
}

function send(res: ServerResponse, status: number, payload: Record<string, unknown>): void {
  const text = JSON.stringify({ simulated: true, ...payload })
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-paykit-simulator': '1',
  })
  res.end(text)
}

function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof ServiceError) {
    if (e.status === 413) res.setHeader('connection', 'close')
    send(res, e.status, { error: { code: e.code, message: e.message } })
  } else if (e instanceof PaymentError) {
    send(res, STATUS_BY_PAYMENT_CODE[e.code] ?? 422, { error: { code: e.code, message: e.message } })
  } else {
    send(res, 500, { error: { code: 'internal', message: 'the simulator failed unexpectedly' } })
  }
}

const MAX_SATS = 2_100_000_000_000_000

/** Starts the simulator service on 127.0.0.1. */
export async function startSimService(options: SimServiceOptions): Promise<RunningSimService> {
  const { lightning, chain } = options
  const limit = options.maxBodyBytes ?? 16_384

  const routes: Record<string, (body: Body) => Record<string, unknown>> = {
    '/lightning/pay': (body) => {
      only(body, ['bolt11', 'amountSats'])
      const bolt11 = requireString(body, 'bolt11', 8000)
      const amountSats =
        body['amountSats'] === undefined ? undefined : requireInt(body, 'amountSats', 1, MAX_SATS)
      const paid = lightning.pay(bolt11, amountSats === undefined ? {} : { amountSats })
      return {
        preimage: paid.preimage,
        paymentHash: paid.paymentHash,
        amountMsat: paid.amountMsat.toString(),
      }
    },
    '/chain/send': (body) => {
      only(body, ['address', 'sats'])
      const address = requireString(body, 'address', 90)
      const sats = requireInt(body, 'sats', 1, MAX_SATS)
      return { txid: chain.send(address, sats) }
    },
    '/chain/mine': (body) => {
      only(body, ['blocks'])
      return { height: chain.mine(requireInt(body, 'blocks', 1, 10_000)) }
    },
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!
    if (path === '/info') {
      if (req.method !== 'GET') throw new ServiceError(405, 'method-not-allowed', 'use GET for /info')
      send(res, 200, { network: lightning.network, nodeId: lightning.nodeId, height: chain.height })
      return
    }
    const route = routes[path]
    if (!route) throw new ServiceError(404, 'not-found', `no simulator route ${path.slice(0, 80)}`)
    if (req.method !== 'POST') throw new ServiceError(405, 'method-not-allowed', `use POST for ${path}`)
    const raw = await readBody(req, limit)
    send(res, 200, route(parseJsonBody(raw, req)))
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, e)
      if (e instanceof ServiceError && e.status === 413) res.once('finish', () => req.socket.destroy())
    })
  })
  server.requestTimeout = options.requestTimeoutMs ?? 10_000
  server.headersTimeout = Math.min(server.requestTimeout, 10_000)
  server.maxHeadersCount = 50

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()))
        server.closeAllConnections()
      }),
  }
}
