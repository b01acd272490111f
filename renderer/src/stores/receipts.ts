/**
 * Receipts: search by text and date range, page through, open one (both keys and the proof),
 * export the current search as CSV and the end-of-day summary.
 */
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { CsvFile, EndOfDaySummary, ReceiptDetail, ReceiptRow } from '@shared/domain/checkout'
import type { IpcError } from '@shared/ipc/errors'
import type { PdfSaved } from '@shared/ipc/domains/receipts'
import { call, onEvent } from '../bridge/pos'

export const PAGE_SIZE = 50
const DAY = 86_400_000

/** Start of the local day containing `ms`. */
export function localDayStart(ms: number): number {
  const d = new Date(ms)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

/** `YYYY-MM-DD` (a date input's value) → local midnight ms, or null when empty/invalid. */
export function dateInputToMs(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return null
  const ms = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime()
  return Number.isFinite(ms) ? ms : null
}

export const useReceiptsStore = defineStore('receiptsStore', () => {
  const text = ref('')
  const fromDate = ref('')
  const toDate = ref('')
  const items = ref<ReceiptRow[]>([])
  const cursor = ref<string | null>(null)
  const selected = ref<ReceiptDetail | null>(null)
  const summary = ref<EndOfDaySummary | null>(null)
  const error = ref<IpcError | null>(null)
  const loading = ref(false)

  function search(): { text: string; from: number | null; to: number | null } {
    const from = dateInputToMs(fromDate.value)
    const toDay = dateInputToMs(toDate.value)
    return { text: text.value.trim().slice(0, 100), from, to: toDay === null ? null : toDay + DAY }
  }

  async function load(more = false): Promise<void> {
    loading.value = true
    try {
      const r = await call('receipts:search', {
        ...search(),
        limit: PAGE_SIZE,
        cursor: more ? cursor.value : null,
      })
      if (r.ok) {
        items.value = more ? [...items.value, ...r.value.items] : [...r.value.items]
        cursor.value = r.value.cursor
        error.value = null
      } else error.value = r.error
    } finally {
      loading.value = false
    }
  }

  async function open(receiptId: string): Promise<void> {
    const r = await call('receipts:get', { receiptId })
    if (r.ok) selected.value = r.value
    else error.value = r.error
  }

  function close(): void {
    selected.value = null
  }

  async function exportCsv(): Promise<CsvFile | null> {
    const r = await call('receipts:export-csv', search())
    if (r.ok) return r.value
    error.value = r.error
    return null
  }

  /**
   * Saves the open receipt as a PDF (desktop app: main prints this window and asks where to save).
   * Null when it failed (`error` says why) or nothing is open; `saved: false` when the merchant
   * cancelled the dialog.
   */
  async function savePdf(): Promise<PdfSaved | null> {
    const receipt = selected.value
    if (!receipt) return null
    const r = await call('receipts:save-pdf', { receiptId: receipt.receiptId })
    if (r.ok) return r.value
    error.value = r.error
    return null
  }

  /** End-of-day figures for the local day containing `day` (default today). */
  async function loadSummary(day = Date.now()): Promise<void> {
    const from = localDayStart(day)
    const r = await call('receipts:summary', {
      from,
      to: from + DAY,
      tzOffsetMinutes: -new Date(from).getTimezoneOffset(),
    })
    if (r.ok) summary.value = r.value
    else error.value = r.error
  }

  function listen(): () => void {
    return onEvent('receipts:new', () => {
      void load()
      void loadSummary()
    })
  }

  function $reset(): void {
    text.value = ''
    fromDate.value = ''
    toDate.value = ''
    items.value = []
    cursor.value = null
    selected.value = null
    summary.value = null
    error.value = null
    loading.value = false
  }

  return {
    text,
    fromDate,
    toDate,
    items,
    cursor,
    selected,
    summary,
    error,
    loading,
    search,
    load,
    open,
    close,
    exportCsv,
    savePdf,
    loadSummary,
    listen,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useReceiptsStore, import.meta.hot))
