/**
 * @module cli/commands/homeserver
 * `paykit homeserver` (the embedded homeserver + pkarr relay + link relay on one port) and
 * `paykit testnet` (the pubky-testnet drop-in on its fixed ports). Both print where they are, run
 * until SIGINT/SIGTERM, then close their servers and database and return, so the process exits on
 * its own with nothing left running.
 */
import { mkdirSync } from 'node:fs'
import { isIP } from 'node:net'
import type { EmbeddedNode } from '../../main/core/pubky/embedded-node'
import type { Testnet } from '../../main/core/pubky/testnet'
import { bool, parsePort, str } from '../args'
import type { CommandContext } from '../context'
import { userPath } from '../context'
import { CliError, EXIT_OK, UsageError, withHint } from '../errors'
import { table } from '../format'
import { nodeInfoOf, removeNodeInfo, runningNode, writeNodeInfo } from '../../main/core/engine/node-info-file'
import type { CommandSpec } from '../registry'
import { defaultNodeDir } from '../network'

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

function checkHost(host: string, hint: string): string {
  if (host !== 'localhost' && isIP(host) === 0) {
    throw new UsageError(
      `--host must be an IP address or "localhost", got ${JSON.stringify(host.slice(0, 60))}`,
      hint,
    )
  }
  return host
}

function bindFailure(e: unknown, what: string): unknown {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'EADDRINUSE') {
    return new CliError(
      'cli-runtime',
      `${what}: the port is already in use`,
      'Stop whatever uses it or choose another --port.',
      {
        cause: e,
      },
    )
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
    return new CliError('cli-runtime', `${what}: cannot bind (${code})`, 'Check --host and --port.', {
      cause: e,
    })
  }
  return withHint(e, 'Run with PAYKIT_DEBUG=1 for details.')
}

/**
 * Waits for `stop` (armed before the server started, so a signal during start-up or right after the
 * "running" line is never missed), then closes `close` and reports it.
 */
async function serveUntilSignal(
  ctx: CommandContext,
  stop: Promise<string>,
  close: () => Promise<void>,
): Promise<number> {
  const signal = await stop
  ctx.note(`Received ${signal}; shutting down…`, true)
  await close()
  ctx.note('Stopped.', true)
  return EXIT_OK
}

export const homeserverCommand: CommandSpec = {
  path: ['homeserver'],
  summary: 'Run the embedded Pubky homeserver and pkarr relay until Ctrl-C',
  description:
    'Starts the offline homeserver, pkarr relay and auth link relay on one port (persisted in SQLite under the data folder), prints its public key and URLs, and runs until SIGINT or SIGTERM, then shuts down cleanly. Other paykit commands use it with --homeserver <data folder>, or by default when it runs from $PAYKIT_HOME/node.',
  options: {
    'data-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'Folder for the homeserver database and key',
      defaultText: '$PAYKIT_HOME/node',
    },
    port: {
      type: 'string',
      valueName: 'N',
      description: 'Port to bind (0 = any free port)',
      defaultText: 'the last port used, else any',
    },
    host: { type: 'string', valueName: 'ADDR', description: 'Address to bind', defaultText: '127.0.0.1' },
  },
  examples: ['paykit homeserver', 'paykit homeserver --data-dir ./node --port 6290 --json'],
  async run(ctx, args) {
    const hint = 'Run `paykit homeserver --help` for usage.'
    const stop = ctx.shutdownSignal()
    const portText = str(args.values, 'port')
    const port = portText === undefined ? undefined : parsePort(portText, '--port', hint)
    const host = checkHost(str(args.values, 'host') ?? '127.0.0.1', hint)
    const dataDirArg = str(args.values, 'data-dir')
    const dataDir = dataDirArg === undefined ? defaultNodeDir(ctx) : userPath(ctx.io, dataDirArg)
    const other = runningNode(dataDir)
    if (other && other.pid !== process.pid) {
      throw new CliError(
        'cli-state',
        `a homeserver is already running from ${dataDir} (pid ${other.pid}, ${other.homeserverUrl})`,
        'Use that one, stop it first, or pass another --data-dir.',
      )
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    if (!LOOPBACK.has(host)) {
      ctx.note(
        `Warning: binding ${host} exposes the homeserver beyond this machine; its records still say localhost.`,
        true,
      )
    }
    // Loaded here, not at the top: `paykit --help` should not pay for the server and its database.
    const { startEmbeddedNode } = await import('../../main/core/pubky/embedded-node')
    let node: EmbeddedNode
    try {
      node = await startEmbeddedNode({ dataDir, host, ...(port !== undefined ? { port } : {}) })
    } catch (e) {
      throw bindFailure(e, `cannot start the homeserver on ${host}:${port ?? 'auto'}`)
    }
    const info = nodeInfoOf(node)
    writeNodeInfo(dataDir, info)
    ctx.result(
      [
        'Paykit embedded homeserver is running.',
        table([
          ['homeserver pubky', node.homeserverPublicKey],
          ['pubky URI', `pubky://${node.homeserverPublicKey}`],
          ['homeserver URL', node.homeserverUrl],
          ['pkarr relay', node.relayUrl],
          ['link relay', node.linkRelayUrl],
          ['data dir', dataDir],
        ]),
        `Use it from another shell: paykit directory publish --homeserver ${dataDir} --method …`,
        'Press Ctrl-C to stop.',
      ].join('\n'),
      { status: 'running', ...info, dataDir },
    )
    return serveUntilSignal(ctx, stop, async () => {
      await node.close()
      removeNodeInfo(dataDir, process.pid)
    })
  },
}

