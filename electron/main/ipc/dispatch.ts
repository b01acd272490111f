/**
 * @module ipc/dispatch
 * The transport-independent half of IPC, shared by the Electron registration (register.ts) and the
 * browser-mode WebSocket: name check → schema parse → access policy → handler → envelope. Errors
 * become `{ ok: false, error: { code, message } }`; failures are logged with the command and the
 * error's cause chain, never the request (which may carry a PIN or a phrase).
 */
import { isCommandName, type CommandName } from '../../../shared/ipc/contract'
import { isErrorCode, type IpcError } from '../../../shared/ipc/errors'
import type { IpcResult } from '../../../shared/ipc/result'
import { requestSchemas } from '../../../shared/schema/requests'
import { firstIssue } from '../../../shared/schema/fields'
import { PaykitError } from '../core/util/errors'
import { describeError, type Logger } from '../platform/logger'
import { COMMAND_ACCESS, checkAccess, type AccessState } from './policy'
import type { InvokeContext, Router } from './router'

/** `ctx` says which window asked (Electron); browser mode leaves it out. */
export type Dispatch = (command: string, request: unknown, ctx?: InvokeContext) => Promise<IpcResult<unknown>>

/** Maps anything thrown by a handler to the wire error. Only our own PaykitErrors keep their message. */
export function toIpcError(e: unknown): IpcError {
  if (e instanceof PaykitError) {
    if (isErrorCode(e.code)) return { code: e.code, message: e.message }
    return { code: 'internal', message: e.message }
  }
  return { code: 'internal', message: 'Something went wrong in the app. Details are in the log.' }
}

export function createDispatcher(deps: { router: Router; access: () => AccessState; log: Logger }): Dispatch {
  return async (command, request, ctx: InvokeContext = { sender: null }) => {
    if (!isCommandName(command)) {
      deps.log.warn('ipc: unknown command refused', { command: String(command).slice(0, 64) })
      return {
        ok: false,
        error: { code: 'invalid-input', message: `Unknown command "${String(command).slice(0, 64)}"` },
      }
    }
    const schema = requestSchemas[command]
    const parsed = schema.safeParse(request)
    if (!parsed.success) {
      const message = firstIssue(parsed.error)
      deps.log.warn('ipc: request failed its schema', { command, problem: message })
      return { ok: false, error: { code: 'invalid-input', message } }
    }
    const denied = checkAccess(COMMAND_ACCESS[command], deps.access())
    if (denied) return { ok: false, error: denied }
    try {
      const handler = deps.router[command] as (req: unknown, ctx: InvokeContext) => Promise<unknown>
      return { ok: true, value: await handler(parsed.data, ctx) }
    } catch (e) {
      const error = toIpcError(e)
      const log = error.code === 'internal' ? deps.log.error : deps.log.warn
      log(`ipc: ${command} failed`, { code: error.code, cause: describeError(e) })
      return { ok: false, error }
    }
  }
}

export type { CommandName }
