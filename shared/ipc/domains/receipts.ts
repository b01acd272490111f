/**
 * Receipts: search, detail (both keys and the proof), CSV export, save as PDF and the end-of-day
 * summary.
 */
import type {
  CsvFile,
  EndOfDaySummary,
  Page,
  ReceiptDetail,
  ReceiptRow,
  ReceiptSearch,
} from '../../domain/checkout'

/** What "Save as PDF" did: saved where the merchant chose, or cancelled in the dialog. */
export type PdfSaved = {
  readonly saved: boolean
  /** The saved file's name (not its folder), or null when the dialog was cancelled. */
  readonly fileName: string | null
  /** Size of the PDF written, 0 when cancelled. */
  readonly bytes: number
}

export type ReceiptsCommands = {
  'receipts:search': { req: ReceiptSearch & { limit: number; cursor: string | null }; res: Page<ReceiptRow> }
  'receipts:get': { req: { receiptId: string }; res: ReceiptDetail }
  'receipts:export-csv': { req: ReceiptSearch; res: CsvFile }
  /**
   * Prints the asking window's page (the open receipt, through the print stylesheet) to PDF and
   * saves it where the merchant chooses. Desktop app only: browser mode answers `unavailable`.
   */
  'receipts:save-pdf': { req: { receiptId: string }; res: PdfSaved }
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
  'receipts:save-pdf': true,
  'receipts:summary': true,
} as const satisfies Record<keyof ReceiptsCommands, true>

export const receiptsEventNames = { 'receipts:new': true } as const satisfies Record<
  keyof ReceiptsEvents,
  true
>
