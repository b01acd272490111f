// The customer-facing display end to end: browser mode with the real engine, the till in one
// Chromium page and the display in a second one (its own server and token), the customer played by
// the payer CLI. Needs `npx electron-vite build` first. Screenshots: test-artifacts/screenshots/cd-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { DisplayInfo } from '../../shared/domain/display'
import type { BrowserApp } from '../../electron/main/browser-mode/main'
import { runCli } from '../cli/run-cli'
import { callPos, closeTillScene, openTillScene, PAYER_PASS, SCREENSHOTS, type TillScene } from './harness'

const root = mkdtempSync(join(tmpdir(), 'paykit-pos-display-e2e-'))
const PIN = 'till-pin-2468'
let app: BrowserApp
let browser: Browser
let scene: TillScene | undefined
let till: Page
let display: Page

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

function pos<T>(command: string, request: unknown = {}): Promise<T> {
  return callPos<T>(till, command, request)
}

/** Raw status of a GET from Node (no browser, no cookies). */
async function status(url: string, init: RequestInit = {}): Promise<number> {
  return (await fetch(url, init)).status
}

beforeAll(async () => {
  scene = await openTillScene(root, { viewport: { width: 1280, height: 900 }, pageName: 'till page' })
  ;({ app, browser, page: till } = scene)
  await till.getByRole('heading', { name: 'Set up your shop' }).waitFor()
  // Onboarding through the contract (the engine e2e walks the screens).
  await pos('identity:import-phrase', {
    phrase: `${'abandon '.repeat(11)}about`,
    passphrase: '',
    pin: PIN,
    homeserver: { kind: 'embedded' },
  })
  await till.reload()
  // The engine starts in its worker after onboarding; checkouts need it running.
  for (let waited = 0; (await pos<{ state: string }>('engine:status')).state !== 'running'; waited += 500) {
    if (waited > 90_000) throw new Error('the payment engine did not start')
    await new Promise((r) => setTimeout(r, 500))
  }
}, 180_000)

afterAll(() => closeTillScene(scene, root), 60_000)

