/**
 * @module domain/engine
 * The payment engine's status, the merchant's public identity and listener, and the published
 * payment methods, as the renderer sees them. Nothing here is secret.
 */

export type EngineState = 'stopped' | 'starting' | 'running' | 'failed'

export type EngineStatus = {
  readonly state: EngineState
  /** Why the engine failed to start (a message a person can act on), else null. */
  readonly problem: string | null
}

export type ListenerInfo = {
  readonly accepting: boolean
  readonly host: string
  readonly port: number
  readonly wsPort: number | null
  readonly sessions: number
  readonly connections: number
  readonly handshakesOk: number
  readonly handshakesFailed: number
  /** Noise patterns a payer may use to reach this shop. */
  readonly patterns: readonly string[]
  /**
   * The start-up self-check: a loopback payer's receipt request answered end to end (handshake,
   * decode, intake, encrypted reply) before the till said ready. `detail` says what was seen, or
   * why it failed. Null when it did not run.
   */
  readonly selfCheck: { readonly ok: boolean; readonly ms: number; readonly detail: string } | null
}

export type EngineIdentityInfo = {
  readonly publicKey: string
  /** `pubky<z32>`: what a wallet scans to find the shop. */
  readonly uri: string
  readonly homeserver: string
  readonly homeserverKind: 'embedded' | 'hosted'
  /** X25519 static key published in `/noise`, hex. */
  readonly noisePubkey: string
  readonly deviceId: string
  readonly network: string
  /** The loopback payment simulator (embedded demo mode only), else null. */
  readonly simulatorUrl: string | null
}

export type PaymentMethodRow = {
  readonly methodId: string
  readonly endpoint: string
  /** "Lightning", "On-chain", "LNURL / Lightning address". */
  readonly label: string
}

/** What onboarding's "add payment methods" step publishes. */
export type MethodInput = { readonly methodId: 'onchain' | 'lightning' | 'lnurl'; readonly endpoint: string }
