// The customer display: its policy (the display token opens the read-only display routes and
// nothing else), its state (waiting → PAID → welcome), and the real server on loopback.
import { afterEach, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { COMMAND_NAMES } from '../../../shared/ipc/contract'
import type { CheckoutSession } from '../../../shared/domain/checkout'
import type { DisplayState } from '../../../shared/domain/display'
import { COMMAND_ACCESS } from '../../../electron/main/ipc/policy'
import { DISPLAY_PATHS, decideDisplayRequest, tokenMatches } from '../../../electron/main/app/display/policy'
import { startDisplayServer, type DisplayServer } from '../../../electron/main/app/display/server'
import { CustomerDisplayHost } from '../../../electron/main/app/display/host'
import { DisplayStateService, type DisplayTimers } from '../../../electron/main/app/services/display-state'
import { EventBus } from '../../../electron/main/ipc/events'
import type { Logger } from '../../../electron/main/platform/logger'
import { tempDir } from '../helpers'

const TOKEN = 'ab'.repeat(32)
const quiet: Logger = { warn: () => undefined, error: () => undefined }
const decide = (pathname: string, over: Partial<Parameters<typeof decideDisplayRequest>[0]> = {}) =>
  decideDisplayRequest({ method: 'GET', pathname, token: TOKEN, expected: TOKEN, hostOk: true, ...over })

const session = (id: string, total = 2100): CheckoutSession => ({
  checkoutId: id,
  qr: `pubky://merchant?paykit=checkout&id=${id}`,
  amountMinor: total,
  tipMinor: 0,
  totalMinor: total,
  currency: 'SAT',
  createdAt: 1,
  expiresAt: 2,
  lightningInvoice: null,
  onchainAddress: null,
  endpoint: { merchant: 'm', host: '127.0.0.1', port: 1 },
})

describe('display policy: the display token opens only the read-only display', () => {
  it('allows exactly the display routes with the right token', () => {
    const routes = DISPLAY_PATHS.map((p) => decide(p))
    expect(routes.every((d) => d.allow)).toBe(true)
    expect(routes.map((d) => (d.allow ? d.route : null)).sort()).toEqual(
      ['events', 'page', 'qr', 'script', 'state', 'style'].sort(),
    )
  })

  it('refuses every IPC command, the till app and its files, even with the right token', () => {
    const paths = [
      '/ipc',
      '/',
      '/index.html',
      '/pos-client.js',
      '/display/../ipc',
      '/display/receipts',
      '/DISPLAY',
      ...COMMAND_NAMES.map((c) => `/${c}`),
      ...COMMAND_NAMES.map((c) => `/display/${c}`),
    ]
    for (const p of paths) expect(decide(p), p).toMatchObject({ allow: false, status: 404 })
    expect(paths.length).toBeGreaterThan(COMMAND_NAMES.length * 2)
    // No WebSocket (the IPC transport), on any path.
    expect(decide('/display/events', { upgrade: true })).toMatchObject({ allow: false, status: 403 })
    expect(decide('/ipc', { upgrade: true })).toMatchObject({ allow: false, status: 403 })
  })

  it('is read-only: only GET and HEAD', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])
      expect(decide('/display/state', { method })).toMatchObject({ allow: false, status: 405 })
    expect(decide('/display/state', { method: 'HEAD' })).toMatchObject({ allow: true })
  })

  it('refuses a missing, empty, wrong or truncated token before revealing any route', () => {
    for (const token of [null, '', 'cd'.repeat(32), TOKEN.slice(0, 63), `${TOKEN}0`]) {
      expect(decide('/display/state', { token })).toMatchObject({ allow: false, status: 403 })
      expect(decide('/no-such-path', { token })).toMatchObject({ allow: false, status: 403 })
    }
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true)
    expect(tokenMatches(null, TOKEN)).toBe(false)
    expect(decide('/display', { hostOk: false })).toMatchObject({ allow: false, status: 421 })
  })

  it('the display commands are owner-only in the till policy (the link carries the token)', () => {
    expect(COMMAND_ACCESS['display:info']).toBe('owner')
    expect(COMMAND_ACCESS['display:set-mode']).toBe('owner')
  })
})

