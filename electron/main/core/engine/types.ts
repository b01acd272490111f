/**
 * @module engine/types
 * The merchant engine's typed surface: what the IPC layer calls (`EngineApi`, every method async and
 * every argument and result structured-clone safe, so the same interface works in-process and across
 * a worker boundary), the events it can subscribe to (`EngineEvents`), and the start options.
 */
import type { CheckoutRow } from '../checkout/repo'
import type { CreateCheckout } from '../checkout/service'
import type { ReceiptRow, Page, ReceiptQuery } from '../receipts/repo'
import type { EndOfDay } from '../receipts/book'
import type { OutboxRow, InboxRow } from '../billing/requests-repo'
import type { SubscriptionRow } from '../billing/repo'
import type { SubscriberView, Churn } from '../billing/view'
import type { BillingPhase, BillingRunSummary } from '../billing/engine'
import type { ListenerStatus } from '../listener/server'
import type { HistogramSnapshot } from '../observe/metrics'
import type { LightningBackend } from '../payments/lightning'
import type { ChainBackend, ChainNetwork } from '../payments/chain'
import type { Clock } from '../util/clock'
import type { Rng } from '../util/rng'
import type { Logger } from '../observe/logger'
import type { CryptoProvider } from '../crypto/provider'
import type { RingLink } from '../pubky/ring-link'

/** The embedded node to attach to instead of starting one (e.g. a test network already running). */
export interface AttachNode {
  homeserverPublicKey: string
  relayUrl: string
  homeserverUrl: string
  /** Its `pubkyauth://` link relay (default `<homeserverUrl>/link`); only pairing uses it. */
  linkRelayUrl?: string
}

/**
 * A Ring-linked till's identity: the merchant's key stays in Pubky Ring; the till holds the granted
 * homeserver session (`link`) and a random 32-byte device secret made at pairing, from which its
 * Noise static key (and the embedded demo's simulated node and wallet) are derived.
 */
export interface RingIdentity {
  link: RingLink
  /** Ownership passes to the engine, which wipes it on `stop()` like `identitySecret`. */
  deviceSecret: Uint8Array
}

/** Which identity the till runs with: the merchant's own key, or a Pubky Ring link. */
export type IdentityKind = 'key' | 'ring'

export type EngineNetwork =
  | {
      kind: 'embedded'
      /** Attach to this node; by default the engine starts its own under `dataDir/pubky`. */
      node?: AttachNode
    }
  | {
      kind: 'hosted'
      /** z32 of the homeserver to sign up on. */
      homeserver: string
      signupToken?: string
      relays?: string[]
      /**
       * A Pubky testnet on this host (`paykit testnet`, or the reference pubky-testnet) through the
       * SDK's testnet profile, instead of the mainnet relays: how an app developer tries a hosted,
       * token-gated homeserver without the internet. Not combined with `relays`.
       */
      testnetHost?: string
      /** Real payment backends (the embedded simulators are never used in hosted mode). */
      lightning?: LightningBackend
      lightningNodeId?: string
      chain?: ChainBackend
      chainNetwork?: ChainNetwork
    }

