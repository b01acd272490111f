/**
 * The payment engine as the UI sees it: running or not, the shop's public identity, the Noise
 * listener and the published payment methods (add/remove with the engine's verdict shown inline).
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type {
  EngineIdentityInfo,
  EngineStatus,
  ListenerInfo,
  MethodInput,
  PaymentMethodRow,
} from '@shared/domain/engine'
import type { IpcError } from '@shared/ipc/errors'
import { call, onEvent } from '../bridge/pos'

export const useEngineStore = defineStore('engineStore', () => {
  const status = ref<EngineStatus>({ state: 'stopped', problem: null })
  const identity = ref<EngineIdentityInfo | null>(null)
  const listener = ref<ListenerInfo | null>(null)
  const methods = ref<PaymentMethodRow[]>([])
  const error = ref<IpcError | null>(null)
  /** The engine's refusal of the last method added, per method id (shown beside its field). */
  const methodErrors = ref<Record<string, string>>({})
  const busy = ref(false)

  const running = computed(() => status.value.state === 'running')

  async function refreshStatus(): Promise<void> {
    const r = await call('engine:status', {})
    if (r.ok) status.value = r.value
  }

  /** Loads identity, listener and methods once the engine runs. */
  async function hydrate(): Promise<void> {
    await refreshStatus()
    if (!running.value) return
    const [id, li, me] = await Promise.all([
      call('engine:identity', {}),
      call('engine:listener', {}),
      call('directory:methods', {}),
    ])
    if (id.ok) identity.value = id.value
    if (li.ok) listener.value = li.value
    if (me.ok) methods.value = me.value
    const failed = [id, li, me].find((r) => !r.ok)
    error.value = failed && !failed.ok ? failed.error : null
  }

  /** Publishes one method; false with `methodErrors[methodId]` set when the engine refuses it. */
  async function addMethod(input: MethodInput): Promise<boolean> {
    busy.value = true
    try {
      const r = await call('directory:add-method', input)
      const { [input.methodId]: _dropped, ...rest } = methodErrors.value
      if (r.ok) {
        methods.value = r.value
        methodErrors.value = rest
        return true
      }
      methodErrors.value = { ...rest, [input.methodId]: r.error.message }
      return false
    } finally {
      busy.value = false
    }
  }

  async function removeMethod(methodId: string): Promise<boolean> {
    const r = await call('directory:remove-method', { methodId })
    if (r.ok) methods.value = r.value
    else error.value = r.error
    return r.ok
  }

  /** Restarts the engine with a watch-only key; false with `methodErrors.watch` when refused. */
  async function setWatchOnly(key: string): Promise<boolean> {
    busy.value = true
    try {
      const r = await call('directory:set-watch-only', { key })
      const { watch: _dropped, ...rest } = methodErrors.value
      if (r.ok) {
        methods.value = r.value
        methodErrors.value = rest
        return true
      }
      methodErrors.value = { ...rest, watch: r.error.message }
      return false
    } finally {
      busy.value = false
    }
  }

  function listen(): () => void {
    return onEvent('engine:status', (s) => {
      status.value = s
      if (s.state === 'running') void hydrate()
    })
  }

  function $reset(): void {
    identity.value = null
    listener.value = null
    methods.value = []
    error.value = null
    methodErrors.value = {}
    busy.value = false
  }

  return {
    status,
    identity,
    listener,
    methods,
    error,
    methodErrors,
    busy,
    running,
    refreshStatus,
    hydrate,
    addMethod,
    removeMethod,
    setWatchOnly,
    listen,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEngineStore, import.meta.hot))
