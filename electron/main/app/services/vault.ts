/**
 * @module app/services/vault
 * Keeps the till's credentials in the secret store and checks the PIN.
 *  - Keychain store: the keychain holds the secret; the PIN is checked against a sealed "PIN check"
 *    box in the state file (scrypt, so guessing is slow).
 *  - File store: the secret file itself is sealed with the PIN; opening it is the check.
 *
 * One entry holds either kind of credentials, so a till is never half one and half the other:
 *  - a key-holding till: the 32-byte Ed25519 identity secret, as stored since the first release;
 *  - a Ring-linked till: `RING_MAGIC` + JSON of the RingLink (its session cookie is the secret part)
 *    and the random device secret the till's Noise static key is derived from.
 */
import { z } from 'zod'
import { InputError, PaykitError } from '../../core/util/errors'
import { fromHex, fromUtf8, toHex, utf8, wipe } from '../../core/util/bytes'
import { checkRingLink, type RingLink } from '../../core/pubky/ring-link'
import type { Rng } from '../../core/util/rng'
import { systemRng } from '../../core/util/rng'
import type { PinRule } from '../../../../shared/domain/session'
import type { SecretStore } from '../../platform/secret-store'
import {
  BoxPurpose,
  DEFAULT_COST,
  DecryptError,
  openWithPassphrase,
  sealWithPassphrase,
  type ScryptCost,
} from '../../platform/sealed-box'
import { badPin, notFound } from './errors'
import type { StateRepo } from './state-repo'

const IDENTITY_ENTRY = 'identity'
/** Marks a Ring-linked till's entry; a key-holding till's entry is exactly 32 bytes. */
const RING_MAGIC = 'paykit-pos-ring-v1\n'

/** What unlocks a till: its own identity key, or a Pubky Ring link and this device's secret. */
export type TillCredentials =
  | { readonly kind: 'key'; readonly secret: Uint8Array }
  | {
      readonly kind: 'ring'
      readonly link: RingLink
      /** 32 random bytes made at pairing; the till's Noise static key is derived from it. */
      readonly deviceSecret: Uint8Array
    }

const ringEntrySchema = z.looseObject({ deviceSecret: z.string().regex(/^[0-9a-f]{64}$/) })

/** The entry's bytes for `creds` (caller wipes them). */
export function encodeCredentials(creds: TillCredentials): Uint8Array {
  if (creds.kind === 'key') return creds.secret.slice()
  const { publicKey, capabilities, exported, sessionCookie, cookieUrl } = creds.link
  return utf8(
    RING_MAGIC +
      JSON.stringify({
        publicKey,
        capabilities: [...capabilities],
        exported,
        sessionCookie,
        cookieUrl,
        deviceSecret: toHex(creds.deviceSecret),
      }),
  )
}

/** Reads an entry back; a damaged entry is a storage error that says what to do. */
export function decodeCredentials(bytes: Uint8Array): TillCredentials {
  if (bytes.length === 32) return { kind: 'key', secret: bytes }
  const damaged = (cause?: unknown): PaykitError =>
    new PaykitError(
      'storage',
      'The saved till credentials are damaged. Pair this till with Pubky Ring again or restore from your recovery phrase.',
      cause === undefined ? undefined : { cause },
    )
  let text: string
  try {
    text = fromUtf8(bytes, 'till credentials')
  } catch (e) {
    throw damaged(e)
  } finally {
    wipe(bytes)
  }
  if (!text.startsWith(RING_MAGIC)) throw damaged()
  let json: unknown
  try {
    json = JSON.parse(text.slice(RING_MAGIC.length))
  } catch (e) {
    throw damaged(e)
  }
  const parsed = ringEntrySchema.safeParse(json)
  if (!parsed.success) throw damaged(parsed.error)
  let link: RingLink
  try {
    const { deviceSecret: _secret, ...rest } = parsed.data
    link = checkRingLink(rest)
  } catch (e) {
    throw damaged(e)
  }
  return { kind: 'ring', link, deviceSecret: fromHex(parsed.data.deviceSecret, 'device secret') }
}

/** Wipes the byte secrets of `creds` (the cookie is a JS string: it goes when the object does). */
export function wipeCredentials(creds: TillCredentials): void {
  if (creds.kind === 'key') wipe(creds.secret)
  else wipe(creds.deviceSecret)
}

export class IdentityVault {
  constructor(
    private readonly store: SecretStore,
    private readonly repo: StateRepo,
    private readonly cost: ScryptCost = DEFAULT_COST,
    private readonly rng: Rng = systemRng,
  ) {}

  get storeInfo(): SecretStore['info'] {
    return this.store.info
  }

  /** A file-protected key needs a passphrase; the keychain only gates the UI, so a PIN will do. */
  pinRule(): PinRule {
    return this.store.info.kind === 'file'
      ? { minLength: 8, digitsOnly: false, hint: 'At least 8 characters: it also encrypts your key file.' }
      : { minLength: 4, digitsOnly: false, hint: 'At least 4 digits or characters.' }
  }

  checkPinStrength(pin: string): void {
    const rule = this.pinRule()
    if (pin.length < rule.minLength) {
      throw new InputError(`The PIN is too short: ${rule.hint}`)
    }
  }

  /** Stores the identity secret protected by `pin`; returns the PIN check box (keychain mode) to persist. */
  async save(secret: Uint8Array, pin: string): Promise<string | null> {
    return this.saveCredentials({ kind: 'key', secret }, pin)
  }

  /** Stores either kind of credentials protected by `pin`; returns the PIN check box to persist. */
  async saveCredentials(creds: TillCredentials, pin: string): Promise<string | null> {
    this.checkPinStrength(pin)
    const entry = encodeCredentials(creds)
    try {
      await this.store.put(IDENTITY_ENTRY, entry, pin)
    } finally {
      wipe(entry)
    }
    if (this.store.info.kind === 'file') return null
    const marker = this.rng(16)
    const box = await sealWithPassphrase(marker, pin, BoxPurpose.pinCheck, { cost: this.cost, rng: this.rng })
    wipe(marker)
    return Buffer.from(box).toString('base64')
  }

  /** Checks the PIN and returns the till's credentials. A wrong PIN is `bad-pin`. */
  async loadCredentials(pin: string): Promise<TillCredentials> {
    return decodeCredentials(await this.load(pin))
  }

  /** Checks the PIN and returns the raw entry. A wrong PIN is `bad-pin`. */
  async load(pin: string): Promise<Uint8Array> {
    if (this.store.info.kind === 'keychain') await this.checkPinBox(pin)
    let secret: Uint8Array | null
    try {
      secret = await this.store.get(IDENTITY_ENTRY, pin)
    } catch (e) {
      if (e instanceof DecryptError) throw badPin()
      throw e
    }
    if (secret === null)
      throw notFound(
        'The till credentials are missing from the secret store. Restore from your recovery phrase or pair with Pubky Ring again.',
      )
    return secret
  }

  /** Checks the PIN only. */
  async verify(pin: string): Promise<void> {
    if (this.store.info.kind === 'keychain') return this.checkPinBox(pin)
    wipe(await this.load(pin))
  }

  private async checkPinBox(pin: string): Promise<void> {
    const box = this.repo.get().pinCheck
    if (box === null) throw notFound('No PIN is set on this device.')
    try {
      wipe(await openWithPassphrase(new Uint8Array(Buffer.from(box, 'base64')), pin, BoxPurpose.pinCheck))
    } catch (e) {
      if (e instanceof DecryptError) throw badPin()
      throw e
    }
  }

  async remove(): Promise<void> {
    await this.store.remove(IDENTITY_ENTRY)
  }
}
