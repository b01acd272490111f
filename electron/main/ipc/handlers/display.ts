/** Thin adapter from `display:*` commands to the customer-display host. */
import type { DisplayCommands } from '../../../../shared/ipc/domains/display'
import type { AppServices } from '../../app/services/app-services'
import type { HandlersFor } from '../router'

export const displayHandlers = ({ display }: AppServices) =>
  ({
    'display:info': async () => display.info(),
    'display:set-mode': async ({ mode }) => display.setMode(mode),
  }) satisfies HandlersFor<keyof DisplayCommands>
