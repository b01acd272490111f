// Simulator discovery: a till in embedded/demo mode says in its node info file where its payment
// simulator listens, and the payer CLI uses that when neither --sim nor $PAYKIT_SIM_URL is given.
// Real PosEngine (embedded node + simulator service on loopback), real CLI resolution code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PosEngine } from '../../../electron/main/core/engine/pos-engine'
import { nodeSimulatorUrl, simClient } from '../../../electron/cli/payer/session'
import { createContext, type CommandContext } from '../../../electron/cli/context'
import type { ParsedArgs } from '../../../electron/cli/args'
import { systemClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'

let dir: string
let engine: PosEngine
let simulatorUrl: string

function ctx(env: Record<string, string | undefined> = {}): CommandContext {
  const io = {
    stdout: () => {},
    stderr: () => {},
    readStdin: () => Promise.resolve(new Uint8Array()),
    env: { PAYKIT_HOME: join(dir, 'home'), ...env },
    cwd: dir,
  }
  return createContext(io, false, systemClock, systemRng, () => new Promise(() => {}))
}
const args = (values: ParsedArgs['values']): ParsedArgs => ({ values, positionals: [] })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-sim-discovery-'))
  engine = new PosEngine({
    dataDir: join(dir, 'till'),
    identitySecret: systemRng(32),
    network: { kind: 'embedded' },
    listener: { port: 0, wsPort: 0 },
  })
  await engine.start()
  simulatorUrl = (await engine.identity()).simulatorUrl!
}, 60_000)

afterAll(async () => {
  await engine.stop(0)
  rmSync(dir, { recursive: true, force: true })
})

describe('payer CLI finds the demo till’s payment simulator', () => {
  it('the embedded engine writes simulatorUrl into its paykit-node.json', () => {
    const info = JSON.parse(readFileSync(join(dir, 'till', 'pubky', 'paykit-node.json'), 'utf8')) as Record<
      string,
      unknown
    >
    expect(simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(info['simulatorUrl']).toBe(simulatorUrl)
    expect(info['kind']).toBe('embedded')
    expect(info['pid']).toBe(process.pid)
  })

  it('--homeserver DIR without --sim or $PAYKIT_SIM_URL uses it, and the simulator answers', async () => {
    const a = args({ homeserver: join('till', 'pubky') })
    expect(nodeSimulatorUrl(ctx(), a)).toBe(simulatorUrl)
    const sim = await simClient(ctx(), a, 'hint')
    expect((await sim.info()).network).toBe('regtest')
  })

  it('--sim and $PAYKIT_SIM_URL still win over the node file', async () => {
    const a = args({ homeserver: join('till', 'pubky'), sim: 'http://127.0.0.1:1' })
    const explicit = await simClient(ctx(), a, 'hint')
    await expect(explicit.info()).rejects.toBeDefined() // port 1: nothing listens there
    const fromEnv = await simClient(ctx({ PAYKIT_SIM_URL: 'http://127.0.0.1:2' }), args({}), 'hint')
    await expect(fromEnv.info()).rejects.toBeDefined()
  })

  it('no node folder, a dead node or a non-loopback simulatorUrl: the usage error as before', async () => {
    await expect(simClient(ctx(), args({}), 'hint')).rejects.toMatchObject({ code: 'usage' })
    const fake = join(dir, 'fake')
    rmSync(fake, { recursive: true, force: true })
    mkdirSync(fake)
    const info = {
      kind: 'embedded',
      homeserverPublicKey: 'x',
      homeserverUrl: 'http://127.0.0.1:9',
      relayUrl: 'http://127.0.0.1:9/pkarr',
      linkRelayUrl: 'http://127.0.0.1:9/link',
      port: 9,
      pid: process.pid,
      simulatorUrl: 'http://example.com:80',
    }
    writeFileSync(join(fake, 'paykit-node.json'), JSON.stringify(info))
    expect(nodeSimulatorUrl(ctx(), args({ homeserver: 'fake' }))).toBeUndefined()
    await expect(simClient(ctx(), args({ homeserver: 'fake' }), 'hint')).rejects.toMatchObject({
      code: 'usage',
    })
  })

  it('the file is removed when the engine stops', async () => {
    const file = join(dir, 'till', 'pubky', 'paykit-node.json')
    expect(existsSync(file)).toBe(true)
    await engine.stop(0)
    expect(existsSync(file)).toBe(false)
    expect(nodeSimulatorUrl(ctx(), args({ homeserver: join('till', 'pubky') }))).toBeUndefined()
  })
})
