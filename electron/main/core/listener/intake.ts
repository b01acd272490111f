/**
 * @module listener/intake
 * Receipt intake: what the merchant does with a payer's `RequestReceipt` (paykit-protocol.md §6.8
 * step 3, §7.4, §7.5, Appendix C "always check"), and how a payer proves it paid.
 *
 * RequestReceipt (first time for a receipt_id):
 *   1. the session must have authenticated an Ed25519 identity; the receipt's payee is us
 *      (`WRONG_PAYEE`, the reference's code) and its payer is that identity (`WRONG_PAYER`; the
 *      reference does not check this);
 *   2. the receipt references something we issued: an open checkout — by `metadata.checkout_id`,
 *      `metadata.order.order_id` (PaymentMetadata, what the checkout QR tells wallets to quote),
 *      `metadata.order_id`, or a receipt_id equal to the QR's checkout id — or an outstanding payment
 *      request of ours, by `autopay_{request_id}` (the reference autopay id);
 *   3. method, amount (verbatim decimal string) and currency equal what was issued, exactly, and
 *      the method is one we publish;
 *   4. we attach our payment endpoint: the checkout's own BOLT11 / never-reused address, or for a
 *      request a fresh BOLT11 from the Lightning backend port or a fresh address from the xpub
 *      allocator;
 *   5. `ReceiptBook.recordConfirmed` commits the receipt (WAL, synchronous=FULL) and only then is
 *      `ConfirmReceipt` returned, so a confirmation on the wire always has a durable row behind it.
 * The same receipt_id again (a retry after a lost reply) returns the stored confirmation; the same
 * id with other parties, method or amount is `RECEIPT_CONFLICT`. Every refusal is a typed
 * `ListenerError` thrown before anything is written: refusals change nothing.
 *
 * ── Proof submission (our choice; the reference sends no proofs on the wire, §7.6) ──────────────
 * A payer proves payment by sending a second `RequestReceipt` with the SAME receipt_id, parties,
 * method, amount and currency, whose `metadata` carries a §7.6 `PaymentProof` object under the key
 * `payment_proof`:
 *   {"payment_proof":{"proof_type":"lightning_preimage","preimage":hex64,"payment_hash":hex64,
 *                      "verified":false,"created_at":secs}}
 *   {"payment_proof":{"proof_type":"bitcoin_txid","txid":hex64,"verified":false,"created_at":secs}}
 * This works unchanged in all three dialects (A and B carry receipt metadata; our dialect-C reader
 * takes a `metadata` key on `request_receipt`), needs no new message type a reference peer would
 * reject, and is answered with a `ConfirmReceipt` whose metadata gains
 * `settlement: {status: paid|overpaid|partial|late, paid_sats, due_sats, …}`.
 * Verification is stronger than the reference's 64-hex check:
 *   - Lightning: the BOLT11 must be the one WE issued for this receipt (signed by our node) and
 *     SHA-256(preimage) must equal its payment hash (a `payment_hash` in the proof must match too);
 *   - on-chain: the txid is looked up through the `ChainBackend` port and its outputs to the address
 *     we issued must add up to the amount due; a partial payment is recorded against the checkout
 *     and reported (`settlement.status = partial`), an overpayment settles and reports the excess.
 * Then the checkout (or the billing period) is marked paid, the proof is attached to the receipt,
 * and the bus events fire. Submitting the same proof again changes nothing and returns the same
 * answer.
 *
 * Offline mode: the Lightning network and the Bitcoin chain are the two things this machine cannot
 * run, so the engine plugs core/payments' simulators into these ports (`SimulatedLightningNode`,
 * `SimulatedChain`); everything on the merchant's side of the ports is the production path.
 */
import { transact } from '../storage/after-commit'
import type { AddressAllocator } from '../checkout/ports'
import { CheckoutError, type CheckoutService } from '../checkout/service'
import type { CheckoutRow } from '../checkout/repo'
import { dueSats } from '../checkout/model'
import type { OutboxRepo, OutboxRow } from '../billing/requests-repo'
import type { ConfirmedReceiptInput, ReceiptBook } from '../receipts/book'
import { ReceiptError } from '../receipts/errors'
import type { ReceiptRow } from '../receipts/repo'
import type { Database } from '../storage/db'
import type { Logger } from '../observe/logger'
import type { LightningBackend } from '../payments/lightning'
import type { ChainBackend } from '../payments/chain'
import { PaymentError, UnderpaidError } from '../payments/errors'
import { verifyLightningProof, verifyOnchainProof } from '../payments/proof'
import { decodeBolt11 } from '../payments/bolt11-decode'
import { proofFromJson, type PaymentProof } from '../interactive/proof'
import { parseJson, isJsonObject, type JsonObject, type JsonValue } from '../interactive/json'
import { writeJson } from '../interactive/json'
import type { Receipt } from '../interactive/receipt'
import type { Dialect } from '../interactive/messages'
import { z32Decode, z32Encode } from '../keys/z32'
import { equalBytes, toHex } from '../util/bytes'
import { nowSeconds, type Clock } from '../util/clock'
import { PaykitError } from '../util/errors'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { ListenerError } from './errors'

/** Who sent a message, as the Noise handshake established it. */
export interface PeerContext {
  /** Verified Ed25519 key of the payer, when the pattern/generation carries one. */
  identity: Uint8Array | undefined
  /**
   * z-base-32 of `identity`, spelled once when the session opened (listener/server.ts) rather than
   * on every receipt: a burst's first receipts would otherwise each pay for it on the hot path.
   */
  identityZ32?: string
  dialect: Dialect
  generation: string | null
  pattern: string
  remoteAddress: string
  /** The peer's X25519 static key as the handshake proved it (IK, IK-raw, XX). */
  x25519Static?: Uint8Array
  /**
   * Per-session memo of IK-raw key-binding checks: payer z32 → bound or not. Shared by every
   * message of one session (the dispatcher copies the context shallowly), so a session costs at
   * most one directory read per payer it names.
   */
  bindingChecks?: Map<string, boolean>
}

