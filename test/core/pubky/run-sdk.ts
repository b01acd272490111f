/**
 * Spawns fixtures/sdk-scenario.ts in a child Node process (the SDK patches that process's fetch) and
 * returns its JSON result line.
 */
import { fileURLToPath } from 'node:url'
import { runTsxChild } from '../../helpers/tsx-child'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))

export interface SdkRun<T> {
  ok: boolean
  out: T
  error?: { name?: string; message?: string; data?: unknown }
  stderr: string
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- scenario outputs are JSON the tests narrow
export async function runSdk<T = any>(
  args: Record<string, unknown>,
  timeoutMs = 60_000,
  script = 'sdk-scenario.ts',
): Promise<SdkRun<T>> {
  const r = await runTsxChild(`${fixtures}${script}`, args, timeoutMs)
  if (r.timedOut) throw new Error(`SDK scenario ${String(args['scenario'])} timed out; stderr: ${r.stderr}`)
  try {
    const parsed = JSON.parse(r.lastLine) as Omit<SdkRun<T>, 'stderr'>
    return { ...parsed, stderr: r.stderr }
  } catch {
    throw new Error(
      `SDK scenario ${String(args['scenario'])} printed no result. stdout: ${r.stdout} stderr: ${r.stderr}`,
    )
  }
}
