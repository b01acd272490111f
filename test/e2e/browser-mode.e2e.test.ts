// Browser mode end to end: the real server and services (no mocks), the built renderer and the
// client script in Chromium. Needs `npx electron-vite build` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { POS_API_KEYS } from '../../shared/ipc/contract'
import { startBrowserApp, type BrowserApp } from '../../electron/main/browser-mode/main'
import { type PageGlobals, launchChromium, SCREENSHOTS } from './harness'

const dataDir = mkdtempSync(join(tmpdir(), 'paykit-pos-bm-'))
let app: BrowserApp
let browser: Browser

beforeAll(async () => {
  app = await startBrowserApp({
    ...process.env,
    PAYKIT_DATA_DIR: dataDir,
    PAYKIT_SECRET_STORE: 'file',
    PAYKIT_PORT: '',
  })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await app?.shutdown.runAll()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('browser mode in Chromium', () => {
  it('the one-time URL opens the app with the same window.pos over the WebSocket', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } })
    // Loopback only: anything else the page asks for is refused.
    await context.route(/^(?!http:\/\/127\.0\.0\.1|ws:\/\/127\.0\.0\.1|data:|blob:)/, (r) => r.abort())
    const page = await context.newPage()
    await page.goto(app.url)
    expect(page.url()).not.toContain('?t=')
    await page.getByRole('heading', { name: 'Set up your shop' }).waitFor()
    const probe = await page.evaluate(async () => ({
      keys: Object.keys((globalThis as unknown as PageGlobals).pos ?? {}).sort(),
      info: await (globalThis as unknown as PageGlobals).pos!['app:info']({}),
      bad: await (globalThis as unknown as PageGlobals).pos!['session:unlock']({ pin: 7 } as never),
    }))
    expect(probe.keys).toEqual([...POS_API_KEYS].sort())
    expect(probe.info).toMatchObject({ ok: true, value: { shell: 'browser', secretStore: { kind: 'file' } } })
    expect(probe.bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    await page.screenshot({ path: join(SCREENSHOTS, 'bm-01-onboarding.png') })

    // The file-store warning is shown where the PIN is chosen.
    await page.getByTestId('start-import-phrase').click()
    await page.getByTestId('import-phrase').fill('abandon '.repeat(11) + 'about')
    await page.getByText('12 words, checksum correct.').waitFor()
    await page.getByTestId('import-next').click()
    await page.getByTestId('homeserver-next').click()
    await page
      .getByText(/OS keychain is not available/)
      .first()
      .waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, 'bm-02-pin-file-store-warning.png') })
    await context.close()
  })

  it('the token is spent: a second browser with the same URL is refused', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const res = await page.goto(app.url)
    expect(res?.status()).toBe(403)
    expect(await page.textContent('body')).toContain('already used')
    await context.close()
  })
})
