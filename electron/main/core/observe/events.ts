/**
 * @module observe/events
 * A typed event bus: the engine emits, the IPC layer forwards to the renderer. Listener errors are
 * isolated (one bad subscriber cannot stop a payment from being recorded or other subscribers from
 * hearing about it) and reported to `onListenerError`.
 */
export type EventMap = Record<string, unknown>
export type Listener<T> = (payload: T) => void

export class EventBus<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<Listener<never>>>()
  private readonly onListenerError: (event: keyof E, error: unknown) => void

  constructor(onListenerError: (event: keyof E, error: unknown) => void = () => {}) {
    this.onListenerError = onListenerError
  }

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener as Listener<never>)
    return () => {
      set.delete(listener as Listener<never>)
    }
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.listeners.get(event)
    if (!set) return
    for (const l of [...set]) {
      try {
        ;(l as Listener<E[K]>)(payload)
      } catch (e) {
        this.onListenerError(event, e)
      }
    }
  }

  listenerCount(event: keyof E): number {
    return this.listeners.get(event)?.size ?? 0
  }
}