export interface PosEngineOptions {
  dataDir: string
  /**
   * The merchant's 32-byte Ed25519 secret. Ownership passes to the engine: it keeps one copy and
   * wipes both that copy and this array on `stop()`. Exactly one of `identitySecret` and `ring`.
   */
  identitySecret?: Uint8Array
  /** A Ring-linked till (no identity key here). Exactly one of `identitySecret` and `ring`. */
  ring?: RingIdentity
  network: EngineNetwork
  listener?: {
    host?: string
    port?: number
    /** Also listen for WebSocket payers (0 = any free port). */
    wsPort?: number
    /** The host published in `/noise` (default: the bind host). Set the LAN IP for in-store use. */
    publicHost?: string
    handshakeTimeoutMs?: number
    idleTimeoutMs?: number
    /** Rate limit overrides (tests, benches). */
    rateLimit?: { maxAttempts?: number; windowMs?: number }
    connectionLimit?: { maxTotal?: number; maxPerIp?: number; maxPerSubnet?: number }
  }
  /** Watch-only account (xpub/tpub/vpub or wpkh() descriptor) for on-chain checkouts. */
  xpub?: string
  clock?: Clock
  rng?: Rng
  crypto?: CryptoProvider
  logger?: Logger
  /** Default hourly (paykit-protocol.md §6.8). */
  billingIntervalMs?: number
  /** Inbox poll interval (default 60 s); 0 disables the timer. */
  inboxIntervalMs?: number
  /** Sweeper interval (default 10 min); 0 disables the timer. */
  sweepIntervalMs?: number
  /** How often open checkouts are checked for expiry (default 15 s). */
  expiryIntervalMs?: number
  /**
   * How often subscribers' homeservers are polled for agreements and cancellations addressed to us
   * (default 5 min); 0 disables the timer (`subscribersSync()` still works).
   */
  subscriberSyncIntervalMs?: number
  /**
   * How often open checkouts' BOLT11 and address are checked for a payment made by any wallet
   * (default 5 s); 0 disables the timer (`checkoutsWatch()` still works).
   */
  settlementWatchIntervalMs?: number
  /**
   * TEST ONLY: run on an offset clock that `testClockAdvance` moves. Off by default; without it
   * `testClockAdvance` is refused. Ignored when `clock` is given.
   */
  testClock?: { offsetMs?: number; fixedMs?: number }
}

/** Where payers connect and who they pay. */
export interface EngineEndpoint {
  merchant: string
  host: string
  port: number
  wsPort: number | null
  /** X25519 static public key, lowercase hex (what `/noise` publishes). */
  noisePubkey: string
}

export interface EngineIdentity extends EngineEndpoint {
  /** 'ring': the identity key stays in Pubky Ring; calls that need it reject with `needs-identity-key`. */
  identityKind: IdentityKind
  deviceId: string
  homeserver: string
  /** Simulator service URL (embedded mode only): what a demo payer uses to pay invoices. */
  simulatorUrl: string | null
  chainNetwork: ChainNetwork
}

export interface CheckoutStarted {
  checkout: CheckoutRow
  /** The checkout QR text (`pubky://…?paykit=checkout&…`). */
  uri: string
  endpoint: EngineEndpoint
}

export interface DirectoryMethod {
  methodId: string
  endpoint: string
}

export interface SendRequestInput {
  to: string
  /** Whole sats. */
  amountSats: number
  method: 'lightning' | 'onchain'
  description?: string | null
  ttlSecs?: number
}

export interface ProposeInput {
  subscriber: string
  amountSats: number
  /** 'daily' | 'weekly' | 'monthly:<day>' | 'custom:<seconds>' */
  frequency: string
  method: 'lightning' | 'onchain'
  description: string
}

export interface SubscribersModel {
  subscribers: SubscriberView[]
  mrrSats: number
  churn: Churn
}

/** What one subscriber sync found (agreements imported, cancellations applied, records refused). */
export interface SubscribersSyncResult {
  /** Subscribers whose homeservers were read. */
  polled: number
  imported: string[]
  cancelled: string[]
  /** Proposals whose offer window closed without an agreement. */
  expired: string[]
  rejected: { owner: string; id: string; code: string; reason: string }[]
}

/** What one settlement watch pass found. */
export interface CheckoutsWatchResult {
  checked: number
  /** Checkouts that changed (paid, partly paid) from a payment observed on the network. */
  settled: string[]
}

export interface MetricsSnapshot {
  counters: Record<string, number>
  histograms: Record<string, HistogramSnapshot>
}

