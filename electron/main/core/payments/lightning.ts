/**
 * @module payments/lightning
 * The POS's port to a Lightning node (`LightningBackend`) and a simulated node behind it.
 *
 * The machines the POS runs on here have no Lightning node and no internet, so the *network* is
 * the one thing simulated: `SimulatedLightningNode.pay` plays the customer's wallet and the routing
 * network. Everything the merchant side touches is real: the node key is a real secp256k1 key the
 * caller persists, invoices are real signed BOLT #11 strings, the payment hash is SHA-256 of a
 * random 32-byte preimage the node keeps, and the preimage a payer receives passes the same proof
 * check a real one would (`proof.ts`).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { toHex, utf8, wipe } from '../util/bytes'
import { systemClock, nowSeconds, type Clock } from '../util/clock'
import { systemRng, type Rng } from '../util/rng'
import { decodeBolt11 } from './bolt11-decode'
import { encodeBolt11, nodePublicKey, type Bolt11Fields } from './bolt11-encode'
import { FEATURE, MAX_DESCRIPTION_BYTES, type Bolt11Network } from './bolt11-format'
import { PaymentError } from './errors'

export type InvoiceStatus = 'open' | 'paid' | 'expired'

export interface CreateInvoiceParams {
  /** Whole satoshis; leave out for an "any amount" invoice (the payer chooses). */
  amountSats?: number
  /** Shown in the customer's wallet. Over 639 UTF-8 bytes it is committed to by hash (`h`). */
  memo: string
  /** Seconds the invoice stays payable. Default 3600, BOLT #11's default. */
  expirySecs?: number
}

export interface CreatedInvoice {
  bolt11: string
  /** Lowercase hex of the 32-byte payment hash. */
  paymentHash: string
  /** Unix seconds from which the invoice can no longer be paid. */
  expiresAt: number
}

/** What the POS needs from any Lightning node (simulated here; LND/CLN/LDK adapters later). */
export interface LightningBackend {
  createInvoice(params: CreateInvoiceParams): Promise<CreatedInvoice>
  /** Status of an invoice this node issued; throws `invoice-unknown` for any other hash. */
  lookup(paymentHash: string): Promise<InvoiceStatus>
}

export interface PayOptions {
  /** What the payer sends, in sats. Required for an "any amount" invoice. */
  amountSats?: number
}

export interface PayResult {
  /** Lowercase hex of the 32-byte preimage: the customer's proof of payment. */
  preimage: string
  paymentHash: string
  /** What was delivered, in millisatoshi. */
  amountMsat: bigint
}

export interface SimulatedLightningNodeOptions {
  /** 32-byte secp256k1 secret. The caller persists it so the node id survives restarts. */
  nodeSecretKey: Uint8Array
  /** Default regtest (`lnbcrt`): these invoices can never be mistaken for mainnet ones. */
  network?: Bolt11Network
  clock?: Clock
  rng?: Rng
  crypto?: CryptoProvider
  /** Written into every invoice's `c` field. Default 18 (the BOLT #11 default). */
  minFinalCltvExpiry?: number
}

interface StoredInvoice {
  bolt11: string
  preimage: Uint8Array
  amountMsat: bigint | null
  expiresAt: number
  memo: string
  paidMsat: bigint | null
}

const DEFAULT_EXPIRY_SECS = 3600
const MAX_EXPIRY_SECS = 365 * 24 * 3600
/** 21 million BTC in sats. */
const MAX_SATS = 2_100_000_000_000_000

function checkSats(
  value: unknown,
  name: string,
  code: 'bolt11-invalid-field' | 'invoice-amount-too-low',
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_SATS) {
    throw new PaymentError(code, `${name} must be a whole number of sats in 1..${MAX_SATS}`)
  }
  return value
}

function checkHashHex(paymentHash: unknown): string {
  if (typeof paymentHash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(paymentHash)) {
    throw new PaymentError('invoice-unknown', 'payment hash must be 64 hex characters')
  }
  return paymentHash.toLowerCase()
}

