/**
 * @module cli/errors
 * How the CLI reports failure. Every error becomes one line on stderr saying what was wrong and what
 * to do, and an exit code: 1 when the person can fix the command or its input (usage, a bad address,
 * a wrong passphrase), 2 when something failed at run time (homeserver unreachable, port in use).
 */
import { PaykitError, toPaykitError } from '../main/core/util/errors'
import { MethodError } from '../main/core/methods/errors'
import { DirectoryError } from '../main/core/directory/errors'
import { RecoveryFileError } from '../main/core/keys/recovery-file'

export const EXIT_OK = 0
export const EXIT_USAGE = 1
export const EXIT_RUNTIME = 2

export type CliErrorCode =
  /** The command line is wrong (unknown command or option, missing value). */
  | 'usage'
  /** A file or value the command needs is missing or unreadable (passphrase, identity). */
  | 'cli-input'
  /** A state that stops the command (identity exists, homeserver not running). */
  | 'cli-state'
  /** Something failed while running (server, network). */
  | 'cli-runtime'

/** A CLI failure with an optional hint ("what to do") and its exit code. */
export class CliError extends PaykitError<CliErrorCode> {
  /** The core's code when this wraps a core error (`wrong-network`, `store-unavailable`, …). */
  readonly originalCode?: string

  constructor(
    code: CliErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown; originalCode?: string },
  ) {
    super(code, message, options?.cause !== undefined ? { cause: options.cause } : undefined)
    if (options?.originalCode !== undefined) this.originalCode = options.originalCode
  }
}

/** A wrong command line; the hint points at the command's help. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint)
  }
}

/** Codes of core errors that describe bad input the person can correct. */
const INPUT_CODES: ReadonlySet<string> = new Set(['invalid-input'])

/** 1 for errors the person fixes by changing the command or its input; 2 for run-time failures. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof CliError) return e.code === 'cli-runtime' ? EXIT_RUNTIME : EXIT_USAGE
  if (e instanceof MethodError || e instanceof DirectoryError || e instanceof RecoveryFileError) {
    return EXIT_USAGE
  }
  if (e instanceof PaykitError && INPUT_CODES.has(e.code)) return EXIT_USAGE
  return EXIT_RUNTIME
}

/** Attaches a hint to an error unless it already has one (a core error keeps its code for --json). */
export function withHint(e: unknown, hint: string): CliError {
  if (e instanceof CliError) {
    return e.hint === undefined
      ? new CliError(e.code, e.message, hint, {
          cause: e,
          ...(e.originalCode !== undefined ? { originalCode: e.originalCode } : {}),
        })
      : e
  }
  const pe = toPaykitError(e)
  const code = exitCodeFor(pe) === EXIT_USAGE ? 'cli-input' : 'cli-runtime'
  return new CliError(code, pe.message, hint, { cause: pe, originalCode: pe.code })
}

/** The stable code to show for an error (the core's own code when it was wrapped). */
export function codeOf(e: unknown): string {
  if (e instanceof CliError && e.originalCode !== undefined) return e.originalCode
  return toPaykitError(e).code
}

/** The `code` of an error and of each error in its `cause` chain (bounded), outermost first. */
export function causeCodes(e: unknown): string[] {
  const codes: string[] = []
  let cur: unknown = e
  for (let i = 0; i < 8 && typeof cur === 'object' && cur !== null; i++) {
    const code = (cur as { code?: unknown }).code
    if (typeof code === 'string') codes.push(code)
    cur = (cur as { cause?: unknown }).cause
  }
  return codes
}

/** One line: the message, then the hint, with any line breaks flattened. */
export function errorLine(e: unknown): string {
  const pe = toPaykitError(e)
  const hint = e instanceof CliError ? e.hint : undefined
  const text = hint ? `${stripDot(pe.message)}. ${hint}` : pe.message
  return text.replace(/\s*\n\s*/g, ' ')
}

function stripDot(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s
}
