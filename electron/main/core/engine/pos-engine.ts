/**
 * @module engine/pos-engine
 * `PosEngine`: everything one merchant needs, composed. `start()` opens and migrates the ledger,
 * signs up or in on the homeserver, starts the Noise listener, publishes the directory (payment
 * methods, `/noise` with the listener's real host/port and our X25519 key, the 0.8.0 key-binding
 * record) and starts the timers (billing hourly, inbox poll, request sweeper, checkout expiry).
 * `stop()` undoes it in order: stop accepting and drain sessions, remove `/noise`, stop timers,
 * close the ledger, wipe secrets.
 *
 * Network modes:
 * - `embedded` (offline default): the embedded homeserver + pkarr relay (started here, or attached),
 *   and core/payments' simulated Lightning node and chain behind a loopback simulator service. The
 *   Lightning network and the Bitcoin chain are the boundary this machine cannot run; everything on
 *   the merchant's side of those ports is the production path.
 * - `hosted`: the SDK gateway against a real homeserver; payment backends are passed in.
 *
 * Checkouts are built WITHOUT a receipt book on purpose: the receipt of record for a Paykit payment
 * is the payer's own receipt (recorded at intake, with its receipt_id), and CheckoutService would
 * otherwise write a second, differently-numbered receipt when the checkout settles.
 */
import { transact } from '../storage/after-commit'
import { nodeInfoOf, removeNodeInfo, writeNodeInfo } from './node-info-file'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HDKey } from '@scure/bip32'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { openMerchantDb } from '../storage/schema'
import type { Database } from '../storage/db'
import { identityFromSecret } from '../keys/identity'
import { deriveX25519Static, generateDeviceId, type X25519KeyPair } from '../keys/device-key'
import { z32Decode, z32Encode } from '../keys/z32'
import { CheckoutService, type CreateCheckout } from '../checkout/service'
import { PersistentAddressAllocator } from '../checkout/address-allocator'
import type { InvoiceProvider } from '../checkout/ports'
import type { CheckoutRow } from '../checkout/repo'
import { ReceiptBook } from '../receipts/book'
import type { ReceiptQuery } from '../receipts/repo'
import { BillingEngine, type BillingRunSummary } from '../billing/engine'
import { SubscriberService } from '../billing/subscribers'
import { OutboxRepo, InboxRepo, type InboxRow, type OutboxRow } from '../billing/requests-repo'
import { subscriberView, mrrSats, churn30 } from '../billing/view'
import { PaykitListener } from '../listener/server'
import { ReceiptIntake } from '../listener/intake'
import { EventBus } from '../observe/events'
import { Metrics } from '../observe/metrics'
import type { Logger } from '../observe/logger'
import { SimulatedLightningNode, type LightningBackend } from '../payments/lightning'
import { SimulatedChain, type ChainBackend, type ChainNetwork } from '../payments/chain'
import { startSimService, type RunningSimService } from '../payments/sim-service'
import { parseWatchOnly, deriveAddress } from '../methods/watch-only'
import type { Network } from '../methods/errors'
import { startEmbeddedNode, type EmbeddedNode } from '../pubky/embedded-node'
import { PubkyGateway } from '../pubky/gateway'
import { checkRingLink, needsIdentityKey } from '../pubky/ring-link'
import { GatewayReader, GatewayWriter } from '../store/gateway-store'
import { HttpPubkyReader } from '../store/http-reader'
import { timedReader } from '../store/timed-reader'
import type { PubkyReader, PubkyWriter } from '../store/types'
import {
  publishNoiseEndpoint,
  publishNoiseKeyBinding,
  publishPaymentMethods,
  removeNoiseEndpoint,
  removePaymentMethod,
  validateEndpoint,
  checkMethodId,
} from '../directory'
import { RING_NOISE_PATTERNS } from '../directory/noise-endpoint'
import { isKeyBound, readNoiseKeyBindings } from '../directory/key-binding'
import { RequestOutbox, outboxPublisher } from '../requests/outbox'
import { DbOutboxIndex } from '../requests/outbox-index'
import { DbRequestDedupe } from '../requests/dedupe'
import { pollInbox } from '../requests/inbox'
import { sweepRequests } from '../requests/sweeper'
import {
  proposeSubscription,
  discoverAgreements,
  discoverCancellations,
  withdrawProposal,
  type FlowContext,
} from '../subscriptions/flow'
import { PersistentNonceStore } from '../billing/nonce-store'
import { mirrorOf } from '../billing/subscribers'
import { readSignedSubscription, writeSignedSubscription } from '../subscriptions/model'
import { OBSERVED_LIGHTNING_PROOF, type CheckoutPayment } from '../checkout/model'
import { verifyOnchainProof } from '../payments/proof'
import { TestClock } from './test-clock'
import { WatchedSimulatedChain, addressHistoryOf } from './watched-chain'
import { parseFrequencyText, frequencyToJson, type Frequency } from '../subscriptions/frequency'
import { Amount } from '../money/amount'
import { formatCheckoutUri } from '../uri/checkout'
import { writeJson } from '../interactive/json'
import { systemClock, nowSeconds, type Clock } from '../util/clock'
import { systemRng, type Rng } from '../util/rng'
import { newId } from '../util/ids'
import { toHex, utf8, wipe } from '../util/bytes'
import { InputError, PaykitError, toPaykitError } from '../util/errors'
import { SingleFlight } from '../util/single-flight'
import type {
  CheckoutStarted,
  CheckoutsWatchResult,
  SubscribersSyncResult,
  DirectoryMethod,
  EngineApi,
  EngineEndpoint,
  EngineEvents,
  EngineIdentity,
  IdentityKind,
  MetricsSnapshot,
  PosEngineOptions,
  ProposeInput,
  SendRequestInput,
  SubscribersModel,
} from './types'

export class EngineError extends PaykitError<
  'engine-not-started' | 'engine-started' | 'engine-start-failed' | 'test-clock-disabled'
> {}

/** Proposals whose offer closed are still polled this long (a subscriber may sign late in the window). */
const PROPOSAL_POLL_GRACE_MS = 7 * 86_400_000

const HOUR = 3_600_000
/** tpub/tprv (BIP32 testnet) version bytes: the demo wallet is a regtest account. */
const TESTNET_VERSIONS = { private: 0x04358394, public: 0x043587cf }

/** Settings keys kept in the ledger's `settings` table. */
const S = {
  deviceId: 'engine.device_id',
  signedUpOn: 'engine.homeserver',
  methods: 'engine.directory_methods',
  xpub: 'engine.xpub',
} as const

