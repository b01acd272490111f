/**
 * @module pkarr/errors
 * Typed failures of the pkarr layer (DNS wire format, signed packets, relay). Codes are stable; the
 * relay maps them to the HTTP status the reference relay uses.
 */
import { PaykitError } from '../util/errors'

export type PkarrErrorCode =
  | 'dns-malformed'
  | 'dns-invalid-name'
  | 'dns-unsupported'
  | 'pkarr-bad-key'
  | 'pkarr-bad-signature'
  | 'pkarr-payload-too-short'
  | 'pkarr-packet-too-large'
  | 'pkarr-timestamp-future'
  | 'pkarr-not-most-recent'
  | 'pkarr-cas-failed'
  | 'pkarr-relay'

export class PkarrError extends PaykitError<PkarrErrorCode> {}
