// Drives the built app in Chromium through onboarding, checkout entry, settings and the lock screen,
// with the real main process (behind the Electron stand-in) and the built preload. Needs
// `npx electron-vite build` first. Screenshots: test-artifacts/screenshots/.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { COMMAND_NAMES, POS_API_KEYS } from '../../shared/ipc/contract'
import { recorded, type FakeBrowserWindow } from '../main/electron-stand-in'
import { type PageGlobals, launchChromium, openApp, ORIGIN, repoRoot, type Harness } from './harness'

vi.mock('electron', async () => (await import('../main/electron-stand-in')).electronModule)

const built =
  existsSync(join(repoRoot, 'out/renderer/index.html')) && existsSync(join(repoRoot, 'out/preload/index.cjs'))
const dataDir = mkdtempSync(join(tmpdir(), 'paykit-pos-e2e-'))
const PIN = 'e2e-pin-2468'
let browser: Browser
let win: FakeBrowserWindow
let h: Harness

beforeAll(async () => {
  if (!built) throw new Error('out/ is missing: run "npx electron-vite build" before the e2e project')
  process.env['PAYKIT_DATA_DIR'] = dataDir
  process.env['PAYKIT_RENDERER_DIR'] = join(repoRoot, 'out/renderer')
  await import('../../electron/main/index')
  await vi.waitFor(() => expect(recorded.ipcHandlers.size).toBe(COMMAND_NAMES.length), { timeout: 30_000 })
  win = recorded.windows[0]!
  browser = await launchChromium()
  h = await openApp(browser, win)
  await h.page.goto(`${ORIGIN}/index.html`)
})

afterAll(async () => {
  await browser?.close()
  recorded.app.emit('before-quit')
  delete process.env['PAYKIT_DATA_DIR']
  delete process.env['PAYKIT_RENDERER_DIR']
  rmSync(dataDir, { recursive: true, force: true })
})