describe('customer-facing display in Chromium', () => {
  let info: DisplayInfo

  it('is off by default: no link, and the display server does not exist', async () => {
    info = await pos<DisplayInfo>('display:info')
    expect(info).toEqual({ mode: 'off', url: null, lanUrls: [], problem: null })
  })

  it('the owner turns it on in Settings and sees its link and QR', async () => {
    await till.getByRole('link', { name: /Settings/ }).click()
    await till.getByTestId('display-card').waitFor()
    await shot(till, 'cd-01-settings-display-off')
    await till.getByTestId('display-mode-local').check()
    await till.getByTestId('display-link').waitFor()
    info = await pos<DisplayInfo>('display:info')
    expect(info.mode).toBe('local')
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/display\?k=[0-9a-f]{64}$/)
    expect((await till.getByTestId('display-link').textContent())!.trim()).toBe(info.url)
    expect(await till.getByTestId('display-card').getByRole('img').count()).toBe(1)
    await till.getByTestId('display-card').scrollIntoViewIfNeeded()
    await shot(till, 'cd-02-settings-display-on')
  })

  it('the display opens in a second page and shows the welcome', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } })
    // The display asks for nothing beyond its own server.
    await context.route(/^(?!http:\/\/127\.0\.0\.1:\d+\/display)/, (r) => r.abort())
    display = await context.newPage()
    display.on('pageerror', (e) => console.error(`[display page error] ${e.message}`))
    await display.goto(info.url!)
    await display.locator('[data-state="idle"]').waitFor()
    expect(await display.getByTestId('display-welcome').isVisible()).toBe(true)
    expect((await display.getByTestId('display-shop').textContent())!.trim()).toBe('My shop')
    // Not the till: no window.pos, no app.
    expect(await display.evaluate(() => 'pos' in globalThis)).toBe(false)
    await shot(display, 'cd-03-display-welcome')
  })

  it('a checkout on the till shows its amount and QR; the payer CLI pays; the display shows PAID', async () => {
    await till.getByRole('link', { name: /Checkout/ }).click()
    await till.getByTestId('charge').waitFor()
    for (const k of '2100') await till.keyboard.press(k)
    await till.getByTestId('charge').click()
    await till
      .getByTestId('payment-panel')
      .waitFor({ timeout: 60_000 })
      .catch(async (e: unknown) => {
        await shot(till, 'cd-xx-till-failed')
        throw e
      })
    const uri = (await till.getByTestId('payment-endpoint').textContent())!.trim()

    await display.locator('[data-state="waiting"]').waitFor({ timeout: 15_000 })
    expect((await display.getByTestId('display-amount').textContent())!.trim()).toBe('2,100 sats')
    const qr = display.getByTestId('display-qr')
    await qr.waitFor()
    type Img = { complete: boolean; naturalWidth: number; src: string }
    await expect
      .poll(() =>
        qr.evaluate((el) => (el as unknown as Img).complete && (el as unknown as Img).naturalWidth > 0),
      )
      .toBe(true)
    // The QR image is the server's drawing of the till's checkout URI.
    const src = await qr.evaluate((el) => (el as unknown as Img).src)
    const svg = await (await fetch(src)).text()
    expect(svg).toMatch(/^<svg/)
    await shot(display, 'cd-04-display-waiting')

    const paid = await runCli(['pay', uri, '--json', '--homeserver', join(root, 'pos/engine/pubky')], {
      env: { PAYKIT_HOME: join(root, 'payer'), PAYKIT_PASSPHRASE: PAYER_PASS },
      timeoutMs: 60_000,
    })
    expect(paid.code, paid.stderr).toBe(0)
    expect(JSON.parse(paid.stdout)).toMatchObject({ status: 'paid' })
    await display.locator('[data-state="paid"]').waitFor({ timeout: 30_000 })
    expect((await display.getByTestId('display-paid').textContent())!.trim()).toBe('PAID')
    expect((await display.getByTestId('display-paid-amount').textContent())!.trim()).toBe('2,100 sats')
    // Nothing else: no receipt id or payer on the customer's screen.
    const text = await display.locator('body').textContent()
    expect(text).not.toMatch(/receipt|pubky/i)
    await shot(display, 'cd-05-display-paid')
    await till.getByTestId('paid-screen').waitFor({ timeout: 30_000 })
  }, 120_000)

  it('refuses a wrong or missing token, other paths and commands', async () => {
    const u = new URL(info.url!)
    const base = `${u.protocol}//${u.host}`
    expect(await status(`${base}/display`)).toBe(403)
    expect(await status(`${base}/display?k=${'0'.repeat(64)}`)).toBe(403)
    expect(await status(`${base}/display/state`)).toBe(403)
    const k = u.searchParams.get('k')!
    expect(await status(`${base}/ipc?k=${k}`)).toBe(404)
    expect(await status(`${base}/receipts:search?k=${k}`)).toBe(404)
    expect(await status(`${base}/display/state?k=${k}`, { method: 'POST', body: '{}' })).toBe(405)
    // The display token is not a till session: the till's server refuses it.
    const tillBase = new URL(app.url)
    expect(await status(`${tillBase.protocol}//${tillBase.host}/?t=${k}`)).toBe(403)
    // In the browser, the wrong token shows the refusal, not the display.
    const res = await display.goto(`${base}/display?k=${'1'.repeat(64)}`)
    expect(res?.status()).toBe(403)
    await shot(display, 'cd-06-display-wrong-token')
  })

  it('with the setting off, the display link is refused', async () => {
    const off = await pos<DisplayInfo>('display:set-mode', { mode: 'off' })
    expect(off.url).toBeNull()
    const refused = await display.goto(info.url!).then(
      (r) => r?.status() ?? 0,
      () => 0,
    )
    expect(refused).not.toBe(200)
    await fetch(info.url!).then(
      (r) => expect(r.status).not.toBe(200),
      (e: unknown) => expect(String(e)).toMatch(/fetch failed|ECONNREFUSED/),
    )
    // Turned on again: a new link; the old one stays dead.
    const back = await pos<DisplayInfo>('display:set-mode', { mode: 'local' })
    expect(back.url).not.toBe(info.url)
    const fresh = await display.context().newPage()
    await fresh.goto(back.url!)
    await fresh.locator('[data-state="idle"]').waitFor()
    await shot(fresh, 'cd-07-display-new-link')
    await pos('display:set-mode', { mode: 'off' })
  })
})
