// The sandboxed preload: exposes `window.pos` and nothing else. It is generated from the contract's
// key lists at build time (one invoker per command, `on` for events) and bundled by electron-vite
// into a dependency-free CommonJS file; its only import at runtime is `electron`.
import { contextBridge, ipcRenderer } from 'electron'
import { COMMAND_NAMES, EVENT_NAMES, type PosApi } from '../../shared/ipc/contract'
import { buildPosApi } from './api'

const api: PosApi = buildPosApi(COMMAND_NAMES, EVENT_NAMES, {
  invoke: (channel, request) => ipcRenderer.invoke(channel, request),
  subscribe: (channel, listener) => {
    // Strip the IpcRendererEvent: the page sees only the payload.
    const wrapped = (_event: unknown, payload: unknown): void => listener(payload)
    ipcRenderer.on(channel, wrapped)
    return () => {
      ipcRenderer.removeListener(channel, wrapped)
    }
  },
})

contextBridge.exposeInMainWorld('pos', api)
