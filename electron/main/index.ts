// Composition only: the single-instance lock, the app:// scheme, the guards, the services, IPC and
// the window, each from its own module; ordered shutdown runs what they registered in reverse.
import { app, BrowserWindow, dialog, session, shell } from 'electron'
import { join, resolve } from 'node:path'
import { createAppServices } from './app/services/app-services'
import { coreKeys } from './app/services/keys-core'
import { APP_ENTRY_URL, handleAppProtocol, registerAppScheme } from './app/protocol'
import { hardenSession, hardenWebContents } from './app/security'
import { ShutdownRegistry } from './app/shutdown'
import { createMainWindow } from './app/window'
import { createPdfExporter, electronChoosePath } from './app/pdf-export'
import { createDispatcher } from './ipc/dispatch'
import { forwardEvents } from './ipc/forward'
import { registerIpc } from './ipc/register'
import { createRouter } from './ipc/router'
import { consoleLogger as log } from './platform/logger'
import { resolveDataPaths } from './platform/paths'
import { createSafeShell } from './platform/safe-shell'
import { selectSecretStore } from './platform/secret-store'

/** The registry the engine adds its stoppers to (listeners, directory records, database). */
export const shutdown = new ShutdownRegistry(log)

const here = import.meta.dirname
const rendererDir = resolve(process.env['PAYKIT_RENDERER_DIR'] ?? join(here, '../renderer'))
const preloadPath = join(here, '../preload/index.cjs')

async function start(): Promise<void> {
  await app.whenReady()
  const safeShell = createSafeShell((url) => shell.openExternal(url))
  hardenSession(session.defaultSession, log)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { safeShell, log }))
  handleAppProtocol(rendererDir)

  const paths = resolveDataPaths(app.getPath('userData'))
  const store = await selectSecretStore({ service: 'paykit-pos', dir: paths.vaultDir })
  if (store.info.warning)
    log.warn('secret store: using the passphrase file fallback', { reason: store.info.warning })
  const services = await createAppServices({
    paths,
    store,
    keys: coreKeys,
    shell: 'electron',
    version: app.getVersion(),
    engine: {},
    log,
    pdf: createPdfExporter({
      choosePath: electronChoosePath<BrowserWindow>({
        showSaveDialog: (win, options) => dialog.showSaveDialog(win, options),
        fromWebContents: (contents) => BrowserWindow.fromWebContents(contents as Electron.WebContents),
        defaultDir: app.getPath('documents'),
      }),
    }),
  })
  shutdown.register('app services', () => services.dispose())
  shutdown.register('customer display', () => services.display.close())
  // Registered after the services, so it runs before them: the engine stops (listener, /noise,
  // ledger) while the secret it was started with is still held.
  shutdown.register('engine', () => services.engine.stop())

  const win = createMainWindow({ preload: preloadPath, url: APP_ENTRY_URL })
  const dispatch = createDispatcher({ router: createRouter(services), access: services.accessState, log })
  const trusted = (): ReadonlySet<number> => new Set(win.isDestroyed() ? [] : [win.webContents.id])
  shutdown.register('ipc', registerIpc(dispatch, { trustedContentsIds: trusted, log }))
  shutdown.register('events', forwardEvents(services.bus, win.webContents))
  services.session.idle.start()

  app.on('second-instance', () => {
    if (win.isDestroyed()) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })
}

let quitting = false
registerAppScheme()
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', (event) => {
    if (quitting) return
    event.preventDefault()
    quitting = true
    void shutdown.runAll().finally(() => app.quit())
  })
  start().catch((e: unknown) => {
    log.error('startup failed', { cause: e })
    for (const w of BrowserWindow.getAllWindows()) w.destroy()
    app.exit(1)
  })
}
