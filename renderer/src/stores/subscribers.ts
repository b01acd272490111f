/**
 * Subscribers: the table (status, next charge, last paid, overdue), MRR and churn, proposals,
 * pause/resume/cancel and a billing run with its progress.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type {
  BillingProgress,
  BillingSummary,
  ProposeRequest,
  SubscribersModel,
} from '@shared/domain/checkout'
import type { IpcError } from '@shared/ipc/errors'
import { call, onEvent } from '../bridge/pos'

export const useSubscribersStore = defineStore('subscribersStore', () => {
  const model = ref<SubscribersModel | null>(null)
  const error = ref<IpcError | null>(null)
  const proposeError = ref<IpcError | null>(null)
  const lastProposed = ref<string | null>(null)
  const progress = ref<BillingProgress | null>(null)
  const lastRun = ref<BillingSummary | null>(null)
  const billing = ref(false)
  /** MRR at each load this session (the inline chart's points). */
  const mrrHistory = ref<number[]>([])

  const progressPercent = computed(() => {
    const p = progress.value
    if (!p) return 0
    if (p.finished) return 100
    return p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : 0
  })

  function apply(next: SubscribersModel): void {
    model.value = next
    mrrHistory.value = [...mrrHistory.value, next.mrrSats].slice(-30)
  }

  async function load(): Promise<void> {
    const r = await call('subscribers:view', {})
    if (r.ok) {
      apply(r.value)
      error.value = null
    } else error.value = r.error
  }

  async function propose(req: ProposeRequest): Promise<boolean> {
    const r = await call('subscribers:propose', req)
    if (r.ok) {
      proposeError.value = null
      lastProposed.value = r.value.subscriptionId
      return true
    }
    proposeError.value = r.error
    return false
  }

  async function act(kind: 'pause' | 'resume' | 'cancel', subscriptionId: string): Promise<boolean> {
    const r = await call(`subscribers:${kind}`, { subscriptionId })
    if (r.ok) {
      apply(r.value)
      error.value = null
    } else error.value = r.error
    return r.ok
  }

  const lastSync = ref<{ imported: number; cancelled: number } | null>(null)

  /** Reads subscribers' homeservers now (accepted proposals, cancellations). */
  async function sync(): Promise<boolean> {
    const r = await call('subscribers:sync', {})
    if (r.ok) {
      lastSync.value = { imported: r.value.imported, cancelled: r.value.cancelled }
      apply(r.value.model)
      error.value = null
    } else error.value = r.error
    return r.ok
  }

  async function bill(): Promise<boolean> {
    billing.value = true
    progress.value = { phase: 'starting', done: 0, total: 0, finished: false }
    try {
      const r = await call('subscribers:bill', {})
      if (r.ok) {
        lastRun.value = r.value
        progress.value = { phase: 'complete', done: 1, total: 1, finished: true }
        error.value = null
      } else error.value = r.error
      await load()
      return r.ok
    } finally {
      billing.value = false
    }
  }

  function listen(): () => void {
    const offs = [
      onEvent('billing:progress', (p) => {
        progress.value = p
      }),
      onEvent('subscribers:changed', () => void load()),
    ]
    return () => offs.forEach((off) => off())
  }

  function $reset(): void {
    model.value = null
    error.value = null
    proposeError.value = null
    lastProposed.value = null
    progress.value = null
    lastRun.value = null
    lastSync.value = null
    billing.value = false
    mrrHistory.value = []
  }

  return {
    model,
    error,
    proposeError,
    lastProposed,
    progress,
    lastRun,
    lastSync,
    billing,
    mrrHistory,
    progressPercent,
    load,
    propose,
    act,
    sync,
    bill,
    listen,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSubscribersStore, import.meta.hot))