/** Timers the test fires by hand. */
function manualTimers(): DisplayTimers & { fire(): void; pending: number } {
  const fns = new Map<number, () => void>()
  let next = 1
  return {
    set: (fn) => {
      fns.set(next, fn)
      return next++
    },
    clear: (h) => void fns.delete(h as number),
    fire: () => {
      const all = [...fns.values()]
      fns.clear()
      for (const f of all) f()
    },
    get pending() {
      return fns.size
    },
  }
}

describe('display state: welcome → waiting → PAID → welcome', () => {
  it('follows the checkout on screen and ignores others', () => {
    const bus = new EventBus()
    const timers = manualTimers()
    const seen: DisplayState[] = []
    const state = new DisplayStateService(bus, () => 'Corner Café', timers, 1000)
    state.subscribe((s) => seen.push(s))
    expect(state.current()).toEqual({ kind: 'idle', shopName: 'Corner Café' })

    state.showCheckout(session('c1'))
    expect(state.current()).toMatchObject({ kind: 'waiting', checkoutId: 'c1', totalMinor: 2100 })
    // A late payment of another checkout does not replace the one on screen.
    bus.emit('checkout:paid', {
      checkoutId: 'old',
      totalMinor: 5,
      currency: 'SAT',
      paidAt: 1,
      method: 'Lightning',
      receiptId: 'r0',
    })
    expect(state.current().kind).toBe('waiting')
    bus.emit('checkout:paid', {
      checkoutId: 'c1',
      totalMinor: 2100,
      currency: 'SAT',
      paidAt: 1,
      method: 'Lightning',
      receiptId: 'r1',
    })
    expect(state.current()).toEqual({
      kind: 'paid',
      shopName: 'Corner Café',
      checkoutId: 'c1',
      totalMinor: 2100,
      currency: 'SAT',
    })
    // Nothing the customer should not see (receipt id, payer, memo) is in the state.
    expect(JSON.stringify(seen)).not.toContain('r1')
    expect(timers.pending).toBe(1)
    timers.fire()
    expect(state.current().kind).toBe('idle')

    state.showCheckout(session('c2'))
    bus.emit('checkout:changed', { checkoutId: 'c2', state: 'cancelled', receivedSats: 0 })
    expect(state.current().kind).toBe('idle')
    expect(seen.map((s) => s.kind)).toEqual(['waiting', 'paid', 'idle', 'waiting', 'idle'])
    state.dispose()
  })
})

