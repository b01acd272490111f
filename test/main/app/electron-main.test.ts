// The real main entry (electron/main/index.ts) under an Electron stand-in: Electron itself cannot
// run here (no binary), so this is the boundary we mock; everything behind it is the real code.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:net'
import { COMMAND_NAMES } from '../../../shared/ipc/contract'
import { contentSecurityPolicy } from '../../../electron/main/app/csp'
import { tempDir } from '../helpers'
import { invokeEvent, recorded, type FakeBrowserWindow } from '../electron-stand-in'

vi.mock('electron', async () => (await import('../electron-stand-in')).electronModule)

const tmp = tempDir()
let win: FakeBrowserWindow
let mainModule: typeof import('../../../electron/main/index')
const APP = 'app://pos/index.html'

beforeAll(async () => {
  const renderer = join(tmp.dir, 'renderer')
  mkdirSync(renderer)
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(tmp.dir, 'outside.txt'), 'outside')
  process.env['PAYKIT_DATA_DIR'] = join(tmp.dir, 'data')
  process.env['PAYKIT_RENDERER_DIR'] = renderer
  mainModule = await import('../../../electron/main/index')
  await vi.waitFor(() => expect(recorded.ipcHandlers.size).toBe(COMMAND_NAMES.length), { timeout: 20_000 })
  win = recorded.windows[0]!
})

afterAll(() => {
  delete process.env['PAYKIT_DATA_DIR']
  delete process.env['PAYKIT_RENDERER_DIR']
  tmp.cleanup()
})

let listenerPort = 0
/** True when something accepts a TCP connection on 127.0.0.1:port. */
const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

const invoke = (command: string, request: unknown, event = invokeEvent(win.webContents, APP)) =>
  recorded.ipcHandlers.get(command)!(event, request)

