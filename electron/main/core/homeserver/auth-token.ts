/**
 * @module homeserver/auth-token
 * Pubky AuthToken v0 (pubky-common 0.6.0 `auth.rs`): the body of POST /signup and POST /session.
 *
 * Layout: sig(64) ‖ "PUBKY:AUTH"(10) ‖ version(1) ‖ timestamp(8, BE µs) ‖ pubkey(32) ‖ caps
 * (postcard string). The signature covers bytes[65..] (deliberately starting inside the namespace);
 * the replay id is bytes[75..115] (timestamp ‖ pubkey); tokens are valid for ±45 s.
 *
 * Stronger than the reference: the namespace must be exactly `PUBKY:AUTH`, the version byte itself
 * (offset 74) is checked, trailing bytes after the capabilities are refused, and a short body is an
 * error rather than an index panic.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { equalBytes, utf8 } from '../util/bytes'
import { PaykitError } from '../util/errors'
import { parseCapabilities, type Capability } from './capabilities'
import { PostcardReader } from '../util/postcard'

export const AUTH_NAMESPACE = utf8('PUBKY:AUTH')
/** Freshness window either side of now, µs. */
export const TIMESTAMP_WINDOW_US = 45_000_000n

export class AuthTokenError extends PaykitError<
  | 'auth-token-malformed'
  | 'auth-token-version'
  | 'auth-token-future'
  | 'auth-token-expired'
  | 'auth-token-signature'
  | 'auth-token-replayed'
> {}

export interface AuthToken {
  publicKey: Uint8Array
  timestampUs: bigint
  capabilities: Capability[]
  /** Raw capability string as signed. */
  capabilitiesText: string
  /** Replay-protection id: bytes[75..115]. */
  id: Uint8Array
}

/** Parses and verifies a token against `nowUs`. Replay detection is the caller's (it needs storage). */
export function verifyAuthToken(
  input: Uint8Array,
  nowUs: bigint,
  provider: CryptoProvider = defaultProvider(),
): AuthToken {
  // A plain copy: Node Buffers are views into a shared pool, so `.buffer` offsets would be wrong.
  const bytes = Uint8Array.from(input)
  if (bytes.length < 116) {
    throw new AuthTokenError(
      'auth-token-malformed',
      `AuthToken is ${bytes.length} bytes; at least 116 are required`,
    )
  }
  const r = new PostcardReader(bytes, 'AuthToken')
  let signature: Uint8Array
  let publicKey: Uint8Array
  let timestampUs: bigint
  let capabilitiesText: string
  try {
    signature = r.bytes(64, 'signature')
    const namespace = r.bytes(10, 'namespace')
    if (!equalBytes(namespace, AUTH_NAMESPACE)) {
      throw new AuthTokenError('auth-token-malformed', 'AuthToken namespace is not "PUBKY:AUTH"')
    }
    const version = r.u8('version')
    if (version !== 0) throw new AuthTokenError('auth-token-version', 'Unknown version')
    const ts = r.bytes(8, 'timestamp')
    timestampUs = new DataView(ts.buffer, ts.byteOffset, 8).getBigUint64(0, false)
    publicKey = r.bytes(32, 'public key')
    capabilitiesText = r.string('capabilities')
  } catch (e) {
    if (e instanceof AuthTokenError) throw e
    throw new AuthTokenError('auth-token-malformed', e instanceof Error ? e.message : String(e), { cause: e })
  }
  if (r.remaining() !== 0) {
    throw new AuthTokenError(
      'auth-token-malformed',
      `AuthToken has ${r.remaining()} trailing bytes after its capabilities`,
    )
  }
  const diff = timestampUs - nowUs
  if (diff > TIMESTAMP_WINDOW_US) {
    throw new AuthTokenError(
      'auth-token-future',
      'AuthToken has a timestamp that is more than 45 seconds in the future',
    )
  }
  if (diff < -TIMESTAMP_WINDOW_US) {
    throw new AuthTokenError(
      'auth-token-expired',
      'AuthToken has a timestamp that is more than 45 seconds in the past',
    )
  }
  if (!provider.ed25519Verify(signature, bytes.subarray(65), publicKey)) {
    throw new AuthTokenError('auth-token-signature', 'Invalid Signature')
  }
  return {
    publicKey,
    timestampUs,
    capabilities: parseCapabilities(capabilitiesText),
    capabilitiesText,
    id: bytes.slice(75, 115),
  }
}
