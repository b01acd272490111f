/**
 * @module platform/state-file
 * The device state that is not secret: which identity is set up (public key only), where its data
 * lives, the PIN check box and the merchant's settings. One JSON file, validated on load (a damaged
 * file is a clear storage error, not a crash later), written atomically with a temp file + rename.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/domain/settings'
import type { HomeserverChoice } from '../../../shared/domain/session'
import { base64Field, currencyField, homeserverField, z32Field } from '../../../shared/schema/fields'
import { StorageError } from './secret-store'

export type PersistedIdentity = {
  readonly publicKey: string
  readonly createdAt: number
  readonly homeserver: HomeserverChoice
  /** A key-holding till or a Pubky Ring-linked one (absent in files written before Ring sign-in: a key). */
  readonly kind?: 'key' | 'ring'
}

export type PersistedState = {
  readonly version: 1
  readonly identity: PersistedIdentity | null
  /** base64 of a sealed box that opens only with the PIN (keychain mode's PIN check). */
  readonly pinCheck: string | null
  readonly settings: Settings
}

export const EMPTY_STATE: PersistedState = {
  version: 1,
  identity: null,
  pinCheck: null,
  settings: DEFAULT_SETTINGS,
}

const settingsSchema = z.object({
  shopName: z.string().max(60),
  currency: currencyField,
  tipPresets: z.array(z.number().int().min(1).max(100)).max(4),
  cashierMode: z.boolean(),
  autoLockMinutes: z.number().int().min(0).max(1440),
  soundOnPaid: z.boolean(),
})

const stateSchema = z.object({
  version: z.literal(1),
  identity: z
    .object({
      publicKey: z32Field,
      createdAt: z.number().int().min(0),
      homeserver: homeserverField,
      kind: z.enum(['key', 'ring']).optional(),
    })
    .nullable(),
  pinCheck: base64Field.nullable(),
  // Settings written by an older build may lack newer fields: fill them from the defaults.
  settings: z.preprocess(
    (v) => (v && typeof v === 'object' ? { ...DEFAULT_SETTINGS, ...v } : v),
    settingsSchema,
  ),
})

export class StateFile {
  constructor(private readonly path: string) {}

  /** Reads the state; a missing file is the empty state, a damaged one a StorageError. */
  async load(): Promise<PersistedState> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE
      throw new StorageError(`could not read ${this.path}: ${(e as Error).message}`, { cause: e })
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (e) {
      throw new StorageError(`${this.path} is not valid JSON; it was damaged (move it aside to start over)`, {
        cause: e,
      })
    }
    const parsed = stateSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new StorageError(
        `${this.path} is damaged at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'unknown problem'}`,
      )
    }
    return parsed.data as PersistedState
  }

  async save(state: PersistedState): Promise<void> {
    const tmp = `${this.path}.${process.pid}.tmp`
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 })
      await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
      await rename(tmp, this.path)
    } catch (e) {
      await rm(tmp, { force: true })
      throw new StorageError(`could not write ${this.path}: ${(e as Error).message}`, { cause: e })
    }
  }
}
