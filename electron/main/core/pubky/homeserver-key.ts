/**
 * @module pubky/homeserver-key
 * The embedded homeserver's own Ed25519 secret, kept in `<dataDir>/homeserver.key` (32 raw bytes,
 * mode 0600), separate from the merchant's identity key.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PaykitError } from '../util/errors'
import { systemRng, type Rng } from '../util/rng'

export const HOMESERVER_KEY_FILE = 'homeserver.key'

/** Loads the secret, creating it atomically on first use. */
export function loadOrCreateHomeserverSecret(dataDir: string, rng: Rng = systemRng): Uint8Array {
  const file = join(dataDir, HOMESERVER_KEY_FILE)
  if (existsSync(file)) {
    const bytes = readFileSync(file)
    if (bytes.length !== 32) {
      throw new PaykitError(
        'homeserver-key',
        `${file} holds ${bytes.length} bytes; a homeserver secret is 32 bytes`,
      )
    }
    return new Uint8Array(bytes)
  }
  mkdirSync(dataDir, { recursive: true })
  const secret = rng(32)
  const tmp = `${file}.tmp`
  writeFileSync(tmp, secret, { mode: 0o600 })
  renameSync(tmp, file)
  return secret
}