/**
 * Whether `payer` (z32) has published a valid 0.8.0 key binding (signature by the payer's
 * identity, fresh) for `x25519Static` — pubky-noise.md §3.3, directory/key-binding.ts. Errors
 * (unreachable homeserver, timeout) are reported as false by the caller.
 */
export type KeyBindingCheck = (payer: string, x25519Static: Uint8Array) => Promise<boolean>

/** Most distinct payers one IK-raw session may ask us to look up. */
export const MAX_BINDING_CHECKS_PER_SESSION = 4

/** The part of `BillingEngine` intake needs (marking a billing period paid). */
export interface BillingPort {
  markRequestPaid(requestId: string, receiptId: string, paidAt: number): { changed: boolean }
}

export interface IntakeOptions {
  db: Database
  /** Our Ed25519 public key (the payee). */
  merchant: Uint8Array
  receipts: ReceiptBook
  checkouts: CheckoutService
  /** requests_out: the payment requests we published (autopay references). */
  outbox: OutboxRepo
  billing?: BillingPort
  /** Issues BOLT11 invoices for autopay receipts; its node key is checked on Lightning proofs. */
  lightning?: LightningBackend
  /** Hex of our Lightning node's public key (invoices signed by another node are refused). */
  lightningNodeId?: string
  chain?: ChainBackend
  /** Fresh addresses for autopay receipts paid on-chain. */
  addresses?: AddressAllocator
  /** Method ids we publish (checked on every receipt). */
  publishedMethods: () => ReadonlySet<string>
  clock: Clock
  crypto?: CryptoProvider
  logger?: Logger
  /** On-chain proofs below this many confirmations are refused (default 0: mempool counts). */
  minConfirmations?: number
  /**
   * Authenticates IK-raw payers (no identity payload) by their published key binding. Without it
   * an IK-raw session proves no identity and receipts are refused (UNAUTHENTICATED).
   */
  keyBindings?: KeyBindingCheck
  /** How long receipts wait to share one commit (see `ReceiptIntake.maybeFlush`). */
  groupCommit?: GroupCommitPolicy
}

/** Group-commit window. `{ minWaitMs: 0, maxWaitMs: 0 }` commits at the next loop turn, as before. */
export interface GroupCommitPolicy {
  /**
   * A batch is committed once no receipt has joined it for this long (the quiet gap). The gap
   * grows with the measured commit time, up to a quarter of `maxWaitMs`: see `ReceiptIntake.maybeFlush`.
   */
  minWaitMs?: number
  /** A batch still growing is committed once it is this old. */
  maxWaitMs?: number
  /** Or once it holds this many receipts. */
  maxOps?: number
}

/**
 * A batch holds a receipt at most 12 ms, about half the 25 ms arrival-to-event budget: the commit
 * (WAL, synchronous=FULL) costs ~0.3 ms here, so two commits for a large burst cost less than making
 * its first receipts wait out a 25 ms window (alternating bench runs, p99: 22-32 ms at 12 vs
 * 23-75 ms at 25).
 */
export const DEFAULT_GROUP_COMMIT: Required<GroupCommitPolicy> = { minWaitMs: 2, maxWaitMs: 12, maxOps: 256 }

/** What intake answers: the receipt to confirm, and (flat dialect) when it was confirmed. */
export interface IntakeReply {
  receipt: Receipt
  confirmedAt: number
  /** True when this call stored it (false: replay of a stored confirmation). */
  created: boolean
}

type Reference = { kind: 'checkout'; checkout: CheckoutRef } | { kind: 'request'; request: OutboxRow }

const AUTOPAY_PREFIX = 'autopay_'
/** The checkout columns a receipt is checked and recorded against. */
type CheckoutRef = Pick<
  CheckoutRow,
  | 'checkout_id'
  | 'state'
  | 'amount_sats'
  | 'tip_sats'
  | 'memo'
  | 'onchain_address'
  | 'lightning_invoice'
  | 'payer'
  | 'expires_at'
>
/**
 * Those columns only: the driver builds each row object field by field, and a whole checkout row
 * (25 columns) cost about twice as much to read on every receipt of a burst.
 */
const CHECKOUT_REF_SQL =
  'SELECT checkout_id, state, amount_sats, tip_sats, memo, onchain_address, lightning_invoice, payer, expires_at FROM checkouts WHERE checkout_id = ?'
const CHECKOUT_TAKEN_SQL = 'SELECT receipt_id FROM receipts WHERE checkout_id = ? AND receipt_id != ? LIMIT 1'
const fail = (code: ConstructorParameters<typeof ListenerError>[0], message: string): never => {
  throw new ListenerError(code, message)
}

function str(o: JsonObject, key: string): string | null {
  const v = o[key]
  return typeof v === 'string' && v.length > 0 && v.length <= 128 ? v : null
}

/** The checkout id a receipt quotes, if any (see the module comment for where we look). */
export function checkoutIdOf(receipt: Receipt): string | null {
  const m = receipt.metadata
  if (isJsonObject(m)) {
    const direct = str(m, 'checkout_id') ?? str(m, 'order_id')
    if (direct) return direct
    const order = m['order']
    if (isJsonObject(order)) {
      const id = str(order, 'order_id')
      if (id) return id
    }
  }
  return null
}

