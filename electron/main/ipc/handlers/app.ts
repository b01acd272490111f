/** Thin adapters from `app:*` commands to the services. */
import type { AppCommands } from '../../../../shared/ipc/domains/app'
import type { AppServices } from '../../app/services/app-services'
import type { HandlersFor } from '../router'

export const appHandlers = (s: AppServices) =>
  ({
    'app:info': async () => s.info(),
  }) satisfies HandlersFor<keyof AppCommands>
