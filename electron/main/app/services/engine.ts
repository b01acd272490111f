/**
 * @module app/services/engine
 * Runs the merchant's payment engine for the app shell (both Electron main and browser mode):
 * started through `EngineHost` (a worker thread, so crypto and SQLite never run in the process that
 * drives the UI) as soon as the identity secret is available (first unlock or end of onboarding),
 * stopped in order at quit (listener, `/noise` record, ledger). Locking the app does NOT stop it:
 * a till keeps taking payments behind the lock screen; the access policy gates the UI instead.
 *
 * The identity secret goes main → worker only: a copy is handed to `EngineHost.start`, which
 * transfers it to the worker and wipes the copy. A Ring-linked till hands over its Ring link and a
 * copy of its device secret the same way (`ring` instead of `identitySecret`). Engine events are
 * turned into contract events.
 *
 * Pairing with Pubky Ring also runs here (`pairRing`), because it needs the engine's folder: on the
 * embedded network it starts the same homeserver the engine will use, in its own worker.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PaykitError } from '../../core/util/errors'
import { isErrorCode, type ErrorCode } from '../../../../shared/ipc/errors'
import type { EngineStatus } from '../../../../shared/domain/engine'
import type { HomeserverChoice } from '../../../../shared/domain/session'
import type { EngineApi, EngineEvents, EngineNetwork } from '../../core/engine/types'
import { EngineHost, type EngineHostOptions } from '../../core/engine/host'
import type { RingLink } from '../../core/pubky/ring-link'
import type { Emit } from '../../ipc/events'
import type { Logger } from '../../platform/logger'
import { describeError } from '../../platform/logger'
import { methodLabel } from './engine-dto'
import type { ReadyCredentials } from './session'

/** What the app needs of a running engine (EngineHost, or an in-process engine in a bench). */
export type EngineHandle = {
  readonly api: EngineApi
  readonly events: { on<K extends keyof EngineEvents>(e: K, l: (p: EngineEvents[K]) => void): () => void }
  stop(drainMs?: number): Promise<void>
}

export type EngineLauncher = (options: EngineHostOptions) => Promise<EngineHandle>

/** A Pubky Ring pairing as `EngineHost.pairRing` runs it: show `url`; `approved` settles once Ring answers. */
export type RingPairingHandle = {
  readonly url: string
  readonly approved: Promise<RingLink>
  cancel(): Promise<void>
}

export type RingPairer = (o: {
  dataDir: string
  network: EngineNetwork
  relayUrl?: string
  timeoutMs?: number
}) => Promise<RingPairingHandle>

export type EngineServiceOptions = {
  /** The engine's folder (ledger, embedded homeserver, nonce log). */
  readonly dataDir: string
  readonly emit: Emit
  readonly log: Logger
  readonly launch: EngineLauncher
  /** Pairing with Pubky Ring (default `EngineHost.pairRing`). */
  readonly pair?: RingPairer
  /** The link relay for hosted pairing (default: the SDK's, https://httprelay.pubky.app/link). */
  readonly ringRelayUrl?: string
  /** Listener overrides (host/port; the e2e lifts per-IP limits: every payer there is 127.0.0.1). */
  readonly listener?: EngineHostOptions['listener']
  /** Timer overrides (benches and tests turn the hourly billing timer off). */
  readonly timers?: Pick<
    EngineHostOptions,
    | 'billingIntervalMs'
    | 'inboxIntervalMs'
    | 'sweepIntervalMs'
    | 'subscriberSyncIntervalMs'
    | 'settlementWatchIntervalMs'
  >
  /**
   * TEST ONLY: the engine runs on an offset clock its `testClockAdvance` moves (from the test
   * process, never over IPC). No shell sets this; only tests pass it in.
   */
  readonly testClock?: { offsetMs?: number }
}

/** Remote error names whose failures are the caller's input (shown beside the field). */
const INPUT_ERRORS = new Set([
  'InputError',
  'MethodError',
  'DirectoryError',
  'AmountError',
  'UriError',
  'RequestError',
  'ShapeError',
  'JsonError',
])
const NETWORK_ERRORS = new Set(['PubkyGatewayError', 'StoreError', 'HttpError', 'PkarrError'])

