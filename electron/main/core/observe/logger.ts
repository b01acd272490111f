/**
 * @module observe/logger
 * Structured logs (one JSON object per line) that can never carry key material. Redaction is by
 * field name (secrets, seeds, phrases, PINs, tokens, cookies, preimages) and by type (raw bytes are
 * logged as their length only), applied recursively, so a careless `log.info('x', { keypair })` is
 * still safe. Public identities are logged as z32 strings, which are not secrets.
 */
import type { Clock } from '../util/clock'
import { systemClock } from '../util/clock'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>
export type LogSink = (line: string) => void

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

// Field names that may carry secrets. Deliberately broad (a `pin` match also hides `shipping`):
// over-redacting a log line costs nothing, under-redacting leaks. Covers IPC request fields too
// (confirmation words, recovery-file contents), since the main-process log uses this as well.
const SECRET_KEY =
  /(secret|seed|mnemonic|phrase|private|pass|pin|token|cookie|preimage|^sk$|_sk$|session_?key|(^|_)key$|plaintext|word|confirm|file)/i

export const REDACTED = '[redacted]'

/** Returns a copy of `value` safe to log. Depth-limited so a cyclic or huge object cannot hang logging. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[depth]'
  if (value instanceof Uint8Array) return `[${value.length} bytes]`
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: value.message }
    const code = (value as { code?: unknown }).code
    if (typeof code === 'string') out['code'] = code
    if (value.cause !== undefined) out['cause'] = redact(value.cause, depth + 1)
    return out
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1))
  if (value && typeof value === 'object') {
    const out: LogFields = {}
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1)
    return out
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string' && value.length > 2000)
    return `${value.slice(0, 2000)}…[${value.length} chars]`
  return value
}

export interface Logger {
  debug(event: string, fields?: LogFields): void
  info(event: string, fields?: LogFields): void
  warn(event: string, fields?: LogFields): void
  error(event: string, fields?: LogFields): void
  /** A logger that adds `fields` to every line (e.g. `{ component: 'listener' }`). */
  child(fields: LogFields): Logger
}

export function createLogger(
  options: { sink?: LogSink; level?: LogLevel; clock?: Clock; base?: LogFields } = {},
): Logger {
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'))
  const min = LEVELS[options.level ?? 'info']
  const clock = options.clock ?? systemClock
  const base = options.base ?? {}
  const write = (level: LogLevel, event: string, fields?: LogFields): void => {
    if (LEVELS[level] < min) return
    const record = redact({ ...base, ...fields }) as LogFields
    sink(JSON.stringify({ t: new Date(clock.now()).toISOString(), level, event, ...record }))
  }
  return {
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  }
}

/** A logger that keeps lines in memory (tests grep them for key material). */
export function memoryLogger(level: LogLevel = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  return { logger: createLogger({ sink: (l) => lines.push(l), level }), lines }
}
