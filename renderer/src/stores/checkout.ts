/**
 * Checkout at the counter: keypad entry in minor units (a cash-register keypad: digits push in from
 * the right), tip, then a payment QR with a countdown until the engine reports PAID or expiry.
 * Starting a payment needs the merchant engine; until it is part of the build, `charge` ends in the
 * `unavailable` error and the screen says so.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CheckoutPaid, CheckoutSession } from '@shared/domain/checkout'
import { MAX_MINOR, tipForPercent, type CurrencyCode } from '@shared/domain/money'
import type { IpcError } from '@shared/ipc/errors'
import { callEngine, onEngineEvent } from '../bridge/pos'

export type KeypadKey = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '00' | 'back' | 'clear'
export type CheckoutPhase = 'entry' | 'starting' | 'awaiting' | 'paid' | 'expired'
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
    const result = await callEngine('checkout:start', {
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
    phase.value = 'awaiting'
    return true
  }

  async function cancel(): Promise<void> {
    const s = session.value
    if (s) await callEngine('checkout:cancel', { checkoutId: s.checkoutId })
    session.value = null
    phase.value = 'entry'
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
    phase.value = 'entry'
  }

  function listen(): () => void {
    const offPaid = onEngineEvent('checkout:paid', markPaid)
    const offExpired = onEngineEvent('checkout:expired', (p) => markExpired(p.checkoutId))
    return () => {
      offPaid()
      offExpired()
    }
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
    tipMinor,
    totalMinor,
    canCharge,
    press,
    setTip,
    charge,
    cancel,
    markPaid,
    markExpired,
    newSale,
    listen,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCheckoutStore, import.meta.hot))
