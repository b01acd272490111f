/** Receipts: search, detail (both keys and the proof), CSV export and the end-of-day summary. */
import type {
  CsvFile,
  EndOfDaySummary,
  Page,
  ReceiptDetail,
  ReceiptRow,
  ReceiptSearch,
} from '../../domain/checkout'

export type ReceiptsCommands = {
  'receipts:search': { req: ReceiptSearch & { limit: number; cursor: string | null }; res: Page<ReceiptRow> }
  'receipts:get': { req: { receiptId: string }; res: ReceiptDetail }
  'receipts:export-csv': { req: ReceiptSearch; res: CsvFile }
  'receipts:summary': { req: { from: number; to: number; tzOffsetMinutes: number }; res: EndOfDaySummary }
}

export type ReceiptsEvents = {
  /** A receipt was recorded or its proof arrived. */
  'receipts:new': { receiptId: string; amountSats: number | null }
}

export const receiptsCommandNames = {
  'receipts:search': true,
  'receipts:get': true,
  'receipts:export-csv': true,
  'receipts:summary': true,
} as const satisfies Record<keyof ReceiptsCommands, true>

export const receiptsEventNames = { 'receipts:new': true } as const satisfies Record<
  keyof ReceiptsEvents,
  true
>
