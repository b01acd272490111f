/**
 * @module result
 * `Result` is how the core hands outcomes across a boundary (IPC, CLI, wire replies) without throwing.
 * Inside the core, failures are thrown `PaykitError`s; `attempt` converts at the edge.
 */
import { PaykitError, toPaykitError } from './errors'

export type Ok<T> = { readonly ok: true; readonly value: T }
export type Err<E> = { readonly ok: false; readonly error: E }
export type Result<T, E = PaykitError> = Ok<T> | Err<E>

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value })
export const err = <E>(error: E): Err<E> => ({ ok: false, error })

/** Runs `fn`, returning its value as Ok or whatever it threw as Err(PaykitError). */
export function attempt<T>(fn: () => T): Result<T> {
  try {
    return ok(fn())
  } catch (e) {
    return err(toPaykitError(e))
  }
}

/** Async twin of `attempt`. */
export async function attemptAsync<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn())
  } catch (e) {
    return err(toPaykitError(e))
  }
}

/** Unwraps a Result, rethrowing its error. */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value
  throw r.error instanceof PaykitError ? r.error : toPaykitError(r.error)
}
