/**
 * @module directory/key-binding
 * The pubky-noise 0.8.0 key-binding record (the profile's Noise generation): for each device, the TXT
 * value `v=1;k=<b64 x25519>;sig=<b64 sig>;ts=<secs>` at `/pub/noise.app/v0/{device_id}` on the
 * owner's homeserver, signed by the owner's Ed25519 identity over the binding digest
 * (pubky-noise.md §3.3; `keys/pkarr-binding.ts`). It lets a peer check that an X25519 key really
 * belongs to the identity, which the unsigned `/noise` record cannot show.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import { equalBytes, fromUtf8 } from '../util/bytes'
import { toPaykitError } from '../util/errors'
import { assertDeviceId } from '../keys/device-key'
import { formatPkarrNoiseRecord, signPkarrKeyBinding, verifyPkarrNoiseRecord } from '../keys/pkarr-binding'
import { parsePublicKey } from '../keys/public-key'
import { NOISE_KEY_DIR, noiseKeyPath } from './paths'
import { fetchRecords } from '../store/records'
import type { PubkyReader, PubkyWriter } from '../store/types'

/** Largest key-binding record read (the TXT parser refuses more than 1024 characters anyway). */
export const MAX_KEY_BINDING_BYTES = 2048

export interface PublishKeyBindingInput {
  /** Our Ed25519 identity secret (seed); not kept. */
  identitySecret: Uint8Array
  x25519PublicKey: Uint8Array
  deviceId: string
  clock: Clock
  provider?: CryptoProvider
}

/** Signs and PUTs the key binding for one device. Returns the TXT value written. */
export async function publishNoiseKeyBinding(
  writer: PubkyWriter,
  input: PublishKeyBindingInput,
): Promise<string> {
  const provider = input.provider ?? defaultProvider()
  assertDeviceId(input.deviceId)
  const signature = signPkarrKeyBinding(input.identitySecret, input.x25519PublicKey, input.deviceId, provider)
  const txt = formatPkarrNoiseRecord({
    x25519PublicKey: input.x25519PublicKey,
    signature,
    timestamp: nowSeconds(input.clock),
  })
  await writer.put(noiseKeyPath(input.deviceId), txt)
  return txt
}

/** Deletes the key binding of a device we retired. */
export async function removeNoiseKeyBinding(writer: PubkyWriter, deviceId: string): Promise<void> {
  await writer.delete(noiseKeyPath(assertDeviceId(deviceId)))
}

export interface VerifiedKeyBinding {
  readonly deviceId: string
  readonly x25519PublicKey: Uint8Array
}

export interface KeyBindingsResult {
  readonly verified: readonly VerifiedKeyBinding[]
  readonly rejected: readonly { readonly deviceId: string; readonly code: string; readonly reason: string }[]
}

export interface ReadKeyBindingOptions {
  clock: Clock
  /** Default 30 days (the reference's `DEFAULT_MAX_KEY_AGE_SECONDS`). */
  maxAgeSeconds?: number
  provider?: CryptoProvider
}

function verifyBody(
  owner: string,
  deviceId: string,
  body: Uint8Array,
  options: ReadKeyBindingOptions,
): Uint8Array {
  return verifyPkarrNoiseRecord(fromUtf8(body, 'key binding record'), {
    ed25519PublicKey: parsePublicKey(owner),
    deviceId,
    clock: options.clock,
    ...(options.maxAgeSeconds !== undefined ? { maxAgeSeconds: options.maxAgeSeconds } : {}),
    ...(options.provider ? { provider: options.provider } : {}),
  })
}

/** Reads and verifies every device's key binding under `/pub/noise.app/v0/`; bad ones are reported. */
export async function readNoiseKeyBindings(
  reader: PubkyReader,
  owner: string,
  options: ReadKeyBindingOptions,
): Promise<KeyBindingsResult> {
  const fetched = await fetchRecords(reader, owner, NOISE_KEY_DIR, {
    maxBytes: MAX_KEY_BINDING_BYTES,
    maxEntries: 64,
  })
  const verified: VerifiedKeyBinding[] = []
  const rejected: { deviceId: string; code: string; reason: string }[] = []
  if (fetched.listError) throw fetched.listError
  for (const r of fetched.records) {
    if (!r.ok) {
      rejected.push({ deviceId: r.id, code: r.error.code, reason: r.error.message })
      continue
    }
    try {
      verified.push({ deviceId: r.id, x25519PublicKey: verifyBody(owner, r.id, r.body, options) })
    } catch (e) {
      const pe = toPaykitError(e)
      rejected.push({ deviceId: r.id, code: pe.code, reason: pe.message })
    }
  }
  return { verified, rejected }
}

/** True when some verified device binding of `owner` binds exactly `x25519PublicKey`. */
export function isKeyBound(bindings: KeyBindingsResult, x25519PublicKey: Uint8Array): boolean {
  return bindings.verified.some((b) => equalBytes(b.x25519PublicKey, x25519PublicKey))
}
