import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { startBrowserMode, type BrowserModeServer } from '../../../electron/main/browser-mode/server'
import { createDispatcher } from '../../../electron/main/ipc/dispatch'
import { createRouter } from '../../../electron/main/ipc/router'
import { memoryLogger } from '../../../electron/main/platform/logger'
import type { AppServices } from '../../../electron/main/app/services/app-services'
import { makeServices, tempDir } from '../helpers'

const tmp = tempDir()
let server: BrowserModeServer
let services: AppServices
let cookie = ''

type Res = { status: number; headers: Record<string, string | string[] | undefined>; body: string }
function get(path: string, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        headers: { host: `127.0.0.1:${server.port}`, ...headers },
      },
      (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

function socket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ipc`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
}

function next(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    ws.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>)),
  )
}

beforeAll(async () => {
  const renderer = join(tmp.dir, 'renderer')
  mkdirSync(renderer)
  writeFileSync(
    join(renderer, 'index.html'),
    '<!doctype html><html><head><title>x</title></head><body></body></html>',
  )
  ;({ services } = await makeServices(join(tmp.dir, 'data')))
  const log = memoryLogger()
  const dispatch = createDispatcher({ router: createRouter(services), access: services.accessState, log })
  server = await startBrowserMode({ rendererDir: renderer, dispatch, bus: services.bus, log })
})

afterAll(async () => {
  await server.close()
  tmp.cleanup()
})

describe('browser mode server', () => {
  it('listens on loopback and prints a one-time URL with a 256-bit token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?t=[0-9a-f]{64}$`))
  })

  it('refuses everything before the token, a wrong token, and a foreign Host header', async () => {
    expect((await get('/')).status).toBe(403)
    expect((await get('/pos-client.js')).status).toBe(403)
    expect((await get('/?t=deadbeef')).status).toBe(403)
    expect((await get('/', { host: 'evil.example' })).status).toBe(421)
  })

  it('spends the token once for an HttpOnly SameSite=Strict cookie', async () => {
    const path = new URL(server.url).pathname + new URL(server.url).search
    const first = await get(path)
    expect(first.status).toBe(303)
    const set = String(first.headers['set-cookie'])
    expect(set).toMatch(/HttpOnly; SameSite=Strict; Path=\//)
    cookie = set.split(';')[0]!
    expect((await get(path)).status).toBe(403)
  })

  it('serves the app with the client script injected first and the CSP allowing only its own socket', async () => {
    const page = await get('/', { cookie })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<head>\n    <script src="/pos-client.js"></script>')
    expect(page.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://127.0.0.1:${server.port}`,
    )
    const client = await get('/pos-client.js', { cookie })
    expect(client.headers['content-type']).toMatch(/javascript/)
    expect(client.body).toContain('"session:unlock"')
    expect((await get('/..%2f..%2fetc/passwd', { cookie })).status).toBe(400)
  })

  it('accepts the WebSocket only with the cookie and our exact Origin', async () => {
    const origin = `http://127.0.0.1:${server.port}`
    await expect(socket({ origin })).rejects.toThrow(/403/)
    await expect(socket({ origin: 'http://evil.example', cookie })).rejects.toThrow(/403/)
    await expect(socket({ origin: 'http://localhost', cookie })).rejects.toThrow(/403/)
    const ws = await socket({ origin, cookie })
    ws.close()
  })

  it('carries commands through the same dispatcher (schema errors included) and pushes events', async () => {
    const ws = await socket({ origin: `http://127.0.0.1:${server.port}`, cookie })
    try {
      ws.send(JSON.stringify({ id: 1, command: 'app:info', request: {} }))
      expect(await next(ws)).toMatchObject({ id: 1, result: { ok: true, value: { name: 'Paykit POS' } } })
      ws.send(JSON.stringify({ id: 2, command: 'session:unlock', request: { pin: 42 } }))
      expect(await next(ws)).toMatchObject({ id: 2, result: { ok: false, error: { code: 'invalid-input' } } })
      ws.send('not json')
      expect(await next(ws)).toMatchObject({
        id: null,
        result: { ok: false, error: { code: 'invalid-input' } },
      })
      const pushed = next(ws)
      services.bus.emit('settings:changed', services.settings.get())
      expect(await pushed).toMatchObject({ event: 'settings:changed', payload: { shopName: 'My shop' } })
    } finally {
      ws.close()
    }
  })
})