function getSetting(db: Database, key: string): string | undefined {
  return db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', key)?.value
}

function setSetting(db: Database, key: string, value: string, now: number): void {
  db.run(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    key,
    value,
    now,
  )
}

function chainToMethodsNetwork(n: ChainNetwork): Network {
  return n === 'bitcoin' ? 'mainnet' : n
}

/** `daily` | `weekly` | `monthly:<day>` | `yearly:MM-DD` | `custom:<seconds>` (subscriptions/frequency.ts). */
function parseFrequency(text: string): Frequency {
  try {
    return parseFrequencyText(text)
  } catch (e) {
    // A bad plan is the caller's input: the contract's `invalid-input`, with the parser's message.
    throw new InputError(e instanceof Error ? e.message : 'the plan frequency is not valid', { cause: e })
  }
}

interface Running {
  db: Database
  /** 'ring': no identity key here; `secret` is then the Ring till's device secret. */
  kind: IdentityKind
  /** The identity secret (key mode) or the device secret (ring mode): the root of derived keys. */
  secret: Uint8Array
  publicKey: Uint8Array
  z32: string
  noise: X25519KeyPair
  deviceId: string
  node: EmbeddedNode | undefined
  homeserver: string
  writer: PubkyWriter
  reader: PubkyReader
  gateway: PubkyGateway
  lightning: LightningBackend | undefined
  lightningNodeId: string | undefined
  simLightning: SimulatedLightningNode | undefined
  chain: ChainBackend | undefined
  chainNetwork: ChainNetwork
  sim: RunningSimService | undefined
  allocator: PersistentAddressAllocator | undefined
  receipts: ReceiptBook
  checkouts: CheckoutService
  outboxRepo: OutboxRepo
  inboxRepo: InboxRepo
  requestOutbox: RequestOutbox
  outboxIndex: DbOutboxIndex
  dedupe: DbRequestDedupe
  billing: BillingEngine
  subscribers: SubscriberService
  nonces: PersistentNonceStore
  /** The subscription flow as this merchant (provider). */
  flow: FlowContext
  listener: PaykitListener
  intake: ReceiptIntake
  /** Published methods (intake reads `current` on every receipt). */
  methods: { current: DirectoryMethod[] }
  timers: NodeJS.Timeout[]
  busy: Set<Promise<unknown>>
}

/** One merchant's engine. Create, `start()`, call the API, `stop()`. */
export class PosEngine implements EngineApi {
  readonly events = new EventBus<EngineEvents>((event, error) =>
    this.logger?.error('engine.listener-error', { event: String(event), error }),
  )
  readonly metricsRegistry = new Metrics()
  private readonly o: PosEngineOptions
  private readonly clock: Clock
  private readonly rng: Rng
  private readonly crypto: CryptoProvider
  private readonly logger: Logger | undefined
  private r: Running | undefined
  private starting = false
  private readonly billingFlight = new SingleFlight<BillingRunSummary>()
  private readonly syncFlight = new SingleFlight<SubscribersSyncResult>()
  private readonly watchFlight = new SingleFlight<CheckoutsWatchResult>()

  constructor(options: PosEngineOptions) {
    if ((options.identitySecret === undefined) === (options.ring === undefined))
      throw new InputError(
        'give the engine exactly one identity: identitySecret (the shop key) or ring (a Pubky Ring link)',
      )
    if (options.ring) {
      checkRingLink(options.ring.link)
      if (!(options.ring.deviceSecret instanceof Uint8Array) || options.ring.deviceSecret.length !== 32)
        throw new InputError('the Ring till device secret must be 32 bytes')
    } else if (!(options.identitySecret instanceof Uint8Array) || options.identitySecret.length !== 32)
      throw new InputError('the identity secret must be 32 bytes')
    this.o = options
    this.clock = options.clock ?? (options.testClock ? new TestClock(options.testClock) : systemClock)
    this.rng = options.rng ?? systemRng
    this.crypto = options.crypto ?? defaultProvider()
    this.logger = options.logger
  }

  get started(): boolean {
    return this.r !== undefined
  }

  private get run(): Running {
    if (!this.r) throw new EngineError('engine-not-started', 'the engine is not running; call start() first')
    return this.r
  }

  /** The ledger (tests and the crash harness read it directly). */
  get db(): Database {
    return this.run.db
  }

  /** The simulated payment network (embedded mode), for demo payers in this process. */
  get simulators(): { lightning: SimulatedLightningNode; chain: SimulatedChain } | null {
    const r = this.run
    return r.simLightning && r.chain instanceof SimulatedChain
      ? { lightning: r.simLightning, chain: r.chain }
      : null
  }