/** Everything the UI can ask of the engine. */
export interface EngineApi {
  identity(): Promise<EngineIdentity>
  checkoutStart(input: CreateCheckout): Promise<CheckoutStarted>
  checkoutCancel(checkoutId: string, reason?: string | null): Promise<CheckoutRow>
  checkoutGet(checkoutId: string): Promise<CheckoutRow | null>
  checkoutList(limit?: number): Promise<CheckoutRow[]>
  receiptsList(limit?: number, cursor?: string | null): Promise<Page<ReceiptRow>>
  receiptsSearch(query: ReceiptQuery, limit?: number, cursor?: string | null): Promise<Page<ReceiptRow>>
  receiptsGet(receiptId: string): Promise<ReceiptRow | null>
  receiptsExportCsv(query?: ReceiptQuery): Promise<string>
  receiptsSummary(from: number, to: number, tzOffsetMinutes?: number): Promise<EndOfDay>
  requestsIn(state?: InboxRow['state']): Promise<InboxRow[]>
  requestsOut(): Promise<OutboxRow[]>
  requestsSend(input: SendRequestInput): Promise<OutboxRow>
  requestsPoll(): Promise<{ received: number; rejected: number }>
  subscribersList(): Promise<SubscriptionRow[]>
  subscribersView(): Promise<SubscribersModel>
  subscribersPropose(input: ProposeInput): Promise<{ subscriptionId: string; path: string }>
  subscribersPause(subscriptionId: string): Promise<void>
  subscribersResume(subscriptionId: string): Promise<void>
  subscribersCancel(subscriptionId: string, reason?: string | null): Promise<void>
  billingRun(): Promise<BillingRunSummary>
  directoryMethods(): Promise<DirectoryMethod[]>
  directoryAddMethod(methodId: string, endpoint: string): Promise<DirectoryMethod[]>
  directoryRemoveMethod(methodId: string): Promise<DirectoryMethod[]>
  listenerStatus(): Promise<ListenerStatus>
  metrics(): Promise<MetricsSnapshot>
  /** Reads subscribers' homeservers now: imports agreements, applies cancellations. */
  subscribersSync(): Promise<SubscribersSyncResult>
  /** Checks open checkouts' invoice and address on the payment backends now. */
  checkoutsWatch(): Promise<CheckoutsWatchResult>
  /** TEST ONLY (refused unless started with `testClock`): moves the engine clock; returns the new now. */
  testClockAdvance(ms: number): Promise<{ now: number }>
}

/** The method names of `EngineApi` (the worker proxy forwards exactly these). */
export const ENGINE_API_METHODS = [
  'identity',
  'checkoutStart',
  'checkoutCancel',
  'checkoutGet',
  'checkoutList',
  'receiptsList',
  'receiptsSearch',
  'receiptsGet',
  'receiptsExportCsv',
  'receiptsSummary',
  'requestsIn',
  'requestsOut',
  'requestsSend',
  'requestsPoll',
  'subscribersList',
  'subscribersView',
  'subscribersPropose',
  'subscribersPause',
  'subscribersResume',
  'subscribersCancel',
  'billingRun',
  'directoryMethods',
  'directoryAddMethod',
  'directoryRemoveMethod',
  'listenerStatus',
  'metrics',
  'subscribersSync',
  'checkoutsWatch',
  'testClockAdvance',
] as const satisfies readonly (keyof EngineApi)[]

export type EngineEvents = {
  'checkout:paid': { checkoutId: string; receivedSats: number; overpaidSats: number }
  'checkout:changed': { checkoutId: string; state: CheckoutRow['state']; receivedSats: number }
  receipt: {
    receiptId: string
    kind: 'recorded' | 'proof'
    amountSats: number | null
    methodId: string | null
  }
  request: { direction: 'in' | 'out'; requestId: string; counterparty: string; state: string }
  'subscriber:changed': {
    subscriptionId: string
    /** 'imported': an agreement was read from the subscriber's homeserver and billing starts. */
    change: 'ended' | 'cancelled' | 'paused' | 'resumed' | 'period-paid' | 'imported'
  }
  'billing:progress': { phase: BillingPhase; done: number; total: number }
  'billing:complete': BillingRunSummary
}
