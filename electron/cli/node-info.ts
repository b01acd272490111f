/**
 * @module cli/node-info
 * `paykit homeserver` leaves a small public file in its data folder saying where it listens
 * (`paykit-node.json`: homeserver pubky, URLs, pid), so other `paykit` processes can use it with
 * `--homeserver <data dir>`. It is removed on a clean shutdown; a stale one (its pid is gone) is
 * ignored.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Rng } from '../main/core/util/rng'
import { writePrivateFile } from './identity-store'

export const NODE_INFO_FILE = 'paykit-node.json'

export interface NodeInfo {
  kind: 'embedded'
  homeserverPublicKey: string
  homeserverUrl: string
  relayUrl: string
  linkRelayUrl: string
  port: number
  pid: number
  /** Embedded/demo mode only: the loopback payment simulator the POS engine runs. */
  simulatorUrl?: string | null
}

export function nodeInfoPath(dataDir: string): string {
  return join(dataDir, NODE_INFO_FILE)
}

export function writeNodeInfo(dataDir: string, info: NodeInfo, rng: Rng): void {
  writePrivateFile(nodeInfoPath(dataDir), `${JSON.stringify(info, null, 2)}\n`, rng)
}

export function removeNodeInfo(dataDir: string, pid: number): void {
  const current = readNodeInfo(dataDir)
  if (current && current.pid === pid) rmSync(nodeInfoPath(dataDir), { force: true })
}

/** True when a process with this pid exists (signal 0 checks without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The info file's content when well-formed, else undefined (liveness is checked by the caller). */
export function readNodeInfo(dataDir: string): NodeInfo | undefined {
  const file = nodeInfoPath(dataDir)
  if (!existsSync(file)) return undefined
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<NodeInfo>
    if (
      o.kind === 'embedded' &&
      typeof o.homeserverPublicKey === 'string' &&
      typeof o.homeserverUrl === 'string' &&
      typeof o.relayUrl === 'string' &&
      typeof o.linkRelayUrl === 'string' &&
      typeof o.port === 'number' &&
      typeof o.pid === 'number'
    ) {
      return o as NodeInfo
    }
  } catch {
    // A damaged file is treated like a missing one: the node will rewrite it on start.
  }
  return undefined
}

/** The running node's info, or undefined when there is none or its process is gone. */
export function runningNode(dataDir: string): NodeInfo | undefined {
  const info = readNodeInfo(dataDir)
  return info && pidAlive(info.pid) ? info : undefined
}
