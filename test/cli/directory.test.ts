// One real `paykit homeserver` per file; `paykit directory publish` and `paykit directory show` run
// as separate CLI processes against it (fresh SDK cookie jar and pkarr cache each time, so discovery
// really goes through the relay). Bad methods are refused before anything is sent; SIGTERM stops the
// homeserver cleanly with nothing left running.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeBolt11 } from '../../electron/main/core/payments/bolt11-encode'
import { request } from '../../electron/main/core/pkarr/http'
import { runCli, startCli, type RunningCli } from './run-cli'

const PASS = 'merchant passphrase 1'
const REGTEST_ADDRESS = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'
const MAINNET_ADDRESS = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'

interface Ready {
  status: string
  homeserverPublicKey: string
  homeserverUrl: string
  relayUrl: string
  port: number
  pid: number
  dataDir: string
}

interface ShowOut {
  owner: string
  network: string
  payable: { methodId: string; endpoint: string; kind: string; source: string }[]
  rejected: { name: string; code: string; reason: string }[]
  noise: { host: string; port: number; publicKey: string; keyBound: boolean | null } | null
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve(false)
    })
    s.once('error', () => resolve(true))
  })
}

describe('paykit homeserver + directory publish/show', () => {
  let root: string
  let nodeDir: string
  let merchantHome: string
  let freshHome: string
  let node: RunningCli<Ready>
  let merchant: string
  let fresh: string
  let invoice: string

  const as = (home: string, env: Record<string, string> = {}): { env: Record<string, string> } => ({
    env: { PAYKIT_HOME: home, PAYKIT_PASSPHRASE: PASS, ...env },
  })
  /** `--method` flags for each `id=endpoint`. */
  const methods = (...ms: string[]): string[] => ms.flatMap((m) => ['--method', m])
  /** `paykit directory publish` to the test node for regtest, as the identity in `home`. */
  const publish = (
    home: string,
    args: readonly string[],
    env: Record<string, string> = {},
  ): ReturnType<typeof runCli> =>
    runCli(['directory', 'publish', '--homeserver', nodeDir, '--network', 'regtest', ...args], as(home, env))
  /** `paykit directory show` of `target` through the test node, for regtest. */
  const show = (target: string, args: readonly string[] = []): ReturnType<typeof runCli> =>
    runCli(['directory', 'show', target, '--homeserver', nodeDir, '--network', 'regtest', ...args])

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'paykit-cli-dir-'))
    nodeDir = join(root, 'node')
    merchantHome = join(root, 'merchant')
    freshHome = join(root, 'fresh')
    const [started, m, f] = await Promise.all([
      startCli<Ready>(['homeserver', '--data-dir', nodeDir, '--port', '0'], { timeoutMs: 50_000 }),
      runCli(['id', 'new', '--json'], as(merchantHome)),
      runCli(['id', 'new', '--json'], as(freshHome)),
    ])
    node = started
    expect(m.code, m.stderr).toBe(0)
    expect(f.code, f.stderr).toBe(0)
    merchant = (JSON.parse(m.stdout) as { pubky: string }).pubky
    fresh = (JSON.parse(f.stdout) as { pubky: string }).pubky
    invoice = encodeBolt11(
      {
        network: 'regtest',
        amountMsat: 21_000_000n,
        timestamp: Math.floor(Date.now() / 1000),
        paymentHash: new Uint8Array(32).fill(7),
        description: 'coffee',
        expirySecs: 86_400,
      },
      new Uint8Array(32).fill(3),
    )
  }, 60_000) // three CLI processes start at once; a busy 2-core machine needs more than the default

  afterAll(async () => {
    if (node && node.child.exitCode === null && node.child.signalCode === null) await node.stop('SIGKILL')
    rmSync(root, { recursive: true, force: true })
  })

  it('homeserver prints where it is and answers there', async () => {
    const r = node.ready
    expect(r.status).toBe('running')
    expect(r.homeserverPublicKey).toMatch(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/)
    expect(r.port).toBeGreaterThan(0)
    expect(r.homeserverUrl).toBe(`http://127.0.0.1:${r.port}`)
    expect(r.relayUrl).toBe(`http://127.0.0.1:${r.port}/pkarr`)
    expect(r.pid).toBe(node.child.pid)
    expect(r.dataDir).toBe(nodeDir)
    const res = await request(`${r.homeserverUrl}/`)
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('Pubky Homeserver')
    expect(existsSync(join(nodeDir, 'paykit-node.json'))).toBe(true)
  })

  it('a second homeserver on the same data folder (exit 1) or the same port (exit 2) is refused', async () => {
    const [same, port] = await Promise.all([
      runCli(['homeserver', '--data-dir', nodeDir]),
      runCli(['homeserver', '--data-dir', join(root, 'other'), '--port', String(node.ready.port)]),
    ])
    expect(same.code).toBe(1)
    expect(same.stderr).toContain(`a homeserver is already running from ${nodeDir} (pid ${node.ready.pid}`)
    expect(port.code).toBe(2)
    expect(port.stderr).toContain('the port is already in use')
    expect(port.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('publish signs up, writes the methods and the Noise endpoint; show in another process finds them', async () => {
    const pub = await publish(merchantHome, [
      ...methods(`onchain=${REGTEST_ADDRESS}`, `lightning=${invoice}`),
      '--noise',
      '127.0.0.1:9735',
      '--json',
    ])
    expect(pub.code, pub.stderr).toBe(0)
    const p = JSON.parse(pub.stdout) as {
      pubky: string
      session: string
      methods: { methodId: string; kind: string }[]
      noise: { publicKey: string }
    }
    expect(p.pubky).toBe(merchant)
    expect(p.session).toBe('signed-up')
    expect(p.methods.map((m) => [m.methodId, m.kind])).toEqual([
      ['onchain', 'onchain-address'],
      ['lightning', 'bolt11'],
    ])
    expect(p.noise.publicKey).toMatch(/^[0-9a-f]{64}$/)

    const shown = await show(merchant, ['--json'])
    expect(shown.code, shown.stderr).toBe(0)
    const s = JSON.parse(shown.stdout) as ShowOut
    expect(s.owner).toBe(merchant)
    const byId = Object.fromEntries(s.payable.map((m) => [m.methodId, m]))
    expect(Object.keys(byId).sort()).toEqual(['lightning', 'onchain'])
    expect(byId['onchain']!.endpoint).toBe(REGTEST_ADDRESS)
    expect(byId['lightning']!.endpoint).toBe(invoice)
    expect(byId['lightning']!.source).toBe('file')
    expect(s.rejected).toEqual([])
    expect(s.noise).toEqual({
      host: '127.0.0.1',
      port: 9735,
      publicKey: p.noise.publicKey,
      pending: false,
      keyBound: true,
    })

    // The same directory read for mainnet: every method is rejected with the reason, none payable.
    const text = await runCli([
      'directory',
      'show',
      `pubky://${merchant}`,
      '--homeserver',
      node.ready.homeserverUrl,
    ])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('Payable methods: none')
    expect(text.stdout).toMatch(/onchain\s+wrong-network: address is for regtest, expected mainnet/)
    expect(text.stdout).toMatch(/lightning\s+wrong-network: invoice is for regtest, expected mainnet/)
    expect(text.stdout).toContain('Noise endpoint: 127.0.0.1:9735')
  })

  it('publishing again signs in (the account exists) and updates the method', async () => {
    const r = await publish(merchantHome, methods(`onchain=${REGTEST_ADDRESS}`))
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`as ${merchant} (signed-in)`)
    expect(r.stdout).toMatch(/onchain\s+bcrt1q\S+\s+\(on-chain address, regtest, wpkh\)/)
  })

  it('a mainnet address on regtest or a garbage BOLT11 is refused with the reason; nothing is written', async () => {
    const [mainnet, garbage, merchantBad, json] = await Promise.all([
      publish(freshHome, methods(`onchain=${MAINNET_ADDRESS}`)),
      publish(freshHome, methods(`onchain=${REGTEST_ADDRESS}`, 'lightning=lnbcrt1garbageinvoice')),
      publish(merchantHome, methods(`onchain=${MAINNET_ADDRESS}`)),
      publish(freshHome, [...methods(`onchain=${MAINNET_ADDRESS}`), '--json']),
    ])
    expect(mainnet.code).toBe(1)
    expect(mainnet.stdout).toBe('')
    expect(mainnet.stderr).toBe(
      'paykit: error: refusing method "onchain": address is for mainnet, expected regtest. ' +
        'Nothing was published. Fix the endpoint (or --network) and run again.\n',
    )
    expect(garbage.code).toBe(1)
    expect(garbage.stderr).toContain('refusing method "lightning": not a valid BOLT11 invoice')
    expect(merchantBad.code).toBe(1)
    // --json: the validator's own code on one JSON line.
    expect(json.code).toBe(1)
    expect(json.stdout).toBe('')
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'wrong-network' } })

    // The fresh identity was never even signed up: its key resolves to nothing.
    const [freshShow, merchantShow] = await Promise.all([show(fresh), show(merchant, ['--json'])])
    expect(freshShow.code).toBe(2)
    expect(freshShow.stderr).toContain(`${fresh} has no homeserver record on embedded homeserver`)
    // The merchant's directory still holds the good address, not the refused one.
    const s = JSON.parse(merchantShow.stdout) as ShowOut
    expect(s.payable.find((m) => m.methodId === 'onchain')!.endpoint).toBe(REGTEST_ADDRESS)
  })

  it('publish with a wrong passphrase, or with nothing to publish, exits 1', async () => {
    const [wrong, empty] = await Promise.all([
      publish(merchantHome, methods(`onchain=${REGTEST_ADDRESS}`), { PAYKIT_PASSPHRASE: 'wrong passphrase' }),
      runCli(['directory', 'publish', '--homeserver', nodeDir], as(merchantHome)),
    ])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain(
      'wrong passphrase, or the recovery file is damaged. Check --passphrase-file',
    )
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('nothing to publish')
  })

  it('SIGTERM stops the homeserver cleanly: exit 0, port closed, no process, info file removed', async () => {
    const { port, pid } = node.ready
    const ended = await node.stop('SIGTERM')
    expect(ended).toEqual({ code: 0, signal: null })
    expect(node.stderr()).toContain('Received SIGTERM; shutting down…')
    expect(node.stderr()).toContain('Stopped.')
    expect(await refused(port)).toBe(true)
    expect(() => process.kill(pid, 0)).toThrow()
    expect(existsSync(join(nodeDir, 'paykit-node.json'))).toBe(false)
    const after = await runCli(['directory', 'show', merchant, '--homeserver', nodeDir])
    expect(after.code).toBe(1)
    expect(after.stderr).toContain(`no running homeserver in ${nodeDir}`)
  })
})
