/**
 * @module errors
 * The one error style of the core: every failure the core reports is a `PaykitError` (or a domain
 * subclass) carrying a stable machine `code` and a message a person can act on. Core functions throw
 * these; boundaries (IPC, CLI, wire replies) turn them into `Result` values with `attempt`.
 *
 * Why one base class: callers switch on `code`, never on message text or `instanceof` across process
 * boundaries (Electron keeps only `message` when an error crosses `invoke`).
 */

export class PaykitError<C extends string = string> extends Error {
  readonly code: C
  override readonly cause?: unknown

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message)
    this.name = new.target.name
    this.code = code
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

/** Bad input from a caller or a peer: a value of the wrong type, length or form. */
export class InputError extends PaykitError<'invalid-input'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid-input', message, options)
  }
}

/** Exhaustiveness guard for `switch` over unions: a missing case fails to compile. */
export function missingCase(value: never): never {
  throw new PaykitError('internal', `unhandled case: ${String(value)}`)
}

/** Turns anything thrown into a PaykitError without losing the original as `cause`. */
export function toPaykitError(e: unknown): PaykitError {
  if (e instanceof PaykitError) return e
  const message = e instanceof Error ? e.message : String(e)
  return new PaykitError('internal', message, { cause: e })
}