describe('Electron main entry', () => {
  it('creates exactly one locked-down window on app://pos', () => {
    expect(recorded.windows).toHaveLength(1)
    const prefs = win.options['webPreferences'] as Record<string, unknown>
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    })
    expect(String(prefs['preload'])).toMatch(/preload[\\/]index\.cjs$/)
    expect(win.loadedUrl).toBe(APP)
  })

  it('registers app:// as a privileged standard scheme and serves the renderer with the CSP header', async () => {
    expect(recorded.privilegedSchemes).toEqual([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
      },
    ])
    const handler = recorded.protocolHandlers.get('app')!
    const ok = await handler(new Request(APP))
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
    expect(await ok.text()).toContain('<title>t</title>')
    // The URL parser already folds %2e%2e; an encoded slash reaches the guard, which refuses it.
    const folded = await handler(new Request('app://pos/%2e%2e/outside.txt'))
    expect(folded.status).toBe(404)
    expect(await folded.text()).not.toContain('outside')
    expect((await handler(new Request('app://pos/..%2foutside.txt'))).status).toBe(400)
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404)
  })

  it('adds the CSP header to every response of the session', () => {
    let result: unknown
    recorded.session.headersReceived!({ responseHeaders: { 'X-A': ['1'] } }, (r) => (result = r))
    expect(result).toEqual({
      responseHeaders: { 'X-A': ['1'], 'Content-Security-Policy': [contentSecurityPolicy()] },
    })
  })

  it('denies every permission request and check', () => {
    const answers: boolean[] = []
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      recorded.session.permissionRequest!(win.webContents, p, (ok) => answers.push(ok))
    }
    expect(answers).toEqual([false, false, false, false])
    expect(recorded.session.permissionCheck!(win.webContents, 'media')).toBe(false)
  })

  it('blocks navigation and redirects off app://, webview attach, and opens no windows', () => {
    const wc = win.webContents
    expect(wc.emit('will-navigate', 'https://evil.example/')).toBe(true)
    expect(wc.emit('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(wc.emit('will-navigate', 'app://pos/index.html#/settings')).toBe(false)
    expect(wc.emit('will-redirect', 'https://evil.example/')).toBe(true)
    expect(wc.emit('will-attach-webview', {}, {})).toBe(true)
    expect(wc.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(wc.windowOpenHandler!({ url: 'https://pubky.org/docs' })).toEqual({ action: 'deny' })
    expect(recorded.openedExternal).toEqual(['https://pubky.org/docs'])
  })

  it('refuses downloads that are not our own blob exports', () => {
    const item = (url: string) => ({ getURL: () => url })
    expect(recorded.session.events.emit('will-download', item('https://evil.example/x.exe'))).toBe(true)
    expect(recorded.session.events.emit('will-download', item('blob:app://pos/1234'))).toBe(false)
  })

  it('registers one IPC handler per contract command, and answers a trusted call', async () => {
    expect([...recorded.ipcHandlers.keys()].sort()).toEqual([...COMMAND_NAMES].sort())
    const info = (await invoke('app:info', {})) as { ok: boolean; value: { shell: string; version: string } }
    expect(info).toMatchObject({ ok: true, value: { shell: 'electron', version: '0.1.0-test' } })
  })

  it('refuses forged senders: another origin, a subframe, another webContents', async () => {
    const forbidden = { ok: false, error: { code: 'forbidden', message: expect.any(String) } }
    expect(await invoke('app:info', {}, invokeEvent(win.webContents, 'https://evil.example/'))).toMatchObject(
      forbidden,
    )
    expect(await invoke('app:info', {}, invokeEvent(win.webContents, 'app://evil/index.html'))).toMatchObject(
      forbidden,
    )
    expect(await invoke('app:info', {}, invokeEvent(win.webContents, APP, { url: APP }))).toMatchObject(
      forbidden,
    )
    const other = new (await import('../electron-stand-in')).FakeWebContents()
    expect(await invoke('app:info', {}, invokeEvent(other, APP))).toMatchObject(forbidden)
    expect(
      await invoke('identity:draft', {}, { sender: win.webContents, senderFrame: null } as never),
    ).toMatchObject(forbidden)
  })

  it('answers a schema-failing request with the typed error and changes nothing', async () => {
    const before = await invoke('session:status', {})
    expect(await invoke('session:unlock', { pin: 1234 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
    expect(await invoke('session:unlock', { pin: '123456', extra: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
    expect(await invoke('settings:update', { shopName: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
    expect(await invoke('identity:import-phrase', null)).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
    expect(await invoke('session:status', {})).toEqual(before)
    // Without an identity, unlocked-only commands say what to do.
    expect(await invoke('settings:get', {})).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })

  it('starts the payment engine in a worker thread once onboarding unlocks, and keeps it running when locked', async () => {
    const engineEvents = () =>
      win.webContents.sent
        .filter((s) => s.channel === 'engine:status')
        .map((s) => (s.payload as { state: string }).state)
    expect(engineEvents()).toEqual([])
    const draft = (await invoke('identity:draft', {})) as {
      ok: true
      value: { draftId: string; words: string[]; confirmPositions: number[] }
    }
    const created = await invoke('identity:create', {
      draftId: draft.value.draftId,
      confirmations: draft.value.confirmPositions.map((p) => draft.value.words[p - 1]),
      pin: 'main-pin-2468',
      homeserver: { kind: 'embedded' },
    })
    expect(created).toMatchObject({ ok: true, value: { locked: false } })
    await vi.waitFor(() => expect(engineEvents()).toContain('running'), { timeout: 60_000 })
    expect(engineEvents()[0]).toBe('starting')
    // The engine runs on another thread: this (UI-driving) process has one more thread, not the ledger.
    const status = (await invoke('engine:status', {})) as { ok: true; value: { state: string } }
    expect(status.value.state).toBe('running')
    const sale = (await invoke('checkout:start', {
      amountMinor: 2100,
      tipMinor: 0,
      currency: 'SAT',
      memo: 'test',
    })) as {
      ok: true
      value: { qr: string; lightningInvoice: string; endpoint: { port: number } }
    }
    expect(sale.ok).toBe(true)
    expect(sale.value.qr).toMatch(/^pubky:\/\/[a-z0-9]{52}\?/)
    expect(sale.value.lightningInvoice).toMatch(/^lnbcrt/)
    listenerPort = sale.value.endpoint.port
    expect(await canConnect(listenerPort)).toBe(true)
    // Locking gates the UI, not the till: commands are refused, the listener keeps accepting.
    await invoke('session:lock', {})
    expect(
      await invoke('checkout:start', { amountMinor: 1, tipMinor: 0, currency: 'SAT', memo: '' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    })
    expect(await canConnect(listenerPort)).toBe(true)
    expect(engineEvents()).not.toContain('stopped')
  }, 90_000)

  it('pushes events to the window and shuts down in reverse order on quit, the engine before the services', async () => {
    expect(mainModule.shutdown.names).toEqual(['app services', 'customer display', 'engine', 'ipc', 'events'])
    await invoke('session:lock', {})
    expect(win.webContents.sent.map((s) => s.channel)).toContain('session:changed')
    const prevented = recorded.app.emit('before-quit')
    expect(prevented).toBe(true)
    await vi.waitFor(() => expect(recorded.quitCalls).toBe(1), { timeout: 30_000 })
    expect(recorded.ipcHandlers.size).toBe(0)
    expect(recorded.removedIpc).toHaveLength(COMMAND_NAMES.length)
    // Newest first: no more IPC, then the engine (listener, /noise, ledger, in its worker), and only
    // then the services that hold the identity secret. Its listener no longer accepts.
    expect(await mainModule.shutdown.runAll()).toEqual([
      'events',
      'ipc',
      'engine',
      'customer display',
      'app services',
    ])
    expect(await canConnect(listenerPort)).toBe(false)
  }, 60_000)
})
