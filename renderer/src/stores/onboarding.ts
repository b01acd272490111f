/**
 * Onboarding: create an identity (show the phrase, confirm words), or import one by phrase,
 * recovery file or backup; then the homeserver and the PIN. The phrase is held only while the
 * "write it down" step is on screen and is cleared as soon as it is confirmed or abandoned.
 *
 * Or sign in with Pubky Ring: homeserver → a `pubkyauth://` QR the phone scans (the `ring` step
 * waits for its approval) → the PIN. The key stays on the phone; nothing secret reaches this side.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  HomeserverChoice,
  IdentityDraft,
  RingApproval,
  RingPairing,
  SessionState,
} from '@shared/domain/session'
import type { IpcError } from '@shared/ipc/errors'
import type { IpcResult } from '@shared/ipc/result'
import { call } from '../bridge/pos'
import { useSessionStore } from './session'

export type OnboardingMode = 'create' | 'import-phrase' | 'import-file' | 'restore' | 'ring'
export type OnboardingStep =
  'welcome' | 'phrase' | 'confirm' | 'import' | 'homeserver' | 'ring' | 'pin' | 'done'

export const useOnboardingStore = defineStore('onboardingStore', () => {
  const step = ref<OnboardingStep>('welcome')
  const mode = ref<OnboardingMode>('create')
  const draft = ref<IdentityDraft | null>(null)
  const confirmations = ref<string[]>([])
  const homeserver = ref<HomeserverChoice>({ kind: 'embedded' })
  const error = ref<IpcError | null>(null)
  const busy = ref(false)
  /** The open Pubky Ring pairing (its QR URL) and, once the phone approved, the shop's key. */
  const ringPairing = ref<RingPairing | null>(null)
  const ringApproval = ref<RingApproval | null>(null)

  function clearDraft(): void {
    draft.value = null
    confirmations.value = []
  }

  async function startCreate(): Promise<void> {
    mode.value = 'create'
    error.value = null
    busy.value = true
    try {
      const result = await call('identity:draft', {})
      if (!result.ok) {
        error.value = result.error
        return
      }
      draft.value = result.value
      confirmations.value = result.value.confirmPositions.map(() => '')
      step.value = 'phrase'
    } finally {
      busy.value = false
    }
  }

  /** "Sign in with Pubky Ring": choose the homeserver first, then the QR code. */
  function startRing(): void {
    clearDraft()
    mode.value = 'ring'
    error.value = null
    ringApproval.value = null
    step.value = 'homeserver'
  }

  /** Opens a pairing (a fresh QR code) and waits for Pubky Ring's approval in the background. */
  async function openRing(): Promise<boolean> {
    await dropRing()
    error.value = null
    busy.value = true
    step.value = 'ring'
    try {
      const result = await call('identity:ring-start', { homeserver: homeserver.value })
      if (!result.ok) {
        error.value = result.error
        return false
      }
      ringPairing.value = result.value
      void waitRing(result.value.pairingId)
      return true
    } finally {
      busy.value = false
    }
  }

  /** Resolves when the phone answers; a stale answer (cancelled or replaced pairing) is ignored. */
  async function waitRing(pairingId: string): Promise<void> {
    const result = await call('identity:ring-wait', { pairingId })
    if (ringPairing.value?.pairingId !== pairingId) return
    if (!result.ok) {
      ringPairing.value = null
      error.value = result.error
      return
    }
    ringApproval.value = result.value
    error.value = null
    step.value = 'pin'
  }

  async function dropRing(): Promise<void> {
    const open = ringPairing.value
    ringPairing.value = null
    ringApproval.value = null
    if (open) await call('identity:ring-cancel', { pairingId: open.pairingId })
  }

  /** Stops waiting for Pubky Ring and goes back to the start. */
  async function cancelRing(): Promise<void> {
    await dropRing()
    goTo('welcome')
  }

  function finishRing(pin: string): Promise<boolean> {
    const p = ringPairing.value
    if (!p || !ringApproval.value) {
      error.value = { code: 'not-found', message: 'Start again: Pubky Ring has not approved a pairing yet.' }
      return Promise.resolve(false)
    }
    return finish(() => call('identity:ring-finish', { pairingId: p.pairingId, pin })).then((ok) => {
      if (ok) ringPairing.value = null
      return ok
    })
  }

  function startImport(kind: Exclude<OnboardingMode, 'create' | 'ring'>): void {
    clearDraft()
    mode.value = kind
    error.value = null
    step.value = 'import'
  }

  function goTo(next: OnboardingStep): void {
    error.value = null
    step.value = next
  }

  /** Checks the typed words locally first (the main process checks again) to explain mismatches early. */
  function confirmWords(): boolean {
    const d = draft.value
    if (!d) return false
    for (const [i, pos] of d.confirmPositions.entries()) {
      const typed = (confirmations.value[i] ?? '').trim().toLowerCase()
      if (typed !== d.words[pos - 1]) {
        error.value = {
          code: 'invalid-input',
          message: `Word #${pos} does not match. Check your written copy.`,
        }
        return false
      }
    }
    error.value = null
    step.value = 'homeserver'
    return true
  }

  async function finish(run: () => Promise<IpcResult<SessionState>>): Promise<boolean> {
    busy.value = true
    error.value = null
    try {
      const result = await run()
      if (!result.ok) {
        error.value = result.error
        return false
      }
      useSessionStore().apply(result.value)
      clearDraft()
      step.value = 'done'
      return true
    } finally {
      busy.value = false
    }
  }

  function create(pin: string): Promise<boolean> {
    const d = draft.value
    if (!d) {
      error.value = { code: 'not-found', message: 'Start again: no recovery phrase is on offer.' }
      return Promise.resolve(false)
    }
    return finish(() =>
      call('identity:create', {
        draftId: d.draftId,
        confirmations: [...confirmations.value],
        pin,
        homeserver: homeserver.value,
      }),
    )
  }

  function importPhrase(phrase: string, passphrase: string, pin: string): Promise<boolean> {
    return finish(() =>
      call('identity:import-phrase', { phrase, passphrase, pin, homeserver: homeserver.value }),
    )
  }

  function importFile(fileBase64: string, filePassphrase: string, pin: string): Promise<boolean> {
    return finish(() =>
      call('identity:import-file', { fileBase64, filePassphrase, pin, homeserver: homeserver.value }),
    )
  }

  function restore(fileBase64: string, passphrase: string, pin: string): Promise<boolean> {
    return finish(() => call('backup:restore', { fileBase64, passphrase, pin }))
  }

  function $reset(): void {
    clearDraft()
    // Leaving the screen mid-pairing closes it in main too (its worker and relay wait).
    void dropRing()
    step.value = 'welcome'
    mode.value = 'create'
    homeserver.value = { kind: 'embedded' }
    error.value = null
    busy.value = false
  }

  return {
    step,
    mode,
    draft,
    confirmations,
    homeserver,
    error,
    busy,
    ringPairing,
    ringApproval,
    startCreate,
    startRing,
    openRing,
    cancelRing,
    finishRing,
    startImport,
    goTo,
    confirmWords,
    create,
    importPhrase,
    importFile,
    restore,
    clearDraft,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useOnboardingStore, import.meta.hot))
