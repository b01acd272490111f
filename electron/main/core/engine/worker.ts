/**
 * @module engine/worker
 * Worker-thread entry of the engine: runs one `PosEngine` and serves `EngineHost`'s requests. All
 * crypto and SQLite happen on this thread. The identity secret arrives once, in the start message,
 * as a transferred buffer that only this thread holds; `PosEngine.stop()` wipes it.
 */
import { parentPort } from 'node:worker_threads'
import { PosEngine } from './pos-engine'
import { createLogger } from '../observe/logger'
import { ENGINE_API_METHODS, type EngineEvents } from './types'
import { toRemoteError, type HostToWorker, type WorkerToHost } from './protocol'

if (!parentPort) throw new Error('engine/worker.ts must run inside a worker thread')
const port = parentPort

const post = (m: WorkerToHost): void => port.postMessage(m)
const allowed = new Set<string>(ENGINE_API_METHODS)
let engine: PosEngine | undefined

const EVENTS: readonly (keyof EngineEvents)[] = [
  'checkout:paid',
  'checkout:changed',
  'receipt',
  'request',
  'subscriber:changed',
  'billing:progress',
  'billing:complete',
]

async function onMessage(m: HostToWorker): Promise<void> {
  switch (m.kind) {
    case 'start': {
      try {
        engine = new PosEngine({
          ...m.options,
          ...(m.ring ? { ring: { link: m.ring, deviceSecret: m.secret } } : { identitySecret: m.secret }),
          ...(m.forwardLogs
            ? { logger: createLogger({ sink: (line) => post({ kind: 'log', line }), level: 'debug' }) }
            : {}),
        })
        for (const name of EVENTS) engine.events.on(name, (payload) => post({ kind: 'event', name, payload }))
        await engine.start()
        post({ kind: 'started' })
      } catch (e) {
        m.secret.fill(0)
        post({ kind: 'start-failed', error: toRemoteError(e) })
      }
      return
    }
    case 'call': {
      try {
        if (!engine || !allowed.has(m.method)) throw new Error(`no engine method ${String(m.method)}`)
        const fn = engine[m.method] as (...a: unknown[]) => Promise<unknown>
        const value = await fn.apply(engine, m.args)
        post({ kind: 'result', id: m.id, ok: true, value })
      } catch (e) {
        post({ kind: 'result', id: m.id, ok: false, error: toRemoteError(e) })
      }
      return
    }
    case 'stop': {
      try {
        await engine?.stop(m.drainMs)
        post({ kind: 'result', id: m.id, ok: true, value: null })
      } catch (e) {
        post({ kind: 'result', id: m.id, ok: false, error: toRemoteError(e) })
      }
      engine = undefined
      // Nothing else keeps this thread alive once the port closes: the worker exits by itself.
      port.close()
      return
    }
  }
}

port.on('message', (m: HostToWorker) => void onMessage(m))
