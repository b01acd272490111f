/**
 * E2E harness (toolchain.md §3 b): the built renderer runs in Debian Chromium; the real main entry
 * runs in this Node process behind the Electron stand-in; the *built* preload bundle runs in the
 * page with `require('electron')` answered by a shim whose ipcRenderer calls the IPC handlers the
 * real main registered. Requests for http://app.test/* are answered by main's real app:// protocol
 * handler; every other request is checked against main's real navigation / new-window guards and
 * then aborted (no network).
 */
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PosApi } from '../../shared/ipc/contract'
import { startBrowserApp, type BrowserApp } from '../../electron/main/browser-mode/main'
import type { FakeBrowserWindow } from '../main/electron-stand-in'
import { recorded } from '../main/electron-stand-in'
import { runCli } from '../cli/run-cli'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const SCREENSHOTS = join(repoRoot, 'test-artifacts', 'screenshots')
export const ORIGIN = 'http://app.test'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS })
}

/** Maps the page URL to the URL Electron would report for the frame (app://pos/...). */
export const toAppUrl = (url: string): string =>
  url.startsWith(`${ORIGIN}/`) ? `app://pos${url.slice(ORIGIN.length)}` : url

/** The page globals the tests touch inside `page.evaluate` (this project compiles without the DOM lib). */
export type PageElement = { href: string; target: string; textContent: string; click(): void }
export type PageGlobals = {
  pos?: PosApi
  location: { href: string }
  document: { createElement(tag: string): PageElement; body: { append(el: PageElement): void } }
  open(url: string): void
  __pwned?: boolean
}

export type Harness = {
  page: Page
  context: BrowserContext
  /** Non-app URLs the page tried to load, and what the guards decided. */
  blocked: { url: string; kind: 'navigation' | 'popup' | 'subresource' }[]
  popups: Page[]
  shot(name: string): Promise<void>
}

