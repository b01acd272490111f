// Issues 3 & 5 end to end: a Ring-linked till. The Pubky Ring stand-in (its own process, the real
// SDK Signer) approves the till's pubkyauth QR; the till (its own process) runs with no identity
// key; the customer is the real `paykit` CLI, which reads the till's /noise patterns and pays a
// checkout with a receipt. Lightning and the chain are the till's loopback simulators.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startCli, type RunningCli } from '../cli/run-cli'
import { approveWithRing, lineProcess, type LineProcess } from '../core/pubky/ring-helpers'
import { call, json, payer, PASS, type PosReady, type Stage } from './harness'

const ringPos = fileURLToPath(new URL('./fixtures/ring-pos-process.ts', import.meta.url))
type Row = Record<string, unknown>

let root: string
let node: RunningCli<unknown>
let pos: LineProcess
let s: Stage
let ringUser: string

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'paykit-ring-e2e-'))
  const nodeDir = join(root, 'node')
  const payerHome = join(root, 'payer')
  const [n, id] = await Promise.all([
    startCli(['homeserver', '--data-dir', nodeDir, '--port', '0'], { timeoutMs: 60_000 }),
    runCli(['id', 'new', '--json'], { env: { PAYKIT_HOME: payerHome, PAYKIT_PASSPHRASE: PASS } }),
  ])
  node = n
  expect(id.code, id.stderr).toBe(0)
  const info = JSON.parse(readFileSync(join(nodeDir, 'paykit-node.json'), 'utf8')) as {
    relayUrl: string
    homeserverPublicKey: string
  }
  pos = lineProcess(ringPos, [join(root, 'pos'), nodeDir], 180_000)
  const first = await pos.next<{ url?: string; error?: unknown }>()
  expect(first.url, JSON.stringify(first)).toMatch(/^pubkyauth:\/\/signin\?/)
  const ring = await approveWithRing({
    relay: info.relayUrl,
    homeserver: info.homeserverPublicKey,
    url: first.url!,
  })
  ringUser = ring.publicKey
  const ready = await pos.next<PosReady & { identityKind?: string; error?: unknown }>()
  expect(ready.identityKind, JSON.stringify(ready)).toBe('ring')
  s = {
    root,
    nodeDir,
    payerHome,
    payer: (JSON.parse(id.stdout) as { pubky: string }).pubky,
    pos: ready,
    node,
    posProc: undefined as never,
  }
  // The payer publishes its Noise key binding (needed for the IK-raw case below).
  const pub = await payer(s, ['directory', 'publish', '--noise', '127.0.0.1:9', '--network', 'regtest'], {
    sim: false,
  })
  expect(pub.code, pub.stderr).toBe(0)
}, 180_000)

afterAll(async () => {
  await pos?.stop()
  await node?.stop('SIGTERM')
  rmSync(root, { recursive: true, force: true })
}, 60_000)

describe('a Ring-linked till paid by the CLI wallet', () => {
  it('the till is the Ring user and its /noise names its patterns; no key binding', async () => {
    expect(s.pos.merchant).toBe(ringUser)
    const r = await payer(s, ['directory', 'show', ringUser, '--network', 'regtest', '--json'], {
      sim: false,
    })
    expect(r.code, r.stderr).toBe(0)
    const d = json<{ noise?: { metadata?: string; keyBound?: boolean | null; publicKey?: string } }>(r)
    expect(d.noise?.publicKey).toBe(s.pos.noisePubkey)
    expect(JSON.parse(d.noise?.metadata ?? '{}')).toMatchObject({ patterns: ['IK', 'IK-raw', 'N'] })
    expect(d.noise?.keyBound).toBe(false)
  })

  it(
    'pays a Lightning checkout: the payer picks IK from the /noise patterns, receipt and checkout paid',
    { timeout: 90_000 },
    async () => {
      const c = await call<{ uri: string; checkout: { checkout_id: string } }>(s.pos, 'checkoutStart', {
        amountSats: 1500,
        memo: 'ring e2e',
      })
      const r = await payer(s, ['pay', c.uri, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = json<{ status: string; pattern: string; patternReason: string; receiptId: string }>(r)
      expect(out.status).toBe('paid')
      expect(out.pattern).toBe('IK')
      expect(out.patternReason).toContain('/noise')
      const row = await call<Row>(s.pos, 'checkoutGet', c.checkout.checkout_id)
      expect(row['state']).toBe('paid')
      const receipt = await call<Row>(s.pos, 'receiptsGet', out.receiptId)
      expect(receipt['payer']).toBe(s.payer)
      expect(receipt['checkout_id']).toBe(c.checkout.checkout_id)
    },
  )

  it('pays with IK-raw too (the payer vouched for by its own key binding)', { timeout: 90_000 }, async () => {
    const c = await call<{ uri: string; checkout: { checkout_id: string } }>(s.pos, 'checkoutStart', {
      amountSats: 800,
    })
    const r = await payer(s, ['pay', c.uri, '--pattern', 'ik-raw', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = json<{ status: string; pattern: string; receiptId: string }>(r)
    expect(out.pattern).toBe('IK-raw')
    expect(out.status).toBe('paid')
    expect((await call<Row>(s.pos, 'receiptsGet', out.receiptId))['payer']).toBe(s.payer)
  })

  it(
    'refuses XX: the till cannot sign an identity payload, and nothing is recorded',
    { timeout: 90_000 },
    async () => {
      const c = await call<{ uri: string; checkout: { checkout_id: string } }>(s.pos, 'checkoutStart', {
        amountSats: 300,
      })
      const r = await payer(s, ['pay', c.uri, '--pattern', 'xx', '--generation', '1.2.0', '--json'])
      expect(r.code).not.toBe(0)
      expect((await call<Row>(s.pos, 'checkoutGet', c.checkout.checkout_id))['state']).toBe('open')
    },
  )

  it('subscriptions need the identity key', async () => {
    await expect(
      call(s.pos, 'subscribersPropose', {
        subscriber: s.payer,
        amountSats: 1000,
        frequency: 'weekly',
        method: 'lightning',
        description: 'x',
      }),
    ).rejects.toThrow(/needs-identity-key: Subscriptions are signed/)
  })
})
