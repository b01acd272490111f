/** Thin adapters from `identity:*` commands to the identity service. */
import type { IdentityCommands } from '../../../../shared/ipc/domains/identity'
import type { AppServices } from '../../app/services/app-services'
import type { HandlersFor } from '../router'

export const identityHandlers = ({ identity }: AppServices) =>
  ({
    'identity:draft': async () => identity.createDraft(),
    'identity:create': async (req) => identity.createFromDraft(req),
    'identity:import-phrase': async (req) => identity.importPhrase(req),
    'identity:import-file': async (req) => identity.importRecoveryFile(req),
    'identity:export-recovery-file': async ({ pin, passphrase }) =>
      identity.exportRecoveryFile(pin, passphrase),
  }) satisfies HandlersFor<keyof IdentityCommands>
