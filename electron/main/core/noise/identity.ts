/**
 * @module noise/identity
 * Pubky Noise identity payloads and their Ed25519 bindings, for the three incompatible generations
 * (pubky-noise.md §2): 0.8.0 (BLAKE2s `pubky-noise-bind:v2`), 1.0/1.1 (BLAKE2s `pubky-noise-bind:v1`
 * with epoch, hint and expiry) and 1.2.0 (BLAKE3 `pubky-noise-binding/v1`).
 *
 * Encoding is serde_json's, compact, field order = Rust struct order; parsing is lenient on order and
 * unknown fields (as serde is) but strict on types and lengths (§9 item 6). The generation of a
 * received payload is detected from its key set (§2.5).
 *
 * Security (stronger than the reference, §9): the signer's X25519 key always comes from the
 * handshake; a legacy payload whose `noise_x25519_pub` differs is rejected; the role, the epoch and
 * the hint length are checked; expiry is enforced with a small skew window.
 */
import type { CryptoProvider } from '../crypto/provider'
import { equalBytes, fromUtf8, utf8 } from '../util/bytes'
import { bindingMemoFor, type BindingMemo } from './binding-memo'
import { DH_LEN, MAX_SERVER_HINT_LEN } from './constants'
import { NoiseError } from './errors'

export const GENERATIONS = ['0.8.0', '1.1.0', '1.2.0'] as const
export type Generation = (typeof GENERATIONS)[number]
export type Role = 'Client' | 'Server'
/** The pattern tag signed by 0.8.0 and 1.1 bindings. */
export type PatternTag = 'IK' | 'XX'

/** A decoded identity payload. Fields absent from a generation are undefined. */
export interface IdentityPayload {
  readonly generation: Generation
  readonly ed25519Pub: Uint8Array
  /** 0.8.0 and 1.1 only. */
  readonly noiseX25519Pub?: Uint8Array
  /** 1.1 only (always 0). */
  readonly epoch?: number
  readonly role: Role
  /** 1.1 and 1.2 (null when none). */
  readonly serverHint?: string | null
  /** Unix seconds: 1.1 `expires_at` (signed), 1.2 `hint_expires_at` (not signed). */
  readonly expiresAt?: number
  readonly sig: Uint8Array
}

export interface BindingInput {
  generation: Generation
  patternTag: PatternTag
  prologue: Uint8Array
  ed25519Pub: Uint8Array
  /** The signer's own X25519 static public key. */
  localStatic: Uint8Array
  /** The other side's X25519 static public key, when the signer knows it. */
  remoteStatic?: Uint8Array | undefined
  role: Role
  serverHint?: string | null | undefined
  expiresAt?: number | undefined
}

const enc = (s: string): Uint8Array => utf8(s)
// The constant parts of the preimages, encoded once (a handshake builds one preimage).
const BIND_V2 = enc('pubky-noise-bind:v2')
const BIND_V1 = enc('pubky-noise-bind:v1')
const BINDING_V1 = enc('pubky-noise-binding/v1')
const EXPIRES_AT = enc('expires_at:')
const TAG_BYTES: Record<PatternTag, Uint8Array> = { IK: enc('IK'), XX: enc('XX') }
const ROLE_BYTES: Record<Role, Uint8Array> = { Client: enc('client'), Server: enc('server') }
const EPOCH_ZERO = new Uint8Array(4)

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

function u64le(n: number): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true)
  return b
}

/** The exact bytes that are hashed to form the binding (pubky-noise.md §2.2). */
export function bindingPreimage(b: BindingInput): Uint8Array {
  const remote = b.remoteStatic ? [b.remoteStatic] : []
  switch (b.generation) {
    case '0.8.0':
      return concat([
        BIND_V2,
        TAG_BYTES[b.patternTag],
        b.prologue,
        b.ed25519Pub,
        b.localStatic,
        ...remote,
        ROLE_BYTES[b.role],
      ])
    case '1.1.0':
      return concat([
        BIND_V1,
        TAG_BYTES[b.patternTag],
        b.prologue,
        b.ed25519Pub,
        b.localStatic,
        ...remote,
        EPOCH_ZERO, // epoch, u32 LE: always 0
        ROLE_BYTES[b.role],
        ...(typeof b.serverHint === 'string' ? [enc(b.serverHint)] : []),
        ...(b.expiresAt !== undefined ? [EXPIRES_AT, u64le(b.expiresAt)] : []),
      ])
    case '1.2.0':
      return concat([
        BINDING_V1,
        b.ed25519Pub,
        b.localStatic,
        Uint8Array.of(b.role === 'Client' ? 0 : 1),
        ...remote,
      ])
  }
}

