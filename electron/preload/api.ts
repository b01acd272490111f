/**
 * Builds the `window.pos` object from the contract's key lists over an abstract transport, so the
 * Electron preload and its tests share one implementation. Unknown events are refused (a typo
 * would otherwise subscribe to nothing, silently).
 */
import type { CommandName, EventName, PosApi } from '../../shared/ipc/contract'

export type PreloadTransport = {
  invoke(channel: string, request: unknown): Promise<unknown>
  subscribe(channel: string, listener: (payload: unknown) => void): () => void
}

export function buildPosApi(
  commands: readonly CommandName[],
  events: readonly EventName[],
  transport: PreloadTransport,
): PosApi {
  const api: Record<string, unknown> = {}
  for (const name of commands) {
    api[name] = (request: unknown) => transport.invoke(name, request)
  }
  api['on'] = (event: string, listener: (payload: unknown) => void) => {
    if (!(events as readonly string[]).includes(event)) throw new Error(`Unknown event "${String(event)}"`)
    if (typeof listener !== 'function') throw new Error('on(event, listener): listener must be a function')
    return transport.subscribe(event, listener)
  }
  return Object.freeze(api) as PosApi
}