describe('desktop app in Chromium (real main + built preload)', () => {
  it('onboarding: create an identity, show and confirm the phrase, choose the homeserver and PIN', async () => {
    const { page } = h
    await page.getByRole('heading', { name: 'Set up your shop' }).waitFor()
    await h.shot('01-onboarding-welcome')

    await page.getByTestId('start-create').click()
    await page.getByTestId('phrase-grid').waitFor()
    const words = await page.locator('.phrase-w').allTextContents()
    expect(words).toHaveLength(12)
    await h.shot('02-onboarding-recovery-phrase')

    await page.getByTestId('wrote-down').check()
    await page.getByTestId('phrase-next').click()
    await page.getByRole('heading', { name: 'Confirm your phrase' }).waitFor()
    const ids = await page
      .locator('input[data-testid^="confirm-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!))
    expect(ids).toHaveLength(3)
    for (const id of ids) await page.getByTestId(id).fill('zoo')
    await page.getByTestId('confirm-next').click()
    await page.getByText(/does not match/).waitFor()
    await h.shot('03-onboarding-confirm-mismatch')
    for (const id of ids) {
      const pos = Number(id.replace('confirm-', ''))
      await page.getByTestId(id).fill(words[pos - 1]!)
    }
    await h.shot('04-onboarding-confirm-filled')
    await page.getByTestId('confirm-next').click()

    await page.getByRole('heading', { name: 'Choose a homeserver' }).waitFor()
    await h.shot('05-onboarding-homeserver')
    await page.getByTestId('hs-hosted').check()
    await page.getByTestId('hs-key').fill('not-a-key')
    await page.getByText(/52 z-base-32 characters/).waitFor()
    expect(await page.getByTestId('homeserver-next').isDisabled()).toBe(true)
    await h.shot('06-onboarding-homeserver-invalid')
    await page.getByTestId('hs-embedded').check()
    await page.getByTestId('homeserver-next').click()

    await page.getByRole('heading', { name: 'Choose a PIN' }).waitFor()
    await page.getByTestId('pin').fill('12')
    await page.getByText(/Too short/).waitFor()
    await h.shot('07-onboarding-pin')
    await page.getByTestId('pin').fill(PIN)
    await page.getByTestId('pin-again').fill(PIN)
    await page.getByTestId('pin-submit').click()

    await page.getByRole('heading', { name: 'Your shop is ready' }).waitFor({ timeout: 30_000 })
    const key = (await page.getByTestId('identity-key').textContent())!.trim()
    expect(key).toMatch(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/)
    const status = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).pos!['session:status']({}),
    )
    expect(status).toMatchObject({ ok: true, value: { locked: false, identity: { publicKey: key } } })
    await h.shot('08-onboarding-done')
    await page.getByTestId('go-checkout').click()
  })

  it('checkout: keyboard entry, tip, then Charge shows the payment QR from the engine; Esc cancels', async () => {
    const { page } = h
    await page.getByRole('heading', { name: 'Checkout' }).waitFor()
    await h.shot('09-checkout-empty')
    for (const k of ['2', '5', '0', '0', '0']) await page.keyboard.press(k)
    await page.getByTestId('tip-10').click()
    await expect.poll(() => page.getByTestId('line-amount').textContent()).toBe('25,000')
    expect(await page.getByTestId('line-tip').textContent()).toBe('2,500')
    await h.shot('10-checkout-amount-tip')
    // The engine started in its worker when onboarding unlocked the app.
    await expect
      .poll(
        async () =>
          (
            (await page.evaluate(() => (globalThis as unknown as PageGlobals).pos!['engine:status']({}))) as {
              value?: { state: string }
            }
          ).value?.state,
        { timeout: 60_000 },
      )
      .toBe('running')
    await page.keyboard.press('Enter')
    await page.getByTestId('payment-panel').waitFor()
    expect(await page.getByTestId('payment-endpoint').textContent()).toMatch(/^pubky:\/\/[a-z0-9]{52}\?/)
    await h.shot('11-checkout-qr')
    await page.keyboard.press('Escape')
    await page.getByTestId('charge').waitFor()
  })

  it('settings: identity QR, a validated edit that persists, and cashier mode guarded by the PIN', async () => {
    const { page } = h
    await page.getByRole('link', { name: /Settings/ }).click()
    await page.getByRole('heading', { name: 'Shop identity' }).waitFor()
    await page.locator('[data-testid="qr"]').first().waitFor()
    await h.shot('12-settings')
    await page.getByRole('heading', { name: 'Security' }).scrollIntoViewIfNeeded()
    await h.shot('12b-settings-security')

    await page.getByTestId('shop-name').fill('')
    await page.getByText('The shop name cannot be empty.').waitFor()
    await page.getByTestId('shop-name').fill('Corner Café')
    await page.getByTestId('shop-name').press('Enter')
    await expect
      .poll(
        async () =>
          (
            (await page.evaluate(() => (globalThis as unknown as PageGlobals).pos!['settings:get']({}))) as {
              value?: { shopName: string }
            }
          ).value?.shopName,
      )
      .toBe('Corner Café')

    await page.getByTestId('cashier-toggle').click()
    await page.getByTestId('cashier-badge').waitFor()
    expect(await page.getByTestId('shop-name').isDisabled()).toBe(true)
    const refused = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).pos!['settings:update']({ shopName: 'Hacked' }),
    )
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    await h.shot('13-settings-cashier-mode')
    await page.getByTestId('cashier-pin').fill('wrong-pin-000')
    await page.getByTestId('cashier-toggle').click()
    await page.getByText('Wrong PIN.').waitFor({ timeout: 20_000 })
    await page.getByTestId('cashier-pin').fill(PIN)
    await page.getByTestId('cashier-toggle').click()
    await page.getByTestId('cashier-badge').waitFor({ state: 'detached', timeout: 20_000 })
  })

  it('receipts, requests and subscribers load from the engine', async () => {
    const { page } = h
    for (const [name, testid, shot] of [
      ['Receipts', 'receipts-table', '14-receipts'],
      ['Requests', 'requests-in', '15-requests'],
      ['Subscribers', 'subscribers-table', '16-subscribers'],
    ] as const) {
      await page.getByRole('link', { name: new RegExp(name) }).click()
      await page.getByTestId(testid).waitFor()
      expect(await page.getByTestId('engine-notice').count()).toBe(0)
      await h.shot(shot)
    }
  })

  it('lock screen: locks, refuses a wrong PIN, unlocks with the right one', async () => {
    const { page } = h
    await page.getByTestId('lock-button').click()
    await page.getByRole('heading', { name: 'Locked' }).waitFor()
    expect(
      await page.evaluate(() => (globalThis as unknown as PageGlobals).pos!['settings:get']({})),
    ).toMatchObject({ ok: false, error: { code: 'locked' } })
    await h.shot('17-lock')
    await page.getByTestId('unlock-pin').fill('0000')
    await page.getByTestId('unlock').click()
    await page.getByText('That PIN is not right').waitFor({ timeout: 20_000 })
    await h.shot('18-lock-wrong-pin')
    await page.getByTestId('unlock-pin').fill(PIN)
    await page.getByTestId('unlock').click()
    await page.getByRole('heading', { name: 'Checkout' }).waitFor({ timeout: 20_000 })
  })
})

