/** Thin adapters from `session:*` commands to the session service. */
import type { SessionCommands } from '../../../../shared/ipc/domains/session'
import type { AppServices } from '../../app/services/app-services'
import type { HandlersFor } from '../router'

export const sessionHandlers = ({ session }: AppServices) =>
  ({
    'session:status': async () => session.status(),
    'session:unlock': async ({ pin }) => session.unlock(pin),
    'session:lock': async () => session.lock(),
    'session:activity': async () => session.activity(),
  }) satisfies HandlersFor<keyof SessionCommands>
