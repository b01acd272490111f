// Hosted mode, run for real: the POS signs up with a signup token on a homeserver it does not run
// (`paykit testnet`'s token-gated homeserver, reached through the SDK's testnet profile: the same
// gateway code as a hosted homeserver on mainnet), publishes its directory there, is paid by the
// real CLI wallet, and after a restart signs in instead of signing up. The testnet listens on
// 127.0.0.2 so it cannot collide with other tests' testnet on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestnet, TESTNET_HOMESERVER_KEY, type Testnet } from '../../electron/main/core/pubky/testnet'
import { runCli, type CliRun } from '../cli/run-cli'
import { lineProcess, type LineProcess } from '../core/pubky/ring-helpers'
import { call, json, PASS, type PosReady } from './harness'

const HOST = '127.0.0.2'
const hostedPos = fileURLToPath(new URL('./fixtures/hosted-pos-process.ts', import.meta.url))
type Ready = PosReady & { error?: { code?: string; message?: string } }

let root: string
let testnet: Testnet
let payerHome: string
let payerKey: string

async function signupToken(): Promise<string> {
  const res = await fetch(`${testnet.adminUrl}/generate_signup_token`, {
    headers: { 'X-Admin-Password': 'admin' },
  })
  expect(res.status).toBe(200)
  return (await res.text()).trim()
}

async function startPos(token: string): Promise<{ proc: LineProcess; ready: Ready }> {
  const proc = lineProcess(hostedPos, [join(root, 'pos'), HOST, testnet.homeserverPublicKey, token], 180_000)
  return { proc, ready: await proc.next<Ready>() }
}

function pay(pos: PosReady, uri: string): Promise<CliRun> {
  return runCli(['pay', uri, '--homeserver', `testnet:${HOST}`, '--sim', pos.simulatorUrl, '--json'], {
    env: { PAYKIT_HOME: payerHome, PAYKIT_PASSPHRASE: PASS },
    timeoutMs: 60_000,
  })
}

async function payACheckout(pos: PosReady, sats: number): Promise<void> {
  const c = await call<{ uri: string; checkout: { checkout_id: string } }>(pos, 'checkoutStart', {
    amountSats: sats,
    memo: 'hosted e2e',
  })
  const r = await pay(pos, c.uri)
  expect(r.code, r.stderr).toBe(0)
  const out = json<{ status: string; receiptId: string }>(r)
  expect(out.status).toBe('paid')
  const row = await call<Record<string, unknown>>(pos, 'checkoutGet', c.checkout.checkout_id)
  expect(row['state']).toBe('paid')
  const receipt = await call<Record<string, unknown>>(pos, 'receiptsGet', out.receiptId)
  expect(receipt['payer']).toBe(payerKey)
  expect(receipt['amount_sats']).toBe(sats)
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'paykit-hosted-e2e-'))
  payerHome = join(root, 'payer')
  testnet = await startTestnet({ host: HOST, signupMode: 'token_required' })
  const id = await runCli(['id', 'new', '--json'], {
    env: { PAYKIT_HOME: payerHome, PAYKIT_PASSPHRASE: PASS },
  })
  expect(id.code, id.stderr).toBe(0)
  payerKey = (JSON.parse(id.stdout) as { pubky: string }).pubky
}, 120_000)

afterAll(async () => {
  await testnet?.close()
  rmSync(root, { recursive: true, force: true })
}, 60_000)

describe('a hosted till on a token-gated homeserver (the testnet, through the SDK)', () => {
  it('without a signup token the start fails with the homeserver refusal, and nothing runs', async () => {
    const { proc, ready } = await startPos('-')
    await proc.stop()
    expect(ready.error, JSON.stringify(ready)).toBeDefined()
    expect(ready.error!.code).toMatch(/^pubky-/)
    expect(ready.error!.message).toMatch(/sign ?up|token/i)
  })

  it(
    'signs up with a token, publishes its directory on that homeserver, is paid, and after a restart signs in',
    { timeout: 240_000 },
    async () => {
      const first = await startPos(await signupToken())
      try {
        expect(first.ready.error, JSON.stringify(first.ready)).toBeUndefined()
        expect(first.ready.homeserver).toBe(TESTNET_HOMESERVER_KEY)
        // Anyone can read the directory from the homeserver, through the relay, with the SDK.
        const shown = await runCli(
          ['directory', 'show', first.ready.merchant, '--homeserver', `testnet:${HOST}`, '--json'],
          { env: { PAYKIT_HOME: payerHome, PAYKIT_PASSPHRASE: PASS }, timeoutMs: 60_000 },
        )
        expect(shown.code, shown.stderr).toBe(0)
        expect(shown.stdout).toContain('lightning')
        expect(shown.stdout).toContain(String(first.ready.port))
        await payACheckout(first.ready, 2100)
      } finally {
        await first.proc.stop()
      }

      // Restart on the same folder with no token: the till signs in (a second signup would need one).
      const second = await startPos('-')
      try {
        expect(second.ready.error, JSON.stringify(second.ready)).toBeUndefined()
        expect(second.ready.merchant).toBe(first.ready.merchant)
        await payACheckout(second.ready, 900)
      } finally {
        await second.proc.stop()
      }
    },
  )
})
