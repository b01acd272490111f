/**
 * @module keys/pkarr-binding
 * pubky-noise 0.8.0's signed binding of a device's X25519 Noise key to the Ed25519 identity, and its
 * TXT value (BitcoinErrorLog/pubky-noise `src/pkarr_helpers.rs` @810cf8c):
 *
 *   binding = SHA-256("pubky-noise-pkarr-binding-v1:" || ed25519_pk || x25519_pk || utf8(device_id))
 *   sig     = Ed25519(identity secret, binding)
 *   TXT     = "v=1;k=" b64(x25519_pk) [";sig=" b64(sig)] [";ts=" unix seconds]   (standard, padded base64)
 *
 * The value lives at `_noise.{device_id}` in the doc's DNS form; paykit-rs 0.8-era code writes it to the
 * homeserver at `/pub/noise.app/v0/{device_id}` (`directory/paths.ts` `noiseKeyPath`).
 *
 * Stronger than the reference: duplicate fields, a malformed `sig` or `ts`, and oversize input are
 * errors at parse time (the reference keeps the last duplicate and checks `sig` only when verifying);
 * verification uses the provider's strict Ed25519 check, which refuses small-order identity keys.
 * Note that `ts` is not covered by the signature (as in the reference), so freshness is advisory
 * against anyone who can rewrite the record.
 */
import { base64 } from '@scure/base'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { abytes, concatBytes, utf8 } from '../util/bytes'
import { InputError, PaykitError } from '../util/errors'
import { nowSeconds, type Clock } from '../util/clock'
import { assertEd25519PublicKey } from './public-key'

export const PKARR_BINDING_PREFIX = 'pubky-noise-pkarr-binding-v1:'
export const PKARR_NOISE_VERSION = '1'
export const PKARR_NOISE_PREFIX = '_noise'
/** `DEFAULT_MAX_KEY_AGE_SECONDS`: 30 days. */
export const DEFAULT_MAX_KEY_AGE_SECONDS = 30 * 24 * 60 * 60
/** Largest allowed timestamp lead over our clock (the reference's 5 minutes). */
export const MAX_FUTURE_SKEW_SECONDS = 300
const MAX_TXT = 1024

export type PkarrBindingErrorCode =
  'pkarr-bad-signature' | 'pkarr-no-signature' | 'pkarr-no-timestamp' | 'pkarr-stale' | 'pkarr-future'

/** A well-formed record that fails verification or freshness. Malformed records are `InputError`s. */
export class PkarrBindingError extends PaykitError<PkarrBindingErrorCode> {}

export interface PkarrNoiseRecord {
  x25519PublicKey: Uint8Array
  signature?: Uint8Array
  /** Unix seconds. */
  timestamp?: number
}

/** `_noise.{device_id}`. */
export function pkarrNoiseSubdomain(deviceId: string): string {
  if (typeof deviceId !== 'string' || deviceId.length === 0)
    throw new InputError('device id must be non-empty text')
  return `${PKARR_NOISE_PREFIX}.${deviceId}`
}

/** The 32-byte digest the identity key signs. */
export function pkarrBindingMessage(
  ed25519PublicKey: Uint8Array,
  x25519PublicKey: Uint8Array,
  deviceId: string,
  provider: CryptoProvider = defaultProvider(),
): Uint8Array {
  abytes(ed25519PublicKey, 'Ed25519 public key', 32)
  abytes(x25519PublicKey, 'X25519 public key', 32)
  if (typeof deviceId !== 'string') throw new InputError('device id must be text')
  return provider.hash(
    'sha256',
    concatBytes(utf8(PKARR_BINDING_PREFIX), ed25519PublicKey, x25519PublicKey, utf8(deviceId)),
  )
}

/** Signs the binding of `x25519PublicKey` to the identity whose secret is `ed25519Secret`. */
export function signPkarrKeyBinding(
  ed25519Secret: Uint8Array,
  x25519PublicKey: Uint8Array,
  deviceId: string,
  provider: CryptoProvider = defaultProvider(),
): Uint8Array {
  abytes(ed25519Secret, 'Ed25519 secret key', 32)
  const identity = provider.ed25519PublicKey(ed25519Secret)
  return provider.ed25519Sign(
    ed25519Secret,
    pkarrBindingMessage(identity, x25519PublicKey, deviceId, provider),
  )
}

/** True when `signature` binds `x25519PublicKey` and `deviceId` to `ed25519PublicKey`. Never throws on bad input. */
export function verifyPkarrKeyBinding(
  ed25519PublicKey: Uint8Array,
  x25519PublicKey: Uint8Array,
  signature: Uint8Array,
  deviceId: string,
  provider: CryptoProvider = defaultProvider(),
): boolean {
  if (!(ed25519PublicKey instanceof Uint8Array) || ed25519PublicKey.length !== 32) return false
  if (!(x25519PublicKey instanceof Uint8Array) || x25519PublicKey.length !== 32) return false
  if (typeof deviceId !== 'string') return false
  const message = pkarrBindingMessage(ed25519PublicKey, x25519PublicKey, deviceId, provider)
  return provider.ed25519Verify(signature, message, ed25519PublicKey)
}

function assertTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0)
    throw new InputError('timestamp must be a non-negative whole number of seconds')
}

