/**
 * @module engine/host
 * Runs `PosEngine` in a worker thread and exposes the same `EngineApi` as an async proxy, so the
 * process that drives the UI never runs crypto or SQLite: a flood of handshakes or a 10,000-
 * subscriber billing run costs the UI thread only message passing. Requests are matched to replies
 * by id; engine events are forwarded onto `host.events`.
 *
 * The identity secret is copied into a fresh buffer that is *transferred* to the worker (the host
 * keeps no copy, and the caller's array is wiped at once); the worker's engine wipes it on stop.
 *
 * Worker script: by default the sibling `worker.js` when it exists (a build), else `worker.ts` run
 * through tsx's ESM loader (development and tests). A bundler entry for `worker.ts` is needed for the
 * packaged app (see the report).
 */
import { Worker } from 'node:worker_threads'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { EventBus } from '../observe/events'
import { PaykitError, InputError } from '../util/errors'
import { ENGINE_API_METHODS, type EngineApi, type EngineEvents } from './types'
import type { HostToWorker, RemoteError, WorkerEngineOptions, WorkerToHost } from './protocol'

/** An error thrown inside the worker, re-created here with its code. */
export class EngineCallError extends PaykitError<string> {
  readonly remoteName: string
  constructor(e: RemoteError) {
    super(e.code, e.message)
    this.remoteName = e.name
  }
}

export interface EngineHostOptions extends WorkerEngineOptions {
  /** Copied and transferred to the worker; this array is wiped before `start` returns. */
  identitySecret: Uint8Array
  /** Receives the worker's log lines (already redacted by core/observe's logger). */
  onLog?: (line: string) => void
  /** Override the worker script (a built `worker.js`). */
  workerUrl?: URL
  /** Start deadline (default 60 s). */
  startTimeoutMs?: number
}

/** The ESM entry of tsx's register API, found through its package.json (bare specifiers do not resolve from an eval'd worker). */
function tsxApiUrl(): string {
  try {
    const req = createRequire(import.meta.url)
    const pkgPath = req.resolve('tsx/package.json')
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } }>
    }
    const rel = pkg.exports?.['./esm/api']?.import?.default
    if (rel) return pathToFileURL(join(dirname(pkgPath), rel)).href
  } catch {
    // fall through to the bare specifier
  }
  return 'tsx/esm/api'
}

/**
 * The worker script: a built `worker.js` beside this file, else `worker.ts` behind a one-line eval
 * bootstrap that registers tsx first (Node 20 does not apply `--import tsx` to a worker's entry).
 */
function defaultWorker(): { script: URL | string; eval: boolean } {
  const js = new URL('./worker.js', import.meta.url)
  if (existsSync(fileURLToPath(js))) return { script: js, eval: false }
  const ts = new URL('./worker.ts', import.meta.url).href
  return {
    script: `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(ts)}) })`,
    eval: true,
  }
}

export class EngineHost {
  readonly events = new EventBus<EngineEvents>()
  /** The engine's API, every call forwarded to the worker. */
  readonly api: EngineApi
  private readonly worker: Worker
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >()
  private nextId = 1
  private exited: Promise<number>
  private dead: Error | undefined

  private constructor(worker: Worker, onLog: ((line: string) => void) | undefined) {
    this.worker = worker
    this.exited = new Promise((resolve) => worker.once('exit', resolve))
    worker.on('message', (m: WorkerToHost) => {
      if (m.kind === 'result') {
        const p = this.pending.get(m.id)
        if (!p) return
        this.pending.delete(m.id)
        if (m.ok) p.resolve(m.value)
        else p.reject(new EngineCallError(m.error))
      } else if (m.kind === 'event') {
        this.events.emit(m.name, m.payload as never)
      } else if (m.kind === 'log') {
        onLog?.(m.line)
      }
    })
    const die = (e: Error): void => {
      this.dead = e
      for (const p of this.pending.values()) p.reject(e)
      this.pending.clear()
    }
    worker.on('error', (e) => die(e))
    worker.once('exit', (code) =>
      die(
        new EngineCallError({
          name: 'Exit',
          code: 'engine-exited',
          message: `the engine worker exited (code ${code})`,
        }),
      ),
    )
    const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {}
    for (const method of ENGINE_API_METHODS) api[method] = (...args: unknown[]) => this.call(method, args)
    this.api = api as unknown as EngineApi
  }

  /** Starts the worker and the engine in it; resolves once the engine is listening. */
  static async start(options: EngineHostOptions): Promise<EngineHost> {
    const { identitySecret, onLog, workerUrl, startTimeoutMs, ...engineOptions } = options
    if (!(identitySecret instanceof Uint8Array) || identitySecret.length !== 32)
      throw new InputError('the identity secret must be 32 bytes')
    const secret = new Uint8Array(32)
    secret.set(identitySecret)
    identitySecret.fill(0)
    const w = workerUrl ? { script: workerUrl, eval: false } : defaultWorker()
    const worker = new Worker(w.script, { eval: w.eval })
    const host = new EngineHost(worker, onLog)
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the engine worker did not start in time')),
        startTimeoutMs ?? 60_000,
      )
      const onMessage = (m: WorkerToHost): void => {
        if (m.kind !== 'started' && m.kind !== 'start-failed') return
        clearTimeout(timer)
        worker.off('message', onMessage)
        if (m.kind === 'started') resolve()
        else reject(new EngineCallError(m.error))
      }
      worker.on('message', onMessage)
      worker.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`the engine worker exited during start (code ${code})`))
      })
    })
    const msg: HostToWorker = {
      kind: 'start',
      options: engineOptions,
      secret,
      forwardLogs: onLog !== undefined,
    }
    worker.postMessage(msg, [secret.buffer])
    try {
      await started
    } catch (e) {
      await worker.terminate()
      throw e
    }
    return host
  }

  private call(method: keyof EngineApi, args: unknown[]): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      const msg: HostToWorker = { kind: 'call', id, method, args }
      this.worker.postMessage(msg)
    })
  }

  /** Ordered engine stop inside the worker, then waits for the thread to exit (no handles left). */
  async stop(drainMs = 5_000): Promise<void> {
    if (!this.dead) {
      const id = this.nextId++
      const done = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }))
      this.worker.postMessage({ kind: 'stop', id, drainMs } satisfies HostToWorker)
      await done.catch(() => {})
    }
    const timer = setTimeout(() => void this.worker.terminate(), 15_000)
    await this.exited
    clearTimeout(timer)
  }
}
