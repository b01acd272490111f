import { onBeforeUnmount, onMounted } from 'vue'
import { useEngineStore } from '../stores/engine'

/**
 * An engine-backed view's lifecycle: subscribe to its store's events while mounted, and load once
 * on mount if the engine is already running (otherwise EngineGate loads when it becomes ready).
 */
export function useLiveView(listen: () => () => void, load: () => Promise<unknown>): void {
  const engine = useEngineStore()
  let stop: () => void = () => undefined
  onMounted(() => {
    stop = listen()
    if (engine.running) void load()
  })
  onBeforeUnmount(() => stop())
}