export const testnetCommand: CommandSpec = {
  path: ['testnet'],
  summary: 'Run the offline pubky-testnet drop-in on its fixed ports until Ctrl-C',
  description:
    "Starts pubky-testnet's static testnet offline: a pkarr relay, an auth HTTP relay, the homeserver (key derived from the all-zero secret) and its admin API, on pubky-testnet's fixed ports on 127.0.0.1 (printed when it starts), so the unmodified SDK's Pubky.testnet() works. State is in memory unless --data-dir is given. Runs until SIGINT or SIGTERM.",
  options: {
    'data-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'Persist state in this folder',
      defaultText: 'in memory',
    },
    'token-required': { type: 'boolean', description: 'Require signup tokens (from the admin API)' },
  },
  examples: [
    'paykit testnet',
    'paykit directory publish --homeserver testnet --network regtest --method onchain=bcrt1q…',
  ],
  async run(ctx, args) {
    const stop = ctx.shutdownSignal()
    const dataDirArg = str(args.values, 'data-dir')
    const dataDir = dataDirArg === undefined ? undefined : userPath(ctx.io, dataDirArg)
    if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const { startTestnet, TESTNET_PORTS } = await import('../../main/core/pubky/testnet')
    let testnet: Testnet
    try {
      testnet = await startTestnet({
        signupMode: bool(args.values, 'token-required') ? 'token_required' : 'open',
        ...(dataDir !== undefined ? { dataDir } : {}),
      })
    } catch (e) {
      throw bindFailure(
        e,
        `cannot start the testnet (ports ${Object.values(TESTNET_PORTS).join(', ')} on 127.0.0.1 must be free)`,
      )
    }
    ctx.result(
      [
        'Pubky testnet is running (offline drop-in for pubky-testnet):',
        table([
          ['homeserver pubky', testnet.homeserverPublicKey],
          ['homeserver URL', testnet.homeserverUrl],
          ['pkarr relay', testnet.relayUrl],
          ['http relay', testnet.httpRelayUrl],
          ['admin', `${testnet.adminUrl}  (X-Admin-Password: admin; GET /generate_signup_token)`],
          ['data', dataDir ?? 'in memory'],
        ]),
        'Use Pubky.testnet() from @synonymdev/pubky, or paykit … --homeserver testnet. Press Ctrl-C to stop.',
      ].join('\n'),
      {
        status: 'running',
        homeserverPublicKey: testnet.homeserverPublicKey,
        homeserverUrl: testnet.homeserverUrl,
        relayUrl: testnet.relayUrl,
        httpRelayUrl: testnet.httpRelayUrl,
        adminUrl: testnet.adminUrl,
        dataDir: dataDir ?? null,
        pid: process.pid,
      },
    )
    return serveUntilSignal(ctx, stop, () => testnet.close())
  },
}
