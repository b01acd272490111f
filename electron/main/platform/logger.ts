/**
 * @module platform/logger
 * The main-process log. It redacts by field name and by type: anything named like a secret
 * (pin, passphrase, phrase, secret, token, words…) and every byte array is replaced before printing,
 * so a request or an error cause can be logged without leaking what it carried.
 */

const SECRET_KEY = /pin|pass|phrase|secret|token|word|confirm|mnemonic|seed|private|file|key$/i

export function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Uint8Array) return `[${value.length} bytes]`
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' && value.length > 200 ? `${value.slice(0, 200)}…` : value
  }
  if (depth > 4) return '[…]'
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redact(v, depth + 1))
  if (value instanceof Error) return { name: value.name, message: value.message }
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)
  return out
}

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
