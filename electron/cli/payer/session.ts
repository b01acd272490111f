/**
 * @module cli/payer/session
 * What every payer command runs with: our unlocked identity and Noise key, the Pubky network (the
 * same `--homeserver`/`--relay` resolution as `directory`), a reader for merchants' public
 * directories, a writer for our own homeserver (signed in lazily: reading needs no session), the
 * payer database, the subscription flow context, and the payment simulator client.
 */
import { join } from 'node:path'
import { wipe } from '../../main/core/util/bytes'
import type { Database } from '../../main/core/storage/db'
import type { X25519KeyPair } from '../../main/core/keys/device-key'
import type { Identity } from '../../main/core/keys/identity'
import type { Network } from '../../main/core/methods/errors'
import type { PubkyGateway } from '../../main/core/pubky/gateway'
import type { PubkyReader, PubkyWriter } from '../../main/core/store/types'
import type { FlowContext } from '../../main/core/subscriptions/flow'
import type { SimServiceClient } from '../../main/core/payments/sim-client'
import { str, strs, type ParsedArgs, type OptionSpecs } from '../args'
import { userPath, type CommandContext } from '../context'
import { CliError, UsageError, withHint } from '../errors'
import { unlockIdentity, type StoredIdentity } from '../identity-store'
import { NETWORK_OPTIONS, defaultNodeDir, resolveTarget, type Target } from '../network'
import { runningNode } from '../../main/core/engine/node-info-file'
import { PASSPHRASE_ENV, readPassphrase } from '../secrets'
import { DATA_DIR_OPTION, PASSPHRASE_OPTION, pathsFor } from '../commands/id'
import { openPayerDb, PAYER_DB_FILE } from './db'

export const SIM_ENV = 'PAYKIT_SIM_URL'

/** Options every payer command takes. */
export const PAYER_OPTIONS: OptionSpecs = {
  ...NETWORK_OPTIONS,
  ...DATA_DIR_OPTION,
  ...PASSPHRASE_OPTION,
}

export const SIM_OPTION: OptionSpecs = {
  sim: {
    type: 'string',
    valueName: 'URL',
    description: `Payment simulator service (http://127.0.0.1:PORT) that stands in for the Lightning network and the chain; else $${SIM_ENV}`,
  },
  network: {
    type: 'string',
    valueName: 'NET',
    description: 'Bitcoin network invoices and addresses must be for: mainnet, testnet, signet or regtest',
    defaultText: "the simulator's network, else mainnet",
  },
}

const NETWORKS: readonly Network[] = ['mainnet', 'testnet', 'signet', 'regtest']

export interface PayerSession {
  readonly ctx: CommandContext
  readonly home: string
  readonly facts: StoredIdentity
  readonly identity: Identity
  readonly noise: X25519KeyPair
  readonly target: Target
  readonly gateway: PubkyGateway
  readonly reader: PubkyReader
  readonly db: Database
  /** Our homeserver space, signed in on first use. */
  writer(): Promise<PubkyWriter>
  /** The subscription flow context (signs in: accepting and cancelling write our homeserver). */
  flow(): Promise<FlowContext>
  /** A flow context for reading only (no sign-in). */
  readFlow(): FlowContext
  /** Records a merchant we dealt with (polled by `requests` and `autopay`). */
  rememberMerchant(pubky: string): void
  knownMerchants(): string[]
  close(): Promise<void>
}

export function networkHint(target: Target): string {
  return target.profile.kind === 'mainnet'
    ? `Could not reach ${target.label}; check the connection or pass --homeserver.`
    : `Could not reach ${target.label}; is it running (\`paykit homeserver\` / \`paykit testnet\`)?`
}

