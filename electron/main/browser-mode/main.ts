/**
 * Browser mode entry: `npx tsx electron/main/browser-mode/main.ts` (after `npx electron-vite build`).
 * Starts the same services as the desktop app and prints the one-time URL to open.
 * The payment engine starts (in a worker thread) once the app is unlocked, on the embedded
 * homeserver unless onboarding chose a hosted one.
 * Environment: PAYKIT_POS_HOME or PAYKIT_DATA_DIR (data folder, default ~/.paykit-pos), PAYKIT_PORT
 * (default: any free port), PAYKIT_SECRET_STORE=file (skip the OS keychain), PAYKIT_RENDERER_DIR
 * (default ./out/renderer), PAYKIT_DISPLAY_PORT (customer display port when it is on; default: any free port).
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createAppServices, type AppServices, type AppServicesOptions } from '../app/services/app-services'
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
export async function startBrowserApp(
  env: NodeJS.ProcessEnv = process.env,
  engine: NonNullable<AppServicesOptions['engine']> = {},
): Promise<BrowserApp> {
  const rendererDir = resolve(env['PAYKIT_RENDERER_DIR'] ?? join(repoRoot, 'out/renderer'))
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`${rendererDir}/index.html is missing: run "npx electron-vite build" first`)
  }
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
    .version
  const home = env['PAYKIT_POS_HOME']
  const paths = resolveDataPaths(
    home !== undefined && home !== '' ? home : join(homedir(), '.paykit-pos'),
    env,
  )
  const store = await selectSecretStore({
    service: 'paykit-pos',
    dir: paths.vaultDir,
    forceFile: env['PAYKIT_SECRET_STORE'] === 'file',
  })
  const shutdown = new ShutdownRegistry(log)
  const services = await createAppServices({
    paths,
    store,
    keys: coreKeys,
    shell: 'browser',
    version,
    engine,
    log,
    ...(env['PAYKIT_DISPLAY_PORT'] ? { displayPort: Number(env['PAYKIT_DISPLAY_PORT']) } : {}),
  })
  shutdown.register('app services', () => services.dispose())
  shutdown.register('customer display', () => services.display.close())
  shutdown.register('engine', () => services.engine.stop())
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
    .then(({ url, shutdown, services }) => {
      process.stdout.write(
        `Paykit POS (browser mode) is running. Open this one-time URL:\n${url}\n` +
          `The payment engine starts after you unlock (or finish setting up). Ctrl-C stops it.\n`,
      )
      // Once the engine runs, say where a wallet on this computer can reach it (the paykit CLI).
      let told = false
      services.bus.subscribe((event, payload) => {
        if (event !== 'engine:status' || told || (payload as { state: string }).state !== 'running') return
        told = true
        void services.engine
          .call((api) => api.identity())
          .then((id) => {
            const sim = id.simulatorUrl ? ` --sim ${id.simulatorUrl}` : ''
            process.stdout.write(
              `Payment engine running: shop pubky${id.merchant}, Noise listener ${id.host}:${id.port}.\n` +
                (id.simulatorUrl
                  ? `Pay a checkout from a terminal: node bin/paykit.mjs pay '<checkout URI>' --homeserver ${services.engine.embeddedNodeDir}${sim}\n`
                  : ''),
            )
          })
          .catch(() => undefined)
      })
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
