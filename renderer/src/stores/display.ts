/** The customer-facing display: its mode and link (owner only; the link carries the display token). */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { DisplayInfo } from '@shared/domain/display'
import type { CustomerDisplayMode } from '@shared/domain/settings'
import type { IpcError } from '@shared/ipc/errors'
import { call } from '../bridge/pos'

export const useDisplayStore = defineStore('displayStore', () => {
  const info = ref<DisplayInfo | null>(null)
  const error = ref<IpcError | null>(null)
  const saving = ref(false)

  async function hydrate(): Promise<void> {
    const result = await call('display:info', {})
    if (result.ok) {
      info.value = result.value
      error.value = null
    } else error.value = result.error
  }

  async function setMode(mode: CustomerDisplayMode): Promise<boolean> {
    saving.value = true
    try {
      const result = await call('display:set-mode', { mode })
      if (result.ok) {
        info.value = result.value
        error.value = null
        return true
      }
      error.value = result.error
      return false
    } finally {
      saving.value = false
    }
  }

  return { info, error, saving, hydrate, setMode }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDisplayStore, import.meta.hot))
