/** The app lock and the merchant identity summary (public key only). */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { SessionState } from '@shared/domain/session'
import type { IpcError } from '@shared/ipc/errors'
import { call, onEvent } from '../bridge/pos'

/** Activity is reported at most this often (the idle timer in main counts minutes). */
export const ACTIVITY_THROTTLE_MS = 15_000

export const useSessionStore = defineStore('sessionStore', () => {
  const state = ref<SessionState | null>(null)
  const error = ref<IpcError | null>(null)
  const busy = ref(false)
  const lastActivityReport = ref(0)

  const hasIdentity = computed(() => state.value?.identity != null)
  const locked = computed(() => state.value?.locked ?? true)
  const cashierMode = computed(() => state.value?.cashierMode ?? false)
  const identity = computed(() => state.value?.identity ?? null)
  /** A Ring-linked till: the shop's key stays in Pubky Ring on the owner's phone. */
  const ringLinked = computed(() => state.value?.identityKind === 'ring')
  /** The homeserver forgot the Ring session: payments stop until the till is paired again. */
  const ringExpired = computed(() => state.value?.ringSession === 'expired')

  function apply(next: SessionState): void {
    state.value = next
  }

  async function hydrate(): Promise<void> {
    const result = await call('session:status', {})
    if (result.ok) apply(result.value)
    else error.value = result.error
  }

  /** Resolves true when unlocked; otherwise `error` says why (wrong PIN, rate limit). */
  async function unlock(pin: string): Promise<boolean> {
    busy.value = true
    try {
      const result = await call('session:unlock', { pin })
      if (result.ok) {
        apply(result.value)
        error.value = null
        return true
      }
      error.value = result.error
      return false
    } finally {
      busy.value = false
    }
  }

  async function lock(): Promise<void> {
    const result = await call('session:lock', {})
    if (result.ok) apply(result.value)
    else error.value = result.error
  }

  /** Tells main the person is active, at most once per ACTIVITY_THROTTLE_MS. */
  async function reportActivity(now = Date.now()): Promise<void> {
    if (locked.value || now - lastActivityReport.value < ACTIVITY_THROTTLE_MS) return
    lastActivityReport.value = now
    const result = await call('session:activity', {})
    if (result.ok) apply(result.value)
  }

  /** Follows lock/unlock pushed from main (auto-lock, another view). */
  function listen(): () => void {
    return onEvent('session:changed', apply)
  }

  function $reset(): void {
    state.value = null
    error.value = null
    busy.value = false
    lastActivityReport.value = 0
  }

  return {
    state,
    error,
    busy,
    lastActivityReport,
    hasIdentity,
    locked,
    cashierMode,
    identity,
    ringLinked,
    ringExpired,
    apply,
    hydrate,
    unlock,
    lock,
    reportActivity,
    listen,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSessionStore, import.meta.hot))
