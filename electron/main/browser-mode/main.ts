/**
 * Browser mode entry: `npx tsx electron/main/browser-mode/main.ts` (after `npx electron-vite build`).
 * Starts the same services as the desktop app and prints the one-time URL to open.
 * Environment: PAYKIT_DATA_DIR (data folder, default ./.paykit-data), PAYKIT_PORT (default: any free
 * port), PAYKIT_SECRET_STORE=file (skip the OS keychain), PAYKIT_RENDERER_DIR (default ./out/renderer).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createAppServices, type AppServices } from '../app/services/app-services'
import { coreKeys } from '../app/services/keys-core'
import { ShutdownRegistry } from '../app/shutdown'
import { createDispatcher } from '../ipc/dispatch'
import { createRouter } from '../ipc/router'
import { consoleLogger as log } from '../platform/logger'
import { resolveDataPaths } from '../platform/paths'
import { selectSecretStore } from '../platform/secret-store'
import { startBrowserMode } from './server'

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

export type BrowserApp = { url: string; services: AppServices; shutdown: ShutdownRegistry }

/** Starts services + server; the lead's `npm start` can compose the embedded homeserver around this. */
export async function startBrowserApp(env: NodeJS.ProcessEnv = process.env): Promise<BrowserApp> {
  const rendererDir = resolve(env['PAYKIT_RENDERER_DIR'] ?? join(repoRoot, 'out/renderer'))
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`${rendererDir}/index.html is missing: run "npx electron-vite build" first`)
  }
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
    .version
  const paths = resolveDataPaths(join(process.cwd(), '.paykit-data'), env)
  const store = await selectSecretStore({
    service: 'paykit-pos',
    dir: paths.vaultDir,
    forceFile: env['PAYKIT_SECRET_STORE'] === 'file',
  })
  const shutdown = new ShutdownRegistry(log)
  const services = await createAppServices({ paths, store, keys: coreKeys, shell: 'browser', version })
  shutdown.register('app services', () => services.dispose())
  const dispatch = createDispatcher({ router: createRouter(services), access: services.accessState, log })
  const port = env['PAYKIT_PORT'] ? Number(env['PAYKIT_PORT']) : 0
  const server = await startBrowserMode({ rendererDir, dispatch, bus: services.bus, log, port })
  shutdown.register('browser-mode server', () => server.close())
  services.session.idle.start()
  return { url: server.url, services, shutdown }
}

const isEntry = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isEntry) {
  startBrowserApp()
    .then(({ url, shutdown }) => {
      process.stdout.write(`Paykit POS (browser mode) is running. Open this one-time URL:\n${url}\n`)
      const stop = (): void => {
        void shutdown.runAll().then(() => process.exit(0))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    .catch((e: unknown) => {
      console.error(`Paykit POS (browser mode) failed to start: ${(e as Error).message}`)
      process.exit(1)
    })
}
