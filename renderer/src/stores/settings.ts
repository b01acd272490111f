/**
 * Merchant settings, cashier mode, PIN change and encrypted exports; on a Ring-linked till whose
 * session expired, pairing with Pubky Ring again.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { EncryptedFile, RingApproval, RingPairing } from '@shared/domain/session'
import type { Settings, SettingsPatch } from '@shared/domain/settings'
import type { IpcError } from '@shared/ipc/errors'
import { call, onEvent } from '../bridge/pos'
import { useSessionStore } from './session'

export const useSettingsStore = defineStore('settingsStore', () => {
  const settings = ref<Settings | null>(null)
  const error = ref<IpcError | null>(null)
  const saving = ref(false)
  const relinkPairing = ref<RingPairing | null>(null)
  const relinkApproval = ref<RingApproval | null>(null)
  const relinkError = ref<IpcError | null>(null)
  const relinkBusy = ref(false)

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

  /** "Pair again": a new QR code for Pubky Ring; the approval is awaited in the background. */
  async function relinkStart(): Promise<boolean> {
    await relinkCancel()
    relinkError.value = null
    relinkBusy.value = true
    try {
      const result = await call('identity:ring-relink', {})
      if (!result.ok) {
        relinkError.value = result.error
        return false
      }
      relinkPairing.value = result.value
      void relinkWait(result.value.pairingId)
      return true
    } finally {
      relinkBusy.value = false
    }
  }

  async function relinkWait(pairingId: string): Promise<void> {
    const result = await call('identity:ring-wait', { pairingId })
    if (relinkPairing.value?.pairingId !== pairingId) return
    if (result.ok) relinkApproval.value = result.value
    else {
      relinkPairing.value = null
      relinkError.value = result.error
    }
  }

  /** After the phone approved: the PIN keeps the renewed session, and the engine restarts with it. */
  async function relinkFinish(pin: string): Promise<boolean> {
    const p = relinkPairing.value
    if (!p || !relinkApproval.value) return false
    relinkBusy.value = true
    try {
      const result = await call('identity:ring-relink-finish', { pairingId: p.pairingId, pin })
      if (!result.ok) {
        relinkError.value = result.error
        return false
      }
      useSessionStore().apply(result.value)
      relinkPairing.value = null
      relinkApproval.value = null
      relinkError.value = null
      return true
    } finally {
      relinkBusy.value = false
    }
  }

  async function relinkCancel(): Promise<void> {
    const open = relinkPairing.value
    relinkPairing.value = null
    relinkApproval.value = null
    if (open) await call('identity:ring-cancel', { pairingId: open.pairingId })
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
    void relinkCancel()
    relinkError.value = null
    relinkBusy.value = false
  }

  return {
    settings,
    error,
    saving,
    relinkPairing,
    relinkApproval,
    relinkError,
    relinkBusy,
    relinkStart,
    relinkFinish,
    relinkCancel,
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