/** Maps an engine (worker) error to an IPC error code, keeping the core's actionable message. */
export function engineErrorCode(e: unknown): ErrorCode {
  const err = e as { code?: unknown; remoteName?: unknown; name?: unknown }
  const code = typeof err?.code === 'string' ? err.code : ''
  const name = typeof err?.remoteName === 'string' ? err.remoteName : String(err?.name ?? '')
  if (code === 'engine-exited' || code === 'engine-not-started' || code === 'engine-start-failed')
    return 'unavailable'
  if (isErrorCode(code) && code !== 'internal') return code
  // Pubky Ring codes until the contract has its own (their messages say what to do).
  const ring = RING_CODES[code]
  if (ring) return ring
  if (INPUT_ERRORS.has(name)) return 'invalid-input'
  if (code.startsWith('unknown-') || code.endsWith('not-found')) return 'not-found'
  if (name === 'CheckoutError' || name === 'BillingError') return 'conflict'
  if (NETWORK_ERRORS.has(name)) return 'unavailable'
  if (name === 'StorageError') return 'storage'
  return 'internal'
}

/** Pubky Ring failures (core/pubky/ring-link) as contract codes; each keeps its message. */
const RING_CODES: Record<string, ErrorCode> = {
  'needs-identity-key': 'forbidden',
  'ring-session-expired': 'unavailable',
  'ring-denied': 'forbidden',
  'ring-timeout': 'unavailable',
  'ring-relay-failed': 'unavailable',
  'ring-cancelled': 'conflict',
  'ring-invalid-link': 'storage',
}

/** An engine or pairing failure as the error the IPC layer sends (code mapped, message kept). */
export function asIpcError(e: unknown): PaykitError {
  const code = engineErrorCode(e)
  if (code === 'internal')
    return new PaykitError('internal', 'The payment engine failed. Details are in the log.', { cause: e })
  const message = e instanceof Error ? e.message : String(e)
  const text = NETWORK_ERRORS.has(String((e as { remoteName?: unknown }).remoteName))
    ? `The homeserver could not be reached: ${message}`
    : message
  return new PaykitError(code, text.charAt(0).toUpperCase() + text.slice(1), { cause: e })
}

export function networkFor(choice: HomeserverChoice): EngineNetwork {
  if (choice.kind === 'embedded') return { kind: 'embedded' }
  return {
    kind: 'hosted',
    homeserver: choice.homeserver,
    ...(choice.signupToken !== '' ? { signupToken: choice.signupToken } : {}),
  }
}

/** How the engine is told who it is (exactly one), and who hears that a Ring session expired. */
type Credential =
  | { identitySecret: Uint8Array; onExpired?: undefined }
  | { ring: { link: RingLink; deviceSecret: Uint8Array }; onExpired?: () => void }

export class EngineService {
  private handle: EngineHandle | null = null
  private state: EngineStatus = { state: 'stopped', problem: null }
  private starting: Promise<void> | null = null
  private unsubscribe: (() => void)[] = []
  private network: EngineNetwork = { kind: 'embedded' }
  /** Checkout ids the PAID event was already sent for (the engine may report a checkout twice). */
  private readonly announced = new Set<string>()

  constructor(private readonly o: EngineServiceOptions) {}

  status(): EngineStatus {
    return this.state
  }

  private setState(next: EngineStatus): void {
    this.state = next
    this.o.emit('engine:status', next)
  }

  /**
   * Starts the engine with a COPY of the secret (the caller keeps its own): the identity secret (a
   * bare array, or `kind: 'key'`) or a Ring link with its device secret. Resolves when it runs or
   * has failed (the failure is in `status()`, and the app keeps working without payments). A Ring
   * session the homeserver forgot is reported through `onRingExpired`.
   */
  start(
    creds: Uint8Array | ReadyCredentials,
    homeserver: HomeserverChoice,
    extra: { xpub?: string } = {},
  ): Promise<void> {
    if (this.handle || this.starting) return this.starting ?? Promise.resolve()
    this.network = networkFor(homeserver)
    const who: Credential =
      creds instanceof Uint8Array
        ? { identitySecret: creds.slice() }
        : creds.kind === 'key'
          ? { identitySecret: creds.secret.slice() }
          : {
              ring: { link: creds.link, deviceSecret: creds.deviceSecret.slice() },
              ...(creds.onRingExpired ? { onExpired: creds.onRingExpired } : {}),
            }
    this.starting = this.boot(who, extra).finally(() => {
      this.starting = null
    })
    return this.starting
  }

