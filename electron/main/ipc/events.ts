/**
 * @module ipc/events
 * Typed main → renderer events. Services emit into the bus; each shell subscribes its transport
 * (Electron: `webContents.send` to the main window; browser mode: the WebSocket). No electron
 * import here, so services and browser mode use it under plain Node.
 */
import type { EventName, EventPayload } from '../../../shared/ipc/contract'

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void
export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

export class EventBus {
  private readonly listeners = new Set<EventListener>()

  readonly emit: Emit = (event, payload) => {
    for (const listener of this.listeners) {
      try {
        listener(event, payload)
      } catch (e) {
        // One broken transport (a closed socket) must not stop the others.
        console.warn(`[events] listener failed for ${event}: ${(e as Error).message}`)
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get size(): number {
    return this.listeners.size
  }
}
