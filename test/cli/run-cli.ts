/**
 * Runs the real `paykit` CLI (node bin/paykit.mjs) as a child process, as a person would: a
 * one-shot `runCli`, and `startCli` for long-running commands (homeserver) that prints one JSON
 * document when ready and is stopped with a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const bin = fileURLToPath(new URL('../../bin/paykit.mjs', import.meta.url))

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
}

/** Environment for a child: no inherited PAYKIT_* settings, a private home unless given. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const k of Object.keys(env)) if (k.startsWith('PAYKIT_')) delete env[k]
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: childEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`paykit ${args.join(' ')} timed out; stderr: ${stderr}`))
    }, opts.timeoutMs ?? 30_000)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.end(opts.input ?? '')
  })
}

export interface RunningCli<T> {
  child: ChildProcess
  /** The JSON document the command printed when ready. */
  ready: T
  stderr(): string
  /** Sends `signal` and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts a long-running command with `--json` and waits for its readiness document. */
export function startCli<T>(args: readonly string[], opts: CliOptions = {}): Promise<RunningCli<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args, '--json'], {
      cwd: repoRoot,
      env: childEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let done = false
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
      child.on('exit', (code, signal) => res({ code, signal })),
    )
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`paykit ${args.join(' ')} did not become ready; stderr: ${stderr}`))
    }, opts.timeoutMs ?? 30_000)
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8')
      if (done) return
      let ready: T
      try {
        ready = JSON.parse(stdout) as T
      } catch {
        return // not complete yet
      }
      done = true
      clearTimeout(timer)
      resolve({
        child,
        ready,
        stderr: () => stderr,
        stop(signal = 'SIGTERM') {
          child.kill(signal)
          return exited
        },
      })
    })
    void exited.then((r) => {
      if (!done) {
        clearTimeout(timer)
        reject(new Error(`paykit ${args.join(' ')} exited early (${String(r.code)}): ${stderr}`))
      }
    })
  })
}
