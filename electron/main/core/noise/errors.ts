/**
 * @module noise/errors
 * The one error type of the Noise layer. `code` is stable (callers and the IPC edge switch on it);
 * the message says what happened and what to do about it.
 */
import { PaykitError } from '../util/errors'
import { CryptoError } from '../crypto/provider'

/**
 * - `InvalidKey`: a key the caller supplied has the wrong length or form.
 * - `InvalidPeerKey`: a DH with the peer's key gave the all-zero (low-order) result.
 * - `Handshake`: a handshake message is malformed, out of turn, or the state machine was misused.
 * - `Decrypt`: a handshake or transport message failed authentication (tampered, truncated, replayed).
 * - `IdentityVerify`: the peer's identity payload signature or key binding does not verify.
 * - `Payload`: the identity payload is not valid JSON of any known generation.
 * - `Policy`: the peer broke a rule we enforce (hint too long, wrong role, epoch, pattern not allowed).
 * - `Expired`: the peer's identity payload is past its expiry.
 * - `FrameTooLarge`: a message or frame exceeds the 65535-byte Noise limit.
 * - `Frame`: the bytes on the wire cannot be framed (bad opening, bad pattern byte).
 * - `NonceExhausted`: a CipherState reached nonce 2^64-1.
 * - `Unsupported`: a protocol name or option this implementation does not speak.
 * - `Timeout`: the handshake or the idle timer ran out.
 * - `Closed`: the connection closed (or was closed) before the operation finished.
 */
export type NoiseErrorCode =
  | 'InvalidKey'
  | 'InvalidPeerKey'
  | 'Handshake'
  | 'Decrypt'
  | 'IdentityVerify'
  | 'Payload'
  | 'Policy'
  | 'Expired'
  | 'FrameTooLarge'
  | 'Frame'
  | 'NonceExhausted'
  | 'Unsupported'
  | 'Timeout'
  | 'Closed'

export class NoiseError extends PaykitError<NoiseErrorCode> {}

/** Maps a provider error met during a DH to the Noise code a caller can act on. */
export function dhError(e: unknown, what: string): NoiseError {
  if (e instanceof NoiseError) return e
  if (e instanceof CryptoError && e.code === 'low-order') {
    return new NoiseError(
      'InvalidPeerKey',
      `${what}: the peer's X25519 key is low-order (the shared secret would be all zeros); refuse this peer`,
      { cause: e },
    )
  }
  return new NoiseError('InvalidKey', `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
}
