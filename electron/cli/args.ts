/**
 * @module cli/args
 * Option declarations and parsing (node:util `parseArgs`, strict), with the CLI's own messages:
 * an unknown option is refused with the closest known one suggested, a missing value names the
 * option, and every message ends by pointing at `--help`.
 */
import { parseArgs } from 'node:util'
import { UsageError } from './errors'

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  /** Repeatable (`--method a=… --method b=…`). */
  multiple?: boolean
  /** Shown in help after the option name (`--port N`). */
  valueName?: string
  description: string
  /** Shown in help as "(default: …)"; the command applies it. */
  defaultText?: string
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>

export interface PositionalSpec {
  name: string
  description: string
  required: boolean
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', description: 'Print one JSON document on stdout instead of text' },
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
}

export type OptionValue = string | boolean | string[] | boolean[] | undefined

export interface ParsedArgs {
  values: Record<string, OptionValue>
  positionals: string[]
}

/** Levenshtein distance, for suggestions (inputs here are short command and option names). */
export function editDistance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Math.abs(a.length - b.length) + 64
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length]!
}

/** The closest candidate within a small distance (or sharing a prefix), if any. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase())
    if (d < bestD) {
      best = c
      bestD = d
    }
  }
  if (best === undefined) return undefined
  const limit = Math.max(2, Math.floor(input.length / 3))
  if (bestD <= limit) return best
  const prefixed = candidates.find((c) => input.length >= 3 && c.startsWith(input))
  return prefixed
}

const printable = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s)

/**
 * Parses `args` against `specs` (plus the global options). Throws `UsageError` naming the problem;
 * `helpHint` is appended ("Run `paykit id new --help` for usage.").
 */
export function parseCommandArgs(
  args: readonly string[],
  specs: OptionSpecs,
  positionals: readonly PositionalSpec[],
  helpHint: string,
): ParsedArgs {
  const all = { ...specs, ...GLOBAL_OPTIONS }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {}
  for (const [name, s] of Object.entries(all)) {
    options[name] = {
      type: s.type,
      ...(s.short !== undefined ? { short: s.short } : {}),
      ...(s.multiple ? { multiple: true } : {}),
    }
  }
  let parsed: { values: Record<string, OptionValue>; positionals: string[] }
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as typeof parsed
  } catch (e) {
    throw translateParseError(e, Object.keys(all), helpHint)
  }
  if (parsed.values['help'] === true) return parsed
  const max = positionals.length
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals[max]!
    throw new UsageError(
      max === 0
        ? `unexpected argument ${printable(extra)}: this command takes no arguments`
        : `unexpected extra argument ${printable(extra)}`,
      helpHint,
    )
  }
  positionals.forEach((p, i) => {
    if (p.required && parsed.positionals[i] === undefined) {
      throw new UsageError(`missing <${p.name}>: ${p.description}`, helpHint)
    }
  })
  return parsed
}

function translateParseError(e: unknown, known: readonly string[], helpHint: string): UsageError {
  const err = e as { code?: string; message?: string }
  const message = err.message ?? String(e)
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /Unknown option '([^']+)'/.exec(message)?.[1] ?? message
    const bare = name.replace(/^-+/, '').split('=')[0]!
    const guess = suggest(bare, known)
    return new UsageError(
      `unknown option ${printable(name)}${guess ? ` (did you mean --${guess}?)` : ''}`,
      helpHint,
    )
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /Option '(-\w, )?(--[\w-]+)/.exec(message)?.[2]
    if (name && /argument missing/.test(message)) {
      return new UsageError(`option ${name} needs a value`, helpHint)
    }
    if (name) return new UsageError(`option ${name} does not take a value`, helpHint)
  }
  return new UsageError(message.split('\n')[0]!.replace(/\.$/, ''), helpHint)
}

/** A string option's value (last one wins if repeated by mistake). */
export function str(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name]
  if (Array.isArray(v)) return v.length > 0 ? String(v[v.length - 1]) : undefined
  return typeof v === 'string' ? v : undefined
}

/** A repeatable string option's values. */
export function strs(values: ParsedArgs['values'], name: string): string[] {
  const v = values[name]
  if (Array.isArray(v)) return v.map(String)
  return typeof v === 'string' ? [v] : []
}

export function bool(values: ParsedArgs['values'], name: string): boolean {
  return values[name] === true
}

/** Parses a TCP port (0 = any free port when `allowZero`). */
export function parsePort(text: string, option: string, helpHint: string, allowZero = true): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535 || (!allowZero && Number(text) === 0)) {
    throw new UsageError(
      `${option} must be a port number from ${allowZero ? 0 : 1} to 65535, got ${printable(text)}`,
      helpHint,
    )
  }
  return Number(text)
}
