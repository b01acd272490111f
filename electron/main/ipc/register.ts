/**
 * @module ipc/register
 * The only module that touches `ipcMain`. One `handle` per contract command; each call first checks
 * that it comes from the top frame of our window showing app://pos (Electron checklist item 17),
 * then hands the request to the shared dispatcher (schema, access policy, handler, envelope).
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron'
import { COMMAND_NAMES } from '../../../shared/ipc/contract'
import type { IpcResult } from '../../../shared/ipc/result'
import type { Logger } from '../platform/logger'
import { isAppUrl } from '../app/protocol'
import type { Dispatch } from './dispatch'

export const FORBIDDEN_SENDER: IpcResult<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This request did not come from the Paykit POS window.' },
}

/**
 * True when the invoke came from the main frame of one of `trustedContentsIds` and that frame shows
 * our app:// page. A subframe, another window or a navigated-away page is refused.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, trustedContentsIds: ReadonlySet<number>): boolean {
  const frame = event.senderFrame
  if (!frame) return false
  if (!trustedContentsIds.has(event.sender.id)) return false
  if (frame.parent !== null) return false
  return isAppUrl(frame.url)
}

/** Registers every command; returns the function that removes them (for ordered shutdown). */
export function registerIpc(
  dispatch: Dispatch,
  opts: { trustedContentsIds: () => ReadonlySet<number>; log: Logger },
): () => void {
  for (const command of COMMAND_NAMES) {
    ipcMain.handle(command, async (event, request: unknown) => {
      if (!isTrustedSender(event, opts.trustedContentsIds())) {
        opts.log.warn('ipc: refused a request from an untrusted sender', {
          command,
          url: event.senderFrame?.url.slice(0, 80) ?? 'none',
        })
        return FORBIDDEN_SENDER
      }
      // The checked sender travels with the call (save as PDF prints this window's page).
      return dispatch(command, request, { sender: event.sender })
    })
  }
  return () => {
    for (const command of COMMAND_NAMES) ipcMain.removeHandler(command)
  }
}
