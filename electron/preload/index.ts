// Exposes the typed POS bridge to the renderer; nothing else.
import { contextBridge } from 'electron'

contextBridge.exposeInMainWorld('pos', Object.freeze({ version: 1 }))