/** Unlocks the identity and opens the network and the payer database. */
export async function openPayerSession(
  ctx: CommandContext,
  args: ParsedArgs,
  hint: string,
): Promise<PayerSession> {
  const target = await resolveTarget(ctx, str(args.values, 'homeserver'), strs(args.values, 'relay'), hint)
  const paths = pathsFor(ctx, args)
  const passphrase = await readPassphrase(ctx, str(args.values, 'passphrase-file'), false)
  let unlocked: ReturnType<typeof unlockIdentity>
  try {
    unlocked = unlockIdentity(paths, passphrase)
  } catch (e) {
    throw e instanceof CliError ? e : withHint(e, `Check --passphrase-file or $${PASSPHRASE_ENV}.`)
  }
  const { facts, identity } = unlocked
  const { deriveX25519Static } = await import('../../main/core/keys/device-key')
  const noise = deriveX25519Static(identity.secretKey, facts.deviceId)
  let db: Database | undefined
  try {
    db = openPayerDb(join(paths.home, PAYER_DB_FILE), () => ctx.clock.now())
    const { PubkyGateway } = await import('../../main/core/pubky/gateway')
    const { GatewayReader, GatewayWriter } = await import('../../main/core/store/gateway-store')
    const { FileNonceStore } = await import('../../main/core/subscriptions/flow')
    let gateway: PubkyGateway
    try {
      gateway = await PubkyGateway.open(target.profile)
    } catch (e) {
      throw withHint(e, networkHint(target))
    }
    const reader = new GatewayReader(gateway)
    const nonces = new FileNonceStore(join(paths.home, 'payer-nonces.log'))
    const party = {
      secretKey: identity.secretKey,
      publicKey: identity.publicKey,
      noiseKeys: [noise],
      noisePublicKey: noise.publicKey,
    }
    let writer: PubkyWriter | undefined
    const theDb = db
    const session: PayerSession = {
      ctx,
      home: paths.home,
      facts,
      identity,
      noise,
      target,
      gateway,
      reader,
      db: theDb,
      async writer() {
        if (writer) return writer
        let current: string | undefined
        try {
          current = await gateway.homeserverOf(identity.z32)
        } catch {
          current = undefined
        }
        if (current === undefined)
          throw new CliError(
            'cli-state',
            `${identity.z32} has no homeserver on ${target.label}`,
            'Publish your Noise key first: `paykit directory publish --noise HOST:PORT --homeserver …` signs you up.',
          )
        try {
          await gateway.signin(identity.secretKey)
        } catch (e) {
          throw withHint(e, networkHint(target))
        }
        writer = new GatewayWriter(gateway, identity.z32)
        return writer
      },
      async flow() {
        return { ...session.readFlow(), writer: await session.writer() }
      },
      readFlow() {
        const noWriter: PubkyWriter = {
          owner: identity.z32,
          put: () => Promise.reject(new Error('read-only flow context')),
          delete: () => Promise.reject(new Error('read-only flow context')),
        } as unknown as PubkyWriter
        return { writer: noWriter, reader, party, nonces, clock: ctx.clock, rng: ctx.rng }
      },
      rememberMerchant(pubky) {
        const now = ctx.clock.now()
        theDb.run(
          `INSERT INTO merchants (pubky, first_seen, last_used) VALUES (?, ?, ?)
           ON CONFLICT (pubky) DO UPDATE SET last_used = excluded.last_used`,
          pubky,
          now,
          now,
        )
      },
      knownMerchants() {
        return theDb
          .all<{ pubky: string }>('SELECT pubky FROM merchants ORDER BY last_used DESC')
          .map((r) => r.pubky)
      },
      async close() {
        try {
          if (writer) await gateway.signout(identity.z32).catch(() => {})
        } finally {
          theDb.close()
          wipe(identity.secretKey, noise.secretKey)
        }
      },
    }
    return session
  } catch (e) {
    db?.close()
    wipe(identity.secretKey, noise.secretKey)
    throw e
  }
}

/**
 * The simulator a running embedded node advertises: `simulatorUrl` in the `paykit-node.json` of
 * the `--homeserver` folder (or of the default node folder when `--homeserver` is not given), as
 * a Paykit POS in embedded/demo mode writes it. Undefined when there is no running node there or
 * it names no simulator. Only a loopback http URL is taken (the client checks that too).
 */
export function nodeSimulatorUrl(ctx: CommandContext, args: ParsedArgs): string | undefined {
  const homeserver = str(args.values, 'homeserver')
  let dir: string
  if (homeserver === undefined) dir = defaultNodeDir(ctx)
  else {
    if (/^testnet(:|$)/.test(homeserver) || /^https?:\/\//i.test(homeserver)) return undefined
    dir = userPath(ctx.io, homeserver)
  }
  const url = runningNode(dir)?.simulatorUrl
  return typeof url === 'string' && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}\/?$/.test(url)
    ? url
    : undefined
}

/**
 * The simulator client from `--sim`, else $PAYKIT_SIM_URL, else the `simulatorUrl` a running
 * embedded node advertises (`nodeSimulatorUrl`).
 */
export async function simClient(
  ctx: CommandContext,
  args: ParsedArgs,
  hint: string,
): Promise<SimServiceClient> {
  const given = str(args.values, 'sim') ?? ctx.io.env[SIM_ENV]
  const url = given === undefined || given === '' ? nodeSimulatorUrl(ctx, args) : given
  if (url === undefined || url === '')
    throw new UsageError(
      `no payment backend: give --sim http://127.0.0.1:PORT (or set ${SIM_ENV}, or use --homeserver with the data folder of a till running in demo mode); this build pays through the payment simulator only`,
      hint,
    )
  const { SimServiceClient } = await import('../../main/core/payments/sim-client')
  try {
    return new SimServiceClient(url)
  } catch (e) {
    throw new UsageError(`--sim: ${(e as Error).message}`, hint)
  }
}

/** `--network`, else the simulator's network, else mainnet. */
export async function bitcoinNetwork(
  args: ParsedArgs,
  sim: SimServiceClient | undefined,
  hint: string,
): Promise<Network> {
  const given = str(args.values, 'network')
  if (given !== undefined) {
    if (!(NETWORKS as readonly string[]).includes(given))
      throw new UsageError(
        `--network must be one of ${NETWORKS.join(', ')}, got ${JSON.stringify(given.slice(0, 40))}`,
        hint,
      )
    return given as Network
  }
  if (sim) {
    try {
      const info = await sim.info()
      return info.network === 'bitcoin' ? 'mainnet' : (info.network as Network)
    } catch (e) {
      throw withHint(e, 'Is the payment simulator running at --sim?')
    }
  }
  return 'mainnet'
}
