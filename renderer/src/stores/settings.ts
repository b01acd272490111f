/** Merchant settings, cashier mode, PIN change and encrypted exports. */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { EncryptedFile } from '@shared/domain/session'
import type { Settings, SettingsPatch } from '@shared/domain/settings'
import type { IpcError } from '@shared/ipc/errors'
import { call, onEvent } from '../bridge/pos'

export const useSettingsStore = defineStore('settingsStore', () => {
  const settings = ref<Settings | null>(null)
  const error = ref<IpcError | null>(null)
  const saving = ref(false)

  async function hydrate(): Promise<void> {
    const result = await call('settings:get', {})
    if (result.ok) {
      settings.value = result.value
      error.value = null
    } else {
      error.value = result.error
    }
  }

  /** Optimistic: shows the change at once and rolls back if main refuses it. */
  async function update(patch: SettingsPatch): Promise<boolean> {
    const before = settings.value
    if (before) settings.value = { ...before, ...patch }
    saving.value = true
    try {
      const result = await call('settings:update', patch)
      if (result.ok) {
        settings.value = result.value
        error.value = null
        return true
      }
      settings.value = before
      error.value = result.error
      return false
    } finally {
      saving.value = false
    }
  }

  async function setCashierMode(enabled: boolean, pin = ''): Promise<boolean> {
    const result = await call('settings:set-cashier-mode', { enabled, pin })
    if (result.ok) {
      settings.value = result.value
      error.value = null
      return true
    }
    error.value = result.error
    return false
  }

  async function changePin(currentPin: string, newPin: string): Promise<boolean> {
    const result = await call('settings:change-pin', { currentPin, newPin })
    if (!result.ok) error.value = result.error
    else error.value = null
    return result.ok
  }

  async function exportRecoveryFile(pin: string, passphrase: string): Promise<EncryptedFile | null> {
    const result = await call('identity:export-recovery-file', { pin, passphrase })
    if (result.ok) return result.value
    error.value = result.error
    return null
  }

  async function exportBackup(pin: string, passphrase: string): Promise<EncryptedFile | null> {
    const result = await call('backup:export', { pin, passphrase })
    if (result.ok) return result.value
    error.value = result.error
    return null
  }

  function listen(): () => void {
    return onEvent('settings:changed', (next) => {
      settings.value = next
    })
  }

  function $reset(): void {
    settings.value = null
    error.value = null
    saving.value = false
  }

  return {
    settings,
    error,
    saving,
    hydrate,
    update,
    setCashierMode,
    changePin,
    exportRecoveryFile,
    exportBackup,
    listen,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSettingsStore, import.meta.hot))
