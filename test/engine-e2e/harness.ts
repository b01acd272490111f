/**
 * The end-to-end stage: a real `paykit homeserver` process (embedded homeserver + pkarr relay), a
 * POS engine process (fixtures/pos-process.ts: PosEngine attached to that homeserver, with its
 * loopback payment simulator and a control endpoint), and the real CLI (`node bin/paykit.mjs`) as
 * the customer. Everything is on 127.0.0.1; nothing is mocked on either side of the sockets.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { request } from 'node:http'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { runCli, startCli, type CliRun, type RunningCli } from '../cli/run-cli'

export const PASS = 'payer passphrase 1'
const posScript = fileURLToPath(new URL('./fixtures/pos-process.ts', import.meta.url))

export interface PosReady {
  control: string
  merchant: string
  host: string
  port: number
  wsPort: number | null
  noisePubkey: string
  simulatorUrl: string
  homeserver: string
}

export interface Stage {
  root: string
  nodeDir: string
  payerHome: string
  payer: string
  pos: PosReady
  node: RunningCli<unknown>
  posProc: ChildProcess
}

export function startPos(dataDir: string, nodeDir: string): Promise<{ proc: ChildProcess; ready: PosReady }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', posScript, dataDir, nodeDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`POS did not start: ${err.slice(0, 2000)}`)), 60_000)
    const rl = createInterface({ input: proc.stdout! })
    rl.once('line', (line) => {
      clearTimeout(timer)
      resolve({ proc, ready: JSON.parse(line) as PosReady })
    })
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`POS exited early (${code}): ${err.slice(0, 2000)}`))
    })
  })
}

/** One control call to the POS process. */
export function control<T = unknown>(pos: PosReady, op: Record<string, unknown>): Promise<T> {
  const payload = Buffer.from(JSON.stringify(op))
  return new Promise((resolve, reject) => {
    const req = request(
      pos.control,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const r = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            ok: boolean
            value?: T
            error?: { code: string; message: string }
          }
          if (r.ok) resolve(r.value as T)
          else reject(new Error(`POS ${String(op['op'])} failed: ${r.error?.code}: ${r.error?.message}`))
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

export const call = <T = unknown>(pos: PosReady, method: string, ...args: unknown[]): Promise<T> =>
  control<T>(pos, { op: 'call', method, args })

export async function startStage(root: string): Promise<Stage> {
  const nodeDir = join(root, 'node')
  const payerHome = join(root, 'payer')
  const [node, id] = await Promise.all([
    startCli(['homeserver', '--data-dir', nodeDir, '--port', '0'], { timeoutMs: 60_000 }),
    runCli(['id', 'new', '--json'], { env: { PAYKIT_HOME: payerHome, PAYKIT_PASSPHRASE: PASS } }),
  ])
  if (id.code !== 0) throw new Error(`id new failed: ${id.stderr}`)
  const payer = (JSON.parse(id.stdout) as { pubky: string }).pubky
  const { proc, ready } = await startPos(join(root, 'pos'), nodeDir)
  return { root, nodeDir, payerHome, payer, pos: ready, node, posProc: proc }
}

export async function stopStage(s: Stage | undefined): Promise<void> {
  if (!s) return
  const exited = new Promise<void>((r) => {
    if (s.posProc.exitCode !== null) r()
    else s.posProc.once('exit', () => r())
  })
  s.posProc.kill('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
  if (s.posProc.exitCode === null) s.posProc.kill('SIGKILL')
  await s.node.stop('SIGTERM')
}

/** Runs the CLI as the payer against the stage (network options added). */
export function payer(s: Stage, args: readonly string[], opts: { sim?: boolean } = {}): Promise<CliRun> {
  return runCli(
    [...args, '--homeserver', s.nodeDir, ...(opts.sim === false ? [] : ['--sim', s.pos.simulatorUrl])],
    {
      env: { PAYKIT_HOME: s.payerHome, PAYKIT_PASSPHRASE: PASS },
      timeoutMs: 60_000,
    },
  )
}

/** Parses `--json` stdout, failing with the CLI's stderr when it is not JSON. */
export function json<T = Record<string, unknown>>(r: CliRun): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${String(r.code)}): ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 1000)}`)
  }
}

/** The `--json` error document on stderr. */
export function jsonError(r: CliRun): { code: string; message: string; hint?: string } {
  const line = r.stderr.trim().split('\n').pop() ?? ''
  try {
    return (JSON.parse(line) as { error: { code: string; message: string; hint?: string } }).error
  } catch {
    throw new Error(`no JSON error (exit ${String(r.code)}): ${r.stderr.slice(0, 1000)}`)
  }
}
