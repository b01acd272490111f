/**
 * @module platform/secret-store
 * Where the merchant's 32-byte identity secret rests on this device. Two implementations behind one
 * port:
 *  - `KeychainSecretStore`: the OS keychain (Secret Service / Keychain / Credential Manager) through
 *    @napi-rs/keyring. Preferred.
 *  - `FileSecretStore`: a file in the data folder encrypted with the unlock PIN/passphrase (scrypt +
 *    XChaCha20-Poly1305). Used when no keychain answers; it carries a warning the UI must show,
 *    because the file is only as strong as the passphrase.
 *
 * `selectSecretStore` probes the keychain (with a timeout: a Secret Service without a runtime dir
 * can hang for 25 s) and falls back to the file store with the probe's reason.
 */
import { AsyncEntry } from '@napi-rs/keyring'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PaykitError, InputError } from '../core/util/errors'
import { equalBytes, wipe } from '../core/util/bytes'
import { systemRng } from '../core/util/rng'
import type { SecretStoreInfo } from '../../../shared/domain/session'
import {
  BoxPurpose,
  DEFAULT_COST,
  openWithPassphrase,
  sealWithPassphrase,
  type ScryptCost,
} from './sealed-box'

export class StorageError extends PaykitError<'storage'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage', message, options)
  }
}

export interface SecretStore {
  readonly info: SecretStoreInfo
  /** Stores `secret` under `name`. `passphrase` protects it in the file store; the keychain ignores it. */
  put(name: string, secret: Uint8Array, passphrase: string): Promise<void>
  /** Reads it back; null when absent. A wrong passphrase (file store) is a DecryptError. */
  get(name: string, passphrase: string): Promise<Uint8Array | null>
  remove(name: string): Promise<void>
}

const NAME = /^[a-z0-9][a-z0-9:_-]{0,99}$/
function checkName(name: string): void {
  if (!NAME.test(name))
    throw new InputError(`secret name "${name}" must be lowercase letters, digits, ':', '_' or '-'`)
}

const KEYCHAIN_TIMEOUT_MS = 5000

/** The OS keychain through @napi-rs/keyring. `service` namespaces entries (tests use their own). */
export class KeychainSecretStore implements SecretStore {
  readonly info: SecretStoreInfo = { kind: 'keychain', warning: null }
  constructor(private readonly service: string) {}

  private entry(name: string): AsyncEntry {
    checkName(name)
    return new AsyncEntry(this.service, name)
  }

  async put(name: string, secret: Uint8Array, _passphrase?: string): Promise<void> {
    try {
      await this.entry(name).setSecret(secret, AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS))
    } catch (e) {
      throw new StorageError(`could not write to the OS keychain: ${(e as Error).message}`, { cause: e })
    }
  }

  async get(name: string, _passphrase?: string): Promise<Uint8Array | null> {
    let raw: number[] | null
    try {
      raw = await this.entry(name).getSecret(AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS))
    } catch (e) {
      throw new StorageError(`could not read the OS keychain: ${(e as Error).message}`, { cause: e })
    }
    if (raw === null) return null
    const out = Uint8Array.from(raw)
    raw.fill(0)
    return out
  }

  async remove(name: string): Promise<void> {
    try {
      await this.entry(name).deleteCredential(AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS))
    } catch (e) {
      throw new StorageError(`could not delete from the OS keychain: ${(e as Error).message}`, { cause: e })
    }
  }
}

export const FILE_STORE_WARNING =
  "The OS keychain is not available, so this till's secrets (the identity key, or its Pubky Ring " +
  'session) are stored in a file protected only by your PIN. Use a long passphrase instead of a short PIN.'

/** Passphrase-encrypted files `<dir>/<name>.vault`, written atomically (temp file + rename). */
export class FileSecretStore implements SecretStore {
  readonly info: SecretStoreInfo
  constructor(
    private readonly dir: string,
    reason: string,
    private readonly cost: ScryptCost = DEFAULT_COST,
  ) {
    this.info = { kind: 'file', warning: `${FILE_STORE_WARNING} (Keychain: ${reason})` }
  }

  private path(name: string): string {
    checkName(name)
    return join(this.dir, `${name.replaceAll(':', '_')}.vault`)
  }

  async put(name: string, secret: Uint8Array, passphrase: string): Promise<void> {
    const box = await sealWithPassphrase(secret, passphrase, BoxPurpose.vault, { cost: this.cost })
    const target = this.path(name)
    const tmp = `${target}.${process.pid}.tmp`
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 })
      await writeFile(tmp, box, { mode: 0o600 })
      await rename(tmp, target)
    } catch (e) {
      await rm(tmp, { force: true })
      throw new StorageError(`could not write the key file ${target}: ${(e as Error).message}`, { cause: e })
    }
  }

  async get(name: string, passphrase: string): Promise<Uint8Array | null> {
    const path = this.path(name)
    let box: Uint8Array
    try {
      box = new Uint8Array(await readFile(path))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw new StorageError(`could not read the key file: ${(e as Error).message}`, { cause: e })
    }
    return openWithPassphrase(box, passphrase, BoxPurpose.vault)
  }

  async remove(name: string): Promise<void> {
    await rm(this.path(name), { force: true })
  }
}

export type KeychainProbe =
  { readonly available: true } | { readonly available: false; readonly reason: string }

/**
 * Checks that the keychain stores, returns and deletes a random value within a few seconds.
 * Never throws: the answer says why the keychain is unusable.
 */
export async function probeKeychain(service: string, timeoutMs = 3000): Promise<KeychainProbe> {
  const probe = systemRng(16)
  const entry = new AsyncEntry(service, 'probe')
  try {
    const signal = AbortSignal.timeout(timeoutMs)
    await entry.setSecret(probe, signal)
    const back = await entry.getSecret(signal)
    await entry.deleteCredential(signal)
    if (back === null || !equalBytes(Uint8Array.from(back), probe)) {
      return { available: false, reason: 'the keychain returned a different value than was stored' }
    }
    return { available: true }
  } catch (e) {
    return { available: false, reason: e instanceof Error ? e.message : String(e) }
  } finally {
    wipe(probe)
  }
}

/** The keychain when it works, else the file store in `dir` with the probe's reason in its warning. */
export async function selectSecretStore(opts: {
  service: string
  dir: string
  cost?: ScryptCost
  forceFile?: boolean
}): Promise<SecretStore> {
  if (opts.forceFile) return new FileSecretStore(opts.dir, 'disabled by configuration', opts.cost)
  const probe = await probeKeychain(opts.service)
  if (probe.available) return new KeychainSecretStore(opts.service)
  return new FileSecretStore(opts.dir, probe.reason, opts.cost)
}
