/**
 * @module ipc/forward
 * Sends bus events to a window's renderer (the preload's `on` receives them). Payloads are plain
 * JSON-safe DTOs from the contract.
 */
import type { EventBus } from './events'

export type EventTarget = { send(channel: string, payload: unknown): void; isDestroyed(): boolean }

export function forwardEvents(bus: EventBus, target: EventTarget): () => void {
  return bus.subscribe((event, payload) => {
    if (!target.isDestroyed()) target.send(event, payload)
  })
}
