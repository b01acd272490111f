// The whole till in a real browser: browser mode (the same services, dispatcher and engine as the
// desktop app; the engine in its worker thread on the embedded homeserver), the built renderer in
// Chromium, and the customer played by the real payer CLI (`node bin/paykit.mjs …`) as a child
// process. Lightning and the chain are the engine's loopback simulators (the boundary this machine
// cannot run). Needs `npx electron-vite build` first. Screenshots: test-artifacts/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { HDKey } from '@scure/bip32'
import type { BrowserApp } from '../../electron/main/browser-mode/main'
import { runCli, type CliRun } from '../cli/run-cli'
import { callPos, closeTillScene, openTillScene, PAYER_PASS, SCREENSHOTS, type TillScene } from './harness'

const root = mkdtempSync(join(tmpdir(), 'paykit-pos-engine-e2e-'))
const PIN = 'till-pin-2468'
let app: BrowserApp
let scene: TillScene | undefined
let page: Page
let payer = ''
let merchant = ''
let simulatorUrl = ''
let homeserverUrl = ''
const shots: string[] = []

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
  shots.push(name)
}

/** The payer CLI with the till's embedded homeserver and payment simulator. */
function cli(args: readonly string[], opts: { sim?: boolean } = {}): Promise<CliRun> {
  return runCli(
    [...args, '--homeserver', homeserverUrl, ...(opts.sim === false ? [] : ['--sim', simulatorUrl])],
    { env: { PAYKIT_HOME: join(root, 'payer'), PAYKIT_PASSPHRASE: PAYER_PASS }, timeoutMs: 60_000 },
  )
}