/**
 * A Lightning node that issues real signed invoices and keeps their preimages, with the payment
 * network simulated by `pay`. Single-process and in memory: its state is the open invoices of one
 * POS session.
 */
export class SimulatedLightningNode implements LightningBackend {
  /** Hex of the 33-byte compressed node key (what `n` / signature recovery yields). */
  readonly nodeId: string
  readonly network: Bolt11Network
  private readonly secret: Uint8Array
  private readonly clock: Clock
  private readonly rng: Rng
  private readonly crypto: CryptoProvider
  private readonly minFinalCltvExpiry: number
  private readonly invoices = new Map<string, StoredInvoice>()

  constructor(options: SimulatedLightningNodeOptions) {
    this.nodeId = toHex(nodePublicKey(options.nodeSecretKey))
    this.secret = options.nodeSecretKey.slice()
    this.network = options.network ?? 'regtest'
    this.clock = options.clock ?? systemClock
    this.rng = options.rng ?? systemRng
    this.crypto = options.crypto ?? defaultProvider()
    this.minFinalCltvExpiry = options.minFinalCltvExpiry ?? 18
  }

  /** A fresh node secret for the caller to persist. */
  static generateNodeKey(rng: Rng = systemRng): Uint8Array {
    for (;;) {
      const candidate = rng(32)
      if (secp256k1.utils.isValidSecretKey(candidate)) return candidate
    }
  }

  async createInvoice(params: CreateInvoiceParams): Promise<CreatedInvoice> {
    return this.createInvoiceSync(params)
  }

  /** Synchronous body of `createInvoice` (the simulator has nothing to wait for). */
  createInvoiceSync(params: CreateInvoiceParams): CreatedInvoice {
    if (typeof params.memo !== 'string')
      throw new PaymentError('bolt11-invalid-field', 'memo must be a string')
    const amountSats =
      params.amountSats === undefined
        ? undefined
        : checkSats(params.amountSats, 'amount', 'bolt11-invalid-field')
    const expirySecs = params.expirySecs ?? DEFAULT_EXPIRY_SECS
    if (!Number.isSafeInteger(expirySecs) || expirySecs < 1 || expirySecs > MAX_EXPIRY_SECS) {
      throw new PaymentError('bolt11-invalid-field', `expiry must be 1..${MAX_EXPIRY_SECS} seconds`)
    }
    const preimage = this.rng(32)
    const paymentHash = this.crypto.hash('sha256', preimage)
    const timestamp = nowSeconds(this.clock)
    const memoBytes = utf8(params.memo)
    const fields: Bolt11Fields = {
      network: this.network,
      timestamp,
      paymentHash,
      paymentSecret: this.rng(32),
      expirySecs,
      minFinalCltvExpiry: this.minFinalCltvExpiry,
      // What current LND/CLN invoices advertise: onion and secret required, multi-part optional.
      features: [FEATURE.varOnionOptin, FEATURE.paymentSecret, FEATURE.basicMpp + 1],
      ...(amountSats === undefined ? {} : { amountMsat: BigInt(amountSats) * 1000n }),
      ...(memoBytes.length <= MAX_DESCRIPTION_BYTES
        ? { description: params.memo }
        : { descriptionHash: this.crypto.hash('sha256', memoBytes) }),
    }
    const bolt11 = encodeBolt11(fields, this.secret, this.crypto)
    const hashHex = toHex(paymentHash)
    this.invoices.set(hashHex, {
      bolt11,
      preimage,
      amountMsat: fields.amountMsat ?? null,
      expiresAt: timestamp + expirySecs,
      memo: params.memo,
      paidMsat: null,
    })
    return { bolt11, paymentHash: hashHex, expiresAt: timestamp + expirySecs }
  }

  async lookup(paymentHash: string): Promise<InvoiceStatus> {
    return this.status(paymentHash)
  }

