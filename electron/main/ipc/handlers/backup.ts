/** Thin adapters from `backup:*` commands to the backup service. */
import type { BackupCommands } from '../../../../shared/ipc/domains/backup'
import type { AppServices } from '../../app/services/app-services'
import type { HandlersFor } from '../router'

export const backupHandlers = ({ backup }: AppServices) =>
  ({
    'backup:export': async ({ pin, passphrase }) => backup.exportBackup(pin, passphrase),
    'backup:restore': async ({ fileBase64, passphrase, pin }) => backup.restore(fileBase64, passphrase, pin),
  }) satisfies HandlersFor<keyof BackupCommands>