/** The §7.6 proof carried in `metadata.payment_proof`, or null when the receipt carries none. */
export function proofOf(receipt: Receipt): PaymentProof | null {
  const m = receipt.metadata
  if (!isJsonObject(m) || m['payment_proof'] === undefined) return null
  try {
    return proofFromJson(m['payment_proof'], 'metadata.payment_proof')
  } catch (e) {
    return fail('PROOF_MALFORMED', `metadata.payment_proof is not a PaymentProof: ${(e as Error).message}`)
  }
}

const SAT_RE = /^(0|[1-9][0-9]{0,15})$/

/** The whole-sat amount of a request (its `amount_sats`, or a SAT amount), or null. */
function satsOf(r: OutboxRow): number | null {
  const sats = r.amount_sats ?? (r.currency === 'SAT' && SAT_RE.test(r.amount) ? Number(r.amount) : null)
  return sats !== null && sats > 0 ? sats : null
}

/** Most invoices held ready at once (memory bound: a BOLT11 is ~0.5 KB). */
export const MAX_PREPARED_INVOICES = 10_000

export class ReceiptIntake {
  private readonly o: IntakeOptions
  private readonly me: string
  private readonly crypto: CryptoProvider
  private readonly batch: {
    run: () => IntakeReply
    resolve: (r: IntakeReply) => void
    reject: (e: unknown) => void
  }[] = []
  /** Invoices issued ahead of the receipt for outstanding requests (`prepareInvoices`). */
  private readonly prepared = new Map<string, { bolt11: string; expiresAtMs: number }>()
  /** z32 of the key arrays of receipts in flight (one receipt's payer is spelled up to 4 times). */
  private readonly z32s = new WeakMap<Uint8Array, string>()
  private batchOpenedAt = 0
  private lastArrival = 0
  /** Batch size at the previous check (growth since then keeps the batch open). */
  private batchSeen = 0
  /** Which batch is open (scheduled checks of an earlier one are dropped). */
  private batchId = 0
  /** Recent commit (COMMIT + fsync) time, smoothed: what an early commit costs who comes next. */
  private commitMs = 0
  /** Listeners reporting how many sessions they serve (see `watchSessions`). */
  private readonly sessionSources = new Set<() => number>()
  private readonly groupCommit: Required<GroupCommitPolicy>

  constructor(options: IntakeOptions) {
    this.o = options
    this.me = z32Encode(options.merchant)
    this.crypto = options.crypto ?? defaultProvider()
    this.groupCommit = { ...DEFAULT_GROUP_COMMIT, ...options.groupCommit }
  }

  /**
   * Lets a listener report how many sessions it serves. A session's messages are handled one at
   * a time (dispatch.ts), so a session with a receipt in the open batch cannot add another to it:
   * once the batch holds a receipt from as many sessions as exist, nobody can still join it and it
   * is committed at once instead of waiting out the quiet gap (a lone customer at the counter, or
   * a burst in which every connected payer is waiting). Returns the unsubscribe.
   */
  watchSessions(count: () => number): () => void {
    this.sessionSources.add(count)
    return () => this.sessionSources.delete(count)
  }

  /** True when every session served has a receipt in the open batch (none could join it). */
  private everySessionWaiting(): boolean {
    if (this.sessionSources.size === 0) return false
    let sessions = 0
    for (const count of this.sessionSources) sessions += count()
    return this.batch.length >= sessions
  }

  /** Our Ed25519 public key (the payee every receipt must name). */
  get merchant(): Uint8Array {
    return this.o.merchant
  }

  /** Handles one RequestReceipt (a new receipt, a replay, or a proof). Throws `ListenerError`. */
  async handle(receipt: Receipt, sessionPeer: PeerContext): Promise<IntakeReply> {
    // Only an IK-raw session has an identity to look up; the others skip the await (a loop hop).
    const peer = this.needsKeyBinding(sessionPeer)
      ? await this.authenticateRaw(receipt, sessionPeer)
      : sessionPeer
    this.checkParties(receipt, peer)
    // The parties are now known to equal the session identity and us: their text is already spelled.
    if (peer.identityZ32 !== undefined) this.z32s.set(receipt.payer, peer.identityZ32)
    this.z32s.set(receipt.payee, this.me)
    const proof = proofOf(receipt)
    if (proof) return this.handleProof(receipt, proof, peer)
    let endpoint: string | null = null
    if (receipt.receiptId.startsWith(AUTOPAY_PREFIX)) {
      // A retry of a confirmed autopay receipt is answered before a fresh endpoint is issued for
      // it. (A checkout receipt needs no early look: the batch below checks for a replay first.)
      const stored = this.replay(receipt)
      if (stored)
        return { receipt: this.confirmationOf(stored), confirmedAt: this.confirmedAt(stored), created: false }
      // A request (autopay) gets a fresh endpoint, issued before the durable write: a crash here
      // leaves an unused invoice/address and no confirmation, and the payer's retry gets a new one.
      // Checked first so a refused receipt never costs an invoice.
      endpoint = await this.freshEndpoint(this.reference(receipt), receipt)
    }
    const ep = endpoint
    return this.commit(() => {
      // Inside the batch transaction, in order: an earlier receipt of this batch may have taken the
      // checkout, or be this very receipt_id, so both checks run against what is now stored. A new
      // receipt (the common case) costs no look-up by id: the insert itself finds an existing id
      // (`recordConfirmed`), and a refused reference looks for a stored confirmation before refusing.
      let ref: Reference
      try {
        ref = this.reference(receipt)
      } catch (e) {
        const again = e instanceof ListenerError ? this.replay(receipt) : null
        if (!again) throw e
        return { receipt: this.confirmationOf(again), confirmedAt: this.confirmedAt(again), created: false }
      }
      return this.record(receipt, ref, ep ?? this.existingEndpoint(ref, receipt.methodId)!, peer)
    })
  }