/** The 32-byte digest that is signed: BLAKE2s-256 (0.8.0, 1.1) or BLAKE3 (1.2.0). */
export function bindingDigest(crypto: CryptoProvider, b: BindingInput): Uint8Array {
  return digestOf(crypto, b.generation, bindingPreimage(b))
}

function digestOf(crypto: CryptoProvider, generation: Generation, preimage: Uint8Array): Uint8Array {
  return generation === '1.2.0' ? crypto.blake3(preimage) : crypto.hash('blake2s', preimage)
}

const arr = (b: Uint8Array): string => `[${b.join(',')}]`

/** serde_json::to_vec of the payload struct of its generation (compact, declaration order). */
export function encodeIdentityPayload(p: IdentityPayload): Uint8Array {
  const hint = p.serverHint === undefined || p.serverHint === null ? 'null' : JSON.stringify(p.serverHint)
  const role = JSON.stringify(p.role)
  let json: string
  switch (p.generation) {
    case '0.8.0':
      json = `{"ed25519_pub":${arr(p.ed25519Pub)},"noise_x25519_pub":${arr(p.noiseX25519Pub!)},"role":${role},"sig":${arr(p.sig)}}`
      break
    case '1.1.0':
      json =
        `{"ed25519_pub":${arr(p.ed25519Pub)},"noise_x25519_pub":${arr(p.noiseX25519Pub!)},"epoch":${p.epoch ?? 0},` +
        `"role":${role},"server_hint":${hint}${p.expiresAt !== undefined ? `,"expires_at":${p.expiresAt}` : ''},"sig":${arr(p.sig)}}`
      break
    case '1.2.0':
      json =
        `{"ed25519_pub":${arr(p.ed25519Pub)},"role":${role},"server_hint":${hint}` +
        `${p.expiresAt !== undefined ? `,"hint_expires_at":${p.expiresAt}` : ''},"sig":${arr(p.sig)}}`
      break
  }
  return utf8(json)
}

export interface SignOptions {
  generation: Generation
  patternTag: PatternTag
  prologue: Uint8Array
  ed25519Secret: Uint8Array
  /** Saves a derivation when the caller has it. */
  ed25519Public?: Uint8Array | undefined
  localStatic: Uint8Array
  remoteStatic?: Uint8Array | undefined
  role: Role
  serverHint?: string | null | undefined
  expiresAt?: number | undefined
}

function checkHint(hint: string | null | undefined): void {
  if (typeof hint === 'string' && utf8(hint).length > MAX_SERVER_HINT_LEN) {
    throw new NoiseError('Policy', `server_hint is longer than ${MAX_SERVER_HINT_LEN} bytes; shorten it`)
  }
}

function checkExpiry(expiresAt: number | undefined): void {
  if (expiresAt !== undefined && (!Number.isSafeInteger(expiresAt) || expiresAt < 0)) {
    throw new NoiseError('Policy', 'expires_at must be a whole number of Unix seconds below 2^53')
  }
}

/** Builds and signs an identity payload of the given generation. */
export function signIdentityPayload(
  crypto: CryptoProvider,
  o: SignOptions,
): { payload: IdentityPayload; bytes: Uint8Array; digest: Uint8Array } {
  if (!(o.ed25519Secret instanceof Uint8Array) || o.ed25519Secret.length !== 32)
    throw new NoiseError('InvalidKey', 'the Ed25519 identity secret must be 32 bytes')
  if (o.generation === '0.8.0' && (o.serverHint != null || o.expiresAt !== undefined)) {
    throw new NoiseError('Unsupported', '0.8.0 identity payloads carry no server hint and no expiry')
  }
  checkHint(o.serverHint)
  checkExpiry(o.expiresAt)
  const ed25519Pub = o.ed25519Public ?? crypto.ed25519PublicKey(o.ed25519Secret)
  const input: BindingInput = {
    generation: o.generation,
    patternTag: o.patternTag,
    prologue: o.prologue,
    ed25519Pub,
    localStatic: o.localStatic,
    remoteStatic: o.remoteStatic,
    role: o.role,
    serverHint: o.serverHint,
    expiresAt: o.expiresAt,
  }
  const digest = bindingDigest(crypto, input)
  const sig = crypto.ed25519Sign(o.ed25519Secret, digest)
  const payload: IdentityPayload = {
    generation: o.generation,
    ed25519Pub,
    ...(o.generation === '1.2.0' ? {} : { noiseX25519Pub: o.localStatic }),
    ...(o.generation === '1.1.0' ? { epoch: 0 } : {}),
    role: o.role,
    ...(o.generation === '0.8.0' ? {} : { serverHint: o.serverHint ?? null }),
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
    sig,
  }
  return { payload, bytes: encodeIdentityPayload(payload), digest }
}

