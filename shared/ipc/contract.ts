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
import type { CheckoutCommands, CheckoutEvents } from './domains/checkout'
import type { DirectoryCommands } from './domains/directory'
import type { DisplayCommands } from './domains/display'
import type { EngineCommands, EngineEvents } from './domains/engine'
import type { IdentityCommands } from './domains/identity'
import type { ReceiptsCommands, ReceiptsEvents } from './domains/receipts'
import type { RequestsCommands, RequestsEvents } from './domains/requests'
import type { SessionCommands, SessionEvents } from './domains/session'
import type { SettingsCommands, SettingsEvents } from './domains/settings'
import type { SubscribersCommands, SubscribersEvents } from './domains/subscribers'
import type { IpcResult } from './result'
import { appCommandNames } from './domains/app'
import { backupCommandNames } from './domains/backup'
import { checkoutCommandNames, checkoutEventNames } from './domains/checkout'
import { directoryCommandNames } from './domains/directory'
import { displayCommandNames } from './domains/display'
import { engineCommandNames, engineEventNames } from './domains/engine'
import { identityCommandNames } from './domains/identity'
import { receiptsCommandNames, receiptsEventNames } from './domains/receipts'
import { requestsCommandNames, requestsEventNames } from './domains/requests'
import { sessionCommandNames, sessionEventNames } from './domains/session'
import { settingsCommandNames, settingsEventNames } from './domains/settings'
import { subscribersCommandNames, subscribersEventNames } from './domains/subscribers'

export type Commands = AppCommands &
  SessionCommands &
  IdentityCommands &
  SettingsCommands &
  BackupCommands &
  EngineCommands &
  CheckoutCommands &
  ReceiptsCommands &
  RequestsCommands &
  SubscribersCommands &
  DirectoryCommands &
  DisplayCommands
export type Events = SessionEvents &
  SettingsEvents &
  EngineEvents &
  CheckoutEvents &
  ReceiptsEvents &
  RequestsEvents &
  SubscribersEvents

export type CommandName = keyof Commands & string
export type EventName = keyof Events & string
export type CommandRequest<K extends CommandName> = Commands[K]['req']
export type CommandResponse<K extends CommandName> = Commands[K]['res']
export type EventPayload<E extends EventName> = Events[E]

const commandNameSet = {
  ...appCommandNames,
  ...sessionCommandNames,
  ...identityCommandNames,
  ...settingsCommandNames,
  ...backupCommandNames,
  ...engineCommandNames,
  ...checkoutCommandNames,
  ...receiptsCommandNames,
  ...requestsCommandNames,
  ...subscribersCommandNames,
  ...directoryCommandNames,
  ...displayCommandNames,
} as const satisfies Record<CommandName, true>

const eventNameSet = {
  ...sessionEventNames,
  ...settingsEventNames,
  ...engineEventNames,
  ...checkoutEventNames,
  ...receiptsEventNames,
  ...requestsEventNames,
  ...subscribersEventNames,
} as const satisfies Record<EventName, true>

/** Every registered command, in a stable order; the preload builds one invoker per entry. */
export const COMMAND_NAMES = Object.freeze(Object.keys(commandNameSet) as CommandName[])
/** Every main → renderer event. */
export const EVENT_NAMES = Object.freeze(Object.keys(eventNameSet) as EventName[])

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
