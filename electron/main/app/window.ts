/**
 * @module app/window
 * The one BrowserWindow factory. Its webPreferences are fixed here and nowhere else: sandboxed,
 * context-isolated, no Node, no <webview>, web security on.
 */
import { BrowserWindow, type WebPreferences } from 'electron'

export const LOCKED_WEB_PREFERENCES = Object.freeze({
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webviewTag: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
} satisfies WebPreferences)

export function createMainWindow(opts: { preload: string; url: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 640,
    show: false,
    backgroundColor: '#0f172a',
    title: 'Paykit POS',
    autoHideMenuBar: true,
    webPreferences: { ...LOCKED_WEB_PREFERENCES, preload: opts.preload },
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(opts.url)
  return win
}