const bad = (msg: string): NoiseError => new NoiseError('Payload', `identity payload: ${msg}`)

/**
 * A byte array field. `value` is what JSON.parse made (an array of numbers, checked here), or a
 * Uint8Array the compact scanner made (every element already checked to be an integer 0-255).
 */
function byteArray(value: unknown, len: number, field: string): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== len) throw bad(`"${field}" must be an array of ${len} bytes`)
    return value
  }
  if (!Array.isArray(value) || value.length !== len) throw bad(`"${field}" must be an array of ${len} bytes`)
  const out = new Uint8Array(len)
  for (let i = 0; i < len; i++) {
    const v: unknown = value[i]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255)
      throw bad(`"${field}"[${i}] is not an integer 0-255`)
    out[i] = v
  }
  return out
}

function optionalU64(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw bad(`"${field}" must be a whole number of seconds between 0 and 2^53-1`)
  return value
}

/**
 * Parses a received payload and detects its generation (§2.5). Never throws anything but
 * `NoiseError('Payload')`; input is bounded by the Noise message cap.
 */
export function parseIdentityPayload(bytes: Uint8Array): IdentityPayload {
  if (!(bytes instanceof Uint8Array)) throw bad('must be bytes')
  if (bytes.length === 0) throw bad('is empty')
  return payloadFromObject(scanCompact(bytes) ?? parseJsonObject(bytes))
}

/**
 * The general path: strict UTF-8, JSON.parse, an object. Exported for the differential test that
 * holds the compact scanner to it; callers use `parseIdentityPayload`.
 * @internal
 */
