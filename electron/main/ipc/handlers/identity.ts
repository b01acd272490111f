/** Thin adapters from `identity:*` commands to the identity service. */
import type { IdentityCommands } from '../../../../shared/ipc/domains/identity'
import type { AppServices } from '../../app/services/app-services'
import type { HandlersFor } from '../router'

export const identityHandlers = ({ identity, engine }: AppServices) =>
  ({
    'identity:draft': async () => identity.createDraft(),
    'identity:create': async (req) => identity.createFromDraft(req),
    'identity:import-phrase': async (req) => identity.importPhrase(req),
    'identity:import-file': async (req) => identity.importRecoveryFile(req),
    'identity:export-recovery-file': async ({ pin, passphrase }) =>
      identity.exportRecoveryFile(pin, passphrase),
    'identity:ring-start': async ({ homeserver }) => identity.ringStart(homeserver, engine),
    'identity:ring-wait': async ({ pairingId }) => identity.ringWait(pairingId),
    'identity:ring-cancel': async ({ pairingId }) => {
      await identity.ringCancel(pairingId)
      return {}
    },
    'identity:ring-finish': async ({ pairingId, pin }) => identity.ringFinish(pairingId, pin),
    'identity:ring-relink': async () => identity.ringRelink(engine),
    'identity:ring-relink-finish': async ({ pairingId, pin }) =>
      identity.ringRelinkFinish(pairingId, pin, engine),
  }) satisfies HandlersFor<keyof IdentityCommands>
