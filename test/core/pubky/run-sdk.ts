/**
 * Spawns fixtures/sdk-scenario.ts in a child Node process (the SDK patches that process's fetch) and
 * returns its JSON result line.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

export interface SdkRun<T> {
  ok: boolean
  out: T
  error?: { name?: string; message?: string; data?: unknown }
  stderr: string
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- scenario outputs are JSON the tests narrow
export function runSdk<T = any>(
  args: Record<string, unknown>,
  timeoutMs = 60_000,
  script = 'sdk-scenario.ts',
): Promise<SdkRun<T>> {
  const fixture = `${fixtures}${script}`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, JSON.stringify(args)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`SDK scenario ${String(args['scenario'])} timed out; stderr: ${stderr}`))
    }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', () => {
      clearTimeout(timer)
      const line = stdout.trim().split('\n').pop() ?? ''
      try {
        const parsed = JSON.parse(line) as Omit<SdkRun<T>, 'stderr'>
        resolve({ ...parsed, stderr })
      } catch {
        reject(
          new Error(
            `SDK scenario ${String(args['scenario'])} printed no result. stdout: ${stdout} stderr: ${stderr}`,
          ),
        )
      }
    })
  })
}