/** Formats the TXT value; fields in the reference's order `v`, `k`, `sig`, `ts`. */
export function formatPkarrNoiseRecord(record: PkarrNoiseRecord): string {
  abytes(record.x25519PublicKey, 'X25519 public key', 32)
  let out = `v=${PKARR_NOISE_VERSION};k=${base64.encode(record.x25519PublicKey)}`
  if (record.signature !== undefined) {
    abytes(record.signature, 'signature', 64)
    out += `;sig=${base64.encode(record.signature)}`
  }
  if (record.timestamp !== undefined) {
    assertTimestamp(record.timestamp)
    out += `;ts=${record.timestamp}`
  }
  return out
}

function fields(txt: string): Map<string, string> {
  if (typeof txt !== 'string') throw new InputError('pkarr TXT record must be text')
  if (txt.length > MAX_TXT)
    throw new InputError(`pkarr TXT record is ${txt.length} characters; the limit is ${MAX_TXT}`)
  const map = new Map<string, string>()
  for (const part of txt.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue // the reference skips parts without "=" too
    const key = part.slice(0, eq)
    if (map.has(key)) throw new InputError(`pkarr TXT record has the ${key}= field twice`)
    map.set(key, part.slice(eq + 1))
  }
  return map
}

function decodeB64(value: string, field: string, length: number): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = base64.decode(value)
  } catch (e) {
    throw new InputError(`pkarr TXT record ${field}= is not padded standard base64`, { cause: e })
  }
  if (bytes.length !== length) {
    throw new InputError(`pkarr TXT record ${field}= is ${bytes.length} bytes; it must be ${length}`)
  }
  return bytes
}

/** Parses a TXT value. Throws `InputError` naming the missing or malformed field. */
export function parsePkarrNoiseRecord(txt: string): PkarrNoiseRecord {
  const map = fields(txt)
  const v = map.get('v')
  if (v === undefined) throw new InputError('pkarr TXT record is missing the v= field')
  if (v !== PKARR_NOISE_VERSION)
    throw new InputError(`pkarr TXT record has unsupported version v=${v.slice(0, 16)}`)
  const k = map.get('k')
  if (k === undefined) throw new InputError('pkarr TXT record is missing the k= field')
  const record: PkarrNoiseRecord = { x25519PublicKey: decodeB64(k, 'k', 32) }
  const sig = map.get('sig')
  if (sig !== undefined) record.signature = decodeB64(sig, 'sig', 64)
  const ts = map.get('ts')
  if (ts !== undefined) {
    if (!/^\d{1,15}$/.test(ts))
      throw new InputError(`pkarr TXT record ts= must be unix seconds, got "${ts.slice(0, 20)}"`)
    record.timestamp = Number(ts)
  }
  return record
}

/**
 * The reference's lenient `extract_timestamp_from_pkarr`: the `ts` value as a number, or undefined when
 * it is absent or not a number. Does not validate the rest of the record.
 */
export function extractPkarrTimestamp(txt: string): number | undefined {
  if (typeof txt !== 'string' || txt.length > MAX_TXT) return undefined
  let ts: string | undefined
  for (const part of txt.split(';')) {
    const eq = part.indexOf('=')
    if (eq >= 0 && part.slice(0, eq) === 'ts') ts = part.slice(eq + 1)
  }
  return ts !== undefined && /^\d{1,15}$/.test(ts) ? Number(ts) : undefined
}

export interface VerifyPkarrOptions {
  ed25519PublicKey: Uint8Array
  deviceId: string
  clock: Clock
  /** Default 30 days. */
  maxAgeSeconds?: number
  /** Default true, as `parse_and_verify_with_expiry`; false accepts records without `ts`. */
  requireTimestamp?: boolean
  provider?: CryptoProvider
}

/**
 * Parses and verifies a record: signature (required) over the binding, then freshness against the
 * injected clock (no older than `maxAgeSeconds`, no more than 300 s ahead). Returns the X25519 key.
 */
export function verifyPkarrNoiseRecord(txt: string, options: VerifyPkarrOptions): Uint8Array {
  const provider = options.provider ?? defaultProvider()
  assertEd25519PublicKey(options.ed25519PublicKey, 'identity public key')
  const record = parsePkarrNoiseRecord(txt)
  if (record.signature === undefined) {
    throw new PkarrBindingError('pkarr-no-signature', 'pkarr TXT record is missing the sig= field')
  }
  if (
    !verifyPkarrKeyBinding(
      options.ed25519PublicKey,
      record.x25519PublicKey,
      record.signature,
      options.deviceId,
      provider,
    )
  ) {
    throw new PkarrBindingError(
      'pkarr-bad-signature',
      'pkarr key binding signature does not verify for this identity and device id',
    )
  }
  if (record.timestamp === undefined) {
    if (options.requireTimestamp ?? true) {
      throw new PkarrBindingError('pkarr-no-timestamp', 'pkarr TXT record is missing the ts= field')
    }
    return record.x25519PublicKey
  }
  const now = nowSeconds(options.clock)
  const maxAge = options.maxAgeSeconds ?? DEFAULT_MAX_KEY_AGE_SECONDS
  if (now > record.timestamp && now - record.timestamp > maxAge) {
    throw new PkarrBindingError(
      'pkarr-stale',
      `pkarr key is stale: ${now - record.timestamp} seconds old (max age ${maxAge})`,
    )
  }
  if (record.timestamp > now && record.timestamp - now > MAX_FUTURE_SKEW_SECONDS) {
    throw new PkarrBindingError(
      'pkarr-future',
      `pkarr key timestamp is ${record.timestamp - now} seconds in the future (allowed: ${MAX_FUTURE_SKEW_SECONDS})`,
    )
  }
  return record.x25519PublicKey
}
