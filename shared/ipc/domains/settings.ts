/** Settings: merchant preferences, cashier mode and the unlock PIN. */
import type { Settings, SettingsPatch } from '../../domain/settings'
import type { Empty } from './app'

export type SettingsCommands = {
  'settings:get': { req: Empty; res: Settings }
  'settings:update': { req: SettingsPatch; res: Settings }
  /** Entering cashier mode needs no PIN; leaving it does (`pin` is ignored when enabling). */
  'settings:set-cashier-mode': { req: { enabled: boolean; pin: string }; res: Settings }
  'settings:change-pin': { req: { currentPin: string; newPin: string }; res: Settings }
}

export type SettingsEvents = {
  'settings:changed': Settings
}

export const settingsCommandNames = {
  'settings:get': true,
  'settings:update': true,
  'settings:set-cashier-mode': true,
  'settings:change-pin': true,
} as const satisfies Record<keyof SettingsCommands, true>

export const settingsEventNames = { 'settings:changed': true } as const satisfies Record<
  keyof SettingsEvents,
  true
>
