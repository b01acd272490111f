/** Backup: an encrypted export of the merchant state (identity secret + settings), and its restore. */
import type { EncryptedFile, SessionState } from '../../domain/session'

export type BackupCommands = {
  'backup:export': { req: { pin: string; passphrase: string }; res: EncryptedFile }
  /** Only during onboarding (no identity yet); sets the new PIN for this device. */
  'backup:restore': { req: { fileBase64: string; passphrase: string; pin: string }; res: SessionState }
}

export const backupCommandNames = {
  'backup:export': true,
  'backup:restore': true,
} as const satisfies Record<keyof BackupCommands, true>
