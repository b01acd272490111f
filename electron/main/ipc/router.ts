/**
 * @module ipc/router
 * Command name → handler, for every command of the contract. `Router` is a mapped type over the
 * contract keys and each domain's handler map is checked with `satisfies`, so a missing, extra or
 * misspelt handler, or one with the wrong request/response type, fails `tsc`.
 */
import type { CommandName, CommandRequest, CommandResponse } from '../../../shared/ipc/contract'
import type { AppServices } from '../app/services/app-services'
import type { PrintableContents } from '../app/pdf-export'
import { appHandlers } from './handlers/app'
import { backupHandlers } from './handlers/backup'
import { displayHandlers } from './handlers/display'
import {
  checkoutHandlers,
  directoryHandlers,
  engineHandlers,
  receiptsHandlers,
  requestsHandlers,
  subscribersHandlers,
} from './handlers/engine'
import { identityHandlers } from './handlers/identity'
import { sessionHandlers } from './handlers/session'
import { settingsHandlers } from './handlers/settings'

/**
 * Who asked, for the few commands that act on the asking window itself (save as PDF prints the
 * sender's page). `sender` is the Electron window's contents that passed the sender check in
 * register.ts; null in browser mode, where no window of ours exists.
 */
export type InvokeContext = { readonly sender: PrintableContents | null }

export type Handler<K extends CommandName> = (
  req: CommandRequest<K>,
  ctx: InvokeContext,
) => Promise<CommandResponse<K>>
export type Router = { readonly [K in CommandName]: Handler<K> }
/** The handlers of one domain's commands. */
export type HandlersFor<Names extends CommandName> = { readonly [K in Names]: Handler<K> }

export function createRouter(services: AppServices): Router {
  return {
    ...appHandlers(services),
    ...sessionHandlers(services),
    ...identityHandlers(services),
    ...settingsHandlers(services),
    ...backupHandlers(services),
    ...engineHandlers(services),
    ...checkoutHandlers(services),
    ...receiptsHandlers(services),
    ...requestsHandlers(services),
    ...subscribersHandlers(services),
    ...directoryHandlers(services),
    ...displayHandlers(services),
  } satisfies Router
}
