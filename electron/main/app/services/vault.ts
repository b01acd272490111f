/**
 * @module app/services/vault
 * Keeps the identity secret in the secret store and checks the PIN.
 *  - Keychain store: the keychain holds the secret; the PIN is checked against a sealed "PIN check"
 *    box in the state file (scrypt, so guessing is slow).
 *  - File store: the secret file itself is sealed with the PIN; opening it is the check.
 */
import { InputError } from '../../core/util/errors'
import { wipe } from '../../core/util/bytes'
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

  /** Stores the secret protected by `pin`; returns the PIN check box (keychain mode) to persist. */
  async save(secret: Uint8Array, pin: string): Promise<string | null> {
    this.checkPinStrength(pin)
    await this.store.put(IDENTITY_ENTRY, secret, pin)
    if (this.store.info.kind === 'file') return null
    const marker = this.rng(16)
    const box = await sealWithPassphrase(marker, pin, BoxPurpose.pinCheck, { cost: this.cost, rng: this.rng })
    wipe(marker)
    return Buffer.from(box).toString('base64')
  }

  /** Checks the PIN and returns the secret. A wrong PIN is `bad-pin`. */
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
      throw notFound('The identity key is missing from the secret store. Restore from your recovery phrase.')
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
