/**
 * @module ipc/contract
 * The one IPC contract between the renderer and the main process, composed per domain.
 *
 * - `Commands`: invoke-only, `'domain:verb'` → `{ req, res }`. Every command answers an
 *   `IpcResult<res>` envelope. Requests are validated in main with the schema of the same key
 *   (shared/schema); the router (electron/main/ipc/router.ts) must have a handler for every key.
 * - `Events`: main → renderer pushes, `'domain:event'` → payload.
 *
 * This file must stay runtime-light: the sandboxed preload bundles `COMMAND_NAMES`/`EVENT_NAMES`
 * from it, so it imports types only (no zod, no helpers).
 */
import type { AppCommands } from './domains/app'
import type { BackupCommands } from './domains/backup'
import type { IdentityCommands } from './domains/identity'
import type { SessionCommands, SessionEvents } from './domains/session'
import type { SettingsCommands, SettingsEvents } from './domains/settings'
import type { EngineCommands, EngineEvents } from './domains/engine'
import type { IpcResult } from './result'
import { appCommandNames } from './domains/app'
import { backupCommandNames } from './domains/backup'
import { identityCommandNames } from './domains/identity'
import { sessionCommandNames, sessionEventNames } from './domains/session'
import { settingsCommandNames, settingsEventNames } from './domains/settings'
import { engineCommandNames, engineEventNames } from './domains/engine'

export type Commands = AppCommands & SessionCommands & IdentityCommands & SettingsCommands & BackupCommands
export type Events = SessionEvents & SettingsEvents

export type CommandName = keyof Commands & string
export type EventName = keyof Events & string
export type CommandRequest<K extends CommandName> = Commands[K]['req']
export type CommandResponse<K extends CommandName> = Commands[K]['res']
export type EventPayload<E extends EventName> = Events[E]

export type { EngineCommands, EngineEvents }
export type EngineCommandName = keyof EngineCommands & string
export type EngineEventName = keyof EngineEvents & string

const commandNameSet = {
  ...appCommandNames,
  ...sessionCommandNames,
  ...identityCommandNames,
  ...settingsCommandNames,
  ...backupCommandNames,
} as const satisfies Record<CommandName, true>

const eventNameSet = { ...sessionEventNames, ...settingsEventNames } as const satisfies Record<
  EventName,
  true
>

/** Every registered command, in a stable order; the preload builds one invoker per entry. */
export const COMMAND_NAMES = Object.freeze(Object.keys(commandNameSet) as CommandName[])
/** Every main → renderer event. */
export const EVENT_NAMES = Object.freeze(Object.keys(eventNameSet) as EventName[])
/** Declared engine commands and events that have no handler yet (see domains/engine.ts). */
export const ENGINE_COMMAND_NAMES = Object.freeze(Object.keys(engineCommandNames) as EngineCommandName[])
export const ENGINE_EVENT_NAMES = Object.freeze(Object.keys(engineEventNames) as EngineEventName[])

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && Object.hasOwn(commandNameSet, value)
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(eventNameSet, value)
}

/**
 * The shape of `window.pos`: one invoker per command, keyed by the command name, and `on` for events
 * (returns its unsubscribe function). Exposed by the preload in Electron and by the browser-mode
 * client script; used only by renderer/src/bridge/pos.ts.
 */
export type PosApi = {
  readonly [K in CommandName]: (req: CommandRequest<K>) => Promise<IpcResult<CommandResponse<K>>>
} & {
  readonly on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => () => void
}

/** Property names `window.pos` must have, exactly. */
export const POS_API_KEYS: readonly string[] = Object.freeze([...COMMAND_NAMES, 'on'])
