/** Thin adapters from `settings:*` commands to the settings service. */
import type { SettingsCommands } from '../../../../shared/ipc/domains/settings'
import type { AppServices } from '../../app/services/app-services'
import type { HandlersFor } from '../router'

export const settingsHandlers = ({ settings }: AppServices) =>
  ({
    'settings:get': async () => settings.get(),
    'settings:update': async (patch) => settings.update(patch),
    'settings:set-cashier-mode': async ({ enabled, pin }) => settings.setCashierMode(enabled, pin),
    'settings:change-pin': async ({ currentPin, newPin }) => settings.changePin(currentPin, newPin),
  }) satisfies HandlersFor<keyof SettingsCommands>