export function parseIdentityPayloadGeneral(bytes: Uint8Array): IdentityPayload {
  if (!(bytes instanceof Uint8Array)) throw bad('must be bytes')
  if (bytes.length === 0) throw bad('is empty')
  return payloadFromObject(parseJsonObject(bytes))
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> {
  let text: string
  try {
    text = fromUtf8(bytes, 'identity payload')
  } catch {
    throw bad('is not valid UTF-8')
  }
  let obj: unknown
  try {
    obj = JSON.parse(text)
  } catch {
    throw bad('is not valid JSON')
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw bad('must be a JSON object')
  return obj as Record<string, unknown>
}

/** The fields a payload of any generation has; the compact scanner knows no others. */
const PAYLOAD_KEYS: readonly string[] = [
  'ed25519_pub',
  'noise_x25519_pub',
  'epoch',
  'role',
  'server_hint',
  'expires_at',
  'hint_expires_at',
  'sig',
]
const PAYLOAD_KEY_BYTES = PAYLOAD_KEYS.map((k) => enc(k))

/** The known field named by b[start, end), compared byte by byte; undefined for any other name. */
function knownKey(b: Uint8Array, start: number, end: number): string | undefined {
  const len = end - start
  next: for (let k = 0; k < PAYLOAD_KEY_BYTES.length; k++) {
    const want = PAYLOAD_KEY_BYTES[k]!
    if (want.length !== len) continue
    for (let j = 0; j < len; j++) if (b[start + j] !== want[j]) continue next
    return PAYLOAD_KEYS[k]
  }
  return undefined
}
const MAX_BYTE_ARRAY = 64
const scratch = new Uint8Array(MAX_BYTE_ARRAY)

/**
 * Fast path for what every implementation sends: serde_json's compact output (no whitespace), only
 * known fields, each at most once, byte arrays of plain integers 0-255 (at most 64), ASCII strings
 * without escapes, `null`, and whole numbers below 10^15. It builds the object JSON.parse would have
 * built (byte arrays as Uint8Array) without decoding text or allocating an array of numbers per
 * byte. On anything else it returns undefined and the general path parses the payload, so the two
 * accept exactly the same payloads and reject them with the same errors (a test holds them to it).
 * Bounded: one pass over the input, no recursion. Exported for tests only.
 * @internal
 */
export function scanCompact(b: Uint8Array): Record<string, unknown> | undefined {
  const n = b.length
  let i = 0
  if (b[i++] !== 0x7b) return undefined // {
  const o: Record<string, unknown> = {}
  for (;;) {
    // "key": (a known name contains no quote, backslash or non-ASCII byte)
    if (b[i++] !== 0x22) return undefined
    const ks = i
    while (i < n && b[i] !== 0x22) i++
    const key = knownKey(b, ks, i)
    i++
    if (key === undefined || Object.hasOwn(o, key) || b[i++] !== 0x3a) return undefined
    const c = b[i]
    let value: unknown
    if (c === 0x5b) {
      // [n,n,...]
      i++
      let len = 0
      if (b[i] === 0x5d) i++
      else {
        for (;;) {
          if (len === MAX_BYTE_ARRAY) return undefined
          const start = i
          let v = 0
          while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39 && i - start < 3) v = v * 10 + b[i++]! - 0x30
          const digits = i - start
          if (digits === 0 || v > 255 || (digits > 1 && b[start] === 0x30)) return undefined
          scratch[len++] = v
          if (b[i] === 0x2c) i++
          else if (b[i] === 0x5d) {
            i++
            break
          } else return undefined
        }
      }
      value = scratch.slice(0, len)
    } else if (c === 0x22) {
      // "ascii string without escapes"
      const start = ++i
      while (i < n && b[i] !== 0x22) {
        const d = b[i]!
        if (d === 0x5c || d < 0x20 || d >= 0x80) return undefined
        i++
      }
      if (i >= n) return undefined
      value = ascii(b, start, i)
      i++
    } else if (c === 0x6e) {
      if (b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return undefined // null
      i += 4
      value = null
    } else if (c !== undefined && c >= 0x30 && c <= 0x39) {
      const start = i
      let v = 0
      while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) {
        if (i - start === 15) return undefined // 10^15 and up: leave to the general path
        v = v * 10 + b[i++]! - 0x30
      }
      if (i - start > 1 && b[start] === 0x30) return undefined
      value = v
    } else return undefined
    o[key] = value
    if (b[i] === 0x2c) i++
    else if (b[i] === 0x7d) {
      i++
      break
    } else return undefined
  }
  return i === n ? o : undefined
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let out = ''
  for (let i = start; i < end; i++) out += String.fromCharCode(b[i]!)
  return out
}

function payloadFromObject(o: Record<string, unknown>): IdentityPayload {
  let generation: Generation
  const hasX = Object.hasOwn(o, 'noise_x25519_pub')
  const hasEpoch = Object.hasOwn(o, 'epoch')
  if (hasX && hasEpoch) generation = '1.1.0'
  else if (hasX) {
    if (
      Object.hasOwn(o, 'server_hint') ||
      Object.hasOwn(o, 'expires_at') ||
      Object.hasOwn(o, 'hint_expires_at')
    )
      throw bad('has noise_x25519_pub and a hint but no epoch: no known generation looks like that')
    generation = '0.8.0'
  } else if (hasEpoch) throw bad('has an epoch but no noise_x25519_pub: no known generation looks like that')
  else generation = '1.2.0'

  const ed25519Pub = byteArray(o['ed25519_pub'], 32, 'ed25519_pub')
  const sig = byteArray(o['sig'], 64, 'sig')
  const role = o['role']
  if (role !== 'Client' && role !== 'Server') throw bad('"role" must be "Client" or "Server"')
  let serverHint: string | null | undefined
  if (generation !== '0.8.0') {
    const h = o['server_hint']
    if (h !== undefined && h !== null && typeof h !== 'string')
      throw bad('"server_hint" must be a string or null')
    serverHint = typeof h === 'string' ? h : null
  }
  const base = { generation, ed25519Pub, role, sig } as const
  switch (generation) {
    case '0.8.0':
      return { ...base, noiseX25519Pub: byteArray(o['noise_x25519_pub'], DH_LEN, 'noise_x25519_pub') }
    case '1.1.0': {
      const epoch = o['epoch']
      if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff)
        throw bad('"epoch" must be a u32')
      const expiresAt = optionalU64(o['expires_at'], 'expires_at')
      return {
        ...base,
        noiseX25519Pub: byteArray(o['noise_x25519_pub'], DH_LEN, 'noise_x25519_pub'),
        epoch,
        serverHint: serverHint ?? null,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      }
    }
    case '1.2.0': {
      const expiresAt = optionalU64(o['hint_expires_at'], 'hint_expires_at')
      return { ...base, serverHint: serverHint ?? null, ...(expiresAt !== undefined ? { expiresAt } : {}) }
    }
  }
}

