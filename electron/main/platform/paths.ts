/**
 * @module platform/paths
 * Where the app keeps its files. `PAYKIT_DATA_DIR` overrides the default so each test (and each
 * e2e run) gets a fresh folder; the Electron shell passes `app.getPath('userData')` as the default.
 */
import { resolve } from 'node:path'

export type DataPaths = { readonly root: string; readonly state: string; readonly vaultDir: string }

export function resolveDataPaths(defaultRoot: string, env: NodeJS.ProcessEnv = process.env): DataPaths {
  const override = env['PAYKIT_DATA_DIR']
  const root = resolve(override !== undefined && override !== '' ? override : defaultRoot)
  return { root, state: resolve(root, 'state.json'), vaultDir: resolve(root, 'vault') }
}
