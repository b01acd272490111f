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
import { checkRingLink, type RingLink } from '../pubky/ring-link'
import {
  ENGINE_API_METHODS,
  type EngineApi,
  type EngineEvents,
  type EngineNetwork,
  type RingIdentity,
} from './types'
import type {
  HostToPair,
  HostToWorker,
  PairToHost,
  RemoteError,
  WorkerEngineOptions,
  WorkerToHost,
} from './protocol'

/** An error thrown inside the worker, re-created here with its code. */
export class EngineCallError extends PaykitError<string> {
  readonly remoteName: string
  constructor(e: RemoteError) {
    super(e.code, e.message)
    this.remoteName = e.name
  }
}

export interface EngineHostOptions extends WorkerEngineOptions {
  /**
   * Copied and transferred to the worker; this array is wiped before `start` returns. Exactly one
   * of `identitySecret` and `ring`.
   */
  identitySecret?: Uint8Array
  /** A Ring-linked till; `deviceSecret` is copied, transferred and wiped like `identitySecret`. */
  ring?: RingIdentity
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

/** Options of `EngineHost.pairRing`. */
export interface PairRingOptions {
  dataDir: string
  network: EngineNetwork
  /** The `pubkyauth://` link relay; default: the embedded node's `/link`, or the SDK's default when hosted. */
  relayUrl?: string
  /** Give up after this long (default 10 minutes): `approved` rejects with `ring-timeout`. */
  timeoutMs?: number
  /** Override the worker script (a built `pair-worker.js`). */
  workerUrl?: URL
}

/** A pairing in progress: show `url` as a QR code for Pubky Ring to scan. */
export interface RingPairing {
  url: string
  /** The grant; rejects with an `EngineCallError` coded ring-timeout / ring-cancelled / ring-denied / … */
  approved: Promise<RingLink>
  /** Stops the pairing (its worker and embedded node); `approved` rejects with `ring-cancelled`. */
  cancel(): Promise<void>
}

/**
 * A worker script: a built `<name>.js` beside this file, else `<name>.ts` behind a one-line eval
 * bootstrap that registers tsx first (Node 20 does not apply `--import tsx` to a worker's entry).
 */
function defaultWorker(name = 'worker'): { script: URL | string; eval: boolean } {
  const js = new URL(`./${name}.js`, import.meta.url)
  if (existsSync(fileURLToPath(js))) return { script: js, eval: false }
  const ts = new URL(`./${name}.ts`, import.meta.url).href
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
    const { identitySecret, ring, onLog, workerUrl, startTimeoutMs, ...engineOptions } = options
    if ((identitySecret === undefined) === (ring === undefined))
      throw new InputError(
        'give the engine exactly one identity: identitySecret (the shop key) or ring (a Pubky Ring link)',
      )
    const given = ring ? ring.deviceSecret : identitySecret!
    if (!(given instanceof Uint8Array) || given.length !== 32)
      throw new InputError(
        ring ? 'the Ring till device secret must be 32 bytes' : 'the identity secret must be 32 bytes',
      )
    // Checked here so a damaged link fails before a worker starts (ring-invalid-link).
    const link = ring ? checkRingLink(ring.link) : undefined
    const secret = new Uint8Array(32)
    secret.set(given)
    given.fill(0)
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
      ...(link ? { ring: { ...link, capabilities: [...link.capabilities] } } : {}),
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

  /**
   * "Sign in with Pubky Ring": starts the `pubkyauth://` flow in its own worker thread (its own SDK
   * realm) and resolves with the QR URL once it is ready. In embedded mode the embedded node under
   * `dataDir/pubky` runs until the pairing ends, so the engine must not be running on `dataDir`.
   */
  static async pairRing(o: PairRingOptions): Promise<RingPairing> {
    const w = o.workerUrl ? { script: o.workerUrl, eval: false } : defaultWorker('pair-worker')
    const worker = new Worker(w.script, { eval: w.eval })
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    // Only structured-clone data crosses: hosted payment backends are objects and stay behind.
    const network: EngineNetwork =
      o.network.kind === 'embedded'
        ? { kind: 'embedded', ...(o.network.node ? { node: { ...o.network.node } } : {}) }
        : {
            kind: 'hosted',
            homeserver: o.network.homeserver,
            ...(o.network.relays ? { relays: [...o.network.relays] } : {}),
            ...(o.network.testnetHost !== undefined ? { testnetHost: o.network.testnetHost } : {}),
          }
    let onUrl: (url: string) => void = () => {}
    let onUrlFailed: (e: unknown) => void = () => {}
    const urlReady = new Promise<string>((resolve, reject) => {
      onUrl = resolve
      onUrlFailed = reject
    })
    const approved = new Promise<RingLink>((resolve, reject) => {
      worker.on('message', (m: PairToHost) => {
        if (m.kind === 'url') onUrl(m.url)
        else if (m.kind === 'approved') resolve(checkRingLink(m.link))
        else {
          const e = new EngineCallError(m.error)
          onUrlFailed(e)
          reject(e)
        }
      })
      worker.once('error', (e) => {
        onUrlFailed(e)
        reject(e)
      })
      worker.once('exit', (code) => {
        const e = new EngineCallError({
          name: 'Exit',
          code: 'ring-cancelled',
          message: `the pairing ended before Pubky Ring approved (worker exit ${code})`,
        })
        onUrlFailed(e)
        reject(e)
      })
    })
    approved.catch(() => {})
    const msg: HostToPair = {
      kind: 'pair',
      dataDir: o.dataDir,
      network,
      ...(o.relayUrl !== undefined ? { relayUrl: o.relayUrl } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    }
    worker.postMessage(msg)
    let url: string
    try {
      url = await urlReady
    } catch (e) {
      await worker.terminate()
      throw e
    }
    return {
      url,
      approved,
      cancel: async () => {
        worker.postMessage({ kind: 'cancel' } satisfies HostToPair)
        const timer = setTimeout(() => void worker.terminate(), 10_000)
        await exited
        clearTimeout(timer)
        await approved.catch(() => {})
      },
    }
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