  /**
   * Group commit: receipts that arrive together (a burst, see `maybeFlush`) are written in ONE
   * transaction, so a burst of payers costs one fsync instead of one each. Each op still succeeds
   * or fails on its own (its checks run before its only write, `recordConfirmed`'s insert), and no
   * promise resolves — so no ConfirmReceipt is sent — before the transaction has committed. The
   * receipt book's `receipt:recorded` events are queued (`afterCommit`) and fire after the COMMIT,
   * before the promises resolve; a rolled-back batch announces nothing.
   */
  private commit(run: () => IntakeReply): Promise<IntakeReply> {
    return new Promise((resolve, reject) => {
      this.batch.push({ run, resolve, reject })
      this.lastArrival = performance.now()
      const id = this.batchId
      if (this.batch.length === 1) {
        this.batchOpenedAt = this.lastArrival
        this.batchSeen = 0
        setImmediate(() => this.maybeFlush(id))
      } else if (this.batch.length >= this.groupCommit.maxOps)
        this.flush() // full: no reason to wait
      else if (this.everySessionWaiting()) setImmediate(() => this.maybeFlush(id)) // decide after this poll
    })
  }

  /** How long a batch waits for the next receipt before it is committed. */
  private quietMs(): number {
    const { minWaitMs, maxWaitMs } = this.groupCommit
    return Math.max(minWaitMs, Math.min(this.commitMs, maxWaitMs / 4))
  }

  /**
   * When to commit the open batch. The commit's fsync blocks the event loop, so a burst whose
   * first receipts are committed early makes the rest wait a whole commit — plus the replies to
   * the early ones — before they are even read (profiled: "1 op, then 99 ops" on a 100-payer
   * burst doubled its tail). So the batch stays open while receipts keep joining it (every loop
   * turn, however long a busy turn takes), and is committed once none has joined for a quiet gap
   * (`minWaitMs`, or the recent commit time when that is longer, capped at a quarter of
   * `maxWaitMs`: waiting out a straggler costs less than making it wait behind a commit, and a
   * lone payer at the counter pays the gap at most), once it is `maxWaitMs` old, or at once when
   * it holds `maxOps`, or as soon as every session the listener serves is waiting on it
   * (`watchSessions`).
   *
   * A batch that stopped growing waits on a timer, not a turn-by-turn spin (which burnt a core the
   * payers' own processes need); the timer is followed by one more poll of the sockets
   * (`setImmediate`) before deciding, so frames already waiting in the kernel join the batch.
   * No receipt is confirmed before its commit either way.
   */
  private maybeFlush(id: number): void {
    // A check scheduled for a batch that is already committed has nothing left to decide.
    if (id !== this.batchId || this.batch.length === 0) return
    const { maxWaitMs, maxOps } = this.groupCommit
    const now = performance.now()
    const age = now - this.batchOpenedAt
    const quiet = now - this.lastArrival
    const gap = this.quietMs()
    const grew = this.batch.length > this.batchSeen
    this.batchSeen = this.batch.length
    if (
      this.batch.length >= maxOps ||
      age >= maxWaitMs ||
      (!grew && quiet >= gap) ||
      this.everySessionWaiting()
    ) {
      this.flush()
      return
    }
    // Still growing: the loop is busy reading arrivals anyway; look again after the next poll.
    if (grew) setImmediate(() => this.maybeFlush(id))
    else setTimeout(() => setImmediate(() => this.maybeFlush(id)), Math.min(gap - quiet, maxWaitMs - age))
  }

  private flush(): void {
    const ops = this.batch.splice(0)
    this.batchId++
    const results: ({ ok: true; value: IntakeReply } | { ok: false; error: unknown })[] = []
    let committing = 0
    try {
      transact(this.o.db, () => {
        for (const op of ops) {
          try {
            results.push({ ok: true, value: op.run() })
          } catch (error) {
            results.push({ ok: false, error })
          }
        }
        committing = performance.now()
      })
      // COMMIT (and its fsync) plus the after-commit events; smoothed over recent batches.
      const took = performance.now() - committing
      this.commitMs = this.commitMs === 0 ? took : this.commitMs * 0.75 + took * 0.25
    } catch (e) {
      for (const op of ops) op.reject(e)
      return
    }
    ops.forEach((op, i) => {
      const r = results[i]!
      if (r.ok) op.resolve(r.value)
      else op.reject(r.error)
    })
  }

  /** True for an IK-raw session whose payer must be looked up (see `authenticateRaw`). */
  private needsKeyBinding(peer: PeerContext): boolean {
    return !peer.identity && peer.pattern === 'IK-raw' && !!peer.x25519Static && !!this.o.keyBindings
  }

  /**
   * IK-raw (0.8.0) carries no identity payload: the initiator's identity comes from pkarr /
   * the homeserver (pubky-noise.md §1, §3.3). When the receipt names a payer, that payer's
   * published key bindings are read and the session counts as that payer only if one of them binds
   * the X25519 key the handshake proved. Any other outcome leaves the session unauthenticated.
   */
  private async authenticateRaw(receipt: Receipt, peer: PeerContext): Promise<PeerContext> {
    const check = this.o.keyBindings
    const x25519Static = peer.x25519Static
    if (!this.needsKeyBinding(peer) || !check || !x25519Static) return peer
    const payer = this.z32(receipt.payer)
    const memo = peer.bindingChecks
    let bound = memo?.get(payer)
    if (bound === undefined) {
      if (memo && memo.size >= MAX_BINDING_CHECKS_PER_SESSION) return peer
      try {
        bound = await check(payer, x25519Static)
      } catch (e) {
        this.o.logger?.info('intake.key-binding-unavailable', { payer, error: e })
        bound = false
      }
      memo?.set(payer, bound)
    }
    return bound ? { ...peer, identity: receipt.payer, identityZ32: payer } : peer
  }

