/**
 * @module browser-mode/server
 * Runs the POS in an ordinary browser: serves out/renderer on http://127.0.0.1:PORT and carries the
 * IPC contract over a WebSocket at /ipc, through the same dispatcher (schemas, access policy,
 * router) as Electron. No electron import.
 *
 * Who may talk to it: the printed URL carries a one-time token. Its first use sets an HttpOnly,
 * SameSite=Strict session cookie and the token is spent; every later request and the WebSocket
 * upgrade need that cookie, the exact Host `127.0.0.1:PORT` (against DNS rebinding) and, for the
 * socket, the exact Origin (against other local pages). Loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { toHex, equalBytes, utf8 } from '../core/util/bytes'
import { systemRng, type Rng } from '../core/util/rng'
import { serveAppFile } from '../app/app-files'
import { contentSecurityPolicy, securityHeaders } from '../app/csp'
import type { Dispatch } from '../ipc/dispatch'
import type { EventBus } from '../ipc/events'
import type { Logger } from '../platform/logger'
import { clientScript } from './client-script'

export type BrowserModeServer = { readonly url: string; readonly port: number; close(): Promise<void> }

const COOKIE = 'paykit_pos'
const MAX_MESSAGE = 6 * 1024 * 1024

function cookieValue(req: IncomingMessage): string | null {
  const header = req.headers.cookie ?? ''
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === COOKIE) return v.join('=')
  }
  return null
}

const sameSecret = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && equalBytes(utf8(a), utf8(b))

export async function startBrowserMode(opts: {
  rendererDir: string
  dispatch: Dispatch
  bus: EventBus
  log: Logger
  port?: number
  rng?: Rng
}): Promise<BrowserModeServer> {
  const rng = opts.rng ?? systemRng
  let token: string | null = toHex(rng(32))
  let session: string | null = null
  const sockets = new Set<WebSocket>()
  let port = 0
  let csp = contentSecurityPolicy()
  const client = clientScript()

  const hostOk = (req: IncomingMessage): boolean => req.headers.host === `127.0.0.1:${port}`
  const send = (
    res: ServerResponse,
    status: number,
    body: string | Uint8Array,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, {
      ...securityHeaders(csp),
      'Content-Type': 'text/plain; charset=utf-8',
      ...headers,
    })
    res.end(body)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostOk(req)) return send(res, 421, 'Wrong host: open the URL printed by Paykit POS.')
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const offered = url.searchParams.get('t')
    if (offered !== null) {
      if (token === null || !sameSecret(offered, token)) {
        return send(
          res,
          403,
          'This link was already used or is wrong. Restart browser mode to get a new one.',
        )
      }
      token = null
      session = toHex(rng(32))
      res.writeHead(303, {
        ...securityHeaders(csp),
        Location: '/',
        'Set-Cookie': `${COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
      })
      return void res.end()
    }
    if (!sameSecret(cookieValue(req), session)) {
      return send(res, 403, 'Not signed in: open the one-time URL printed by Paykit POS.')
    }
    if (url.pathname === '/pos-client.js') {
      return send(res, 200, client, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-store',
      })
    }
    const file = await serveAppFile(opts.rendererDir, req.method ?? 'GET', url.pathname, csp)
    let body = file.body
    if (file.status === 200 && (url.pathname === '/' || url.pathname === '/index.html')) {
      // The preload equivalent must run before the app's module script.
      const html = new TextDecoder().decode(body)
      body = utf8(html.replace('<head>', '<head>\n    <script src="/pos-client.js"></script>'))
    }
    res.writeHead(file.status, file.headers)
    res.end(body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      opts.log.error('browser mode: request failed', { cause: (e as Error).message })
      if (!res.headersSent) send(res, 500, 'Internal error')
      else res.end()
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const trusted =
      url.pathname === '/ipc' &&
      hostOk(req) &&
      req.headers.origin === `http://127.0.0.1:${port}` &&
      sameSecret(cookieValue(req), session)
    if (!trusted) {
      opts.log.warn('browser mode: refused a WebSocket from an untrusted page', {
        origin: String(req.headers.origin ?? 'none').slice(0, 80),
      })
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      ws.on('message', (data, isBinary) => {
        void onMessage(ws, isBinary ? null : data.toString())
      })
    })
  })

  async function onMessage(ws: WebSocket, text: string | null): Promise<void> {
    let msg: unknown
    try {
      msg = text === null ? null : JSON.parse(text)
    } catch {
      msg = null
    }
    const m = msg as { id?: unknown; command?: unknown; request?: unknown } | null
    if (!m || typeof m.id !== 'number' || typeof m.command !== 'string') {
      ws.send(
        JSON.stringify({
          id: null,
          result: { ok: false, error: { code: 'invalid-input', message: 'Malformed message' } },
        }),
      )
      return
    }
    const result = await opts.dispatch(m.command, m.request)
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: m.id, result }))
  }

  const unsubscribe = opts.bus.subscribe((event, payload) => {
    const frame = JSON.stringify({ event, payload })
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : 0
  csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`])

  return {
    url: `http://127.0.0.1:${port}/?t=${token}`,
    port,
    close: async () => {
      unsubscribe()
      for (const ws of sockets) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
