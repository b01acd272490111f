/**
 * @module engine/test-control
 * TEST ONLY: a loopback HTTP control endpoint for an engine started with `testClock`, so a test (or
 * a demo script) in another process can drive what a cashier would and move the engine clock.
 * Refused unless the engine's test clock is on (`testClockAdvance` answers `test-clock-disabled`
 * otherwise, and `startTestControl` checks that before it listens). Binds 127.0.0.1 only.
 *
 *   POST / {"op":"call","method":<EngineApi method>,"args":[…]}   any EngineApi call
 *   POST / {"op":"advance","ms":N}                                 moves the engine clock forward
 *   → {"ok":true,"value":…} | {"ok":false,"error":{"code","message"}}
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { ENGINE_API_METHODS, type EngineApi } from './types'
import { InputError } from '../util/errors'

export interface TestControl {
  url: string
  close(): Promise<void>
}

export interface TestControlOptions {
  port?: number
  /** Extra ops (e.g. a test fixture's read-only ledger query); return undefined to fall through. */
  extra?: (op: Record<string, unknown>) => Promise<unknown> | undefined
}

const MAX_BODY = 1 << 20

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const c of req) {
    n += (c as Buffer).length
    if (n > MAX_BODY) throw new InputError('control request too large')
    chunks.push(c as Buffer)
  }
  const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError('expected a JSON object')
  return v as Record<string, unknown>
}

/** Starts the control endpoint; fails with `test-clock-disabled` when the engine is not in test mode. */
export async function startTestControl(
  engine: EngineApi,
  options: TestControlOptions = {},
): Promise<TestControl> {
  await engine.testClockAdvance(0)
  const allowed = new Set<string>(ENGINE_API_METHODS)
  const handle = async (o: Record<string, unknown>): Promise<unknown> => {
    const extra = options.extra?.(o)
    if (extra !== undefined) return extra
    switch (o['op']) {
      case 'call': {
        const method = String(o['method'])
        if (!allowed.has(method)) throw new InputError(`no engine method ${method.slice(0, 60)}`)
        const fn = engine[method as keyof EngineApi] as (...a: unknown[]) => Promise<unknown>
        return fn.apply(engine, Array.isArray(o['args']) ? (o['args'] as unknown[]) : [])
      }
      case 'advance':
        return engine.testClockAdvance(Number(o['ms']))
      default:
        throw new InputError(`unknown op ${String(o['op']).slice(0, 60)}`)
    }
  }
  const server: Server = createServer((req, res) => {
    void body(req)
      .then(handle)
      .then(
        (v) => {
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(
            JSON.stringify({ ok: true, value: v ?? null }, (_k, x: unknown) =>
              typeof x === 'bigint' ? x.toString() : x,
            ),
          )
        },
        (e: unknown) => {
          const err = e as { code?: string; message?: string }
          res.writeHead(500, { 'content-type': 'application/json' })
          res.end(
            JSON.stringify({
              ok: false,
              error: { code: err.code ?? 'error', message: err.message ?? String(e) },
            }),
          )
        },
      )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
