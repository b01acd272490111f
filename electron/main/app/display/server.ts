/**
 * @module app/display/server
 * The customer-facing display's own HTTP server, apart from the till's: it serves the display page
 * and a read-only stream of the current checkout (Server-Sent Events), and nothing else (see
 * policy.ts). Bound to 127.0.0.1 by default; in LAN mode to 0.0.0.0 on its own port, so a
 * tablet can open it. No electron import: both shells run it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import QRCode from 'qrcode'
import type { DisplayState } from '../../../../shared/domain/display'
import type { Logger } from '../../platform/logger'
import { decideDisplayRequest } from './policy'
import { DISPLAY_CSS, DISPLAY_JS, displayHtml } from './page'

export type DisplaySource = {
  current(): DisplayState
  subscribe(listener: (s: DisplayState) => void): () => void
}

export type DisplayServer = { readonly port: number; readonly host: string; close(): Promise<void> }

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
}

/** At most this many screens follow the display at once (a tablet or two; bounds a flood). */
const MAX_STREAMS = 16

export async function startDisplayServer(opts: {
  host: '127.0.0.1' | '0.0.0.0'
  port?: number
  token: string
  source: DisplaySource
  log: Logger
}): Promise<DisplayServer> {
  let port = 0
  const streams = new Set<ServerResponse>()
  // Local mode: only the exact loopback host (DNS rebinding); LAN mode: the tablet uses our IP.
  const hostOk = (req: IncomingMessage): boolean =>
    opts.host === '0.0.0.0' ||
    req.headers.host === `127.0.0.1:${port}` ||
    req.headers.host === `localhost:${port}`

  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    type = 'text/plain; charset=utf-8',
  ): void => {
    res.writeHead(status, { ...HEADERS, 'Content-Type': type })
    res.end(body)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://display.invalid')
    const decision = decideDisplayRequest({
      method: req.method ?? 'GET',
      pathname: url.pathname,
      token: url.searchParams.get('k'),
      expected: opts.token,
      hostOk: hostOk(req),
    })
    if (!decision.allow) return send(res, decision.status, decision.reason)
    const state = opts.source.current()
    switch (decision.route) {
      case 'page':
        return send(res, 200, displayHtml(opts.token), 'text/html; charset=utf-8')
      case 'script':
        return send(res, 200, DISPLAY_JS, 'text/javascript; charset=utf-8')
      case 'style':
        return send(res, 200, DISPLAY_CSS, 'text/css; charset=utf-8')
      case 'state':
        return send(res, 200, JSON.stringify(state), 'application/json')
      case 'qr': {
        // Only the QR of the checkout on screen: the display cannot be used to encode other text.
        if (state.kind !== 'waiting' || url.searchParams.get('c') !== state.checkoutId)
          return send(res, 404, 'No checkout is waiting for payment.')
        const svg = await QRCode.toString(state.qr, { type: 'svg', margin: 4, errorCorrectionLevel: 'M' })
        return send(res, 200, svg, 'image/svg+xml')
      }
      case 'events': {
        if (streams.size >= MAX_STREAMS) return send(res, 503, 'Too many customer displays are open.')
        res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' })
        res.write(`retry: 2000\ndata: ${JSON.stringify(state)}\n\n`)
        streams.add(res)
        const off = opts.source.subscribe((s) => res.write(`data: ${JSON.stringify(s)}\n\n`))
        req.on('close', () => {
          off()
          streams.delete(res)
        })
        return
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      opts.log.error('customer display: request failed', { cause: (e as Error).message })
      if (!res.headersSent) send(res, 500, 'Internal error')
      else res.end()
    })
  })
  // No WebSocket here: the till's IPC never reaches this port.
  server.on('upgrade', (_req: IncomingMessage, socket: Duplex) => {
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 10_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : 0

  return {
    port,
    host: opts.host,
    close: async () => {
      for (const res of streams) res.end()
      streams.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
