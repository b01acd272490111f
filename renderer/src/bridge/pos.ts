/**
 * @module bridge/pos
 * The only module that touches `window.pos` (exposed by the Electron preload, or by the browser-mode
 * client script). Calls never throw: a missing bridge or a transport failure comes back as an
 * error envelope, so a view can always show a message instead of breaking.
 */
import type {
  CommandName,
  CommandRequest,
  CommandResponse,
  EventName,
  EventPayload,
  PosApi,
} from '@shared/ipc/contract'
import type { IpcResult } from '@shared/ipc/result'

declare global {
  interface Window {
    pos?: PosApi
  }
}

const noBridge = {
  ok: false as const,
  error: { code: 'unavailable' as const, message: 'The app is not connected to its main process.' },
}

export function hasBridge(): boolean {
  return typeof window !== 'undefined' && typeof window.pos === 'object' && window.pos !== null
}

function isEnvelope(value: unknown): value is IpcResult<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean'
}

async function invokeRaw(name: string, request: unknown): Promise<IpcResult<unknown>> {
  const api = window.pos as unknown as Record<string, unknown> | undefined
  const fn = api?.[name]
  if (typeof fn !== 'function') return noBridge
  try {
    const result: unknown = await (fn as (r: unknown) => Promise<unknown>)(request)
    if (!isEnvelope(result)) {
      return {
        ok: false,
        error: { code: 'internal', message: 'The main process answered in an unexpected form.' },
      }
    }
    return result
  } catch (e) {
    return {
      ok: false,
      error: { code: 'internal', message: `The request could not be delivered: ${(e as Error).message}` },
    }
  }
}

/** Calls a contract command. */
export function call<K extends CommandName>(
  name: K,
  request: CommandRequest<K>,
): Promise<IpcResult<CommandResponse<K>>> {
  return invokeRaw(name, request) as Promise<IpcResult<CommandResponse<K>>>
}

/** Subscribes to a main → renderer event; returns the unsubscribe function (a no-op without a bridge). */
export function onEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  if (!hasBridge()) return () => undefined
  try {
    return window.pos!.on(event, listener)
  } catch {
    return () => undefined
  }
}
