/**
 * A fake `window.pos` for renderer tests: the bridge is the renderer's boundary (the main process
 * does not run in jsdom). Each command answers from a table; calls and subscriptions are recorded.
 */
import { COMMAND_NAMES } from '@shared/ipc/contract'
import type { IpcResult } from '@shared/ipc/result'

export type Answer = (request: unknown) => IpcResult<unknown> | Promise<IpcResult<unknown>>

export function installFakePos(answers: Record<string, Answer>, extra: Record<string, Answer> = {}) {
  const calls: { command: string; request: unknown }[] = []
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const api: Record<string, unknown> = {}
  for (const name of [...COMMAND_NAMES, ...Object.keys(extra)]) {
    api[name] = async (request: unknown) => {
      calls.push({ command: name, request })
      const answer = answers[name] ?? extra[name]
      if (!answer) return { ok: false, error: { code: 'internal', message: `no fake answer for ${name}` } }
      return answer(request)
    }
  }
  api['on'] = (event: string, listener: (p: unknown) => void) => {
    if (!listeners.has(event)) listeners.set(event, new Set())
    listeners.get(event)!.add(listener)
    return () => listeners.get(event)!.delete(listener)
  }
  ;(window as unknown as { pos: unknown }).pos = api
  return {
    calls,
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    uninstall: () => delete (window as unknown as { pos?: unknown }).pos,
  }
}

export const ok = <T>(value: T) => ({ ok: true as const, value })
export const fail = (code: string, message = code) =>
  ({ ok: false as const, error: { code, message } }) as IpcResult<never>
