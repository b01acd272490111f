/**
 * @module app/pdf-export
 * "Save as PDF" for receipts: the page the merchant is looking at, printed by Chromium itself
 * (`webContents.printToPDF` of the window that asked, with the renderer's print stylesheet, so the
 * PDF is exactly what Print would produce), then written where the merchant chooses in a save
 * dialog.
 *
 * Nothing here imports electron: the Electron calls come in as small ports (index.ts wires
 * `dialog.showSaveDialog` and the invoking window's `webContents`), so browser mode can load the
 * handlers and tests can drive every branch. In browser mode there is no window of ours to print —
 * the sender is null — and the answer is `unavailable`: the browser's own Print dialog (which
 * offers "Save as PDF") is the way there, and the Receipts screen says so.
 */
import { writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { PaykitError } from '../core/util/errors'
import type { PdfSaved } from '../../../shared/ipc/domains/receipts'

/** Options this module passes to `printToPDF` (a subset of Electron's `PrintToPDFOptions`). */
export interface PdfPrintOptions {
  readonly printBackground: boolean
  readonly pageSize: 'A4' | 'Letter'
  readonly preferCSSPageSize: boolean
}

/** What saving needs of the invoking window's contents (Electron's `WebContents` has it). */
export interface PrintableContents {
  printToPDF(options: PdfPrintOptions): Promise<Uint8Array>
}

/**
 * Asks the merchant where to save `defaultName`, with `sender`'s window as the dialog's parent.
 * Resolves the chosen path, or null when the dialog was cancelled.
 */
export type ChoosePdfPath = (defaultName: string, sender: PrintableContents) => Promise<string | null>

/** Prints `sender`'s page to a PDF named `defaultName` (a suggestion) and saves it. */
export type PdfExporter = (sender: PrintableContents | null, defaultName: string) => Promise<PdfSaved>

export const PDF_OPTIONS: PdfPrintOptions = {
  printBackground: false,
  pageSize: 'A4',
  preferCSSPageSize: true,
}

/** The exporter where no window of ours can print (browser mode): says what to do instead. */
export const pdfUnavailable: PdfExporter = async () => {
  throw new PaykitError(
    'unavailable',
    'Saving a PDF directly needs the desktop app. In the browser, use Print and choose "Save as PDF" as the printer.',
  )
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d] // "%PDF-"

const isPdf = (bytes: Uint8Array): boolean => PDF_MAGIC.every((b, i) => bytes[i] === b)

export function createPdfExporter(deps: {
  choosePath: ChoosePdfPath
  /** Where the bytes go (default `fs.writeFile`); tests pass a failing one. */
  write?: (path: string, bytes: Uint8Array) => Promise<void>
}): PdfExporter {
  const write = deps.write ?? ((path, bytes) => writeFile(path, bytes))
  return async (sender, defaultName) => {
    if (!sender) return pdfUnavailable(sender, defaultName)
    // Print first: the PDF is the page as it was when the merchant clicked, whatever happens while
    // the dialog is open.
    let bytes: Uint8Array
    try {
      bytes = await sender.printToPDF(PDF_OPTIONS)
    } catch (e) {
      throw new PaykitError('internal', 'The receipt could not be printed to PDF. Try Print instead.', {
        cause: e,
      })
    }
    if (!(bytes instanceof Uint8Array) || !isPdf(bytes)) {
      throw new PaykitError('internal', 'Printing produced something that is not a PDF. Try Print instead.')
    }
    const chosen = await deps.choosePath(defaultName, sender)
    if (chosen === null || chosen.trim() === '') return { saved: false, fileName: null, bytes: 0 }
    const path = /\.pdf$/i.test(chosen) ? chosen : `${chosen}.pdf`
    try {
      await write(path, bytes)
    } catch (e) {
      const code = (e as { code?: unknown }).code
      throw new PaykitError(
        'storage',
        `Could not save ${basename(path)}${typeof code === 'string' ? ` (${code})` : ''}. Choose another folder.`,
        { cause: e },
      )
    }
    return { saved: true, fileName: basename(path), bytes: bytes.length }
  }
}

/** The file name offered for a receipt: `paykit-receipt-<id>.pdf` (ids are [A-Za-z0-9_-]). */
export function receiptPdfName(receiptId: string): string {
  return `paykit-receipt-${receiptId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80)}.pdf`
}

/** The minimal surface of Electron's `dialog` and `BrowserWindow` the save dialog uses. */
export interface ElectronDialogPorts<W> {
  showSaveDialog(
    window: W,
    options: { defaultPath: string; filters: { name: string; extensions: string[] }[] },
  ): Promise<{ canceled: boolean; filePath?: string }>
  fromWebContents(contents: PrintableContents): W | null
  /** The folder the dialog opens in (the user's Documents). */
  defaultDir: string
}

/** `ChoosePdfPath` on Electron's save dialog, parented to the window that asked. */
export function electronChoosePath<W>(ports: ElectronDialogPorts<W>): ChoosePdfPath {
  return async (defaultName, sender) => {
    const window = ports.fromWebContents(sender)
    if (window === null) throw new PaykitError('forbidden', 'Only a Paykit POS window can save a PDF.')
    const r = await ports.showSaveDialog(window, {
      defaultPath: join(ports.defaultDir, defaultName),
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
    })
    return r.canceled || !r.filePath ? null : r.filePath
  }
}
