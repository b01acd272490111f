/**
 * Runs a TypeScript script in a child Node process through tsx, with one JSON argument, and collects
 * its output. Used where the code under test must have a process of its own (the Pubky SDK patches
 * its process's fetch). A child still running after `timeoutMs` is killed (SIGKILL) and reported
 * with `timedOut`.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

export interface TsxChildResult {
  code: number | null
  stdout: string
  stderr: string
  timedOut: boolean
  /** The last non-empty line of stdout (where the scripts print their JSON result). */
  lastLine: string
}

export function runTsxChild(script: string, args: unknown, timeoutMs: number): Promise<TsxChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, timedOut, lastLine: stdout.trim().split('\n').pop() ?? '' })
    })
  })
}