  private async boot(who: Credential, extra: { xpub?: string }): Promise<void> {
    this.setState({ state: 'starting', problem: null })
    const { onExpired, ...credential } = who
    try {
      const handle = await this.o.launch({
        dataDir: this.o.dataDir,
        ...credential,
        network: this.network,
        ...(this.o.listener ? { listener: this.o.listener } : {}),
        ...(this.o.timers ?? {}),
        ...(extra.xpub ? { xpub: extra.xpub } : {}),
        ...(this.o.testClock ? { testClock: this.o.testClock } : {}),
        // The worker logs at debug level; only its warnings and errors reach the app log.
        onLog: (line) => {
          if (/"level":"(warn|error)"|\b(WARN|ERROR)\b/.test(line))
            this.o.log.warn(`engine: ${line.slice(0, 2000)}`)
        },
      })
      this.handle = handle
      this.wire(handle)
      if (this.network.kind === 'embedded') await this.writeNodeInfo(handle)
      this.setState({ state: 'running', problem: null })
    } catch (e) {
      if ('identitySecret' in credential) credential.identitySecret.fill(0)
      else credential.ring.deviceSecret.fill(0)
      this.o.log.error('engine: start failed', { cause: describeError(e) })
      this.setState({ state: 'failed', problem: asIpcError(e).message })
      if ((e as { code?: unknown }).code === 'ring-session-expired') onExpired?.()
      throw asIpcError(e)
    }
  }

  /** Restarts with another watch-only key; if the engine refuses it, restarts as it was and throws. */
  async restartWith(
    creds: Uint8Array | ReadyCredentials,
    homeserver: HomeserverChoice,
    xpub: string,
  ): Promise<void> {
    await this.starting?.catch(() => undefined)
    await this.stop()
    try {
      await this.start(creds, homeserver, { xpub })
    } catch (e) {
      await this.start(creds, homeserver).catch(() => undefined)
      throw e
    }
  }

