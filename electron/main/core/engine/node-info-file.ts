/**
 * @module engine/node-info-file
 * In embedded (offline/demo) mode the engine leaves the small public file a `paykit homeserver`
 * leaves (`paykit-node.json` in the embedded node's folder: homeserver key, URLs, pid), plus where
 * its payment simulator listens (`simulatorUrl`). A wallet on the same computer — the `paykit`
 * payer CLI with `--homeserver <that folder>` — then finds both the homeserver and the simulator
 * without being told the simulator's port. Nothing secret is in it; it is removed on stop (only
 * if it is still ours: same pid).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const NODE_INFO_FILE = 'paykit-node.json'

/** The shape `electron/cli/node-info.ts` reads, plus `simulatorUrl`. */
export interface EmbeddedNodeInfo {
  kind: 'embedded'
  homeserverPublicKey: string
  homeserverUrl: string
  relayUrl: string
  linkRelayUrl: string
  port: number
  pid: number
  /** The payment simulator service (http://127.0.0.1:PORT), or null when none runs. */
  simulatorUrl: string | null
}

/** Writes `<nodeDir>/paykit-node.json` (mode 0600, replaced whole). */
export function writeEmbeddedNodeInfo(nodeDir: string, info: EmbeddedNodeInfo): void {
  writeFileSync(join(nodeDir, NODE_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 })
}

/** Removes the file when it still names `pid` (another process may have taken the folder over). */
export function removeEmbeddedNodeInfo(nodeDir: string, pid: number): void {
  const file = join(nodeDir, NODE_INFO_FILE)
  if (!existsSync(file)) return
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }
    if (o.pid !== pid) return
  } catch {
    // Unreadable: ours to clean up (it was written by this engine or is damaged).
  }
  rmSync(file, { force: true })
}