describe('security in the page', () => {
  it('window.pos exposes exactly the contract keys, frozen, and no Node or Electron objects leak', async () => {
    const { page } = h
    const probe = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals
      return {
        keys: Object.keys(w.pos ?? {}).sort(),
        frozen: Object.isFrozen(w.pos),
        leaks: ['require', 'process', 'module', 'ipcRenderer', 'electron', 'Buffer'].filter((k) => k in w),
      }
    })
    expect(probe.keys).toEqual([...POS_API_KEYS].sort())
    expect(probe.frozen).toBe(true)
    expect(probe.leaks).toEqual([])
  })

  it('external navigation, redirects by script and new windows never replace the app page', async () => {
    const { page } = h
    const before = page.url()
    await page.evaluate(() => {
      ;(globalThis as unknown as PageGlobals).location.href = 'https://evil.example/phish'
    })
    await page.waitForTimeout(300)
    expect(page.url()).toBe(before)
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals
      const a = w.document.createElement('a')
      a.href = 'https://evil.example/blank'
      a.target = '_blank'
      w.document.body.append(a)
      a.click()
      w.open('https://pubky.org/docs')
    })
    await page.waitForTimeout(500)
    expect(page.url()).toBe(before)
    expect(h.blocked.map((b) => b.kind)).toContain('navigation')
    expect(h.blocked.filter((b) => b.kind === 'popup').map((b) => b.url)).toEqual(
      expect.arrayContaining(['https://evil.example/blank', 'https://pubky.org/docs']),
    )
    await expect.poll(() => h.popups.every((p) => p.isClosed())).toBe(true)
    // Only the allow-listed link was handed to the OS browser.
    expect(recorded.openedExternal).toEqual(['https://pubky.org/docs'])
    await page.getByRole('heading', { name: 'Checkout' }).waitFor()
  })

  it('the CSP blocks inline script and remote loads', async () => {
    const { page } = h
    const result = await page.evaluate(async () => {
      const w = globalThis as unknown as PageGlobals
      const s = w.document.createElement('script')
      s.textContent = 'window.__pwned = true'
      w.document.body.append(s)
      let fetched = 'no'
      try {
        await fetch('https://evil.example/x')
        fetched = 'yes'
      } catch {
        fetched = 'blocked'
      }
      return { pwned: w.__pwned ?? false, fetched }
    })
    expect(result).toEqual({ pwned: false, fetched: 'blocked' })
  })
})