  /**
   * Opens a Pubky Ring pairing for this till's network: on the embedded network the engine's own
   * homeserver runs (in the pairing worker) until Ring answers. Refused on the embedded network
   * while the engine runs, because both would own the same homeserver folder.
   */
  async pairRing(homeserver: HomeserverChoice, timeoutMs?: number): Promise<RingPairingHandle> {
    if ((this.handle || this.starting) && homeserver.kind === 'embedded')
      throw new PaykitError(
        'conflict',
        'The payment engine is running on this computer’s homeserver; it can be paired again once it has stopped.',
      )
    const pair = this.o.pair ?? ((o) => EngineHost.pairRing(o))
    try {
      return await pair({
        dataDir: this.o.dataDir,
        network: networkFor(homeserver),
        ...(this.o.ringRelayUrl ? { relayUrl: this.o.ringRelayUrl } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      })
    } catch (e) {
      this.o.log.warn('engine: could not start a Pubky Ring pairing', { cause: describeError(e) })
      throw asIpcError(e)
    }
  }

  private wire(handle: EngineHandle): void {
    const emit = this.o.emit
    const on = handle.events.on.bind(handle.events)
    this.unsubscribe = [
      on('checkout:paid', (p) => void this.announcePaid(p.checkoutId)),
      on('checkout:changed', (p) => {
        emit('checkout:changed', { checkoutId: p.checkoutId, state: p.state, receivedSats: p.receivedSats })
        if (p.state === 'expired') emit('checkout:expired', { checkoutId: p.checkoutId })
        if (p.state === 'paid') void this.announcePaid(p.checkoutId)
      }),
      on('receipt', (p) => emit('receipts:new', { receiptId: p.receiptId, amountSats: p.amountSats })),
      on('request', (p) =>
        emit('requests:changed', { direction: p.direction, requestId: p.requestId, state: p.state }),
      ),
      on('subscriber:changed', (p) =>
        emit('subscribers:changed', { subscriptionId: p.subscriptionId, change: p.change }),
      ),
      on('billing:progress', (p) =>
        emit('billing:progress', { phase: p.phase, done: p.done, total: p.total, finished: false }),
      ),
      on('billing:complete', () =>
        emit('billing:progress', { phase: 'complete', done: 1, total: 1, finished: true }),
      ),
    ]
  }

  /** Builds the PAID event from the ledger (amount, receipt, method) and sends it once per checkout. */
  private async announcePaid(checkoutId: string): Promise<void> {
    if (this.announced.has(checkoutId)) return
    this.announced.add(checkoutId)
    try {
      const api = this.api()
      const row = await api.checkoutGet(checkoutId)
      if (!row || row.state !== 'paid') {
        this.announced.delete(checkoutId)
        return
      }
      const receipt = row.receipt_id ? await api.receiptsGet(row.receipt_id) : null
      this.o.emit('checkout:paid', {
        checkoutId,
        totalMinor: row.received_sats,
        currency: 'SAT',
        paidAt: row.paid_at ?? row.updated_at,
        method: methodLabel(receipt?.method_id ?? 'lightning'),
        receiptId: row.receipt_id ?? '',
      })
    } catch (e) {
      this.announced.delete(checkoutId)
      this.o.log.warn('engine: could not announce a paid checkout', { cause: describeError(e) })
    }
  }

  /** The running engine's API; `unavailable` while it starts, failed or stopped. */
  api(): EngineApi {
    if (this.handle) return this.handle.api
    const message =
      this.state.state === 'starting'
        ? 'The payment engine is still starting. Try again in a moment.'
        : this.state.state === 'failed'
          ? `The payment engine is not running: ${this.state.problem ?? 'it failed to start'}`
          : 'The payment engine is not running yet. Unlock the app to start it.'
    throw new PaykitError('unavailable', message)
  }

  /** Runs one engine call, turning its failure into an IPC error with the core's message. */
  async call<T>(fn: (api: EngineApi) => Promise<T>): Promise<T> {
    const api = this.api()
    try {
      return await fn(api)
    } catch (e) {
      throw asIpcError(e)
    }
  }

  get dataDir(): string {
    return this.o.dataDir
  }

  /** Where the embedded homeserver keeps its data (its port file tells local wallets where it is). */
  get embeddedNodeDir(): string {
    return join(this.o.dataDir, 'pubky')
  }

  /**
   * Leaves the same small public file a `paykit homeserver` does (`paykit-node.json`: homeserver key
   * and URLs, our pid) in the embedded node's folder, so a wallet on this computer (the `paykit`
   * CLI) can use the till's homeserver with `--homeserver <that folder>`. Removed on stop.
   */
  private async writeNodeInfo(handle: EngineHandle): Promise<void> {
    try {
      const { port } = JSON.parse(readFileSync(join(this.embeddedNodeDir, 'node-port.json'), 'utf8')) as {
        port: number
      }
      const id = await handle.api.identity()
      const origin = `http://127.0.0.1:${port}`
      const info = {
        kind: 'embedded',
        homeserverPublicKey: id.homeserver,
        homeserverUrl: origin,
        relayUrl: `${origin}/pkarr`,
        linkRelayUrl: `${origin}/link`,
        port,
        pid: process.pid,
        // Lets `paykit pay --homeserver <dir>` find the payment simulator without --sim.
        simulatorUrl: id.simulatorUrl ?? null,
      }
      writeFileSync(join(this.embeddedNodeDir, 'paykit-node.json'), `${JSON.stringify(info, null, 2)}\n`, {
        mode: 0o600,
      })
    } catch (e) {
      this.o.log.warn('engine: could not write paykit-node.json', { cause: describeError(e) })
    }
  }

  /** Ordered stop (listener, /noise, timers, ledger) inside the worker; safe to call twice. */
  async stop(drainMs = 2_000): Promise<void> {
    await this.starting?.catch(() => undefined)
    const h = this.handle
    this.handle = null
    for (const off of this.unsubscribe) off()
    this.unsubscribe = []
    if (!h) return
    rmSync(join(this.embeddedNodeDir, 'paykit-node.json'), { force: true })
    await h.stop(drainMs)
    this.setState({ state: 'stopped', problem: null })
  }
}
