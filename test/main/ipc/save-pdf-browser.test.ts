// Browser mode has no window of ours to print: `receipts:save-pdf` goes through the same dispatcher
// (as the browser-mode WebSocket does, with no sender) and answers `unavailable` with what to do
// instead, having printed and written nothing. Real services and router; no Electron involved.
import { afterAll, describe, expect, it } from 'vitest'
import { readdirSync } from 'node:fs'
import { createDispatcher } from '../../../electron/main/ipc/dispatch'
import { createRouter } from '../../../electron/main/ipc/router'
import { memoryLogger } from '../../../electron/main/platform/logger'
import { createIdentity, makeServices, tempDir } from '../helpers'

const tmp = tempDir()
afterAll(() => tmp.cleanup())

describe('receipts:save-pdf in browser mode', () => {
  it('answers unavailable and points to the print dialog', async () => {
    const { services } = await makeServices(tmp.dir)
    await createIdentity(services)
    const dispatch = createDispatcher({
      router: createRouter(services),
      access: services.accessState,
      log: memoryLogger(),
    })
    const before = readdirSync(tmp.dir, { recursive: true }).length
    const r = await dispatch('receipts:save-pdf', { receiptId: 'rcpt_1' })
    expect(r).toEqual({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('choose "Save as PDF"') },
    })
    // Schema first, as for every command.
    expect(await dispatch('receipts:save-pdf', { receiptId: 'a b' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
    expect(readdirSync(tmp.dir, { recursive: true })).toHaveLength(before)
    services.dispose()
  })
})
