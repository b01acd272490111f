/** App info: shell, version, secret-store kind and its warning, PIN rule. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '@shared/domain/session'
import type { IpcError } from '@shared/ipc/errors'
import { call } from '../bridge/pos'

export const useAppStore = defineStore('appStore', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<IpcError | null>(null)

  async function hydrate(): Promise<void> {
    const result = await call('app:info', {})
    if (result.ok) {
      info.value = result.value
      error.value = null
    } else {
      error.value = result.error
    }
  }

  function $reset(): void {
    info.value = null
    error.value = null
  }

  return { info, error, hydrate, $reset }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAppStore, import.meta.hot))