  private checkParties(receipt: Receipt, peer: PeerContext): void {
    if (!peer.identity)
      fail(
        'UNAUTHENTICATED',
        peer.pattern === 'IK-raw'
          ? 'this IK-raw session proves no identity: the receipt payer has published no fresh key binding (/pub/noise.app/v0/) for this Noise key; publish one or connect with IK'
          : `a ${peer.pattern} session proves no identity; connect with IK (or XX 1.x) to ask for a receipt`,
      )
    if (!equalBytes(receipt.payee, this.o.merchant)) fail('WRONG_PAYEE', 'I am not the intended payee')
    if (!equalBytes(receipt.payer, peer.identity!))
      fail('WRONG_PAYER', 'the receipt payer is not the identity authenticated by this Noise session')
  }

  /** z32 of a key, spelled once per key array. */
  private z32(key: Uint8Array): string {
    let text = this.z32s.get(key)
    if (text === undefined) {
      text = z32Encode(key)
      this.z32s.set(key, text)
    }
    return text
  }

  private replay(receipt: Receipt): ReceiptRow | null {
    const row = this.o.receipts.repo.get(receipt.receiptId)
    if (!row) return null
    this.checkSame(row, receipt)
    return row
  }

  private checkSame(row: ReceiptRow, receipt: Receipt): void {
    const same =
      row.payer === this.z32(receipt.payer) &&
      row.payee === this.z32(receipt.payee) &&
      row.method_id === receipt.methodId &&
      row.amount === receipt.amount &&
      row.currency === receipt.currency
    if (!same) this.conflict(receipt.receiptId)
  }

  /**
   * Finds and checks what the receipt pays for. Synchronous: the checks and the write share a tick.
   * Refusals are `ListenerError`s (the batch then looks for a stored confirmation of this id).
   */
  private reference(receipt: Receipt): Reference {
    const now = this.o.clock.now()
    const payer = this.z32(receipt.payer)
    if (!this.o.publishedMethods().has(receipt.methodId))
      fail('UNSUPPORTED_METHOD', `this merchant does not take "${receipt.methodId.slice(0, 64)}"`)
    if (receipt.receiptId.startsWith(AUTOPAY_PREFIX)) {
      const requestId = receipt.receiptId.slice(AUTOPAY_PREFIX.length)
      const request = this.o.outbox.get(requestId)
      if (!request)
        return fail('UNKNOWN_REFERENCE', `no payment request ${requestId.slice(0, 80)} was issued by us`)
      if (request.recipient !== payer)
        fail('REQUEST_NOT_YOURS', `payment request ${requestId} was addressed to someone else`)
      if (request.state !== 'published' && request.state !== 'pending')
        fail('REQUEST_CLOSED', `payment request ${requestId} is ${request.state}`)
      if (request.expires_at !== null && request.expires_at * 1000 <= now)
        fail('REQUEST_EXPIRED', `payment request ${requestId} expired`)
      if (receipt.methodId !== request.method)
        fail(
          'METHOD_MISMATCH',
          `request ${requestId} is payable by ${request.method}, not ${receipt.methodId}`,
        )
      if (receipt.currency !== request.currency)
        fail('CURRENCY_MISMATCH', `request ${requestId} is in ${request.currency}`)
      if (receipt.amount !== request.amount)
        fail('AMOUNT_MISMATCH', `request ${requestId} is for exactly ${request.amount} ${request.currency}`)
      return { kind: 'request', request }
    }
    const id = checkoutIdOf(receipt) ?? receipt.receiptId
    const checkout = this.o.db.get<CheckoutRef>(CHECKOUT_REF_SQL, id)
    if (!checkout)
      return fail(
        'UNKNOWN_REFERENCE',
        'the receipt names no open checkout (metadata.checkout_id / order.order_id) and no autopay_ request',
      )
    if (checkout.state === 'expired' || (checkout.state === 'open' && checkout.expires_at <= now))
      fail('CHECKOUT_EXPIRED', `checkout ${checkout.checkout_id} expired; ask the cashier for a new one`)
    if (checkout.state !== 'open')
      fail('CHECKOUT_CLOSED', `checkout ${checkout.checkout_id} is ${checkout.state}`)
    if (checkout.payer !== null && checkout.payer !== payer)
      fail('WRONG_PAYER', `checkout ${checkout.checkout_id} is for another customer`)
    if (
      receipt.methodId === 'lightning'
        ? !checkout.lightning_invoice
        : receipt.methodId === 'onchain'
          ? !checkout.onchain_address
          : true
    )
      fail('METHOD_MISMATCH', `checkout ${checkout.checkout_id} cannot be paid by ${receipt.methodId}`)
    if (receipt.currency !== 'SAT')
      fail('CURRENCY_MISMATCH', `checkout ${checkout.checkout_id} is priced in SAT`)
    const due = String(checkout.amount_sats + checkout.tip_sats)
    if (receipt.amount !== due)
      fail('AMOUNT_MISMATCH', `checkout ${checkout.checkout_id} is for exactly ${due} SAT`)
    const taken = this.o.db.get<{ receipt_id: string }>(
      CHECKOUT_TAKEN_SQL,
      checkout.checkout_id,
      receipt.receiptId,
    )
    if (taken)
      fail('CHECKOUT_TAKEN', `checkout ${checkout.checkout_id} is already being paid under another receipt`)
    return { kind: 'checkout', checkout }
  }