export interface VerifyOptions {
  patternTag: PatternTag
  prologue: Uint8Array
  /** The signer's X25519 static key as the handshake proved it (never the payload's). */
  signerStatic: Uint8Array
  /** The verifier's own static key when the signer bound it (IK client, XX client), else undefined. */
  verifierStatic?: Uint8Array | undefined
  expectedRole: Role
  /** Current Unix time in seconds. */
  nowSecs: number
  /** Clock skew tolerated past an expiry, seconds. */
  skewSecs: number
  /** Generations accepted; others are `Policy`. */
  accept?: readonly Generation[] | undefined
  /**
   * Memo of successful binding verifications (see `binding-memo.ts`). Default: the provider's
   * process-wide memo; `null` verifies every time.
   */
  memo?: BindingMemo | null | undefined
}

/** Verifies a parsed payload: policy checks, key equality, expiry, then the Ed25519 binding. */
export function verifyIdentityPayload(crypto: CryptoProvider, p: IdentityPayload, v: VerifyOptions): void {
  if (v.accept && !v.accept.includes(p.generation))
    throw new NoiseError('Policy', `identity payloads of pubky-noise ${p.generation} are not accepted here`)
  if (p.role !== v.expectedRole)
    throw new NoiseError(
      'Policy',
      `the peer's identity payload says role ${p.role}; expected ${v.expectedRole}`,
    )
  if (p.generation === '0.8.0' && v.patternTag !== 'IK')
    throw new NoiseError('Policy', 'a 0.8.0 identity payload is only valid in IK')
  checkHintPolicy(p.serverHint)
  if (p.epoch !== undefined && p.epoch !== 0)
    throw new NoiseError('Policy', `identity payload epoch is ${p.epoch}; pubky-noise always uses 0`)
  if (p.noiseX25519Pub && !equalBytes(p.noiseX25519Pub, v.signerStatic)) {
    throw new NoiseError(
      'IdentityVerify',
      'the X25519 key in the identity payload is not the key the peer used in the handshake (possible replay or misbinding)',
    )
  }
  if (p.expiresAt !== undefined && v.nowSecs > p.expiresAt + v.skewSecs) {
    throw new NoiseError(
      'Expired',
      `the peer's identity payload expired at ${p.expiresAt} (now ${v.nowSecs}); the peer must reconnect with a fresh one`,
    )
  }
  const preimage = bindingPreimage({
    generation: p.generation,
    patternTag: v.patternTag,
    prologue: v.prologue,
    ed25519Pub: p.ed25519Pub,
    localStatic: v.signerStatic,
    remoteStatic: v.verifierStatic,
    role: p.role,
    serverHint: p.serverHint,
    expiresAt: p.expiresAt,
  })
  // A returning payer's binding is the same bytes each time (static data only): answered by the memo.
  const memo = v.memo === undefined ? bindingMemoFor(crypto) : v.memo
  if (memo?.has(p.generation, p.ed25519Pub, p.sig, preimage)) return
  const digest = digestOf(crypto, p.generation, preimage)
  if (!crypto.ed25519Verify(p.sig, digest, p.ed25519Pub)) {
    throw new NoiseError(
      'IdentityVerify',
      `the peer's Ed25519 signature over its ${p.generation} key binding does not verify`,
    )
  }
  memo?.addVerified(p.generation, p.ed25519Pub, p.sig, preimage)
}

function checkHintPolicy(hint: string | null | undefined): void {
  try {
    checkHint(hint)
  } catch {
    throw new NoiseError('Policy', `the peer's server_hint is longer than ${MAX_SERVER_HINT_LEN} bytes`)
  }
}
