// `receipts:save-pdf` through the real main entry (electron/main/index.ts): the sender check, the
// schema, the access policy, the handler and the exporter wired to Electron's dialog. Electron
// itself cannot run here (no binary), so `electron` is the stand-in module: its webContents'
// printToPDF returns a small PDF naming the contents that printed, and its save dialog answers
// what the test sets. Everything behind that boundary is the real code.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { COMMAND_NAMES } from '../../../shared/ipc/contract'
import { tempDir } from '../helpers'
import { FakeWebContents, invokeEvent, recorded, type FakeBrowserWindow } from '../electron-stand-in'

vi.mock('electron', async () => (await import('../electron-stand-in')).electronModule)

const tmp = tempDir()
const APP = 'app://pos/index.html'
let win: FakeBrowserWindow
let mainModule: typeof import('../../../electron/main/index')

beforeAll(async () => {
  const renderer = join(tmp.dir, 'renderer')
  mkdirSync(renderer)
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
  process.env['PAYKIT_DATA_DIR'] = join(tmp.dir, 'data')
  process.env['PAYKIT_RENDERER_DIR'] = renderer
  mainModule = await import('../../../electron/main/index')
  await vi.waitFor(() => expect(recorded.ipcHandlers.size).toBe(COMMAND_NAMES.length), { timeout: 20_000 })
  win = recorded.windows[0]!
})

afterAll(async () => {
  // Onboarding started the engine in its worker; let it come up, then stop it before the folder goes.
  const running = () =>
    win.webContents.sent.some(
      (s) => s.channel === 'engine:status' && (s.payload as { state: string }).state === 'running',
    )
  await vi.waitFor(() => expect(running()).toBe(true), { timeout: 45_000 }).catch(() => undefined)
  await mainModule.shutdown.runAll()
  delete process.env['PAYKIT_DATA_DIR']
  delete process.env['PAYKIT_RENDERER_DIR']
  tmp.cleanup()
}, 60_000)

const invoke = (command: string, request: unknown, event = invokeEvent(win.webContents, APP)) =>
  recorded.ipcHandlers.get(command)!(event, request)

const SAVE = 'receipts:save-pdf'

describe('receipts:save-pdf in the Electron main process', () => {
  it('is registered with the other commands', () => {
    expect(recorded.ipcHandlers.has(SAVE)).toBe(true)
  })

  it('refuses forged senders before printing anything', async () => {
    const forbidden = { ok: false, error: { code: 'forbidden' } }
    const other = new FakeWebContents()
    expect(await invoke(SAVE, { receiptId: 'rcpt_1' }, invokeEvent(other, APP))).toMatchObject(forbidden)
    expect(
      await invoke(SAVE, { receiptId: 'rcpt_1' }, invokeEvent(win.webContents, 'https://evil.example/')),
    ).toMatchObject(forbidden)
    expect(
      await invoke(SAVE, { receiptId: 'rcpt_1' }, invokeEvent(win.webContents, APP, { url: APP })),
    ).toMatchObject(forbidden)
    expect(recorded.printed).toHaveLength(0)
    expect(recorded.saveDialogs).toHaveLength(0)
  })

  it('before onboarding, says there is no identity yet and prints nothing', async () => {
    expect(await invoke(SAVE, { receiptId: 'rcpt_1' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
    expect(recorded.printed).toHaveLength(0)
  })

  it('once unlocked: refuses malformed requests with invalid-input, then prints and saves a good one', async () => {
    const draft = (await invoke('identity:draft', {})) as {
      ok: true
      value: { draftId: string; words: string[]; confirmPositions: number[] }
    }
    expect(
      await invoke('identity:create', {
        draftId: draft.value.draftId,
        confirmations: draft.value.confirmPositions.map((p) => draft.value.words[p - 1]),
        pin: 'pdf-pin-97531',
        homeserver: { kind: 'embedded' },
      }),
    ).toMatchObject({ ok: true, value: { locked: false } })

    for (const bad of [
      { receiptId: 42 },
      { receiptId: '' },
      { receiptId: 'has space' },
      { receiptId: 'x'.repeat(101) },
      { receiptId: 'rcpt_1', path: '/etc/passwd' },
      null,
    ]) {
      expect(await invoke(SAVE, bad), JSON.stringify(bad)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      })
    }
    expect(recorded.printed).toHaveLength(0)

    const target = join(tmp.dir, 'chosen.pdf')
    recorded.saveAnswer = target
    const r = (await invoke(SAVE, { receiptId: 'rcpt_42' })) as {
      ok: true
      value: { saved: boolean; fileName: string; bytes: number }
    }
    expect(r).toEqual({ ok: true, value: { saved: true, fileName: 'chosen.pdf', bytes: expect.any(Number) } })
    // The asking window printed its own page; the dialog was parented to that window.
    expect(recorded.printed.map((p) => p.contentsId)).toEqual([win.webContents.id])
    expect(recorded.saveDialogs[0]!.window).toBe(win)
    expect(recorded.saveDialogs[0]!.options.defaultPath).toMatch(/paykit-receipt-rcpt_42\.pdf$/)
    const bytes = readFileSync(target)
    expect(bytes.length).toBe(r.value.bytes)
    expect(bytes.toString()).toContain(`contents ${win.webContents.id}`)

    recorded.saveAnswer = null
    expect(await invoke(SAVE, { receiptId: 'rcpt_43' })).toEqual({
      ok: true,
      value: { saved: false, fileName: null, bytes: 0 },
    })
    expect(existsSync(join(tmp.dir, 'paykit-receipt-rcpt_43.pdf'))).toBe(false)
  }, 60_000)

  it('is refused while the app is locked', async () => {
    await invoke('session:lock', {})
    const printed = recorded.printed.length
    expect(await invoke(SAVE, { receiptId: 'rcpt_1' })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    })
    expect(recorded.printed).toHaveLength(printed)
  })
})