export async function openApp(browser: Browser, win: FakeBrowserWindow): Promise<Harness> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } })
  const blocked: Harness['blocked'] = []
  const popups: Page[] = []
  const appProtocol = recorded.protocolHandlers.get('app')!
  let mainPage: Page | null = null
  let denied = 0

  await context.route('**/*', async (route: Route) => {
    const req = route.request()
    const url = req.url()
    if (url.startsWith(`${ORIGIN}/`)) {
      const res = await appProtocol(new Request(toAppUrl(url), { method: req.method() }))
      const headers: Record<string, string> = {}
      res.headers.forEach((v, k) => (headers[k] = v))
      return route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) })
    }
    if (url.startsWith('data:') || url.startsWith('blob:')) return route.continue()
    let page: Page | null = null
    try {
      page = req.frame().page()
    } catch {
      // Playwright has no frame yet for a popup's first navigation.
    }
    if (page !== mainPage) {
      // A new window: Electron asks setWindowOpenHandler first.
      const decision = win.webContents.windowOpenHandler!({ url })
      blocked.push({ url, kind: 'popup' })
      await route.abort('blockedbyclient')
      if (decision.action === 'deny') {
        denied++
        // Electron would never create the window; close Chromium's (its 'page' event may come later).
        const closeAll = () => popups.forEach((p) => void p.close().catch(() => undefined))
        closeAll()
        setTimeout(closeAll, 100)
      }
      return
    }
    if (req.isNavigationRequest()) {
      const prevented = win.webContents.emit('will-navigate', url)
      blocked.push({ url, kind: 'navigation' })
      // A cancelled navigation leaves the page as it is (Electron's preventDefault); 204 is how a
      // browser does the same, where abort() would show an error page instead.
      if (prevented) return route.fulfill({ status: 204, body: '' })
    } else {
      blocked.push({ url, kind: 'subresource' })
    }
    return route.abort('blockedbyclient')
  })
  const page = await context.newPage()
  mainPage = page
  // Registered after the app page exists: every page from here on is a popup.
  context.on('page', (p) => {
    popups.push(p)
    if (denied > 0) void p.close().catch(() => undefined)
  })
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`))

  // ipcRenderer.invoke → the handler main registered, with the sender frame Electron would report.
  await page.exposeBinding('__ipcInvoke', async (source, channel: string, request: unknown) => {
    const handler = recorded.ipcHandlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    const event = {
      sender: win.webContents,
      senderFrame: { url: toAppUrl(source.frame.url()), parent: null },
    }
    return handler(event, request)
  })
  // webContents.send → the preload's ipcRenderer.on listeners.
  win.webContents.send = (channel: string, payload: unknown) => {
    win.webContents.sent.push({ channel, payload })
    void page
      .evaluate(
        ([c, p]) =>
          (
            globalThis as unknown as { __electronDeliver?: (c: string, p: unknown) => void }
          ).__electronDeliver?.(c, p),
        [channel, payload] as const,
      )
      .catch(() => undefined)
  }

  const preload = readFileSync(join(repoRoot, 'out/preload/index.cjs'), 'utf8')
  await page.addInitScript({
    content: `(() => {
  const listeners = new Map();
  const shim = {
    contextBridge: { exposeInMainWorld: (key, api) => Object.defineProperty(window, key, { value: api, enumerable: true }) },
    ipcRenderer: {
      invoke: (channel, request) => window.__ipcInvoke(channel, JSON.parse(JSON.stringify(request === undefined ? null : request))),
      on: (channel, fn) => { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(fn); },
      removeListener: (channel, fn) => listeners.get(channel)?.delete(fn),
    },
  };
  Object.defineProperty(window, '__electronDeliver', { value: (c, p) => listeners.get(c)?.forEach((fn) => fn({}, p)) });
  const require = (name) => { if (name === 'electron') return shim; throw new Error('sandboxed preload cannot require ' + name); };
  const module = { exports: {} };
  (function (require, module, exports) {
${preload}
  })(require, module, module.exports);
})();`,
  })

  return {
    page,
    context,
    blocked,
    popups,
    shot: async (name: string) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
    },
  }
}

/**
 * Browser mode on a fresh data folder with the embedded engine, tuned for tests: every payer here
 * is 127.0.0.1, so the per-IP admission limits (tested on their own) are lifted, and billing,
 * polling and sweeping run when a test asks rather than on timers. `engine` adds options (e.g. the
 * test clock).
 */
export async function startTestPos(
  root: string,
  engine: Parameters<typeof startBrowserApp>[1] = {},
): Promise<BrowserApp> {
  return startBrowserApp(
    {
      PAYKIT_POS_HOME: join(root, 'pos'),
      PAYKIT_SECRET_STORE: 'file',
      PAYKIT_RENDERER_DIR: join(repoRoot, 'out/renderer'),
    },
    {
      listener: {
        rateLimit: { maxAttempts: 10_000 },
        connectionLimit: { maxPerIp: 1000, maxPerSubnet: 1000 },
      },
      timers: { billingIntervalMs: 0, inboxIntervalMs: 0, sweepIntervalMs: 0, subscriberSyncIntervalMs: 0 },
      ...engine,
    },
  )
}

/** One contract call through the page's real `window.pos` (the preload bridge), unwrapping the result envelope. */
export function callPos<T>(page: Page, command: string, request: unknown = {}): Promise<T> {
  return page.evaluate(
    async ([c, r]) => {
      const api = (globalThis as unknown as { pos: Record<string, (q: unknown) => Promise<unknown>> }).pos
      const res = (await api[c]!(r)) as { ok: boolean; value?: unknown; error?: unknown }
      if (!res.ok) throw new Error(JSON.stringify(res.error))
      return res.value
    },
    [command, request] as const,
  ) as Promise<T>
}

/** The payer CLI's passphrase for the test payer's file identity store in every till e2e. */
export const PAYER_PASS = 'payer passphrase 1'

/** A till e2e's world: the POS in browser mode, a payer identity made by the CLI, one Chromium page on the till. */
export interface TillScene {
  app: BrowserApp
  browser: Browser
  page: Page
  /** The payer's pubky (its CLI home is `root/payer`, passphrase PAYER_PASS). */
  payer: string
}

/**
 * Opens a till scene on `root` (needs `npx electron-vite build` first). If any step fails, what was
 * already started is closed before the error propagates, so a failed setup leaks no engine worker
 * or browser into the next test file.
 */
export async function openTillScene(
  root: string,
  opts: {
    engine?: Parameters<typeof startTestPos>[1]
    viewport?: { width: number; height: number }
    acceptDownloads?: boolean
    /** Prefix of the page-error lines this scene logs (several pages in one file tell theirs apart). */
    pageName?: string
  } = {},
): Promise<TillScene> {
  if (!existsSync(join(repoRoot, 'out/renderer/index.html')))
    throw new Error('out/ is missing: run "npx electron-vite build" before the e2e project')
  mkdirSync(SCREENSHOTS, { recursive: true })
  const app = await startTestPos(root, opts.engine)
  let browser: Browser | undefined
  try {
    const id = await runCli(['id', 'new', '--json'], {
      env: { PAYKIT_HOME: join(root, 'payer'), PAYKIT_PASSPHRASE: PAYER_PASS },
    })
    if (id.code !== 0) throw new Error(`paykit id new exited ${String(id.code)}: ${id.stderr.slice(-1000)}`)
    const payer = (JSON.parse(id.stdout) as { pubky: string }).pubky
    browser = await launchChromium()
    const context = await browser.newContext({
      viewport: opts.viewport ?? { width: 1280, height: 860 },
      acceptDownloads: opts.acceptDownloads ?? false,
    })
    const page = await context.newPage()
    const name = opts.pageName ?? 'page'
    page.on('pageerror', (e) => console.error(`[${name} error] ${e.message}`))
    await page.goto(app.url)
    return { app, browser, page, payer }
  } catch (e) {
    await browser?.close()
    await app.shutdown.runAll()
    throw e
  }
}

/** Closes a scene (or what exists of it) and removes its folder. */
export async function closeTillScene(scene: TillScene | undefined, root: string): Promise<void> {
  await scene?.browser.close()
  await scene?.app.shutdown.runAll()
  rmSync(root, { recursive: true, force: true })
}
