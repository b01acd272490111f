// One contract, four lists that must agree: the contract's command/event names, the request
// schemas, the access policy, the router, the Electron preload and the browser-mode client script.
import { describe, expect, it, vi } from 'vitest'
import { runInNewContext } from 'node:vm'
import { COMMAND_NAMES, EVENT_NAMES, POS_API_KEYS } from '../../../shared/ipc/contract'
import { requestSchemas } from '../../../shared/schema/requests'
import { COMMAND_ACCESS } from '../../../electron/main/ipc/policy'
import { createRouter } from '../../../electron/main/ipc/router'
import { clientScript } from '../../../electron/main/browser-mode/client-script'
import { makeServices, tempDir } from '../helpers'

const exposed = vi.hoisted(() => ({
  api: null as Record<string, unknown> | null,
  invoked: [] as unknown[][],
}))
// The preload's only boundary is Electron's contextBridge/ipcRenderer, which cannot run here.
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: Record<string, unknown>) => key === 'pos' && (exposed.api = api),
  },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => exposed.invoked.push(args),
    on: () => undefined,
    removeListener: () => undefined,
  },
}))

const sorted = (xs: Iterable<string>) => [...xs].sort()

describe('IPC contract consistency', () => {
  it('has commands and events, all domain:verb, with no name shared between lists', () => {
    // 42 + display:info, display:set-mode + receipts:save-pdf + six identity:ring-* (Pubky Ring pairing)
    expect(COMMAND_NAMES.length).toBe(51)
    expect(COMMAND_NAMES.filter((n) => n.startsWith('identity:ring-'))).toHaveLength(6)
    expect(sorted(EVENT_NAMES)).toEqual(
      sorted([
        'session:changed',
        'settings:changed',
        'engine:status',
        'checkout:paid',
        'checkout:expired',
        'checkout:changed',
        'receipts:new',
        'requests:changed',
        'subscribers:changed',
        'billing:progress',
      ]),
    )
    for (const n of [...COMMAND_NAMES, ...EVENT_NAMES]) expect(n).toMatch(/^[a-z]+:[a-z-]+$/)
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length)
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length)
    // The engine's commands are real contract commands now (checkout, receipts, subscribers, …).
    for (const n of ['checkout:start', 'receipts:export-csv', 'subscribers:bill', 'directory:add-method'])
      expect(COMMAND_NAMES).toContain(n)
  })

  it('schemas, access policy and router cover exactly the contract commands', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const { services } = await makeServices(dir)
      expect(sorted(Object.keys(requestSchemas))).toEqual(sorted(COMMAND_NAMES))
      expect(sorted(Object.keys(COMMAND_ACCESS))).toEqual(sorted(COMMAND_NAMES))
      expect(sorted(Object.keys(createRouter(services)))).toEqual(sorted(COMMAND_NAMES))
    } finally {
      cleanup()
    }
  })

  it('the Electron preload exposes exactly the contract keys and refuses unknown events', async () => {
    await import('../../../electron/preload/index')
    expect(exposed.api).not.toBeNull()
    expect(sorted(Object.keys(exposed.api!))).toEqual(sorted(POS_API_KEYS))
    expect(Object.isFrozen(exposed.api)).toBe(true)
    await (exposed.api!['session:status'] as (r: unknown) => Promise<unknown>)({})
    expect(exposed.invoked).toEqual([['session:status', {}]])
    expect(() =>
      (exposed.api!['on'] as (e: string, l: () => void) => void)('checkout:payed', () => undefined),
    ).toThrow(/Unknown event/)
    expect(
      typeof (exposed.api!['on'] as (e: string, l: () => void) => () => void)(
        'checkout:paid',
        () => undefined,
      ),
    ).toBe('function')
  })

  it('the browser-mode client script defines the same window.pos', () => {
    const window: Record<string, unknown> = {}
    class FakeSocket {
      addEventListener() {}
    }
    runInNewContext(clientScript(), {
      window,
      WebSocket: FakeSocket,
      location: { protocol: 'http:', host: '127.0.0.1:1' },
      setTimeout,
      console,
    })
    const pos = window['pos'] as Record<string, unknown>
    expect(sorted(Object.keys(pos))).toEqual(sorted(POS_API_KEYS))
    expect(typeof pos['checkout:start']).toBe('function')
    expect(() => (pos['on'] as (e: string, l: () => void) => void)('no:such', () => undefined)).toThrow(
      /Unknown event/,
    )
  })
})
