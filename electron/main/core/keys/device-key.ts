/**
 * @module keys/device-key
 * X25519 device keys for Noise and Sealed Blobs, derived from the Ed25519 identity seed, and device ids.
 *
 * - `deriveX25519Static` (pubky-noise 0.8.0, the profile's generation): HKDF-SHA512, salt
 *   `pubky-noise-x25519:v2`, info = context (device id) bytes, 32 bytes, clamped
 *   (BitcoinErrorLog/pubky-noise `src/kdf.rs` @810cf8c).
 * - `deriveX25519ForDeviceEpoch` (1.x, what paykit-rs main and mobile wallets use): salt
 *   `pubky-noise-x25519:v1`, info = device_id || u32_le(epoch) (pubky-noise `src/kdf.rs` @1ea7991;
 *   paykit-mobile `keys.rs`). Noise handshakes always use epoch 0.
 * - `deriveNoiseSeed` (1.1.0 from @1ea7991, and 1.2.0): HKDF-SHA256, salt `paykit-noise-seed-v1`,
 *   info = device_id, unclamped. Ring hands this to Bitkit.
 *
 * Public keys are RFC 7748 `X25519(sk, 9)`. The 0.8–1.1 code computed them on Edwards instead, which
 * agrees for clamped secrets only, so every secret made here is clamped.
 *
 * Device ids are used as the UTF-8 bytes of the id string, never hex-decoded (paykit-protocol §1.4).
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { abytes, concatBytes, toHex, utf8, wipe } from '../util/bytes'
import { InputError } from '../util/errors'
import { systemRng, type Rng } from '../util/rng'

export type X25519KeyPair = { secretKey: Uint8Array; publicKey: Uint8Array }

export const X25519_STATIC_SALT = utf8('pubky-noise-x25519:v2')
export const X25519_DEVICE_EPOCH_SALT = utf8('pubky-noise-x25519:v1')
export const NOISE_SEED_SALT = utf8('paykit-noise-seed-v1')
/** pubky-noise 1.2.0 refuses device ids shorter than this (`MIN_DEVICE_ID_LEN`); earlier versions do not. */
export const MIN_DEVICE_ID_LEN_1_2 = 16
/** The Noise handshake's epoch (`INTERNAL_EPOCH` in every 1.x code path). */
export const NOISE_EPOCH = 0

const MAX_DEVICE_ID_BYTES = 256

/** RFC 7748 clamping, on a copy: `sk[0] &= 248; sk[31] &= 127; sk[31] |= 64`. */
export function clampX25519Secret(secret: Uint8Array): Uint8Array {
  abytes(secret, 'X25519 secret', 32)
  const out = secret.slice()
  out[0]! &= 248
  out[31]! &= 127
  out[31]! |= 64
  return out
}

function deviceIdBytes(deviceId: string | Uint8Array): Uint8Array {
  const bytes = typeof deviceId === 'string' ? utf8(deviceId) : abytes(deviceId, 'device id')
  if (bytes.length === 0) throw new InputError('device id is empty')
  if (bytes.length > MAX_DEVICE_ID_BYTES) {
    throw new InputError(`device id is ${bytes.length} bytes; the limit is ${MAX_DEVICE_ID_BYTES}`)
  }
  return bytes
}

function keyPairFromOkm(okm: Uint8Array, provider: CryptoProvider): X25519KeyPair {
  const secretKey = clampX25519Secret(okm)
  wipe(okm)
  return { secretKey, publicKey: provider.x25519PublicKey(secretKey) }
}

/** 0.8.0 `derive_x25519_static(seed, context)`: the profile's Noise static key. */
export function deriveX25519Static(
  seed: Uint8Array,
  context: string | Uint8Array,
  provider: CryptoProvider = defaultProvider(),
): X25519KeyPair {
  abytes(seed, 'seed', 32)
  return keyPairFromOkm(
    provider.hkdf('sha512', seed, X25519_STATIC_SALT, deviceIdBytes(context), 32),
    provider,
  )
}

/** 1.x `derive_x25519_for_device_epoch(seed, device_id, epoch)`. */
export function deriveX25519ForDeviceEpoch(
  seed: Uint8Array,
  deviceId: string | Uint8Array,
  epoch: number,
  provider: CryptoProvider = defaultProvider(),
): X25519KeyPair {
  abytes(seed, 'seed', 32)
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) {
    throw new InputError(`epoch must be an integer from 0 to 4294967295, got ${String(epoch)}`)
  }
  const le = new Uint8Array(4)
  new DataView(le.buffer).setUint32(0, epoch, true)
  const info = concatBytes(deviceIdBytes(deviceId), le)
  return keyPairFromOkm(provider.hkdf('sha512', seed, X25519_DEVICE_EPOCH_SALT, info, 32), provider)
}

/** 1.1.0+ `derive_noise_seed(ed25519_secret, device_id)`: 32 bytes, not clamped. */
export function deriveNoiseSeed(
  ed25519Secret: Uint8Array,
  deviceId: string | Uint8Array,
  provider: CryptoProvider = defaultProvider(),
): Uint8Array {
  abytes(ed25519Secret, 'Ed25519 secret', 32)
  return provider.hkdf('sha256', ed25519Secret, NOISE_SEED_SALT, deviceIdBytes(deviceId), 32)
}

/** A new device id: lowercase hex of 16 random bytes (paykit-mobile `generate_device_id`). */
export function generateDeviceId(rng: Rng = systemRng): string {
  return toHex(rng(16))
}

const DEVICE_ID_RE = /^[A-Za-z0-9_-]{1,63}$/

/**
 * Throws unless `deviceId` is safe to use as a path segment (`/pub/noise.app/v0/{id}`) and a DNS label
 * (`_noise.{id}`): 1–63 characters of letters, digits, `-` and `_`. With `forNewKeys`, also requires
 * pubky-noise 1.2.0's minimum of 16 bytes, so keys we derive are accepted by every generation.
 */
export function assertDeviceId(deviceId: string, options: { forNewKeys?: boolean } = {}): string {
  if (typeof deviceId !== 'string' || !DEVICE_ID_RE.test(deviceId)) {
    throw new InputError('device id must be 1-63 characters of letters, digits, "-" or "_"')
  }
  if (options.forNewKeys && deviceId.length < MIN_DEVICE_ID_LEN_1_2) {
    throw new InputError(
      `device id is ${deviceId.length} characters; pubky-noise 1.2 peers need at least ${MIN_DEVICE_ID_LEN_1_2}`,
    )
  }
  return deviceId
}
