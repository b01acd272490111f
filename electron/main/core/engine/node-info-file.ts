/**
 * @module engine/node-info-file
 * `paykit-node.json`: the small public file an embedded node's folder holds while the node runs —
 * homeserver key, URLs, the pid that runs it and, when the POS engine runs the node, where its payment
 * simulator listens. `paykit homeserver`, the engine and the Ring pairing worker write it; the `paykit`
 * CLI reads it (`--homeserver <that folder>`, or its default node folder) to find the homeserver and
 * the simulator without being told ports. One module owns the format, so writer and readers agree.
 * Nothing secret is in it; it is removed on stop, only if it still names our pid (another process may
 * have taken the folder over), and a stale one (its pid is gone) is ignored by readers.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const NODE_INFO_FILE = 'paykit-node.json'

export interface NodeInfo {
  kind: 'embedded'
  homeserverPublicKey: string
  homeserverUrl: string
  relayUrl: string
  linkRelayUrl: string
  port: number
  pid: number
  /** The POS engine's loopback payment simulator (http://127.0.0.1:PORT); absent or null when none runs. */
  simulatorUrl?: string | null
}

/** What a running node says of itself, for this process. */
export function nodeInfoOf(
  node: Pick<NodeInfo, 'homeserverPublicKey' | 'homeserverUrl' | 'relayUrl' | 'linkRelayUrl' | 'port'>,
  simulatorUrl: string | null = null,
): NodeInfo {
  return {
    kind: 'embedded',
    homeserverPublicKey: node.homeserverPublicKey,
    homeserverUrl: node.homeserverUrl,
    relayUrl: node.relayUrl,
    linkRelayUrl: node.linkRelayUrl,
    port: node.port,
    pid: process.pid,
    simulatorUrl,
  }
}

export function nodeInfoPath(nodeDir: string): string {
  return join(nodeDir, NODE_INFO_FILE)
}

/** Writes the file whole (temp file + rename, mode 0600): a reader never sees half of it. */
export function writeNodeInfo(nodeDir: string, info: NodeInfo): void {
  const file = nodeInfoPath(nodeDir)
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  chmodSync(tmp, 0o600)
  renameSync(tmp, file)
}

/** Removes the file when it still names `pid`, or is unreadable (then it is ours to clean up). */
export function removeNodeInfo(nodeDir: string, pid: number): void {
  const file = nodeInfoPath(nodeDir)
  if (!existsSync(file)) return
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }
    if (o.pid !== pid) return
  } catch {
    // Unreadable: damaged; the next writer replaces it anyway.
  }
  rmSync(file, { force: true })
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

/** The file's content when well-formed, else undefined (liveness is the caller's question). */
export function readNodeInfo(nodeDir: string): NodeInfo | undefined {
  const file = nodeInfoPath(nodeDir)
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
      typeof o.pid === 'number' &&
      (o.simulatorUrl === undefined || o.simulatorUrl === null || typeof o.simulatorUrl === 'string')
    ) {
      return o as NodeInfo
    }
  } catch {
    // A damaged file is treated like a missing one: the node rewrites it on start.
  }
  return undefined
}

/** The running node's info, or undefined when there is none or its process is gone. */
export function runningNode(nodeDir: string): NodeInfo | undefined {
  const info = readNodeInfo(nodeDir)
  return info && pidAlive(info.pid) ? info : undefined
}
