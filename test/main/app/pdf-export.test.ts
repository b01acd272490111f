// Save as PDF, the module behind `receipts:save-pdf`: print the asking window's page, ask where to
// save, write it. Electron cannot run here (no binary), so the window, its printToPDF and the save
// dialog are the stand-in's (test/main/electron-stand-in.ts); the exporter and the file writing are
// the real code.
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  PDF_OPTIONS,
  createPdfExporter,
  electronChoosePath,
  pdfUnavailable,
  receiptPdfName,
} from '../../../electron/main/app/pdf-export'
import { FakeBrowserWindow, FakeWebContents, electronModule, recorded } from '../electron-stand-in'
import { tempDir } from '../helpers'

const tmp = tempDir('paykit-pdf-')
afterAll(() => tmp.cleanup())
afterEach(() => {
  recorded.printed.length = 0
  recorded.saveDialogs.length = 0
  recorded.saveAnswer = null
  recorded.printFails = false
})

function exporter(dir = tmp.dir) {
  return createPdfExporter({
    choosePath: electronChoosePath<FakeBrowserWindow>({
      showSaveDialog: (w, o) => electronModule.dialog.showSaveDialog(w, o),
      fromWebContents: (c) => FakeBrowserWindow.fromWebContents(c),
      defaultDir: dir,
    }),
  })
}

describe('save as PDF', () => {
  it("prints the sender's own page, asks in a dialog parented to its window, and writes those bytes", async () => {
    const win = new FakeBrowserWindow({})
    recorded.saveAnswer = join(tmp.dir, 'receipt-one.pdf')
    const r = await exporter()(win.webContents, receiptPdfName('rcpt_1'))
    expect(r).toEqual({ saved: true, fileName: 'receipt-one.pdf', bytes: expect.any(Number) })
    expect(recorded.printed).toEqual([{ contentsId: win.webContents.id, options: PDF_OPTIONS }])
    expect(recorded.saveDialogs).toHaveLength(1)
    expect(recorded.saveDialogs[0]!.window).toBe(win)
    expect(recorded.saveDialogs[0]!.options.defaultPath).toBe(join(tmp.dir, 'paykit-receipt-rcpt_1.pdf'))
    const written = readFileSync(recorded.saveAnswer)
    expect(written.subarray(0, 5).toString()).toBe('%PDF-')
    expect(written.toString()).toContain(`contents ${win.webContents.id}`)
    expect(written.length).toBe(r.bytes)
  })

  it('adds .pdf when the chosen name lacks it', async () => {
    const win = new FakeBrowserWindow({})
    recorded.saveAnswer = join(tmp.dir, 'no-extension')
    const r = await exporter()(win.webContents, 'x.pdf')
    expect(r.fileName).toBe('no-extension.pdf')
    expect(existsSync(join(tmp.dir, 'no-extension.pdf'))).toBe(true)
  })

  it('writes nothing when the merchant cancels the dialog', async () => {
    const win = new FakeBrowserWindow({})
    const before = readdirSync(tmp.dir).length
    recorded.saveAnswer = null
    expect(await exporter()(win.webContents, 'x.pdf')).toEqual({ saved: false, fileName: null, bytes: 0 })
    expect(readdirSync(tmp.dir)).toHaveLength(before)
  })

  it('refuses without a window (browser mode) and says to use Print, printing nothing', async () => {
    await expect(exporter()(null, 'x.pdf')).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('Save as PDF'),
    })
    await expect(pdfUnavailable(new FakeWebContents(), 'x.pdf')).rejects.toMatchObject({
      code: 'unavailable',
    })
    expect(recorded.printed).toHaveLength(0)
  })

  it('refuses contents that belong to no window of ours, before any dialog', async () => {
    recorded.saveAnswer = join(tmp.dir, 'stray.pdf')
    await expect(exporter()(new FakeWebContents(), 'x.pdf')).rejects.toMatchObject({ code: 'forbidden' })
    expect(recorded.saveDialogs).toHaveLength(0)
    expect(existsSync(recorded.saveAnswer)).toBe(false)
  })

  it('a failed print is a typed error and no dialog opens', async () => {
    const win = new FakeBrowserWindow({})
    recorded.printFails = true
    await expect(exporter()(win.webContents, 'x.pdf')).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('Try Print'),
    })
    expect(recorded.saveDialogs).toHaveLength(0)
  })

  it('refuses bytes that are not a PDF', async () => {
    const notPdf = { printToPDF: async () => new TextEncoder().encode('<html>') }
    const save = createPdfExporter({ choosePath: async () => join(tmp.dir, 'bad.pdf') })
    await expect(save(notPdf, 'x.pdf')).rejects.toMatchObject({ code: 'internal' })
    expect(existsSync(join(tmp.dir, 'bad.pdf'))).toBe(false)
  })

  it('a folder that cannot be written is a storage error naming the file', async () => {
    const win = new FakeBrowserWindow({})
    recorded.saveAnswer = join(tmp.dir, 'missing-folder', 'r.pdf')
    await expect(exporter()(win.webContents, 'x.pdf')).rejects.toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/r\.pdf \(ENOENT\)/),
    })
  })

  it('offers a file name made safe from the receipt id', () => {
    expect(receiptPdfName('rcpt_01HX')).toBe('paykit-receipt-rcpt_01HX.pdf')
    expect(receiptPdfName('../../etc/passwd')).toBe('paykit-receipt-______etc_passwd.pdf')
  })
})
