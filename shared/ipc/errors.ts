/**
 * @module ipc/errors
 * The closed set of error codes that cross the renderer↔main boundary. The renderer branches on
 * `code` (never on message text), so adding a code is a contract change: extend the union, the
 * runtime list and the renderer's message table together.
 */

export const ERROR_CODES = [
  /** The request failed its schema, or a value (phrase, file, PIN format) is malformed. */
  'invalid-input',
  /** The caller may not do this: wrong sender, cashier mode, or a step out of order. */
  'forbidden',
  /** The app is locked; unlock with the PIN first. */
  'locked',
  /** The PIN or passphrase did not match. */
  'bad-pin',
  /** Too many wrong PIN attempts; wait before trying again. */
  'rate-limited',
  /** The thing asked for does not exist (no identity yet, expired draft). */
  'not-found',
  /** The state forbids it (an identity already exists). */
  'conflict',
  /** A file or blob could not be decrypted or is not ours (wrong passphrase or tampered). */
  'decrypt',
  /** The feature's backend is not running in this build (e.g. the payment engine). */
  'unavailable',
  /** Reading or writing local storage or the OS keychain failed. */
  'storage',
  /** A bug or an unexpected failure; details are in the main-process log only. */
  'internal',
  /** A Ring-linked till has no identity key (it stays in Pubky Ring): signing, key export, backup. */
  'needs-identity-key',
  /** The homeserver no longer knows the Ring-granted session: pair the till again. */
  'ring-session-expired',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** The error half of an IPC result: a stable code and a message a person can act on. */
export type IpcError = { readonly code: ErrorCode; readonly message: string }

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
