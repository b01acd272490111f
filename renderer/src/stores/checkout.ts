/**
 * Checkout at the counter: keypad entry in minor units (a cash-register keypad: digits push in from
 * the right), tip, then a payment QR with a countdown until the engine reports PAID or expiry.
 * Starting a payment needs the payment engine; while it starts, `charge` ends in the `unavailable`
 * error and the screen says so. Expired, failed and cancelled checkouts each have their own state.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CheckoutPaid, CheckoutSession } from '@shared/domain/checkout'
import { MAX_MINOR, tipForPercent, type CurrencyCode } from '@shared/domain/money'
import type { IpcError } from '@shared/ipc/errors'
import { call, onEvent } from '../bridge/pos'

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '00' | 'back' | 'clear'
export type CheckoutPhase = 'entry' | 'starting' | 'awaiting' | 'paid' | 'expired' | 'cancelled'
export type Tip = { kind: 'none' } | { kind: 'percent'; percent: number } | { kind: 'custom'; minor: number }

export const useCheckoutStore = defineStore('checkoutStore', () => {
  const amountMinor = ref(0)
  const currency = ref<CurrencyCode>('SAT')
  const tip = ref<Tip>({ kind: 'none' })
  const memo = ref('')
  const phase = ref<CheckoutPhase>('entry')
  const session = ref<CheckoutSession | null>(null)
  const paid = ref<CheckoutPaid | null>(null)
  const error = ref<IpcError | null>(null)
  const receivedSats = ref(0)

  const tipMinor = computed(() => {
    const t = tip.value
    if (t.kind === 'percent') return tipForPercent(amountMinor.value, t.percent)
    if (t.kind === 'custom') return t.minor
    return 0
  })
  const totalMinor = computed(() => amountMinor.value + tipMinor.value)
  const canCharge = computed(
    () => phase.value === 'entry' && amountMinor.value > 0 && totalMinor.value <= MAX_MINOR,
  )

  function press(key: KeypadKey): void {
    if (phase.value !== 'entry') return
    error.value = null
    if (key === 'clear') {
      amountMinor.value = 0
      return
    }
    if (key === 'back') {
      amountMinor.value = Math.floor(amountMinor.value / 10)
      return
    }
    const next = amountMinor.value * 10 ** key.length + Number(key)
    if (next <= MAX_MINOR) amountMinor.value = next
  }

  function setTip(next: Tip): void {
    if (
      next.kind === 'custom' &&
      (!Number.isSafeInteger(next.minor) || next.minor < 0 || next.minor > MAX_MINOR)
    )
      return
    if (
      next.kind === 'percent' &&
      (!Number.isInteger(next.percent) || next.percent < 0 || next.percent > 100)
    )
      return
    tip.value = next
  }

  async function charge(): Promise<boolean> {
    if (!canCharge.value) return false
    phase.value = 'starting'
    error.value = null
    const result = await call('checkout:start', {
      amountMinor: amountMinor.value,
      tipMinor: tipMinor.value,
      currency: currency.value,
      memo: memo.value,
    })
    if (!result.ok) {
      phase.value = 'entry'
      error.value = result.error
      return false
    }
    session.value = result.value
    receivedSats.value = 0
    phase.value = 'awaiting'
    return true
  }

  /** Cancels the open checkout; a payment that lands first wins (PAID), and a failure is shown. */
  async function cancel(): Promise<void> {
    const s = session.value
    if (s && phase.value === 'awaiting') {
      const result = await call('checkout:cancel', { checkoutId: s.checkoutId })
      if (!result.ok) {
        // Already paid or closed: the event (or the state) tells what happened.
        error.value = result.error
        const state = await call('checkout:get', { checkoutId: s.checkoutId })
        if (state.ok && state.value.state === 'paid') return
      }
    }
    session.value = null
    phase.value = 'entry'
  }

  /** Another state reported by the engine for the open checkout (partial payment, cancelled elsewhere). */
  function markChanged(p: { checkoutId: string; state: string; receivedSats: number }): void {
    if (session.value?.checkoutId !== p.checkoutId) return
    receivedSats.value = p.receivedSats
    if (p.state === 'cancelled' && phase.value === 'awaiting') phase.value = 'cancelled'
    if (p.state === 'expired' && phase.value === 'awaiting') phase.value = 'expired'
  }

  function markPaid(payload: CheckoutPaid): void {
    if (session.value?.checkoutId !== payload.checkoutId) return
    paid.value = payload
    phase.value = 'paid'
  }

  function markExpired(checkoutId: string): void {
    if (session.value?.checkoutId !== checkoutId || phase.value !== 'awaiting') return
    phase.value = 'expired'
  }

  function newSale(): void {
    amountMinor.value = 0
    tip.value = { kind: 'none' }
    memo.value = ''
    session.value = null
    paid.value = null
    error.value = null
    receivedSats.value = 0
    phase.value = 'entry'
  }

  function listen(): () => void {
    const offs = [
      onEvent('checkout:paid', markPaid),
      onEvent('checkout:expired', (p) => markExpired(p.checkoutId)),
      onEvent('checkout:changed', markChanged),
    ]
    return () => offs.forEach((off) => off())
  }

  function $reset(): void {
    newSale()
    currency.value = 'SAT'
  }

  return {
    amountMinor,
    currency,
    tip,
    memo,
    phase,
    session,
    paid,
    error,
    receivedSats,
    tipMinor,
    totalMinor,
    canCharge,
    press,
    setTip,
    charge,
    cancel,
    markPaid,
    markExpired,
    markChanged,
    newSale,
    listen,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCheckoutStore, import.meta.hot))
