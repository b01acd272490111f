/**
 * Test helpers for the Pubky Ring flow: run the Ring stand-in (test/fixtures/ring-stand-in.ts) as
 * its own process, and run a scenario process whose stdout is a stream of JSON lines (the app side
 * prints the `pubkyauth://` URL first, then its result once the stand-in has approved).
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
const standIn = fileURLToPath(new URL('../../fixtures/ring-stand-in.ts', import.meta.url))

export interface StandInOptions {
  relay: string
  homeserver: string
  url: string
  secretHex?: string
}

/** Runs the Ring stand-in once: signs up (or in) and approves `url`. Resolves with its public key. */
export function approveWithRing(o: StandInOptions, timeoutMs = 60_000): Promise<{ publicKey: string }> {
  const args = ['--relay', o.relay, '--homeserver', o.homeserver, '--url', o.url]
  if (o.secretHex) args.push('--secret-hex', o.secretHex)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', standIn, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`Ring stand-in timed out; stderr: ${err}`))
    }, timeoutMs)
    child.on('close', () => {
      clearTimeout(timer)
      const line = out.trim().split('\n').pop() ?? ''
      try {
        const v = JSON.parse(line) as { publicKey?: string; error?: unknown }
        if (v.publicKey) resolve({ publicKey: v.publicKey })
        else reject(new Error(`Ring stand-in failed: ${line} ${err}`))
      } catch {
        reject(new Error(`Ring stand-in printed no result: ${out} ${err}`))
      }
    })
  })
}

export interface LineProcess {
  /** The next JSON line the process prints. */
  next<T = Record<string, unknown>>(): Promise<T>
  kill(): void
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has ended. */
  stop(graceMs?: number): Promise<void>
  stderr(): string
}

/** Spawns `node --import tsx <script> <args…>` and reads its stdout as JSON lines. */
export function lineProcess(script: string, args: readonly string[], timeoutMs = 90_000): LineProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')))
  const lines: string[] = []
  const waiters: ((line: string | null) => void)[] = []
  let closed = false
  createInterface({ input: child.stdout }).on('line', (l) => {
    const w = waiters.shift()
    if (w) w(l)
    else lines.push(l)
  })
  child.on('close', () => {
    closed = true
    for (const w of waiters.splice(0)) w(null)
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  child.on('close', () => clearTimeout(killer))
  return {
    next<T>() {
      return new Promise<T>((resolve, reject) => {
        const take = (l: string | null): void => {
          if (l === null) return reject(new Error(`process ended without another line; stderr: ${err}`))
          try {
            resolve(JSON.parse(l) as T)
          } catch {
            reject(new Error(`not a JSON line: ${l}; stderr: ${err}`))
          }
        }
        const l = lines.shift()
        if (l !== undefined) take(l)
        else if (closed) take(null)
        else waiters.push(take)
      })
    },
    kill: () => child.kill('SIGKILL'),
    stop: async (graceMs = 15_000) => {
      if (closed) return
      const ended = new Promise<void>((r) => child.once('close', () => r()))
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await ended
      clearTimeout(t)
    },
    stderr: () => err,
  }
}
