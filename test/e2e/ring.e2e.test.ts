// "Sign in with Pubky Ring" in a real browser: browser mode (the same services, dispatcher and
// engine as the desktop app), the built renderer in Chromium, the phone played by the Ring stand-in
// (a separate process on the real SDK Signer, test/fixtures/ring-stand-in.ts) and the customer by
// the real payer CLI. The test reads the pubkyauth URL from the page, as a phone reads the QR code.
// Needs `npx electron-vite build` first. Screenshots: test-artifacts/screenshots/ring-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { runCli, type CliRun } from '../cli/run-cli'
import { approveWithRing } from '../core/pubky/ring-helpers'
import { callPos, closeTillScene, openTillScene, PAYER_PASS, SCREENSHOTS, type TillScene } from './harness'

const root = mkdtempSync(join(tmpdir(), 'paykit-pos-ring-e2e-'))
const nodeDir = join(root, 'pos/engine/pubky')
const PIN = 'ring-till-pin-2468'
const RING_SECRET = Buffer.alloc(32, 0x4b).toString('hex')
let scene: TillScene | undefined
let page: Page
let shop = ''

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })
}

function cli(args: readonly string[], sim?: string): Promise<CliRun> {
  return runCli([...args, '--homeserver', nodeDir, ...(sim ? ['--sim', sim] : [])], {
    env: { PAYKIT_HOME: join(root, 'payer'), PAYKIT_PASSPHRASE: PAYER_PASS },
    timeoutMs: 60_000,
  })
}

function pos<T>(command: string, request: unknown = {}): Promise<T> {
  return callPos<T>(page, command, request)
}

beforeAll(async () => {
  scene = await openTillScene(root)
  page = scene.page
}, 120_000)

afterAll(() => closeTillScene(scene, root), 60_000)

describe('a Ring-linked till in Chromium', () => {
  it('onboarding with Pubky Ring: QR, the phone approves, PIN, payment methods', async () => {
    await page.getByRole('heading', { name: 'Set up your shop' }).waitFor()
    await shot('ring-01-welcome')
    await page.getByTestId('start-ring').click()
    await page.getByRole('heading', { name: 'Choose a homeserver' }).waitFor()
    await page.getByTestId('homeserver-next').click()
    await page.getByRole('heading', { name: 'Sign in with Pubky Ring' }).waitFor()
    await page.getByTestId('ring-waiting').waitFor({ timeout: 60_000 })
    await page.getByRole('img', { name: 'Pubky Ring sign-in QR code' }).waitFor()
    const url = await page.getByTestId('ring-url').inputValue()
    expect(url).toMatch(/^pubkyauth:\/\/signin\?/)
    await shot('ring-02-qr-waiting')

    // The phone: finds the till's homeserver and relay (the node-info file), signs up, approves.
    const info = JSON.parse(readFileSync(join(nodeDir, 'paykit-node.json'), 'utf8')) as {
      relayUrl: string
      homeserverPublicKey: string
    }
    const ring = await approveWithRing({
      relay: info.relayUrl,
      homeserver: info.homeserverPublicKey,
      url,
      secretHex: RING_SECRET,
    })
    shop = ring.publicKey

    await page.getByRole('heading', { name: 'Choose a PIN' }).waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('ring-approved').textContent()).toContain(shop.slice(0, 12))
    await shot('ring-03-approved-pin')
    await page.getByTestId('pin').fill(PIN)
    await page.getByTestId('pin-again').fill(PIN)
    await page.getByTestId('pin-submit').click()
    await page.getByRole('heading', { name: 'Your shop is ready' }).waitFor({ timeout: 30_000 })
    expect((await page.getByTestId('identity-key').textContent())!.trim()).toBe(shop)
    // The engine starts on the Ring grant and publishes the demo methods to the shop's homeserver.
    await page.getByTestId('methods-table').waitFor({ timeout: 60_000 })
    await shot('ring-04-ready-methods')
    const state = await pos<{ identityKind: string; ringSession: string }>('session:status')
    expect(state).toMatchObject({ identityKind: 'ring', ringSession: 'linked' })
  }, 240_000)

  it('a checkout paid by the payer CLI (IK-raw to the Ring till) shows PAID', async () => {
    await page.getByTestId('go-checkout').click()
    await page.getByTestId('charge').waitFor()
    for (const k of '1500') await page.keyboard.press(k)
    await page.getByTestId('charge').click()
    await page.getByTestId('payment-panel').waitFor()
    await shot('ring-05-checkout-qr')
    const uri = (await page.getByTestId('payment-endpoint').textContent())!.trim()
    expect(uri).toMatch(new RegExp(`^pubky://${shop}\\?`))
    const engineId = await pos<{ simulatorUrl: string; publicKey: string }>('engine:identity')
    expect(engineId.publicKey).toBe(shop)

    const paid = await cli(['pay', uri, '--json'], engineId.simulatorUrl)
    expect(paid.code, paid.stderr).toBe(0)
    const out = JSON.parse(paid.stdout) as { status: string; receiptId: string; checkoutState: string }
    expect(out).toMatchObject({ status: 'paid', checkoutState: 'paid' })

    await page.getByTestId('paid-screen').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('paid-screen').textContent()).toMatch(/PAID[\s\S]*1,500/)
    expect(await page.getByTestId('paid-receipt').textContent()).toContain(out.receiptId)
    await page.waitForTimeout(500) // let the PAID entrance animation finish before the screenshot
    await shot('ring-06-paid')
  }, 180_000)

  it('Settings: linked through Pubky Ring, no key export or backup', async () => {
    await page.getByTestId('new-sale').click()
    await page.getByRole('link', { name: /Settings/ }).click()
    await page.getByTestId('ring-linked').waitFor()
    expect(await page.getByTestId('ring-linked').textContent()).toMatch(
      /Linked through Pubky Ring[\s\S]*identity key stays on your phone/,
    )
    expect(await page.getByTestId('export-recovery').count()).toBe(0)
    expect(await page.getByTestId('export-backup').count()).toBe(0)
    await shot('ring-07-settings')
    await page.getByTestId('ring-no-export').scrollIntoViewIfNeeded()
    await shot('ring-08-settings-security')
  }, 60_000)
})
