/**
 * @module sealed/envelope
 * The Sealed Blob envelope as text: a bounded, typed parse (codes E001–E005) and the exact v1
 * serialization paykit-rs writes, `{"v":1,"epk","nonce","ct","kid","purpose"}`: compact JSON, keys in
 * serde struct order, byte strings as unpadded base64url (BitcoinErrorLog/pubky-noise
 * `src/sealed_blob.rs` @1ea7991; v2 fields from @9095f02).
 *
 * Size is capped before anything is decoded: the envelope text may not exceed 100 KiB (the spec's
 * limit, which a maximal 64 KiB plaintext fits), so no field can make us allocate more than that.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { fromUtf8, toHex } from '../util/bytes'
import { SealedBlobError } from './errors'

export type SealedBlobVersion = 1 | 2

/** Largest plaintext sealed (the reference's `MAX_PLAINTEXT_SIZE`, checked on seal: E007). */
export const SEALED_BLOB_MAX_PLAINTEXT = 65536
/** Largest envelope text read (spec: "Envelope JSON 100 KiB"). */
export const SEALED_BLOB_MAX_ENVELOPE = 100 * 1024
/** Nonce length per version: ChaCha20-Poly1305 (v1) and XChaCha20-Poly1305 (v2). */
export const SEALED_BLOB_NONCE_LEN: Readonly<Record<SealedBlobVersion, number>> = { 1: 12, 2: 24 }
/** `kid` length in bytes of SHA-256(recipient_pk): 8 for v1 (16 hex), 16 for v2 (32 hex). */
export const SEALED_BLOB_KID_LEN: Readonly<Record<SealedBlobVersion, number>> = { 1: 8, 2: 16 }

/** The `purpose` hints paykit-rs writes (unauthenticated, informational). */
export const SEALED_PURPOSE = {
  request: 'request',
  subscriptionProposal: 'subscription_proposal',
  subscriptionAgreement: 'subscription_agreement',
  subscriptionCancellation: 'subscription_cancellation',
  handoff: 'handoff',
} as const
export type SealedPurpose = (typeof SEALED_PURPOSE)[keyof typeof SEALED_PURPOSE]

/** A parsed envelope. Nothing here is authenticated until the ciphertext opens. */
export interface SealedEnvelope {
  v: SealedBlobVersion
  epk: Uint8Array
  nonce: Uint8Array
  ct: Uint8Array
  kid?: string
  purpose?: string
  /** v2 only: claimed sender (z32). Unverified. */
  sender?: string
  /** v2 only: base64url Ed25519 signature over `"pubky-envelope-sig/v2:" || epk || nonce || ct`. Unverified. */
  sig?: string
}

type Json = Record<string, unknown>

/** Turns the caller's text or bytes into a string, refusing oversize input before decoding it. */
export function envelopeText(input: string | Uint8Array): string {
  if (typeof input === 'string') {
    if (input.length > SEALED_BLOB_MAX_ENVELOPE) {
      throw new SealedBlobError(
        'E002',
        `envelope is ${input.length} characters; the limit is ${SEALED_BLOB_MAX_ENVELOPE}`,
      )
    }
    return input
  }
  if (!(input instanceof Uint8Array)) throw new SealedBlobError('E002', 'envelope must be text or bytes')
  if (input.length > SEALED_BLOB_MAX_ENVELOPE) {
    throw new SealedBlobError(
      'E002',
      `envelope is ${input.length} bytes; the limit is ${SEALED_BLOB_MAX_ENVELOPE}`,
    )
  }
  try {
    return fromUtf8(input, 'envelope')
  } catch (e) {
    throw new SealedBlobError('E002', 'envelope is not valid UTF-8', { cause: e })
  }
}

function parseJsonObject(text: string): Json {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new SealedBlobError('E002', 'envelope is not JSON', { cause: e })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SealedBlobError('E002', 'envelope must be a JSON object')
  }
  return value as Json
}

function requiredString(obj: Json, field: string): string {
  const v = obj[field]
  if (v === undefined) throw new SealedBlobError('E002', `envelope has no "${field}" field`)
  if (typeof v !== 'string') throw new SealedBlobError('E002', `envelope field "${field}" must be a string`)
  return v
}

// serde `Option<String>`: absent or null is None; anything else but a string fails the whole parse.
function optionalString(obj: Json, field: string): string | undefined {
  const v = obj[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw new SealedBlobError('E002', `envelope field "${field}" must be a string`)
  return v
}

const B64URL_RE = /^[A-Za-z0-9_-]*$/
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * Strict unpadded base64url (as Rust `URL_SAFE_NO_PAD`: no `=`, no other alphabet, no impossible
 * length, zero trailing bits), validated first and then decoded by Node's native decoder, which is
 * several times faster than a JS codec on the ciphertext but would silently skip bad characters.
 */
function decodeField(value: string, field: string): Uint8Array {
  const fail = (why: string): never => {
    throw new SealedBlobError('E003', `"${field}" is not unpadded base64url (${why})`)
  }
  if (!B64URL_RE.test(value)) fail('a character outside A-Z a-z 0-9 - _')
  const rem = value.length % 4
  if (rem === 1) fail('impossible length')
  if (rem !== 0) {
    const last = B64URL.indexOf(value[value.length - 1]!)
    if ((rem === 2 && (last & 0x0f) !== 0) || (rem === 3 && (last & 0x03) !== 0))
      fail('non-zero trailing bits')
  }
  const buf = Buffer.from(value, 'base64url')
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length)
}