/** One HTTP GET on loopback (Host header settable). */
function get(
  port: number,
  path: string,
  opts: { method?: string; host?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: opts.host ?? `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          body += c
          // An event stream never ends: the first frame is enough.
          if (res.headers['content-type'] === 'text/event-stream' && body.includes('\n\n')) res.destroy()
        })
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('display server on loopback', () => {
  let server: DisplayServer | null = null
  afterEach(async () => {
    await server?.close()
    server = null
  })

  it('serves the page, state, stream and QR with the token; refuses everything else', async () => {
    const state = new DisplayStateService(new EventBus(), () => 'Shop', manualTimers())
    server = await startDisplayServer({ host: '127.0.0.1', token: TOKEN, source: state, log: quiet })
    const p = server.port
    const page = await get(p, `/display?k=${TOKEN}`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('data-testid="display"')
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'")
    expect(JSON.parse((await get(p, `/display/state?k=${TOKEN}`)).body)).toEqual({
      kind: 'idle',
      shopName: 'Shop',
    })
    // No checkout on screen: no QR, and the QR route never encodes other text.
    expect((await get(p, `/display/qr.svg?k=${TOKEN}&c=x`)).status).toBe(404)
    state.showCheckout(session('c9', 777))
    const qr = await get(p, `/display/qr.svg?k=${TOKEN}&c=c9`)
    expect(qr.status).toBe(200)
    expect(qr.body).toMatch(/^<svg/)
    const stream = await get(p, `/display/events?k=${TOKEN}`)
    expect(stream.body).toContain('"kind":"waiting"')
    expect(stream.body).toContain('"totalMinor":777')

    expect((await get(p, '/display')).status).toBe(403)
    expect((await get(p, `/display?k=${'cd'.repeat(32)}`)).status).toBe(403)
    expect((await get(p, `/ipc?k=${TOKEN}`)).status).toBe(404)
    expect((await get(p, `/?k=${TOKEN}`)).status).toBe(404)
    expect((await get(p, `/display/state?k=${TOKEN}`, { method: 'POST' })).status).toBe(405)
    // DNS rebinding: a page on another name cannot read it even with the token.
    expect((await get(p, `/display/state?k=${TOKEN}`, { host: `evil.example:${p}` })).status).toBe(421)
    const ws = await get(p, `/ipc?k=${TOKEN}`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    }).catch(() => ({ status: 403 }))
    expect(ws.status).toBe(403)
    state.dispose()
  })
})

describe('display host: off by default, fresh token when switched on, saved across restarts', () => {
  it('starts, keeps its link across a restart, makes a new one after off → on', async () => {
    const { dir, cleanup } = tempDir()
    const file = join(dir, 'display.json')
    const state = new DisplayStateService(new EventBus(), () => 'Shop', manualTimers())
    let n = 0
    const rng = (len: number): Uint8Array => new Uint8Array(len).fill(++n)
    try {
      const host = new CustomerDisplayHost({
        source: state,
        rng,
        log: quiet,
        file,
        lanAddresses: () => ['192.168.1.9'],
      })
      await host.restore()
      expect(host.info()).toEqual({ mode: 'off', url: null, lanUrls: [], problem: null })
      const on = await host.setMode('local')
      expect(on.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/display\?k=[0-9a-f]{64}$/)
      expect(on.lanUrls).toEqual([])
      const port = Number(new URL(on.url!).port)
      expect((await get(port, new URL(on.url!).pathname + new URL(on.url!).search)).status).toBe(200)
      await host.close()

      // A restart (new host, same file) brings the same link back.
      const again = new CustomerDisplayHost({ source: state, rng, log: quiet, file })
      await again.restore()
      expect(again.info().url).toBe(on.url)
      // LAN: bound to 0.0.0.0, LAN links shown, new token.
      const lan = await again.setMode('lan')
      expect(lan.lanUrls.length === 0 || lan.lanUrls[0]!.startsWith('http://')).toBe(true)
      expect(lan.url).not.toBe(on.url)
      // Off: the old link is dead and the file forgets the token.
      await again.setMode('off')
      expect(
        (await get(port, new URL(on.url!).pathname + new URL(on.url!).search).catch(() => ({ status: 0 })))
          .status,
      ).not.toBe(200)
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ mode: 'off', token: null, port: null })
      const back = await again.setMode('local')
      expect(back.url).not.toBe(on.url)
      await again.close()
      expect(existsSync(file)).toBe(true)
    } finally {
      state.dispose()
      cleanup()
    }
  })

  it('a damaged settings file means off', async () => {
    const { dir, cleanup } = tempDir()
    const file = join(dir, 'display.json')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, '{"mode":"everywhere"}')
    const state = new DisplayStateService(new EventBus(), () => 'Shop', manualTimers())
    const host = new CustomerDisplayHost({ source: state, rng: (l) => new Uint8Array(l), log: quiet, file })
    await host.restore()
    expect(host.info().mode).toBe('off')
    expect(host.info().url).toBeNull()
    state.dispose()
    cleanup()
  })
})
