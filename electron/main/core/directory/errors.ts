/**
 * @module directory/errors
 * Failures reading or writing the public Paykit directory (method files, `supported.json`, the Noise
 * endpoint record, key bindings). Validation failures of an endpoint keep the validator's own code
 * (`MethodError`: `invalid-address`, `wrong-network`, …); these codes cover the rest.
 */
import { PaykitError } from '../util/errors'

export type DirectoryErrorCode =
  /** A method id the product has no validator for: it cannot be checked, so it is never payable. */
  | 'directory-unsupported-method'
  /** A method file or `supported.json` that is not text / not the expected JSON. */
  | 'directory-invalid-record'
  /** The `/noise` record is malformed. */
  | 'directory-invalid-noise-endpoint'
  /** The owner publishes no `/noise` record (needed to seal anything to them). */
  | 'directory-no-noise-endpoint'

export class DirectoryError extends PaykitError<DirectoryErrorCode> {}