/** Unpadded base64url via Node's native encoder (same output as `toBase64Url`, faster on 64 KiB). */
function encodeField(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url')
}

/**
 * Parses an envelope, accepting the given versions (default v1 and v2, the profile's reader).
 * Check order follows the reference: JSON and field types (E002), version (E001), base64 of epk, nonce
 * and ct (E003), epk length (E004), nonce length (E005). Extra fields are ignored.
 */
export function parseEnvelope(
  input: string | Uint8Array,
  versions: readonly SealedBlobVersion[] = [1, 2],
): SealedEnvelope {
  const obj = parseJsonObject(envelopeText(input))
  const v = obj['v']
  if (v === undefined) throw new SealedBlobError('E002', 'envelope has no "v" field')
  // serde reads `v` as u8: a non-integer or out-of-range value is a parse failure, not a version.
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
    throw new SealedBlobError('E002', 'envelope field "v" must be an integer from 0 to 255')
  }
  const epkText = requiredString(obj, 'epk')
  const nonceText = requiredString(obj, 'nonce')
  const ctText = requiredString(obj, 'ct')
  const kid = optionalString(obj, 'kid')
  const purpose = optionalString(obj, 'purpose')
  const readsV2 = versions.includes(2)
  const sender = readsV2 ? optionalString(obj, 'sender') : undefined
  const sig = readsV2 ? optionalString(obj, 'sig') : undefined

  if (!(versions as readonly number[]).includes(v)) {
    throw new SealedBlobError('E001', `got version ${v}; this reader accepts ${versions.join(' and ')}`)
  }
  const version = v as SealedBlobVersion
  const epk = decodeField(epkText, 'epk')
  const nonce = decodeField(nonceText, 'nonce')
  const ct = decodeField(ctText, 'ct')
  if (epk.length !== 32) throw new SealedBlobError('E004', `epk is ${epk.length} bytes; it must be 32`)
  const nonceLen = SEALED_BLOB_NONCE_LEN[version]
  if (nonce.length !== nonceLen) {
    throw new SealedBlobError('E005', `v${version} nonce is ${nonce.length} bytes; it must be ${nonceLen}`)
  }
  const env: SealedEnvelope = { v: version, epk, nonce, ct }
  if (kid !== undefined) env.kid = kid
  if (purpose !== undefined) env.purpose = purpose
  if (sender !== undefined) env.sender = sender
  if (sig !== undefined) env.sig = sig
  return env
}

/** The v1 fields in serialization order. */
export interface EnvelopeV1Fields {
  epk: Uint8Array
  nonce: Uint8Array
  ct: Uint8Array
  kid?: string
  purpose?: string
}

/**
 * Serializes a v1 envelope exactly as serde_json does for the Rust struct: compact, keys in order
 * `v, epk, nonce, ct, kid?, purpose?`. `JSON.stringify` of a string escapes as serde_json does.
 */
export function serializeEnvelopeV1(fields: EnvelopeV1Fields): string {
  let out =
    `{"v":1,"epk":"${encodeField(fields.epk)}","nonce":"${encodeField(fields.nonce)}",` +
    `"ct":"${encodeField(fields.ct)}"`
  if (fields.kid !== undefined) out += `,"kid":${JSON.stringify(fields.kid)}`
  if (fields.purpose !== undefined) out += `,"purpose":${JSON.stringify(fields.purpose)}`
  return `${out}}`
}

/** `hex(SHA-256(recipient_pk)[0..8])` for v1, `[0..16]` for v2: lets a recipient pick among its keys. */
export function sealedBlobKid(
  recipientPublicKey: Uint8Array,
  version: SealedBlobVersion = 1,
  provider: CryptoProvider = defaultProvider(),
): string {
  return toHex(provider.hash('sha256', recipientPublicKey).subarray(0, SEALED_BLOB_KID_LEN[version]))
}

const hasVersion = (text: string, n: number): boolean =>
  text.includes(`"v":${n}`) || text.includes(`"v": ${n}`)
const hasEpk = (text: string): boolean => text.includes('"epk":') || text.includes('"epk" :')

/**
 * The substring heuristic of paykit-rs main's pubky-noise (v1 era): `"v":1` (or `"v": 1`) and `"epk":`.
 * This is what a reference reader checks before it will open a blob, so what we publish must pass it.
 */
export function isSealedBlobV1Heuristic(text: string): boolean {
  return typeof text === 'string' && hasVersion(text, 1) && hasEpk(text)
}

/**
 * Whether `text` is a Sealed Blob we would try to open (v1 or v2). It accepts what the later
 * reference heuristic accepts (version 1 or 2 and an `epk` key, by substring) and, because that
 * heuristic misses valid JSON spaced differently (`"v" : 1`), also any object that parses with an
 * integer `v` of 1 or 2 and a string `epk`. Readers refuse plaintext that fails this ("no legacy
 * fallback").
 */
export function isSealedBlob(text: string): boolean {
  if (typeof text !== 'string' || text.length > SEALED_BLOB_MAX_ENVELOPE) return false
  if ((hasVersion(text, 1) || hasVersion(text, 2)) && hasEpk(text)) return true
  try {
    const obj = parseJsonObject(text)
    return (obj['v'] === 1 || obj['v'] === 2) && typeof obj['epk'] === 'string'
  } catch {
    return false
  }
}
