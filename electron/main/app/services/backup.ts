/**
 * @module app/services/backup
 * Encrypted backup of the merchant state (identity secret, homeserver choice, settings) as one
 * passphrase-sealed blob, and its restore on a fresh device. The blob's public key is re-derived
 * from its secret on restore, so a file that was altered to pair another key is refused.
 */
import { z } from 'zod'
import type { Clock } from '../../core/util/clock'
import { InputError } from '../../core/util/errors'
import { utf8, fromUtf8, wipe } from '../../core/util/bytes'
import type { EncryptedFile, SessionState } from '../../../../shared/domain/session'
import { homeserverField, z32Field } from '../../../../shared/schema/fields'
import { DEFAULT_SETTINGS, type SettingsPatch } from '../../../../shared/domain/settings'
import { requestSchemas } from '../../../../shared/schema/requests'
import {
  BoxPurpose,
  DEFAULT_COST,
  openWithPassphrase,
  sealWithPassphrase,
  type ScryptCost,
} from '../../platform/sealed-box'
import type { IdentityService } from './identity'
import { decodeBase64 } from './identity'
import type { KeysPort } from './keys-port'
import type { SessionService } from './session'
import type { StateRepo } from './state-repo'
import { notFound } from './errors'

const backupSchema = z.object({
  format: z.literal('paykit-pos-backup'),
  version: z.literal(1),
  createdAt: z.number().int(),
  publicKey: z32Field,
  secretBase64: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  homeserver: homeserverField,
  settings: z.record(z.string(), z.unknown()),
})

export class BackupService {
  constructor(
    private readonly repo: StateRepo,
    private readonly session: SessionService,
    private readonly identity: IdentityService,
    private readonly keys: KeysPort,
    private readonly clock: Clock,
    private readonly cost: ScryptCost = DEFAULT_COST,
  ) {}

  async exportBackup(pin: string, passphrase: string): Promise<EncryptedFile> {
    await this.session.verifyPin(pin)
    const state = this.repo.get()
    if (!state.identity) throw notFound('There is no identity to back up.')
    const secret = this.session.identitySecret()
    const json = utf8(
      JSON.stringify({
        format: 'paykit-pos-backup',
        version: 1,
        createdAt: this.clock.now(),
        publicKey: state.identity.publicKey,
        secretBase64: Buffer.from(secret).toString('base64'),
        homeserver: state.identity.homeserver,
        settings: { ...state.settings, cashierMode: false },
      }),
    )
    try {
      const box = await sealWithPassphrase(json, passphrase, BoxPurpose.backup, { cost: this.cost })
      const day = new Date(this.clock.now()).toISOString().slice(0, 10)
      return { fileName: `paykit-pos-backup-${day}.pkbackup`, base64: Buffer.from(box).toString('base64') }
    } finally {
      wipe(json)
    }
  }

  async restore(fileBase64: string, passphrase: string, pin: string): Promise<SessionState> {
    const box = decodeBase64(fileBase64, 'The backup file')
    const plain = await openWithPassphrase(box, passphrase, BoxPurpose.backup)
    let parsed: z.infer<typeof backupSchema>
    try {
      const result = backupSchema.safeParse(JSON.parse(fromUtf8(plain, 'backup')))
      if (!result.success) throw new InputError(`The backup's contents are not in the expected form`)
      parsed = result.data
    } catch (e) {
      if (e instanceof InputError) throw e
      throw new InputError('The backup does not contain valid JSON', { cause: e })
    } finally {
      wipe(plain)
    }
    const secret = new Uint8Array(Buffer.from(parsed.secretBase64, 'base64'))
    const identity = await this.keys.identityFromSecret(secret)
    if (identity.z32 !== parsed.publicKey) {
      throw new InputError('The backup is inconsistent: its key does not match its public key')
    }
    const state = await this.identity.establish(identity.secretKey, identity.z32, pin, parsed.homeserver)
    const settings = { ...DEFAULT_SETTINGS, ...pickSettings(parsed.settings), cashierMode: false }
    await this.repo.update((s) => ({ ...s, settings }))
    this.session.refreshAutoLock()
    return state
  }
}

/**
 * Keeps the backup's settings only if they pass the same schema as `settings:update` (a backup from
 * another version may differ); otherwise the defaults apply.
 */
function pickSettings(raw: Record<string, unknown>): SettingsPatch {
  const known = ['shopName', 'currency', 'tipPresets', 'autoLockMinutes', 'soundOnPaid']
  const subset = Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => known.includes(k) && v !== undefined),
  )
  const parsed = requestSchemas['settings:update'].safeParse(subset)
  return parsed.success ? parsed.data : {}
}
