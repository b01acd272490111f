/**
 * @module platform/logger
 * The main-process log: a small warn/error interface over the core's redaction (by field name and
 * by type), so a request or an error cause can be logged without leaking what it carried.
 */
import { redact } from '../core/observe/logger'

// One redaction rule for every log in the app: the core's (field names and raw bytes, recursively).
export { redact } from '../core/observe/logger'

/** Message plus the cause chain (names and messages only, no stacks of secrets' values). */
export function describeError(e: unknown): string {
  const parts: string[] = []
  let current: unknown = e
  for (let i = 0; i < 5 && current !== undefined && current !== null; i++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code
      parts.push(`${current.name}${typeof code === 'string' ? `[${code}]` : ''}: ${current.message}`)
      current = (current as { cause?: unknown }).cause
    } else {
      parts.push(String(current))
      break
    }
  }
  return parts.join(' <- ')
}

export type Logger = {
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export const consoleLogger: Logger = {
  warn: (message, fields) =>
    console.warn(`[paykit-pos] ${message}`, fields ? JSON.stringify(redact(fields)) : ''),
  error: (message, fields) =>
    console.error(`[paykit-pos] ${message}`, fields ? JSON.stringify(redact(fields)) : ''),
}

/** A logger that keeps lines in memory (tests assert what was, and was not, logged). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const push = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${fields ? JSON.stringify(redact(fields)) : ''}`)
  return { lines, warn: push('warn'), error: push('error') }
}