  private existingEndpoint(ref: Reference, methodId: string): string | null {
    if (ref.kind !== 'checkout') return null
    return methodId === 'lightning' ? ref.checkout.lightning_invoice : ref.checkout.onchain_address
  }

  /**
   * Issues, ahead of any receipt, the Lightning invoice each outstanding Lightning request will be
   * confirmed with, so signing it (≈2 ms of BOLT11 ECDSA on the simulator's pure-JS signer) is off
   * the receipt path: a burst of autopay receipts then costs a map lookup each instead of a
   * signature each. Yields to the event loop after every invoice, so a receipt waits behind one
   * signature at most. Each prepared invoice is handed to ONE receipt (taken, never reused); one
   * with under a minute left, or for a request no longer open, is not used and the receipt gets a
   * fresh one as before. Held in memory only: after a restart receipts fall back to issuing.
   * Returns how many were prepared.
   */
  async prepareInvoices(requestIds: readonly string[]): Promise<number> {
    if (!this.o.lightning) return 0
    let n = 0
    for (const id of requestIds) {
      if (this.prepared.size >= MAX_PREPARED_INVOICES) break
      if (this.prepared.has(id)) continue
      const r = this.o.outbox.get(id)
      if (!r || r.method !== 'lightning' || (r.state !== 'published' && r.state !== 'pending')) continue
      if (satsOf(r) === null) continue
      try {
        const inv = await this.issueInvoice(r)
        this.prepared.set(id, inv)
        n++
      } catch (e) {
        this.o.logger?.info('intake.prepare-invoice-failed', { requestId: id, error: e })
      }
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    return n
  }

  /** How many prepared invoices are waiting for their receipt. */
  get preparedInvoices(): number {
    return this.prepared.size
  }

  private async issueInvoice(r: OutboxRow): Promise<{ bolt11: string; expiresAtMs: number }> {
    const left = r.expires_at === null ? 3600 : r.expires_at - nowSeconds(this.o.clock)
    const inv = await this.o.lightning!.createInvoice({
      amountSats: satsOf(r)!,
      memo: r.description ?? `Payment request ${r.request_id}`,
      expirySecs: Math.max(60, Math.min(left, 86_400)),
    })
    return { bolt11: inv.bolt11, expiresAtMs: inv.expiresAt * 1000 }
  }

  private takePrepared(requestId: string): string | null {
    const p = this.prepared.get(requestId)
    if (!p) return null
    this.prepared.delete(requestId)
    return p.expiresAtMs - this.o.clock.now() >= 60_000 ? p.bolt11 : null
  }

  private async freshEndpoint(ref: Reference, receipt: Receipt): Promise<string> {
    if (ref.kind !== 'request') throw new Error('unreachable: checkouts carry their endpoints')
    const r = ref.request
    const sats = satsOf(r)
    if (sats === null || sats <= 0)
      fail('CURRENCY_MISMATCH', `request ${r.request_id} has no amount in sats to invoice`)
    if (receipt.methodId === 'lightning') {
      if (!this.o.lightning) return fail('BACKEND_UNAVAILABLE', 'no Lightning backend is configured')
      const ready = this.takePrepared(r.request_id)
      if (ready !== null) return ready
      try {
        return (await this.issueInvoice(r)).bolt11
      } catch (e) {
        return fail(
          'BACKEND_UNAVAILABLE',
          `the Lightning backend could not issue an invoice: ${(e as Error).message}`,
        )
      }
    }
    if (receipt.methodId === 'onchain') {
      if (!this.o.addresses) return fail('BACKEND_UNAVAILABLE', 'no on-chain wallet (xpub) is configured')
      return this.o.addresses.next(this.o.clock.now()).address
    }
    return fail('UNSUPPORTED_METHOD', `cannot issue a ${receipt.methodId} endpoint`)
  }

  private record(receipt: Receipt, ref: Reference, endpoint: string, peer: PeerContext): IntakeReply {
    const now = this.o.clock.now()
    const confirmedAt = Math.floor(now / 1000)
    const meta: JsonObject = {
      confirmed_at: confirmedAt,
      method_id: receipt.methodId,
      endpoint,
    }
    if (receipt.methodId === 'lightning') meta['bolt11'] = endpoint
    if (receipt.methodId === 'onchain') meta['address'] = endpoint
    let dueSatsValue: number | null
    if (ref.kind === 'checkout') {
      const c = ref.checkout
      dueSatsValue = c.amount_sats + c.tip_sats
      meta['checkout_id'] = c.checkout_id
      meta['expires_at'] = Math.floor(c.expires_at / 1000)
    } else {
      const r = ref.request
      dueSatsValue = r.amount_sats
      meta['request_id'] = r.request_id
      if (r.subscription_id !== null) meta['subscription_id'] = r.subscription_id
      if (r.expires_at !== null) meta['expires_at'] = r.expires_at
    }
    if (dueSatsValue !== null) meta['amount_sats'] = dueSatsValue
    meta['original_metadata'] = receipt.metadata
    const { receipt: row, created } = this.recordConfirmed(
      {
        receiptId: receipt.receiptId,
        payer: this.z32(receipt.payer),
        payee: this.me,
        methodId: receipt.methodId,
        amount: receipt.amount,
        currency: receipt.currency,
        amountSats: dueSatsValue,
        tipSats: ref.kind === 'checkout' ? ref.checkout.tip_sats : 0,
        memo: ref.kind === 'checkout' ? ref.checkout.memo : ref.request.description,
        endpoint,
        checkoutId: ref.kind === 'checkout' ? ref.checkout.checkout_id : null,
        requestId: ref.kind === 'request' ? ref.request.request_id : null,
        subscriptionId: ref.kind === 'request' ? ref.request.subscription_id : null,
        createdAt: (receipt.createdAt ?? confirmedAt) * 1000,
        peer: { dialect: peer.dialect, generation: peer.generation, pattern: peer.pattern },
        metadata: writeJson(meta),
      },
      now,
    )
    this.o.logger?.info('intake.receipt', {
      receiptId: row.receipt_id,
      payer: row.payer,
      method: row.method_id,
      reference: ref.kind,
      created,
    })
    // A new row's metadata is `meta` itself: no need to parse back what was just written.
    const confirmed = created
      ? {
          receiptId: row.receipt_id,
          payer: receipt.payer,
          payee: receipt.payee,
          methodId: row.method_id,
          amount: row.amount,
          currency: row.currency,
          createdAt: Math.floor(row.created_at / 1000),
          metadata: meta,
        }
      : this.confirmationOf(row)
    return { receipt: confirmed, confirmedAt: this.confirmedAt(row), created }
  }

  /**
   * `ReceiptBook.recordConfirmed`, whose insert also catches a replay (the same receipt_id again:
   * the stored row comes back) — a stored id with other parties, method or amount is refused as
   * the replay check refuses it.
   */
  private recordConfirmed(
    input: ConfirmedReceiptInput,
    now: number,
  ): { receipt: ReceiptRow; created: boolean } {
    try {
      return this.o.receipts.recordConfirmed(input, now)
    } catch (e) {
      if (e instanceof ReceiptError && e.code === 'receipt-id-conflict') return this.conflict(input.receiptId)
      throw e
    }
  }

  private conflict(receiptId: string): never {
    return fail(
      'RECEIPT_CONFLICT',
      `receipt ${receiptId} was already confirmed with other parties, method or amount; use a new receipt_id`,
    )
  }

  private confirmedAt(row: ReceiptRow): number {
    return Math.floor(row.recorded_at / 1000)
  }

  /** The ConfirmReceipt content for a stored row (what we answered the first time). */
  confirmationOf(row: ReceiptRow, extra?: JsonObject): Receipt {
    let metadata: JsonValue = parseJson(row.metadata, { maxLength: 65_536, maxDepth: 20 })
    if (extra && isJsonObject(metadata)) metadata = { ...metadata, ...extra }
    return {
      receiptId: row.receipt_id,
      payer: z32Decode(row.payer ?? ''),
      payee: z32Decode(row.payee),
      methodId: row.method_id,
      amount: row.amount,
      currency: row.currency,
      createdAt: Math.floor(row.created_at / 1000),
      metadata,
    }
  }

  // ------------------------------------------------------------------------------------------
  // Proofs

  private async handleProof(receipt: Receipt, proof: PaymentProof, peer: PeerContext): Promise<IntakeReply> {
    const row = this.o.receipts.repo.get(receipt.receiptId)
    if (!row)
      return fail(
        'UNKNOWN_RECEIPT',
        `no receipt ${receipt.receiptId} was confirmed; ask for a receipt before proving payment`,
      )
    this.checkSame(row, receipt)
    if (!row.endpoint)
      return fail('UNKNOWN_RECEIPT', `receipt ${row.receipt_id} has no endpoint of ours to prove`)
    const verifiedAt = this.o.clock.now()
    let settlement: JsonObject
    if (row.method_id === 'lightning') settlement = await this.lightningProof(row, proof, verifiedAt)
    else if (row.method_id === 'onchain') settlement = await this.onchainProof(row, proof, verifiedAt)
    else return fail('PROOF_MALFORMED', `no proof check exists for method ${row.method_id}`)
    this.o.logger?.info('intake.proof', {
      receiptId: row.receipt_id,
      method: row.method_id,
      status: settlement['status'] as string,
      dialect: peer.dialect,
    })
    const fresh = this.o.receipts.repo.get(row.receipt_id) ?? row
    return {
      receipt: this.confirmationOf(fresh, { settlement }),
      confirmedAt: Math.floor(verifiedAt / 1000),
      created: false,
    }
  }

  private async lightningProof(
    row: ReceiptRow,
    proof: PaymentProof,
    verifiedAt: number,
  ): Promise<JsonObject> {
    if (proof.body.kind !== 'lightning_preimage')
      return fail('PROOF_MALFORMED', 'a Lightning receipt is proven with a lightning_preimage proof')
    const bolt11 = row.endpoint!
    let hash: string
    let amountMsat: bigint | null
    try {
      const opts =
        this.o.lightningNodeId !== undefined
          ? { payeeNodeKey: this.o.lightningNodeId, crypto: this.crypto }
          : { crypto: this.crypto }
      const r = verifyLightningProof(bolt11, proof.body.preimage.toLowerCase(), opts)
      hash = r.paymentHash
      amountMsat = r.amountMsat
    } catch (e) {
      if (e instanceof PaymentError)
        return fail('PROOF_MISMATCH', `the preimage does not prove payment of our invoice (${e.code})`)
      throw e
    }
    if (proof.body.paymentHash.toLowerCase() !== hash)
      fail('PROOF_MISMATCH', 'the proof payment_hash is not the hash of the invoice we issued')
    const paidSats = amountMsat === null ? (row.amount_sats ?? 0) : Number(amountMsat / 1000n)
    return this.settle(row, {
      method: 'lightning',
      proofType: 'lightning_preimage',
      proofValue: proof.body.preimage.toLowerCase(),
      paymentHash: hash,
      paidSats,
      verifiedAt,
    })
  }

  private async onchainProof(row: ReceiptRow, proof: PaymentProof, verifiedAt: number): Promise<JsonObject> {
    if (proof.body.kind !== 'bitcoin_txid')
      return fail('PROOF_MALFORMED', 'an on-chain receipt is proven with a bitcoin_txid proof')
    if (!this.o.chain)
      return fail('BACKEND_UNAVAILABLE', 'no chain backend is configured to look the transaction up')
    const due = row.amount_sats
    if (due === null || due <= 0)
      return fail('PROOF_MALFORMED', `receipt ${row.receipt_id} has no amount in sats`)
    let paidSats: number
    let txid: string
    try {
      const r = await verifyOnchainProof(proof.body.txid, row.endpoint!, due, this.o.chain, {
        minConfirmations: this.o.minConfirmations ?? 0,
      })
      paidSats = r.paidSats
      txid = r.txid
    } catch (e) {
      if (e instanceof UnderpaidError) {
        paidSats = e.paidSats
        txid = proof.body.txid.toLowerCase()
      } else if (e instanceof PaymentError) {
        return fail(
          'PROOF_MISMATCH',
          `the transaction does not pay the address we issued (${e.code}): ${e.message}`,
        )
      } else throw e
    }
    return this.settle(row, {
      method: 'onchain',
      proofType: 'bitcoin_txid',
      proofValue: txid,
      paidSats,
      verifiedAt,
    })
  }

  /** Applies a verified payment to the checkout or request, then attaches the proof. */
  private settle(
    row: ReceiptRow,
    p: {
      method: 'lightning' | 'onchain'
      proofType: string
      proofValue: string
      paymentHash?: string
      paidSats: number
      verifiedAt: number
    },
  ): JsonObject {
    const due = row.amount_sats ?? 0
    const out: JsonObject = {
      proof_type: p.proofType,
      paid_sats: p.paidSats,
      due_sats: due,
      verified_at: Math.floor(p.verifiedAt / 1000),
    }
    let settled: boolean
    if (row.checkout_id !== null) {
      try {
        const outcome = this.o.checkouts.markPaid(
          row.checkout_id,
          {
            method: p.method,
            proofType: p.proofType,
            proofValue: p.proofValue,
            ...(p.paymentHash !== undefined ? { paymentHash: p.paymentHash } : {}),
            amountSats: p.paidSats,
            verifiedAt: p.verifiedAt,
          },
          // The payer's receipt is the receipt of record: the checkout writes none of its own.
          { receiptId: row.receipt_id },
        )
        const c = outcome.checkout
        const owed = dueSats(this.o.checkouts.repo.facts(c))
        out['checkout_state'] = c.state
        out['received_sats'] = c.received_sats
        if (outcome.changed && outcome.effect === 'late') out['status'] = 'late'
        else if (c.late_sats > 0 && c.state !== 'paid') out['status'] = 'late'
        else if (c.received_sats < owed) out['status'] = 'partial'
        else out['status'] = c.received_sats > owed ? 'overpaid' : 'paid'
        if (c.received_sats < owed && c.state === 'open') out['remaining_sats'] = owed - c.received_sats
        if (c.received_sats > owed) out['overpaid_sats'] = c.received_sats - owed
        settled = c.state === 'paid'
      } catch (e) {
        if (e instanceof CheckoutError)
          return fail(
            e.code === 'already-paid' ? 'CHECKOUT_CLOSED' : 'PROOF_MISMATCH',
            `the checkout refused this payment: ${e.message}`,
          )
        throw e
      }
    } else if (row.request_id !== null) {
      if (p.paidSats < due) {
        return fail(
          'UNDERPAID',
          `the transaction pays ${p.paidSats} of the ${due} sat due; send the rest to the same address`,
        )
      }
      try {
        this.o.billing?.markRequestPaid(row.request_id, row.receipt_id, p.verifiedAt)
        if (!this.o.billing)
          this.o.db.run(
            `UPDATE requests_out SET state = 'paid', paid_at = ?, updated_at = ? WHERE request_id = ? AND state != 'paid'`,
            p.verifiedAt,
            p.verifiedAt,
            row.request_id,
          )
      } catch (e) {
        if (e instanceof PaykitError) return fail('REQUEST_CLOSED', e.message)
        throw e
      }
      out['status'] = p.paidSats > due ? 'overpaid' : 'paid'
      if (p.paidSats > due) out['overpaid_sats'] = p.paidSats - due
      settled = true
    } else {
      return fail('UNKNOWN_REFERENCE', `receipt ${row.receipt_id} is tied to no checkout or request`)
    }
    if (settled) {
      try {
        this.o.receipts.attachProof(
          row.receipt_id,
          { type: p.proofType, value: p.proofValue, verifiedAt: p.verifiedAt },
          p.verifiedAt,
        )
      } catch (e) {
        if (e instanceof PaykitError && e.code === 'proof-conflict')
          return fail('PROOF_MISMATCH', `receipt ${row.receipt_id} is already settled by another proof`)
        throw e
      }
    }
    return out
  }
}

/** Hex of the payment hash a BOLT11 commits to (for tests and views). */
export function paymentHashOf(bolt11: string, crypto: CryptoProvider = defaultProvider()): string {
  return toHex(decodeBolt11(bolt11, crypto).paymentHash)
}
