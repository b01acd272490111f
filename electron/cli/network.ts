/**
 * @module cli/network
 * Which Pubky network a directory command talks to, from `--homeserver` and `--relay`:
 *
 * - a folder: the data folder of a running `paykit homeserver` (its `paykit-node.json`);
 * - `testnet` or `testnet:HOST`: the static testnet (`paykit testnet`, the SDK's `Pubky.testnet(host)`);
 * - an `http(s)://` URL: the origin of an embedded node (its relay is `<URL>/pkarr`);
 * - a public key: a homeserver found through `--relay` (default: the mainnet relays).
 *
 * Without `--homeserver`: the node in `<PAYKIT_HOME>/node` when it is running, else `--relay`, else
 * mainnet. One process, one network (the gateway refuses a second profile).
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { formatPublicKey, parsePublicKey } from '../main/core/keys/public-key'
import type { NetworkProfile } from '../main/core/pubky/gateway'
import type { CommandContext } from './context'
import { paykitHome, userPath } from './context'
import { CliError, UsageError } from './errors'
import { readNodeInfo, runningNode } from '../main/core/engine/node-info-file'

export interface Target {
  profile: NetworkProfile
  /** The homeserver to sign up on, when known. */
  homeserverKey?: string
  /** For messages: where this is. */
  label: string
}

/** Default data folder of `paykit homeserver`. */
export function defaultNodeDir(ctx: CommandContext): string {
  return join(paykitHome(ctx.io), 'node')
}

function checkRelayUrl(url: string, hint: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new UsageError(`--relay ${JSON.stringify(url.slice(0, 80))} is not a URL`, hint)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new UsageError(`--relay must be an http:// or https:// URL, got ${u.protocol}`, hint)
  }
  return url.replace(/\/+$/, '')
}

function fromNodeDir(dir: string): Target {
  const info = runningNode(dir)
  if (!info) {
    const stale = readNodeInfo(dir) !== undefined
    throw new CliError(
      'cli-state',
      stale
        ? `the homeserver of ${dir} is not running (its process has exited)`
        : `no running homeserver in ${dir}`,
      `Start it with \`paykit homeserver --data-dir ${dir}\` and keep it running.`,
    )
  }
  return {
    profile: { kind: 'embedded', relayUrl: info.relayUrl },
    homeserverKey: info.homeserverPublicKey,
    label: `embedded homeserver ${info.homeserverUrl} (${dir})`,
  }
}

/** Resolves the options to a network profile (and the homeserver key when known). */
export async function resolveTarget(
  ctx: CommandContext,
  homeserver: string | undefined,
  relays: readonly string[],
  hint: string,
): Promise<Target> {
  const relayUrls = relays.map((r) => checkRelayUrl(r, hint))
  if (homeserver === undefined) {
    if (relayUrls.length > 0)
      return { profile: { kind: 'mainnet', relays: relayUrls }, label: `relays ${relayUrls.join(', ')}` }
    const dir = defaultNodeDir(ctx)
    if (runningNode(dir)) return fromNodeDir(dir)
    return { profile: { kind: 'mainnet' }, label: 'the mainnet pkarr relays' }
  }
  const testnet = /^testnet(?::(.+))?$/.exec(homeserver)
  if (testnet) {
    if (relayUrls.length > 0)
      throw new UsageError('--relay cannot be combined with --homeserver testnet', hint)
    const host = testnet[1]
    if (host !== undefined && !/^[A-Za-z0-9.-]{1,253}$/.test(host))
      throw new UsageError(
        `--homeserver testnet:HOST needs a host name or IPv4 address, got ${JSON.stringify(host.slice(0, 80))}`,
        hint,
      )
    // Loaded only here: the testnet module brings the whole server with it.
    const { TESTNET_HOMESERVER_KEY } = await import('../main/core/pubky/testnet')
    return {
      profile: host === undefined ? { kind: 'testnet' } : { kind: 'testnet', host },
      homeserverKey: TESTNET_HOMESERVER_KEY,
      label: host === undefined ? 'the static testnet' : `the static testnet on ${host}`,
    }
  }
  if (/^https?:\/\//i.test(homeserver)) {
    if (relayUrls.length > 0) throw new UsageError('--relay cannot be combined with a homeserver URL', hint)
    let u: URL
    try {
      u = new URL(homeserver)
    } catch {
      throw new UsageError(`--homeserver ${JSON.stringify(homeserver.slice(0, 80))} is not a URL`, hint)
    }
    const relayUrl = `${u.origin}/pkarr`
    return { profile: { kind: 'embedded', relayUrl }, label: `embedded homeserver ${u.origin}` }
  }
  const dir = userPath(ctx.io, homeserver)
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    if (relayUrls.length > 0)
      throw new UsageError('--relay cannot be combined with a homeserver data folder', hint)
    return fromNodeDir(dir)
  }
  let key: string
  try {
    key = formatPublicKey(parsePublicKey(homeserver))
  } catch {
    throw new UsageError(
      `--homeserver ${JSON.stringify(homeserver.slice(0, 80))} is not a folder, "testnet", a URL or a public key`,
      hint,
    )
  }
  return relayUrls.length > 0
    ? { profile: { kind: 'mainnet', relays: relayUrls }, homeserverKey: key, label: `homeserver ${key}` }
    : { profile: { kind: 'mainnet' }, homeserverKey: key, label: `homeserver ${key} (mainnet relays)` }
}

/** Shared help text for the network options. */
export const NETWORK_OPTIONS = {
  homeserver: {
    type: 'string',
    valueName: 'TARGET',
    description:
      'Where to publish/read: the data folder of a running `paykit homeserver`, "testnet" (or testnet:HOST), an embedded node URL (http://127.0.0.1:PORT), or a homeserver public key',
    defaultText: 'the node in $PAYKIT_HOME/node if running, else mainnet',
  },
  relay: {
    type: 'string',
    valueName: 'URL',
    multiple: true,
    description: 'pkarr relay to resolve keys through (with a homeserver public key)',
  },
} as const