  async start(): Promise<void> {
    if (this.r || this.starting) throw new EngineError('engine-started', 'the engine is already running')
    this.starting = true
    const cleanup: (() => Promise<void> | void)[] = []
    try {
      this.r = await this.boot(cleanup)
    } catch (e) {
      for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => {})
      throw e
    } finally {
      this.starting = false
    }
    this.logger?.info('engine.started', { merchant: this.r.z32, port: this.r.listener.port })
  }

  private async boot(cleanup: (() => Promise<void> | void)[]): Promise<Running> {
    const o = this.o
    const clock = this.clock
    mkdirSync(o.dataDir, { recursive: true })
    const db = openMerchantDb(join(o.dataDir, 'merchant.db'), () => clock.now())
    cleanup.push(() => db.close())
    // Key mode: the identity secret. Ring mode: the device secret (the identity key stays in Ring).
    const ring = o.ring
    const kind: IdentityKind = ring ? 'ring' : 'key'
    const secret = (ring ? ring.deviceSecret : o.identitySecret!).slice()
    cleanup.push(() => wipe(secret))
    let id: { publicKey: Uint8Array; z32: string }
    if (ring) id = { publicKey: z32Decode(ring.link.publicKey), z32: ring.link.publicKey }
    else {
      const full = identityFromSecret(secret, this.crypto)
      wipe(full.secretKey)
      id = { publicKey: full.publicKey, z32: full.z32 }
    }
    let deviceId = getSetting(db, S.deviceId)
    if (!deviceId) {
      deviceId = generateDeviceId(this.rng)
      setSetting(db, S.deviceId, deviceId, clock.now())
    }
    const noise = deriveX25519Static(secret, deviceId, this.crypto)
    cleanup.push(() => wipe(noise.secretKey))

    // Payment backends.
    let lightning: LightningBackend | undefined
    let lightningNodeId: string | undefined
    let simLightning: SimulatedLightningNode | undefined
    let chain: ChainBackend | undefined
    let chainNetwork: ChainNetwork
    let sim: RunningSimService | undefined
    if (o.network.kind === 'embedded') {
      chainNetwork = 'regtest'
      // The simulated node's key is derived from the identity, so invoices keep one node id across
      // restarts without another secret on disk.
      const nodeKey = this.crypto.hkdf(
        'sha256',
        secret,
        utf8('paykit-pos/sim-lightning-node/v1'),
        utf8(deviceId),
        32,
      )
      simLightning = new SimulatedLightningNode({
        nodeSecretKey: nodeKey,
        network: 'regtest',
        clock,
        rng: this.rng,
        crypto: this.crypto,
      })
      wipe(nodeKey)
      cleanup.push(() => simLightning!.close())
      lightning = simLightning
      lightningNodeId = simLightning.nodeId
      // The simulator plus an address index, so the settlement watcher sees walk-in payments.
      const simChain = new WatchedSimulatedChain({ network: 'regtest', rng: this.rng, crypto: this.crypto })
      chain = simChain
      sim = await startSimService({ lightning: simLightning, chain: simChain })
      cleanup.push(() => sim!.close())
    } else {
      chainNetwork = o.network.chainNetwork ?? 'bitcoin'
      lightning = o.network.lightning
      lightningNodeId = o.network.lightningNodeId
      chain = o.network.chain
    }

    // Homeserver: sign up once, sign in afterwards.
    let node: EmbeddedNode | undefined
    let gateway: PubkyGateway
    let reader: PubkyReader
    let homeserver: string
    if (o.network.kind === 'embedded') {
      const attach = o.network.node
      if (!attach) {
        node = await startEmbeddedNode({ dataDir: join(o.dataDir, 'pubky'), clock })
        cleanup.push(() => node!.close())
      }
      const n = attach ?? node!
      homeserver = n.homeserverPublicKey
      if (node) {
        // Our own node: say where it and the simulator listen, for wallets on this computer.
        const nodeDir = join(o.dataDir, 'pubky')
        writeNodeInfo(nodeDir, nodeInfoOf(node, sim?.url ?? null))
        cleanup.push(() => removeNodeInfo(nodeDir, process.pid))
      }
      gateway = await PubkyGateway.open({ kind: 'embedded', relayUrl: n.relayUrl })
      reader = new HttpPubkyReader({ homeserverUrl: () => n.homeserverUrl })
    } else {
      homeserver = o.network.homeserver
      gateway = await PubkyGateway.open(
        o.network.testnetHost !== undefined
          ? { kind: 'testnet', host: o.network.testnetHost }
          : { kind: 'mainnet', ...(o.network.relays ? { relays: o.network.relays } : {}) },
      )
      reader = new GatewayReader(gateway)
    }
    reader = timedReader(reader, this.metricsRegistry)
    if (ring) {
      // The session Ring granted at pairing; `ring-session-expired` when the homeserver forgot it.
      await gateway.restoreRingSession(ring.link)
      if (o.network.kind === 'hosted')
        homeserver = (await gateway.homeserverOf(id.z32).catch(() => undefined)) ?? homeserver
    } else if (getSetting(db, S.signedUpOn) === homeserver) {
      try {
        await gateway.signin(secret)
      } catch (e) {
        this.logger?.warn('engine.signin-failed', { error: e })
        await gateway.signup(
          secret,
          homeserver,
          o.network.kind === 'hosted' ? o.network.signupToken : undefined,
        )
      }
    } else {
      await gateway.signup(
        secret,
        homeserver,
        o.network.kind === 'hosted' ? o.network.signupToken : undefined,
      )
      setSetting(db, S.signedUpOn, homeserver, clock.now())
    }
    const writer = new GatewayWriter(gateway, id.z32)

    // On-chain wallet (watch-only). Embedded mode without an xpub: a demo regtest account derived
    // from the identity (its private half is never stored or used).
    let xpub = o.xpub ?? getSetting(db, S.xpub)
    if (!xpub && o.network.kind === 'embedded') {
      const seed = this.crypto.hkdf('sha256', secret, utf8('paykit-pos/demo-wallet/v1'), utf8(deviceId), 32)
      const account = HDKey.fromMasterSeed(seed, TESTNET_VERSIONS).derive("m/84'/1'/0'")
      xpub = account.publicExtendedKey
      wipe(seed)
      account.wipePrivateData()
    }
    let allocator: PersistentAddressAllocator | undefined
    if (xpub) {
      const account = parseWatchOnly(xpub, { network: chainToMethodsNetwork(chainNetwork) })
      allocator = new PersistentAddressAllocator(db, xpub, (_x, i) => deriveAddress(account, i))
      setSetting(db, S.xpub, xpub, clock.now())
    }

    const receipts = new ReceiptBook(db)
    const invoices: InvoiceProvider | undefined = lightning
      ? {
          create: async (req) => {
            const inv = await lightning.createInvoice({
              amountSats: req.amountSats,
              memo: req.memo ?? 'Paykit POS sale',
              expirySecs: req.expirySeconds,
            })
            return { bolt11: inv.bolt11, paymentHash: inv.paymentHash, expiresAt: inv.expiresAt * 1000 }
          },
        }
      : undefined
    const checkouts = new CheckoutService({
      db,
      clock,
      merchant: id.z32,
      rng: this.rng,
      // Only a sale settled without a payer's receipt (a walk-in wallet, seen by the settlement
      // watcher) gets a receipt written here; a Paykit payer's receipt stays the receipt of record.
      receipts,
      ...(invoices ? { invoices } : {}),
      ...(allocator ? { addresses: allocator } : {}),
    })
    const outboxRepo = new OutboxRepo(db)
    const inboxRepo = new InboxRepo(db)
    const outboxIndex = new DbOutboxIndex(db, () => clock.now())
    const dedupe = new DbRequestDedupe(db, () => clock.now())
    const requestOutbox = new RequestOutbox({
      writer,
      reader,
      identity: id.publicKey,
      clock,
      rng: this.rng,
      index: outboxIndex,
      provider: this.crypto,
    })
    const billing = new BillingEngine({
      db,
      publisher: outboxPublisher(requestOutbox),
      merchant: id.z32,
      rng: this.rng,
      ...(this.logger ? { logger: this.logger.child({ component: 'billing' }) } : {}),
    })
    const subscribers = new SubscriberService({ db, rng: this.rng })
    const nonces = new PersistentNonceStore(db, () => clock.now())

    // Directory methods: stored list, or (embedded demo) one never-reused address and a long-lived
    // any-amount invoice.
    let methods: DirectoryMethod[] =
      (JSON.parse(getSetting(db, S.methods) ?? 'null') as DirectoryMethod[] | null) ?? []
    if (methods.length === 0 && o.network.kind === 'embedded') {
      if (allocator) methods.push({ methodId: 'onchain', endpoint: allocator.next(clock.now()).address })
      if (lightning)
        methods.push({
          methodId: 'lightning',
          endpoint: (await lightning.createInvoice({ memo: 'Paykit POS', expirySecs: 365 * 86_400 })).bolt11,
        })
      setSetting(db, S.methods, JSON.stringify(methods), clock.now())
    }
    const methodsRef = { current: methods }

    const intake = new ReceiptIntake({
      db,
      merchant: id.publicKey,
      receipts,
      checkouts,
      outbox: outboxRepo,
      billing,
      clock,
      crypto: this.crypto,
      publishedMethods: () => new Set(methodsRef.current.map((m) => m.methodId)),
      ...(lightning ? { lightning } : {}),
      ...(lightningNodeId ? { lightningNodeId } : {}),
      ...(chain ? { chain } : {}),
      ...(allocator ? { addresses: allocator } : {}),
      ...(this.logger ? { logger: this.logger.child({ component: 'intake' }) } : {}),
      // IK-raw payers: their 0.8.0 key binding on their homeserver (signature + freshness).
      keyBindings: async (payer, x25519Static) =>
        isKeyBound(
          await withTimeout(readNoiseKeyBindings(reader, payer, { clock, provider: this.crypto }), 5_000),
          x25519Static,
        ),
    })
    const lo = o.listener ?? {}
    const listener = await PaykitListener.start({
      staticSecret: noise.secretKey,
      // Ring mode: nothing can sign an XX 1.x server payload here, so XX (and NN, which proves
      // nothing) is refused; IK needs no signature from the responder (msg2 is empty).
      ...(ring ? { allowPatterns: RING_NOISE_PATTERNS } : { identitySecret: secret }),
      intake,
      clock,
      rng: this.rng,
      crypto: this.crypto,
      metrics: this.metricsRegistry,
      host: lo.host ?? '127.0.0.1',
      port: lo.port ?? 0,
      ...(lo.wsPort !== undefined ? { wsPort: lo.wsPort } : {}),
      ...(lo.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: lo.handshakeTimeoutMs } : {}),
      ...(lo.idleTimeoutMs !== undefined ? { idleTimeoutMs: lo.idleTimeoutMs } : {}),
      ...(lo.rateLimit ? { rateLimit: lo.rateLimit } : {}),
      ...(lo.connectionLimit ? { connectionLimit: lo.connectionLimit } : {}),
      ...(this.logger ? { logger: this.logger.child({ component: 'listener' }) } : {}),
    })
    cleanup.push(() => listener.stop(0))

    // Directory: methods, /noise (the listener's real address), key binding.
    const network = chainToMethodsNetwork(chainNetwork)
    methods = methods.filter((m) => {
      try {
        validateEndpoint(m.methodId, m.endpoint, { network })
        return true
      } catch (e) {
        this.logger?.warn('engine.method-dropped', { method: m.methodId, error: e })
        return false
      }
    })
    methodsRef.current = methods
    await publishPaymentMethods(writer, methods, { network, clock })
    // Ring mode says which patterns it takes (payers honour it, choosing IK rather than XX even
    // though no key binding is published: the record itself sits on the merchant's homeserver,
    // which only the merchant's session can write).
    const noiseMeta = {
      ...(listener.wsPort !== null ? { ws_port: listener.wsPort } : {}),
      ...(ring ? { patterns: [...RING_NOISE_PATTERNS] } : {}),
    }
    await publishNoiseEndpoint(writer, {
      host: lo.publicHost ?? listener.host,
      port: listener.port,
      publicKey: noise.publicKey,
      ...(Object.keys(noiseMeta).length > 0 ? { metadata: writeJson(noiseMeta) } : {}),
    })
    cleanup.push(() => removeNoiseEndpoint(writer).catch(() => {}))
    // The 0.8.0 key binding is signed with the identity key: a Ring till cannot publish one.
    if (!ring)
      await publishNoiseKeyBinding(writer, {
        identitySecret: secret,
        x25519PublicKey: noise.publicKey,
        deviceId,
        clock,
        provider: this.crypto,
      })

    const r: Running = {
      db,
      kind,
      secret,
      publicKey: id.publicKey,
      z32: id.z32,
      noise,
      deviceId,
      node,
      homeserver,
      writer,
      reader,
      gateway,
      lightning,
      lightningNodeId,
      simLightning,
      chain,
      chainNetwork,
      sim,
      allocator,
      receipts,
      checkouts,
      outboxRepo,
      inboxRepo,
      requestOutbox,
      outboxIndex,
      dedupe,
      billing,
      subscribers,
      nonces,
      flow: {
        writer,
        reader,
        party: {
          // Ring mode: no signing key here (empty, so a signature attempt fails loudly); every
          // path that signs checks `kind` first and throws needs-identity-key.
          secretKey: ring ? new Uint8Array(0) : secret,
          publicKey: id.publicKey,
          noiseKeys: [noise],
          noisePublicKey: noise.publicKey,
        },
        nonces,
        clock,
        rng: this.rng,
        provider: this.crypto,
      },
      listener,
      intake,
      methods: methodsRef,
      timers: [],
      busy: new Set(),
    }
    this.wireEvents(r)
    this.startTimers(r)
    return r
  }

  private wireEvents(r: Running): void {
    const ev = this.events
    r.receipts.events.on('receipt:recorded', (p) =>
      ev.emit('receipt', {
        receiptId: p.receiptId,
        kind: 'recorded',
        amountSats: p.amountSats,
        methodId: p.methodId,
      }),
    )
    r.receipts.events.on('receipt:proof', (p) =>
      ev.emit('receipt', { receiptId: p.receiptId, kind: 'proof', amountSats: null, methodId: null }),
    )
    r.checkouts.events.on('checkout:paid', (p) =>
      ev.emit('checkout:paid', {
        checkoutId: p.checkout.checkout_id,
        receivedSats: p.checkout.received_sats,
        overpaidSats: p.overpaidSats,
      }),
    )
    for (const name of [
      'checkout:created',
      'checkout:payment',
      'checkout:expired',
      'checkout:cancelled',
    ] as const)
      r.checkouts.events.on(name, (p: { checkout: CheckoutRow }) =>
        ev.emit('checkout:changed', {
          checkoutId: p.checkout.checkout_id,
          state: p.checkout.state,
          receivedSats: p.checkout.received_sats,
        }),
      )
    r.billing.events.on('billing:progress', (p) => ev.emit('billing:progress', p))
    r.billing.events.on('billing:run-complete', (p) => ev.emit('billing:complete', p))
    r.billing.events.on('billing:subscription-ended', (p) =>
      ev.emit('subscriber:changed', { subscriptionId: p.subscriptionId, change: 'ended' }),
    )
    r.billing.events.on('billing:subscription-cancelled', (p) =>
      ev.emit('subscriber:changed', { subscriptionId: p.subscriptionId, change: 'cancelled' }),
    )
    r.billing.events.on('billing:period-paid', (p) =>
      ev.emit('subscriber:changed', { subscriptionId: p.subscriptionId, change: 'period-paid' }),
    )
  }

  /** Runs `fn` as tracked background work (stop() waits for it); errors are logged, never thrown. */
  private background(r: Running, what: string, fn: () => Promise<unknown> | unknown): void {
    const p = (async () => fn())().catch((e: unknown) =>
      this.logger?.warn(`engine.${what}-failed`, { error: e }),
    )
    r.busy.add(p)
    void p.finally(() => r.busy.delete(p))
  }

  private startTimers(r: Running): void {
    const every = (ms: number, what: string, fn: () => Promise<unknown> | unknown): void => {
      if (ms <= 0) return
      let running = false
      const t = setInterval(() => {
        if (running) return
        running = true
        this.background(r, what, async () => {
          try {
            await fn()
          } finally {
            running = false
          }
        })
      }, ms)
      t.unref()
      r.timers.push(t)
    }
    every(this.o.billingIntervalMs ?? HOUR, 'billing', () => this.billingRun())
    every(this.o.inboxIntervalMs ?? 60_000, 'inbox', () => this.requestsPoll())
    every(this.o.sweepIntervalMs ?? 600_000, 'sweep', () =>
      sweepRequests({ writer: r.writer, index: r.outboxIndex, clock: this.clock }),
    )
    every(this.o.expiryIntervalMs ?? 15_000, 'expiry', () => r.checkouts.expireDue())
    every(this.o.subscriberSyncIntervalMs ?? 300_000, 'subscriber-sync', () => this.subscribersSync())
    every(this.o.settlementWatchIntervalMs ?? 5_000, 'settlement-watch', () => this.checkoutsWatch())
  }

  /** Ordered shutdown; safe to call twice. */
  async stop(drainMs = 5_000): Promise<void> {
    const r = this.r
    const owned = this.o.identitySecret ?? this.o.ring?.deviceSecret ?? new Uint8Array(0)
    if (!r) {
      wipe(owned)
      return
    }
    this.r = undefined
    // 1. stop accepting, drain in-flight receipts, close sessions
    await r.listener.stop(drainMs)
    // 2. no one can reach us any more: say so
    await withTimeout(removeNoiseEndpoint(r.writer), 5_000).catch((e: unknown) =>
      this.logger?.warn('engine.remove-noise-failed', { error: e }),
    )
    // 3. timers and background work
    for (const t of r.timers) clearInterval(t)
    await withTimeout(Promise.allSettled([...r.busy]), 10_000).catch(() => {})
    // A Ring session is kept: signing it out would force re-pairing with the phone at next start.
    if (r.kind === 'key') await withTimeout(r.gateway.signout(r.z32), 5_000).catch(() => {})
    await r.sim?.close().catch(() => {})
    r.simLightning?.close()
    if (r.node) {
      removeNodeInfo(join(this.o.dataDir, 'pubky'), process.pid)
      await r.node.close().catch(() => {})
    }
    // 4. ledger
    r.db.close()
    // 5. secrets
    wipe(r.secret, r.noise.secretKey, owned)
    this.logger?.info('engine.stopped', { merchant: r.z32 })
  }

  // ------------------------------------------------------------------------------------------
  // API

  private endpoint(r: Running): EngineEndpoint {
    return {
      merchant: r.z32,
      host: this.o.listener?.publicHost ?? r.listener.host,
      port: r.listener.port,
      wsPort: r.listener.wsPort,
      noisePubkey: toHex(r.noise.publicKey),
    }
  }

  async identity(): Promise<EngineIdentity> {
    const r = this.run
    return {
      ...this.endpoint(r),
      identityKind: r.kind,
      deviceId: r.deviceId,
      homeserver: r.homeserver,
      simulatorUrl: r.sim?.url ?? null,
      chainNetwork: r.chainNetwork,
    }
  }

  async checkoutStart(input: CreateCheckout): Promise<CheckoutStarted> {
    const r = this.run
    const checkout = await r.checkouts.create(input)
    // The QR's memo is at most 140 characters without control characters (uri/checkout.ts).
    const memo =
      checkout.memo === null
        ? null
        : // eslint-disable-next-line no-control-regex -- control characters are what is replaced
          [...checkout.memo.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')].slice(0, 140).join('')
    const uri = formatCheckoutUri({
      merchant: r.publicKey,
      id: checkout.checkout_id,
      amount: Amount.fromSats(checkout.amount_sats + checkout.tip_sats),
      currency: 'SAT',
      memo,
      expiresAt: Math.floor(checkout.expires_at / 1000),
      extensions: new Map(),
    })
    return { checkout, uri, endpoint: this.endpoint(r) }
  }

  async checkoutCancel(checkoutId: string, reason: string | null = null): Promise<CheckoutRow> {
    return this.run.checkouts.cancel(checkoutId, reason)
  }

  async checkoutGet(checkoutId: string): Promise<CheckoutRow | null> {
    return this.run.checkouts.repo.get(checkoutId) ?? null
  }

  async checkoutList(limit = 50): Promise<CheckoutRow[]> {
    return this.run.checkouts.repo.recent(Math.max(1, Math.min(500, limit)))
  }

  async receiptsList(limit = 50, cursor: string | null = null) {
    return this.run.receipts.search({}, limit, cursor)
  }

  async receiptsSearch(query: ReceiptQuery, limit = 50, cursor: string | null = null) {
    return this.run.receipts.search(query, limit, cursor)
  }

  async receiptsGet(receiptId: string) {
    return this.run.receipts.repo.get(receiptId) ?? null
  }

  async receiptsExportCsv(query: ReceiptQuery = {}): Promise<string> {
    return this.run.receipts.exportCsv(query)
  }

  async receiptsSummary(from: number, to: number, tzOffsetMinutes = 0) {
    return this.run.receipts.summary(from, to, tzOffsetMinutes)
  }

  async requestsIn(state?: InboxRow['state']): Promise<InboxRow[]> {
    return this.run.inboxRepo.list(state)
  }

  async requestsOut(): Promise<OutboxRow[]> {
    return this.run.outboxRepo.all()
  }

  /** Publishes a one-off payment request (kind 'invoice'); the payer answers with autopay_{id}. */
  async requestsSend(input: SendRequestInput): Promise<OutboxRow> {
    const r = this.run
    if (!Number.isSafeInteger(input.amountSats) || input.amountSats <= 0)
      throw new InputError('the amount must be a positive whole number of sats')
    if (!r.methods.current.some((m) => m.methodId === input.method))
      throw new InputError(`"${input.method}" is not one of the methods this shop publishes`)
    const recipient = input.to.replace(/^pk:/, '')
    if (recipient === r.z32) throw new InputError('a payment request cannot be addressed to this shop itself')
    const now = this.clock.now()
    const requestId = newId('req', this.clock, this.rng)
    const to = z32Decode(recipient)
    r.outboxRepo.insert(
      {
        request_id: requestId,
        recipient,
        kind: 'invoice',
        subscription_id: null,
        amount: String(input.amountSats),
        currency: 'SAT',
        amount_sats: input.amountSats,
        method: input.method,
        description: input.description ?? null,
        created_at: now,
      },
      now,
    )
    let rec: Awaited<ReturnType<RequestOutbox['publish']>>
    try {
      rec = await r.requestOutbox.publish({
        requestId,
        to,
        amount: String(input.amountSats),
        currency: 'SAT',
        method: input.method,
        description: input.description ?? null,
        ttlSecs: input.ttlSecs ?? 86_400,
      })
    } catch (e) {
      // A request that can never be published is voided; a transient failure (homeserver down,
      // recipient's /noise not reachable yet) stays pending and the billing run publishes it later.
      const code = (e as { code?: unknown }).code
      if (code === 'invalid-request' || code === 'invalid-input' || code === 'wrong-sender')
        r.db.run(
          `UPDATE requests_out SET state = 'void', last_error = ?, updated_at = ? WHERE request_id = ?`,
          String((e as Error).message).slice(0, 500),
          this.clock.now(),
          requestId,
        )
      throw e
    }
    // The ledger keeps ms (the record's expires_at is wire seconds).
    r.outboxRepo.markPublished(
      requestId,
      (rec.expiresAt ?? nowSeconds(this.clock) + 86_400) * 1000,
      this.clock.now(),
    )
    this.events.emit('request', { direction: 'out', requestId, counterparty: input.to, state: 'published' })
    return r.outboxRepo.get(requestId)!
  }

  /** Polls contacts' and subscribers' homeservers for requests addressed to us. */
  async requestsPoll(): Promise<{ received: number; rejected: number }> {
    const r = this.run
    const contacts = new Set<string>([
      ...r.db.all<{ pubkey: string }>('SELECT pubkey FROM contacts').map((c) => c.pubkey),
      ...r.db
        .all<{ subscriber: string }>(
          "SELECT DISTINCT subscriber FROM subscriptions WHERE state IN ('active','paused')",
        )
        .map((s) => s.subscriber),
    ])
    if (contacts.size === 0) return { received: 0, rejected: 0 }
    const result = await pollInbox([...contacts], {
      reader: r.reader,
      identity: r.publicKey,
      noiseKeys: [r.noise],
      clock: this.clock,
      provider: this.crypto,
      // Read-only here; the claim is made in the transaction that stores the request (below), so a
      // crash can never leave a request claimed but not stored.
      dedupe: { claim: (sender, id) => !r.dedupe.has(sender, id) },
    })
    const now = this.clock.now()
    let received = 0
    for (const q of result.requests) {
      const v = q.view
      const stored = transact(
        r.db,
        () =>
          r.dedupe.claim(q.sender, q.requestId, v.expiresAt) &&
          r.inboxRepo.insertIfNew({
            sender: q.sender,
            request_id: q.requestId,
            schema: q.schema === 'rust' ? 'rust' : 'bitkit',
            amount: v.amount.toString(),
            currency: v.currency,
            amount_sats: v.currency === 'SAT' && v.amount.scale === 0 ? Number(v.amount.toString()) : null,
            method: v.method,
            description: v.description,
            created_at: v.createdAt,
            expires_at: v.expiresAt,
            payload: writeJson({
              request_id: q.requestId,
              from: q.sender,
              amount: v.amount.toString(),
              currency: v.currency,
              method: v.method,
              description: v.description,
              created_at: v.createdAt,
              expires_at: v.expiresAt,
              schema: q.schema,
            }),
            received_at: now,
          }),
      )
      if (stored) {
        received++
        this.events.emit('request', {
          direction: 'in',
          requestId: q.requestId,
          counterparty: q.sender,
          state: 'new',
        })
      }
    }
    return { received, rejected: result.rejected.length }
  }

  async subscribersList() {
    return this.run.billing.repo.allSubscriptions()
  }

  async subscribersView(): Promise<SubscribersModel> {
    const r = this.run
    const now = this.clock.now()
    const subs = r.billing.repo.allSubscriptions()
    return {
      subscribers: subs.map((s) =>
        subscriberView(
          s,
          r.billing.repo.periodsOf(s.subscription_id),
          now,
          r.billing.policy,
          r.billing.schedule,
        ),
      ),
      mrrSats: mrrSats(subs, now),
      churn: churn30(subs, now),
    }
  }

  async subscribersPropose(input: ProposeInput): Promise<{ subscriptionId: string; path: string }> {
    const r = this.run
    if (r.kind === 'ring') throw needsIdentityKey('Subscriptions are signed', 'propose plans')
    if (!Number.isSafeInteger(input.amountSats) || input.amountSats <= 0)
      throw new InputError('the amount must be a positive whole number of sats')
    const subscriptionId = newId('sub', this.clock, this.rng)
    const now = nowSeconds(this.clock)
    const written = await proposeSubscription(
      {
        writer: r.writer,
        reader: r.reader,
        party: {
          secretKey: r.secret,
          publicKey: r.publicKey,
          noiseKeys: [r.noise],
          noisePublicKey: r.noise.publicKey,
        },
        nonces: r.nonces,
        clock: this.clock,
        rng: this.rng,
        provider: this.crypto,
      },
      {
        subscriptionId,
        subscriber: z32Decode(input.subscriber.replace(/^pk:/, '')),
        provider: r.publicKey,
        terms: {
          amount: Amount.fromSats(input.amountSats),
          currency: 'SAT',
          frequency: parseFrequency(input.frequency),
          method: input.method,
          maxAmountPerPeriod: null,
          description: input.description,
        },
        metadata: {},
        createdAt: now,
        startsAt: now,
        endsAt: null,
      },
    )
    r.db.run(
      `INSERT INTO subscription_proposals (subscription_id, subscriber, path, state, offer_expires_at, created_at, updated_at)
       VALUES (?, ?, ?, 'proposed', ?, ?, ?)`,
      subscriptionId,
      input.subscriber.replace(/^pk:/, ''),
      written.path,
      written.providerSignature.expiresAt * 1000,
      this.clock.now(),
      this.clock.now(),
    )
    this.logger?.info('engine.proposed', {
      subscriptionId,
      frequency: writeJson(frequencyToJson(parseFrequency(input.frequency))),
    })
    return { subscriptionId, path: written.path }
  }

  async subscribersPause(subscriptionId: string): Promise<void> {
    this.run.subscribers.pause(subscriptionId, this.clock.now())
    this.events.emit('subscriber:changed', { subscriptionId, change: 'paused' })
  }

  async subscribersResume(subscriptionId: string): Promise<void> {
    this.run.subscribers.resume(subscriptionId, this.clock.now())
    this.events.emit('subscriber:changed', { subscriptionId, change: 'resumed' })
  }

  async subscribersCancel(subscriptionId: string, reason: string | null = null): Promise<void> {
    this.run.subscribers.cancel(subscriptionId, 'at-period-end', this.clock.now(), reason)
    this.events.emit('subscriber:changed', { subscriptionId, change: 'cancelled' })
  }

  /** One billing pass now; joins a pass already running instead of failing. */
  async billingRun(): Promise<BillingRunSummary> {
    const r = this.run
    return this.billingFlight.run(async () => {
      const summary = await r.billing.runOnce(this.clock.now())
      // Invoices for the Lightning requests now out, issued off the receipt path (intake).
      this.background(r, 'prepare-invoices', () => {
        const ids = r.db
          .all<{ request_id: string }>(
            `SELECT request_id FROM requests_out WHERE state = 'published' AND method = 'lightning'
             ORDER BY created_at DESC LIMIT 1000`,
          )
          .map((x) => x.request_id)
        return r.intake.prepareInvoices(ids)
      })
      return summary
    })
  }

  async directoryMethods(): Promise<DirectoryMethod[]> {
    return this.run.methods.current.map((m) => ({ ...m }))
  }

  /** Validates (network-aware) and publishes a method, replacing one with the same id. */
  async directoryAddMethod(methodId: string, endpoint: string): Promise<DirectoryMethod[]> {
    const r = this.run
    checkMethodId(methodId)
    const v = validateEndpoint(methodId, endpoint, {
      network: chainToMethodsNetwork(r.chainNetwork),
      clock: this.clock,
    })
    const next = [
      ...r.methods.current.filter((m) => m.methodId !== methodId),
      { methodId, endpoint: v.endpoint },
    ]
    await publishPaymentMethods(r.writer, next, {
      network: chainToMethodsNetwork(r.chainNetwork),
      clock: this.clock,
    })
    r.methods.current = next
    setSetting(r.db, S.methods, JSON.stringify(next), this.clock.now())
    return this.directoryMethods()
  }

  async directoryRemoveMethod(methodId: string): Promise<DirectoryMethod[]> {
    const r = this.run
    checkMethodId(methodId)
    const next = r.methods.current.filter((m) => m.methodId !== methodId)
    await removePaymentMethod(r.writer, methodId)
    await publishPaymentMethods(r.writer, next, {
      network: chainToMethodsNetwork(r.chainNetwork),
      clock: this.clock,
    })
    r.methods.current = next
    setSetting(r.db, S.methods, JSON.stringify(next), this.clock.now())
    return this.directoryMethods()
  }

  async listenerStatus() {
    return this.run.listener.status()
  }

  async metrics(): Promise<MetricsSnapshot> {
    return this.metricsRegistry.snapshot()
  }

  /**
   * Subscriber sync (paykit-protocol.md §6.4, Appendix C): reads `agreements/{us}/` on the homeserver
   * of every subscriber with an open proposal, and `cancellations/{us}/` on the homeserver of every
   * subscriber with a live subscription. Agreements are verified (owner binding, both signatures,
   * nonces recorded in the ledger's nonce store) and imported into billing; the accepted proposal is
   * withdrawn. Cancellations of live subscriptions cancel them now. Joins a sync already running.
   */
  async subscribersSync(): Promise<SubscribersSyncResult> {
    const r = this.run
    return this.syncFlight.run(() => this.syncOnce(r))
  }

  private async syncOnce(r: Running): Promise<SubscribersSyncResult> {
    const now = this.clock.now()
    const out: SubscribersSyncResult = { polled: 0, imported: [], cancelled: [], expired: [], rejected: [] }
    // Offers closed long enough ago that no valid agreement can still appear.
    for (const p of r.db.all<{ subscription_id: string }>(
      `SELECT subscription_id FROM subscription_proposals WHERE state = 'proposed' AND offer_expires_at < ?`,
      now - PROPOSAL_POLL_GRACE_MS,
    )) {
      r.db.run(
        `UPDATE subscription_proposals SET state = 'expired', updated_at = ? WHERE subscription_id = ?`,
        now,
        p.subscription_id,
      )
      out.expired.push(p.subscription_id)
    }
    const proposedTo = r.db
      .all<{ subscriber: string }>(
        `SELECT DISTINCT subscriber FROM subscription_proposals WHERE state = 'proposed' ORDER BY subscriber`,
      )
      .map((x) => x.subscriber)
    const polled = new Set(proposedTo)
    if (proposedTo.length > 0) {
      const found = await discoverAgreements(r.flow, proposedTo)
      out.rejected.push(...found.rejected)
      for (const a of [...found.accepted, ...found.known]) {
        const id = a.agreement.subscription.subscriptionId
        try {
          const { created } = r.subscribers.importAgreement(
            mirrorOf(a.agreement, writeSignedSubscription(a.agreement)),
            this.clock.now(),
          )
          const proposal = r.db.get<{ subscriber: string; state: string }>(
            'SELECT subscriber, state FROM subscription_proposals WHERE subscription_id = ?',
            id,
          )
          if (proposal?.state === 'proposed') {
            r.db.run(
              `UPDATE subscription_proposals SET state = 'accepted', updated_at = ? WHERE subscription_id = ?`,
              this.clock.now(),
              id,
            )
            // The offer has done its job; best effort (the sweeper of a later run does not need it).
            await withdrawProposal(r.flow, proposal.subscriber, id).catch((e: unknown) =>
              this.logger?.warn('engine.withdraw-proposal-failed', { subscriptionId: id, error: e }),
            )
          }
          if (created) {
            out.imported.push(id)
            this.events.emit('subscriber:changed', { subscriptionId: id, change: 'imported' })
          }
        } catch (e) {
          const pe = toPaykitError(e)
          out.rejected.push({
            owner: z32Of(a.agreement.subscription.subscriber),
            id,
            code: pe.code,
            reason: pe.message,
          })
        }
      }
    }
    const live = r.billing.repo
      .allSubscriptions()
      .filter((x) => (x.state === 'active' || x.state === 'paused') && x.provider === r.z32)
    for (const x of live) polled.add(x.subscriber)
    if (live.length > 0) {
      const subs = live.map((x) => readSignedSubscription(x.signed_json).subscription)
      const found = await discoverCancellations(r.flow, subs)
      // A cancellation we already applied is read again on every poll: not a rejection.
      const closed = new Set(
        r.billing.repo
          .allSubscriptions()
          .filter((x) => x.state === 'cancelled' || x.state === 'ended')
          .map((x) => x.subscription_id),
      )
      out.rejected.push(
        ...found.rejected.filter((j) => !(j.code === 'unknown-subscription' && closed.has(j.id))),
      )
      for (const c of found.cancellations) {
        const id = c.subscription.subscriptionId
        const row = r.billing.repo.getSubscription(id)
        if (!row || (row.state !== 'active' && row.state !== 'paused')) continue
        r.subscribers.cancel(id, 'now', this.clock.now(), c.cancellation.reason)
        out.cancelled.push(id)
        this.events.emit('subscriber:changed', { subscriptionId: id, change: 'cancelled' })
      }
    }
    out.polled = polled.size
    if (out.imported.length + out.cancelled.length + out.rejected.length > 0)
      this.logger?.info('engine.subscribers-synced', {
        imported: out.imported.length,
        cancelled: out.cancelled.length,
        rejected: out.rejected.length,
      })
    return out
  }

  /**
   * Settlement by watching: a till must notice a payment made by ANY wallet to the QR's BOLT11 or
   * address, not only proofs sent over Noise. For each open checkout, asks the Lightning backend
   * whether its invoice is paid and the chain backend's address history for transactions to its
   * address, and records what it sees (the observed proof: the payment hash, or the txid). One
   * receipt per sale: a Paykit payer's receipt for the checkout, when there is one, is the receipt
   * of record and carries the observed proof (a later preimage replaces it); otherwise the checkout
   * writes the shop's own receipt. Joins a pass already running.
   */
  async checkoutsWatch(): Promise<CheckoutsWatchResult> {
    const r = this.run
    return this.watchFlight.run(() => this.watchOnce(r))
  }

  private async watchOnce(r: Running): Promise<CheckoutsWatchResult> {
    const open = r.db.all<CheckoutRow>(
      `SELECT * FROM checkouts WHERE state = 'open' ORDER BY created_at LIMIT 500`,
    )
    const history = addressHistoryOf(r.chain)
    const settled = new Set<string>()
    for (const c of open) {
      const seen: CheckoutPayment[] = []
      if (c.lightning_payment_hash !== null && r.lightning) {
        const status = await r.lightning.lookup(c.lightning_payment_hash).catch((e: unknown) => {
          this.logger?.debug('engine.watch-lookup-failed', { checkoutId: c.checkout_id, error: e })
          return null
        })
        if (status === 'paid')
          seen.push({
            method: 'lightning',
            proofType: OBSERVED_LIGHTNING_PROOF,
            proofValue: c.lightning_payment_hash,
            paymentHash: c.lightning_payment_hash,
            // The invoice was issued for exactly this amount, and a node settles no less.
            amountSats: c.amount_sats + c.tip_sats,
            verifiedAt: this.clock.now(),
          })
      }
      if (c.onchain_address !== null && history && r.chain) {
        const txids = await history.txidsForAddress(c.onchain_address).catch(() => [] as readonly string[])
        for (const txid of txids) {
          try {
            // The same check a payer's txid proof goes through (outputs to our address, summed).
            const v = await verifyOnchainProof(txid, c.onchain_address, 1, r.chain)
            seen.push({
              method: 'onchain',
              proofType: 'bitcoin_txid',
              proofValue: v.txid,
              amountSats: v.paidSats,
              verifiedAt: this.clock.now(),
            })
          } catch (e) {
            this.logger?.debug('engine.watch-tx-refused', { checkoutId: c.checkout_id, txid, error: e })
          }
        }
      }
      for (const payment of seen) {
        try {
          const changed = transact(r.db, () => {
            // Looked up in the transaction that settles: a payer's receipt recorded a moment ago
            // is found, so a sale never gets two receipts.
            const receiptId =
              r.db.get<{ receipt_id: string }>(
                'SELECT receipt_id FROM receipts WHERE checkout_id = ? ORDER BY created_at, receipt_id LIMIT 1',
                c.checkout_id,
              )?.receipt_id ?? null
            const outcome = r.checkouts.markPaid(c.checkout_id, payment, { receiptId })
            if (outcome.changed && receiptId !== null && outcome.checkout.state === 'paid')
              r.receipts.attachProof(
                receiptId,
                { type: payment.proofType, value: payment.proofValue, verifiedAt: payment.verifiedAt },
                this.clock.now(),
              )
            return outcome.changed
          })
          if (changed) settled.add(c.checkout_id)
        } catch (e) {
          this.logger?.warn('engine.watch-settle-failed', { checkoutId: c.checkout_id, error: e })
        }
      }
    }
    return { checked: open.length, settled: [...settled] }
  }

  /** TEST ONLY: moves the test clock (refused unless the engine was started with `testClock`). */
  async testClockAdvance(ms: number): Promise<{ now: number }> {
    void this.run // throws engine-not-started
    if (!(this.clock instanceof TestClock))
      throw new EngineError(
        'test-clock-disabled',
        'this engine runs on the real clock; start it with the testClock option to move time',
      )
    return { now: this.clock.advance(ms) }
  }
}

function z32Of(key: Uint8Array): string {
  return z32Encode(key)
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** Reads a 32-byte secret from a file, creating it (mode 0600) on first use: for the demo runner. */
export function loadOrCreateSecretFile(path: string, rng: Rng = systemRng): Uint8Array {
  if (existsSync(path)) {
    const b = readFileSync(path)
    if (b.length !== 32) throw new InputError(`${path} must hold exactly 32 bytes`)
    const out = new Uint8Array(b)
    b.fill(0)
    return out
  }
  const s = rng(32)
  writeFileSync(path, s, { mode: 0o600 })
  return s
}
