/**
 * @module store/errors
 * Failures of the storage port (reads and writes of Pubky homeserver files). Callers switch on `code`.
 */
import { PaykitError } from '../util/errors'

export type StoreErrorCode =
  /** A file or listing is larger than the caller's cap; nothing beyond the cap was kept. */
  | 'store-too-large'
  /** A path is not an absolute `/pub/…` path we are willing to send. */
  | 'store-invalid-path'
  /** The owner is not a z-base-32 public key. */
  | 'store-invalid-owner'
  /** The homeserver answered something other than success or "absent". */
  | 'store-http'
  /** The homeserver could not be reached or resolved, or timed out. */
  | 'store-unavailable'

export class StoreError extends PaykitError<StoreErrorCode> {
  constructor(
    code: StoreErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
  }
}
