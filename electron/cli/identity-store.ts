/**
 * @module cli/identity-store
 * The CLI's identity on disk, in the Paykit home folder (`$PAYKIT_HOME` or `~/.paykit`):
 *
 * - `recovery.pkarr` — the secret, as the Pubky recovery file (`keys/recovery-file.ts`: the SDK's and
 *   Ring's format, so the file itself is a backup), mode 0600;
 * - `identity.json` — public facts only (pubky, Noise device id, creation time), so `id show` needs
 *   no passphrase.
 *
 * Files are written to a temporary name with mode 0600 and renamed, so a crash never leaves a
 * half-written recovery file in place of a good one.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toHex, wipe } from '../main/core/util/bytes'
import type { Rng } from '../main/core/util/rng'
import { decryptRecoveryFile } from '../main/core/keys/recovery-file'
import { identityFromSecret, type Identity } from '../main/core/keys/identity'
import { assertDeviceId } from '../main/core/keys/device-key'
import { formatPublicKey, parsePublicKey } from '../main/core/keys/public-key'
import { CliError } from './errors'

export const RECOVERY_FILE = 'recovery.pkarr'
export const IDENTITY_FILE = 'identity.json'

export interface StoredIdentity {
  version: 1
  /** z32 of the identity key. */
  pubky: string
  /** Device id of this installation's Noise key (`deriveX25519Static(secret, deviceId)`). */
  deviceId: string
  createdAt: string
}

export interface IdentityPaths {
  home: string
  recoveryFile: string
  identityFile: string
}

export function identityPaths(home: string): IdentityPaths {
  return { home, recoveryFile: join(home, RECOVERY_FILE), identityFile: join(home, IDENTITY_FILE) }
}

export function identityExists(paths: IdentityPaths): boolean {
  return existsSync(paths.recoveryFile) || existsSync(paths.identityFile)
}

/** Writes `data` to `file` atomically with mode 0600. */
export function writePrivateFile(file: string, data: Uint8Array | string, rng: Rng): void {
  const tmp = `${file}.${toHex(rng(6))}.tmp`
  writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' })
  chmodSync(tmp, 0o600)
  renameSync(tmp, file)
}

/** A new device id: 16 random bytes as 32 hex characters (pubky-noise 1.2 wants ≥ 16). */
export function newDeviceId(rng: Rng): string {
  return toHex(rng(16))
}

/** Stores an identity: the recovery file bytes and the public facts. */
export function saveIdentity(
  paths: IdentityPaths,
  recoveryFile: Uint8Array,
  facts: Omit<StoredIdentity, 'version'>,
  rng: Rng,
): void {
  mkdirSync(paths.home, { recursive: true, mode: 0o700 })
  writePrivateFile(paths.recoveryFile, recoveryFile, rng)
  writePrivateFile(paths.identityFile, `${JSON.stringify({ version: 1, ...facts }, null, 2)}\n`, rng)
}

const noIdentity = (paths: IdentityPaths): CliError =>
  new CliError(
    'cli-state',
    `no identity in ${paths.home}`,
    'Create one with `paykit id new` or restore one with `paykit id import` (or set PAYKIT_HOME / --data-dir).',
  )

/** Reads `identity.json`. Throws `cli-state` when there is none and `cli-input` when it is damaged. */
export function loadIdentityFacts(paths: IdentityPaths): StoredIdentity {
  if (!existsSync(paths.identityFile)) throw noIdentity(paths)
  const damaged = (why: string): CliError =>
    new CliError(
      'cli-input',
      `${paths.identityFile} ${why}`,
      'Restore the identity with `paykit id import --force`.',
    )
  let v: unknown
  try {
    v = JSON.parse(readFileSync(paths.identityFile, 'utf8'))
  } catch {
    throw damaged('is not JSON')
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>
  if (o['version'] !== 1 || typeof o['pubky'] !== 'string' || typeof o['deviceId'] !== 'string') {
    throw damaged('lacks version 1, "pubky" or "deviceId"')
  }
  try {
    parsePublicKey(o['pubky'])
    assertDeviceId(o['deviceId'])
  } catch (e) {
    throw damaged(`holds a bad value: ${(e as Error).message}`)
  }
  return {
    version: 1,
    pubky: o['pubky'],
    deviceId: o['deviceId'],
    createdAt: typeof o['createdAt'] === 'string' ? o['createdAt'] : '',
  }
}

/** The recovery file's permission bits, to warn when others can read it. */
export function recoveryFileMode(paths: IdentityPaths): number | undefined {
  try {
    return statSync(paths.recoveryFile).mode & 0o777
  } catch {
    return undefined
  }
}

/**
 * Decrypts the stored recovery file and checks it is the identity `identity.json` names. The caller
 * must `wipe(identity.secretKey)` when done.
 */
export function unlockIdentity(
  paths: IdentityPaths,
  passphrase: string,
): { facts: StoredIdentity; identity: Identity } {
  const facts = loadIdentityFacts(paths)
  if (!existsSync(paths.recoveryFile)) throw noIdentity(paths)
  const secret = decryptRecoveryFile(new Uint8Array(readFileSync(paths.recoveryFile)), passphrase)
  let identity: Identity
  try {
    identity = identityFromSecret(secret)
  } finally {
    wipe(secret)
  }
  if (identity.z32 !== formatPublicKey(parsePublicKey(facts.pubky))) {
    wipe(identity.secretKey)
    throw new CliError(
      'cli-input',
      `${paths.recoveryFile} holds ${identity.z32}, but ${paths.identityFile} says ${facts.pubky}`,
      'Restore the identity with `paykit id import --force`.',
    )
  }
  return { facts, identity }
}