function json<T>(r: CliRun): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${String(r.code)}): ${r.stdout.slice(0, 400)} ${r.stderr.slice(0, 1500)}`)
  }
}

/** Calls the contract from the page, as the renderer does (window.pos over the WebSocket). */
function pos<T>(command: string, request: unknown = {}): Promise<T> {
  return callPos<T>(page, command, request)
}

beforeAll(async () => {
  // TEST ONLY: an engine clock this test moves to reach the next billing period.
  scene = await openTillScene(root, { engine: { testClock: {} }, acceptDownloads: true })
  ;({ app, page, payer } = scene)
}, 120_000)

afterAll(() => closeTillScene(scene, root), 60_000)

describe('the till in Chromium, paid by the payer CLI', () => {
  it('onboarding, then payment methods checked live and by the engine, then published', async () => {
    await page.getByRole('heading', { name: 'Set up your shop' }).waitFor()
    await shot('e2e-01-onboarding')
    await page.getByTestId('start-create').click()
    const words = await page.locator('.phrase-w').allTextContents()
    await page.getByTestId('wrote-down').check()
    await page.getByTestId('phrase-next').click()
    const ids = await page
      .locator('input[data-testid^="confirm-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!))
    for (const id of ids) await page.getByTestId(id).fill(words[Number(id.replace('confirm-', '')) - 1]!)
    await page.getByTestId('confirm-next').click()
    await page.getByRole('heading', { name: 'Choose a homeserver' }).waitFor()
    await page.getByTestId('homeserver-next').click()
    await page.getByTestId('pin').fill(PIN)
    await page.getByTestId('pin-again').fill(PIN)
    await page.getByTestId('pin-submit').click()
    await page.getByRole('heading', { name: 'Your shop is ready' }).waitFor({ timeout: 30_000 })
    merchant = (await page.getByTestId('identity-key').textContent())!.trim()
    expect(merchant).toMatch(/^[a-z0-9]{52}$/)

    // The engine starts in its worker; the embedded demo publishes a Lightning invoice and an address.
    await page.getByTestId('methods-table').waitFor({ timeout: 60_000 })
    // Live (shape) validation while typing.
    await page.getByTestId('method-lightning-input').fill('not an address')
    await page.getByText(/Enter a Lightning address/).waitFor()
    expect(await page.getByTestId('methods-publish').isDisabled()).toBe(true)
    // A well-formed key for the wrong network: only the engine's validator can tell.
    const mainnet = HDKey.fromMasterSeed(new Uint8Array(32).fill(7)).derive("m/84'/0'/0'").publicExtendedKey
    await page.getByTestId('method-lightning-input').fill('')
    await page.getByTestId('method-watch-input').fill(mainnet)
    await page.getByTestId('methods-publish').click()
    await page.getByTestId('method-watch-error').waitFor({ timeout: 60_000 })
    await shot('e2e-02-onboarding-method-refused')
    expect(await page.getByTestId('method-watch-error').textContent()).toMatch(
      /network|regtest|testnet|mainnet/i,
    )
    // After the refusal the engine is back (without the key).
    await page.getByTestId('methods-table').waitFor({ timeout: 60_000 })
    const tpub = HDKey.fromMasterSeed(new Uint8Array(32).fill(9), {
      private: 0x04358394,
      public: 0x043587cf,
    }).derive("m/84'/1'/0'").publicExtendedKey
    await page.getByTestId('method-watch-input').fill(tpub)
    await page.getByTestId('method-lightning-input').fill('till@example.com')
    await page.getByTestId('methods-publish').click()
    await page.getByTestId('methods-published').waitFor({ timeout: 60_000 })
    await page.getByTestId('method-lnurl').waitFor()
    await shot('e2e-03-onboarding-methods-published')
    // Read after the watch-only restart: the simulator (and possibly the node) moved.
    const engineId = await pos<{ simulatorUrl: string; publicKey: string; network: string }>(
      'engine:identity',
    )
    expect(engineId.publicKey).toBe(merchant)
    expect(engineId.network).toBe('regtest')
    simulatorUrl = engineId.simulatorUrl
    // The till leaves paykit-node.json beside its embedded homeserver, as `paykit homeserver` does.
    homeserverUrl = join(root, 'pos/engine/pubky')
    const info = JSON.parse(readFileSync(join(homeserverUrl, 'paykit-node.json'), 'utf8')) as {
      homeserverPublicKey: string
    }
    expect(info.homeserverPublicKey).toMatch(/^[a-z0-9]{52}$/)

    const methods = await pos<{ methodId: string; endpoint: string }[]>('directory:methods')
    expect(methods).toContainEqual({
      methodId: 'lnurl',
      endpoint: 'till@example.com',
      label: 'LNURL / Lightning address',
    })
    // The payer publishes its Noise key (the till seals proposals and requests to it).
    const pub = await cli(['directory', 'publish', '--noise', '127.0.0.1:9', '--network', 'regtest'], {
      sim: false,
    })
    expect(pub.code, pub.stderr).toBe(0)
  }, 240_000)

  it('a checkout: keypad, Charge, QR; the payer CLI pays; PAID; the receipt is listed; CSV exported', async () => {
    await page.getByTestId('go-checkout').click()
    await page.getByTestId('charge').waitFor()
    for (const k of '2100') await page.keyboard.press(k)
    await shot('e2e-04-checkout-entry')
    await page.getByTestId('charge').click()
    await page.getByTestId('payment-panel').waitFor()
    await page.getByTestId('payment-status').waitFor()
    await shot('e2e-05-checkout-qr')
    const uri = (await page.getByTestId('payment-endpoint').textContent())!.trim()
    expect(uri).toMatch(new RegExp(`^pubky://${merchant}\\?`))
    await page.getByTestId('pay-tab-lightning').click()
    expect((await page.getByTestId('payment-endpoint').textContent())!.trim()).toMatch(/^lnbcrt/)
    await shot('e2e-06-checkout-lightning')
    await page.getByTestId('pay-tab-paykit').click()

    const paid = await cli(['pay', uri, '--json'])
    expect(paid.code, paid.stderr).toBe(0)
    const out = json<{ status: string; receiptId: string; checkoutState: string }>(paid)
    expect(out).toMatchObject({ status: 'paid', checkoutState: 'paid' })

    await page.getByTestId('paid-screen').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('paid-screen').textContent()).toMatch(/PAID[\s\S]*2,100/)
    expect(await page.getByTestId('paid-receipt').textContent()).toContain(out.receiptId)
    await page.waitForTimeout(500) // let the PAID entrance animation finish before the screenshot
    await shot('e2e-07-paid')

    await page.getByTestId('new-sale').click()
    await page.getByRole('link', { name: /Receipts/ }).click()
    const row = page.getByTestId(`receipt-row-${out.receiptId}`)
    await row.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('eod-count').textContent()).toBe('1')
    await row.click()
    await page.getByTestId('receipt-detail').waitFor()
    expect((await page.getByTestId('detail-payer').textContent())!.trim()).toBe(payer)
    expect((await page.getByTestId('detail-payee').textContent())!.trim()).toBe(merchant)
    expect((await page.getByTestId('detail-proof').textContent())!.trim()).toMatch(/^[0-9a-f]{64}$/)
    await shot('e2e-08-receipts')

    // Browser mode has no window of ours to print: no direct "Save as PDF", the print dialog does it.
    expect(await page.getByTestId('receipt-save-pdf').count()).toBe(0)
    await page.getByTestId('receipt-pdf-hint').waitFor()
    // What Print and Electron's printToPDF capture: the print stylesheet leaves only the receipt.
    await page.emulateMedia({ media: 'print' })
    expect(await page.getByTestId('receipts-table').isVisible()).toBe(false)
    expect(await page.getByTestId('receipt-detail').isVisible()).toBe(true)
    expect(await page.getByTestId('receipt-print').isVisible()).toBe(false)
    // The receipt takes the page's width (not the hidden sidebar's column).
    const viewport = page.viewportSize()!
    expect((await page.getByTestId('receipt-detail').boundingBox())!.width).toBeGreaterThan(
      viewport.width * 0.8,
    )
    await shot('e2e-08b-receipt-print-layout')
    // Chromium's own printToPDF of this page (the engine behind webContents.printToPDF).
    const pdf = await page.pdf({ format: 'A4' })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.length).toBeGreaterThan(1000)
    await page.emulateMedia({ media: 'screen' })

    const download = page.waitForEvent('download')
    await page.getByTestId('receipt-export').click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^paykit-receipts-\d{4}-\d{2}-\d{2}\.csv$/)
    const csv = readFileSync((await file.path())!, 'utf8')
    const lines = csv.trim().split(/\r?\n/)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(out.receiptId)
    expect(lines[1]).toContain('2100')
    await page.getByTestId('receipt-exported').waitFor()
    await shot('e2e-09-receipts-exported')

    // A search that matches nothing, then the date filter that matches today.
    await page.getByTestId('receipt-search').fill('no-such-receipt')
    await page.getByTestId('receipt-search-go').click()
    await page.getByText('No receipts match.').waitFor()
    await page.getByTestId('receipt-search').fill('')
    const today = new Date()
    const ymd = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`
    await page.getByTestId('receipt-from').fill(ymd)
    await page.getByTestId('receipt-to').fill(ymd)
    await page.getByTestId('receipt-search-go').click()
    await row.waitFor()
  }, 180_000)

  it('a checkout cancelled at the till cannot be paid', async () => {
    await page.getByRole('link', { name: /Checkout/ }).click()
    for (const k of '500') await page.keyboard.press(k)
    await page.getByTestId('charge').click()
    await page.getByTestId('payment-panel').waitFor()
    const uri = (await page.getByTestId('payment-endpoint').textContent())!.trim()
    await page.getByTestId('cancel-payment').click()
    await page.getByTestId('charge').waitFor()
    const r = await cli(['pay', uri, '--json'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/CHECKOUT_(CLOSED|TAKEN)|cancel|closed/i)
  }, 90_000)

  it('subscribers: propose in the UI, the CLI accepts, billing on the injected clock, autopay pays, shown paid', async () => {
    await page.getByRole('link', { name: /Subscribers/ }).click()
    await page.getByTestId('propose-form').waitFor({ timeout: 30_000 })
    await page.getByTestId('propose-key').fill(`pubky${payer}`)
    await page.getByTestId('propose-amount').fill('1000')
    await page.getByTestId('propose-frequency').selectOption('daily')
    await page.getByTestId('propose-description').fill('Coffee club')
    await page.getByTestId('propose-submit').click()
    await page.getByTestId('proposed').waitFor({ timeout: 30_000 })
    const subId = (await page.getByTestId('proposed').textContent())!.match(/Proposed (\S+)\./)![1]!
    await shot('e2e-10-subscribers-proposed')

    const list = await cli(['subscribe', 'list', '--from', merchant, '--json'], { sim: false })
    expect(list.code, list.stderr).toBe(0)
    expect(json<{ proposals: { id: string; amount: string }[] }>(list).proposals).toContainEqual(
      expect.objectContaining({ id: subId, amount: '1000' }),
    )
    const acc = await cli(['subscribe', 'accept', subId, '--from', merchant, '--json'], { sim: false })
    expect(acc.code, acc.stderr).toBe(0)

    // A yearly plan beside it: the picker refuses 30 February as it is typed; then the 14th of a
    // month six months away (never today, so its first period is a free stub and the daily plan's
    // billing below is unchanged) goes through the engine as yearly:MM-DD and the payer accepts it.
    const month = ((new Date().getUTCMonth() + 6) % 12) + 1
    const monthShort = new Date(Date.UTC(2001, month - 1, 1)).toLocaleString('en-GB', {
      month: 'short',
      timeZone: 'UTC',
    })
    await page.getByTestId('propose-key').fill(`pubky${payer}`)
    await page.getByTestId('propose-amount').fill('36500')
    await page.getByTestId('propose-frequency').selectOption('yearly')
    await page.getByTestId('propose-description').fill('Annual membership')
    await page.getByTestId('propose-year-month').selectOption('2')
    await page.getByTestId('propose-year-day').fill('30')
    expect(await page.getByTestId('propose-year-problem').textContent()).toBe('February has days 1 to 29')
    expect(await page.getByTestId('propose-submit').isDisabled()).toBe(true)
    await page.getByTestId('propose-year-month').selectOption(String(month))
    await page.getByTestId('propose-year-day').fill('14')
    expect(await page.getByTestId('propose-year-hint').textContent()).toMatch(/free until then/)
    await shot('e2e-10b-subscribers-yearly-form')
    await page.getByTestId('propose-submit').click()
    await expect
      .poll(async () => page.getByTestId('proposed').textContent(), { timeout: 30_000 })
      .not.toContain(subId)
    const yearlyId = (await page.getByTestId('proposed').textContent())!.match(/Proposed (\S+)\./)![1]!
    const accYearly = await cli(['subscribe', 'accept', yearlyId, '--from', merchant, '--json'], {
      sim: false,
    })
    expect(accYearly.code, accYearly.stderr).toBe(0)

    // The till reads both agreements from the subscriber's homeserver; the list names each plan.
    await page.getByTestId('sub-sync').click()
    await page.getByTestId('sync-result').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('sync-result').textContent()).toMatch(/2 joined/)
    const row = page.getByTestId(`sub-row-${subId}`)
    await row.waitFor()
    expect((await row.getByTestId('sub-plan').textContent())!.trim()).toBe('Daily')
    const yearlyRow = page.getByTestId(`sub-row-${yearlyId}`)
    expect((await yearlyRow.getByTestId('sub-plan').textContent())!.trim()).toBe(`Yearly on 14 ${monthShort}`)
    expect(await yearlyRow.getByTestId('sub-status').textContent()).toBe('active')
    expect(await row.getByTestId('sub-last-paid').textContent()).toBe('—')

    // Period 1: billed, published as a sealed request; the payer's autopay pays it over Noise.
    await page.getByTestId('bill-now').click()
    await page.getByTestId('bill-summary').waitFor({ timeout: 60_000 })
    expect(await page.getByTestId('bill-progress').getAttribute('aria-valuenow')).toBe('100')
    expect(await page.getByTestId('bill-summary').textContent()).toMatch(
      /1 new period\(s\), 1 request\(s\) published/,
    )
    await shot('e2e-11-subscribers-billed')
    type Item = { requestId: string; outcome: string }
    const autopay = async (): Promise<Item[]> => {
      const r = await cli(['autopay', '--once', '--json', '--peer-cap', `${merchant}=5000/weekly`])
      expect(r.code, r.stderr).toBe(0)
      return json<{ items: Item[] }>(r).items
    }
    expect((await autopay()).filter((i) => i.outcome === 'paid')).toHaveLength(1)
    await expect
      .poll(async () => row.getByTestId('sub-last-paid').textContent(), { timeout: 30_000 })
      .not.toBe('—')
    await shot('e2e-12-subscribers-paid')

    // Period 2, a day later on the engine's test clock (moved from this test process, never over IPC).
    await app.services.engine.call((api) => api.testClockAdvance(86_400_000))
    await page.getByTestId('bill-now').click()
    await expect
      .poll(async () => page.getByTestId('bill-summary').textContent(), { timeout: 60_000 })
      .toMatch(/1 new period\(s\), 1 request\(s\) published/)
    expect((await autopay()).filter((i) => i.outcome === 'paid')).toHaveLength(1)
    // Both periods are receipts the till can show, and the requests screen says paid.
    await page.getByRole('link', { name: /Requests/ }).click()
    await page.getByTestId('requests-out').waitFor({ timeout: 30_000 })
    await expect
      .poll(async () => page.locator('[data-testid^="request-out-"] .badge-ok').count(), { timeout: 30_000 })
      .toBe(2)
    await shot('e2e-13-requests')
    const receipts = await pos<{ items: { subscriptionId: string | null }[] }>('receipts:search', {
      text: '',
      from: null,
      to: null,
      limit: 50,
      cursor: null,
    })
    expect(receipts.items.filter((r) => r.subscriptionId === subId)).toHaveLength(2)
  }, 240_000)

  it('settings: identity QR, engine, Noise listener and methods; cashier mode hides owner actions', async () => {
    await page.getByRole('link', { name: /Settings/ }).click()
    await page.getByTestId('listener').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('engine-state').textContent()).toBe('running')
    expect(await page.getByTestId('listener-address').textContent()).toMatch(/127\.0\.0\.1:\d+/)
    // The start-up self-check: a loopback payer's receipt request was answered before the till said ready.
    expect(await page.getByTestId('listener-selfcheck').textContent()).toMatch(
      /answered a test payer in [\d.]+ ms/,
    )
    await shot('e2e-14-settings')
    await page.getByTestId('cashier-toggle').click()
    await page.getByTestId('cashier-badge').waitFor()
    expect(await page.getByTestId('methods-publish').count()).toBe(0)
    await page.getByRole('link', { name: /Receipts/ }).click()
    await page.getByTestId('receipts-table').waitFor()
    expect(await page.getByTestId('receipt-export').count()).toBe(0)
    // The policy, not only the button: main refuses the export in cashier mode.
    await expect(pos('receipts:export-csv', { text: '', from: null, to: null })).rejects.toThrow(/forbidden/)
    await shot('e2e-15-cashier-receipts')
    await page.getByRole('link', { name: /Settings/ }).click()
    await page.getByTestId('cashier-pin').fill(PIN)
    await page.getByTestId('cashier-toggle').click()
    await page.getByTestId('cashier-badge').waitFor({ state: 'detached' })
    await page.getByTestId('methods-publish').waitFor()
  }, 120_000)

  it('locking gates the UI but the till keeps taking payments', async () => {
    const sale = await pos<{ qr: string; checkoutId: string }>('checkout:start', {
      amountMinor: 777,
      tipMinor: 0,
      currency: 'SAT',
      memo: 'behind the lock',
    })
    await page.getByTestId('lock-button').click()
    await page.getByTestId('unlock-pin').waitFor()
    await shot('e2e-16-locked')
    const r = await cli(['pay', sale.qr, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ checkoutState: string }>(r).checkoutState).toBe('paid')
    await page.getByTestId('unlock-pin').fill(PIN)
    await page.getByTestId('unlock').click()
    await page.getByTestId('charge').waitFor()
    const status = await pos<{ state: string }>('checkout:get', { checkoutId: sale.checkoutId })
    expect(status.state).toBe('paid')
    expect(shots.length).toBe(18)
  }, 120_000)
})
