/**
 * @module sealed/errors
 * The Sealed Blob error codes, exactly as the reference names them (`SealedBlobErrorCode` Display in
 * BitcoinErrorLog/pubky-noise `src/sealed_blob.rs` @1ea7991, and `docs/SEALED_BLOB_V1_SPEC.md`).
 * Callers switch on `code`; the message starts with the reference's text and adds what a person needs.
 */
import { PaykitError } from '../util/errors'

export type SealedBlobErrorCode = 'E001' | 'E002' | 'E003' | 'E004' | 'E005' | 'E006' | 'E007'

/** The reference's Display strings. */
export const SEALED_BLOB_ERROR_TEXT: Readonly<Record<SealedBlobErrorCode, string>> = {
  E001: 'E001: Unsupported version',
  E002: 'E002: Malformed envelope',
  E003: 'E003: Invalid base64',
  E004: 'E004: Invalid key size',
  E005: 'E005: Invalid nonce size',
  E006: 'E006: Decryption failed',
  E007: 'E007: Plaintext too large',
}

export class SealedBlobError extends PaykitError<SealedBlobErrorCode> {
  constructor(code: SealedBlobErrorCode, detail: string, options?: { cause?: unknown }) {
    super(code, `${SEALED_BLOB_ERROR_TEXT[code]}: ${detail}`, options)
  }
}