  /** Synchronous twin of `lookup`. */
  status(paymentHash: string): InvoiceStatus {
    const stored = this.find(paymentHash)
    if (stored.paidMsat !== null) return 'paid'
    return nowSeconds(this.clock) >= stored.expiresAt ? 'expired' : 'open'
  }

  /** The full memo of an invoice (the text an `h` field commits to, for long memos). */
  memo(paymentHash: string): string {
    return this.find(paymentHash).memo
  }

  /** What was paid for an invoice, in msat (null while unpaid). */
  paidMsat(paymentHash: string): bigint | null {
    return this.find(paymentHash).paidMsat
  }

  /**
   * The customer's side of the network: validates the invoice as a paying wallet would (signature,
   * network, payee, expiry against the injected clock, amount), marks it paid and reveals the
   * preimage. Exactly once per invoice: a second payment fails with `invoice-already-paid`.
   */
  pay(bolt11: string, options: PayOptions = {}): PayResult {
    const invoice = decodeBolt11(bolt11, this.crypto)
    if (invoice.network !== this.network) {
      throw new PaymentError(
        'invoice-wrong-network',
        `invoice is for ${invoice.network}; this simulated network is ${this.network}`,
      )
    }
    if (toHex(invoice.payeeNodeKey) !== this.nodeId) {
      throw new PaymentError(
        'invoice-unknown-payee',
        `invoice was signed by node ${toHex(invoice.payeeNodeKey)}, which is not on this simulated network`,
      )
    }
    const hashHex = toHex(invoice.paymentHash)
    const stored = this.invoices.get(hashHex)
    if (!stored)
      throw new PaymentError('invoice-unknown', `no invoice with payment hash ${hashHex} was issued`)
    if (stored.paidMsat !== null) {
      throw new PaymentError(
        'invoice-already-paid',
        `invoice ${hashHex} is already paid; it cannot be paid twice`,
      )
    }
    const now = nowSeconds(this.clock)
    if (now >= invoice.expiresAt) {
      throw new PaymentError(
        'invoice-expired',
        `invoice expired at ${new Date(invoice.expiresAt * 1000).toISOString()}; ask for a new one`,
      )
    }
    const amountMsat = this.amountToDeliver(invoice.amountMsat, options.amountSats)
    stored.paidMsat = amountMsat
    return { preimage: toHex(stored.preimage), paymentHash: hashHex, amountMsat }
  }

  private amountToDeliver(invoiceMsat: bigint | null, amountSats: number | undefined): bigint {
    if (amountSats === undefined) {
      if (invoiceMsat === null) {
        throw new PaymentError(
          'invoice-amount-required',
          'the invoice has no amount; the payer must choose one',
        )
      }
      return invoiceMsat
    }
    const offered = BigInt(checkSats(amountSats, 'payment amount', 'invoice-amount-too-low')) * 1000n
    if (invoiceMsat !== null) {
      if (offered < invoiceMsat) {
        throw new PaymentError(
          'invoice-amount-too-low',
          `payment of ${offered} msat is below the invoice amount of ${invoiceMsat} msat`,
        )
      }
      // BOLT #4: a payee accepts up to twice the amount; more looks like a mistake.
      if (offered > invoiceMsat * 2n) {
        throw new PaymentError(
          'invoice-amount-too-high',
          `payment of ${offered} msat is more than twice the invoice amount of ${invoiceMsat} msat`,
        )
      }
    }
    return offered
  }

  private find(paymentHash: string): StoredInvoice {
    const hashHex = checkHashHex(paymentHash)
    const stored = this.invoices.get(hashHex)
    if (!stored)
      throw new PaymentError('invoice-unknown', `no invoice with payment hash ${hashHex} was issued`)
    return stored
  }

  /** Forgets every invoice and wipes the preimages and this node's copy of the key. */
  close(): void {
    for (const stored of this.invoices.values()) wipe(stored.preimage)
    this.invoices.clear()
    wipe(this.secret)
  }
}
