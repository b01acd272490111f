/**
 * @module receipts/book
 * The merchant's receipt book: two-sided receipts (both public keys), stored **before** the
 * confirmation goes back on the wire. `recordConfirmed` commits (WAL, synchronous=FULL) and only
 * then returns, so the listener sends ConfirmReceipt strictly after the receipt is durable; a
 * crash before the return means no confirmation was sent, and the payer's retry with the same
 * receipt_id is answered from the stored record, never recorded twice.
 */
import { afterCommit, transact } from '../storage/after-commit'
import { stringify } from 'csv-stringify/sync'
import type { Database } from '../storage/db'
import { Amount } from '../money/amount'
import { Z32_ALPHABET } from '../keys/z32'
import { EventBus } from '../observe/events'
import { assertPathSafeId } from '../util/ids'
import { InputError } from '../util/errors'
import { ReceiptRepo, type Page, type ReceiptQuery, type ReceiptRow } from './repo'
import { ReceiptError } from './errors'
import { OBSERVED_LIGHTNING_PROOF } from '../checkout/model'

export interface ReceiptProof {
  /** 'lightning_preimage' | 'bitcoin_txid' | 'custom' (paykit-interactive proof_type). */
  type: string
  value: string
  verifiedAt: number
}

/** The peer's protocol flavour, kept so support can tell which wallet generation sent what. */
export interface PeerInfo {
  dialect: string | null
  generation: string | null
  pattern: string | null
}

export interface ConfirmedReceiptInput {
  receiptId: string
  payer: string | null
  payee: string
  methodId: string
  amount: string | null
  currency: string | null
  amountSats: number | null
  tipSats?: number
  memo?: string | null
  /** The payment endpoint given to the payer (BOLT11, address) in the confirmation. */
  endpoint?: string | null
  checkoutId?: string | null
  requestId?: string | null
  subscriptionId?: string | null
  proof?: ReceiptProof | null
  /** The receipt's own time (the wire `created_at` seconds × 1000). */
  createdAt: number
  peer?: PeerInfo | null
  /** JSON text of the receipt metadata as exchanged. */
  metadata?: string
}

export type ReceiptEvents = {
  'receipt:recorded': { receiptId: string; amountSats: number | null; methodId: string }
  'receipt:proof': { receiptId: string; proofType: string }
}

const Z32_RE = new RegExp(`^[${Z32_ALPHABET}]{52}$`)

function checkKey(value: string | null, what: string, optional: boolean): void {
  if (value === null && optional) return
  if (typeof value !== 'string' || !Z32_RE.test(value)) {
    throw new ReceiptError('invalid-receipt', `${what} must be a 52-character z-base-32 public key`)
  }
}

function checkText(value: string | null | undefined, what: string, max: number): void {
  if (value === null || value === undefined) return
  if (typeof value !== 'string' || value.length > max) {
    throw new ReceiptError('invalid-receipt', `${what} must be text of at most ${max} characters`)
  }
}

function checkSats(value: number | null | undefined, what: string): void {
  if (value === null || value === undefined) return
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ReceiptError('invalid-receipt', `${what} must be a whole, non-negative number of sats`)
  }
}

export const CSV_COLUMNS = [
  'receipt_id',
  'created_at',
  'recorded_at',
  'payer',
  'payee',
  'method',
  'amount',
  'currency',
  'amount_sats',
  'tip_sats',
  'memo',
  'checkout_id',
  'request_id',
  'subscription_id',
  'proof_type',
  'proof_value',
  'proof_verified_at',
] as const

export interface EndOfDay {
  from: number
  to: number
  count: number
  /** Everything received, tips included. */
  grossSats: number
  tipsSats: number
  /** gross − tips. */
  salesSats: number
  byMethod: Record<string, { count: number; sats: number }>
  /** 24 local hours (per `tzOffsetMinutes`). */
  byHour: Array<{ hour: number; count: number; sats: number }>
}

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString())

export class ReceiptBook {
  readonly repo: ReceiptRepo
  readonly events: EventBus<ReceiptEvents>
  private readonly db: Database

  constructor(db: Database, events: EventBus<ReceiptEvents> = new EventBus<ReceiptEvents>()) {
    this.db = db
    this.repo = new ReceiptRepo(db)
    this.events = events
  }

  private validate(input: ConfirmedReceiptInput): void {
    try {
      assertPathSafeId(input.receiptId, 'receipt_id')
    } catch (e) {
      throw new ReceiptError('invalid-receipt', (e as InputError).message, { cause: e })
    }
    checkKey(input.payer, 'payer', true)
    checkKey(input.payee, 'payee', false)
    checkText(input.methodId, 'method_id', 64)
    if (!input.methodId) throw new ReceiptError('invalid-receipt', 'method_id is empty')
    if (input.amount !== null) {
      try {
        Amount.parse(input.amount)
      } catch (e) {
        throw new ReceiptError('invalid-receipt', `amount: ${(e as Error).message}`, { cause: e })
      }
    }
    checkText(input.currency, 'currency', 16)
    checkSats(input.amountSats, 'amount_sats')
    checkSats(input.tipSats, 'tip_sats')
    checkText(input.memo, 'memo', 1000)
    checkText(input.endpoint, 'endpoint', 4096)
    checkText(input.metadata, 'metadata', 65_536)
    if (!Number.isSafeInteger(input.createdAt))
      throw new ReceiptError('invalid-receipt', 'created_at must be a time in ms')
  }

  /**
   * Stores a confirmed receipt and returns once it is committed. Replaying the same receipt_id
   * with the same parties, method and amount returns the stored receipt (`created: false`); the
   * same id with different content is refused with 'receipt-id-conflict'.
   */
  recordConfirmed(input: ConfirmedReceiptInput, now: number): { receipt: ReceiptRow; created: boolean } {
    this.validate(input)
    const result = transact(this.db, () => {
      const row: ReceiptRow = {
        receipt_id: input.receiptId,
        payer: input.payer,
        payee: input.payee,
        checkout_id: input.checkoutId ?? null,
        request_id: input.requestId ?? null,
        subscription_id: input.subscriptionId ?? null,
        method_id: input.methodId,
        amount: input.amount,
        currency: input.currency,
        amount_sats: input.amountSats,
        tip_sats: input.tipSats ?? 0,
        memo: input.memo ?? null,
        endpoint: input.endpoint ?? null,
        proof_type: input.proof?.type ?? null,
        proof_value: input.proof?.value ?? null,
        proof_verified_at: input.proof?.verifiedAt ?? null,
        peer_dialect: input.peer?.dialect ?? null,
        peer_generation: input.peer?.generation ?? null,
        peer_pattern: input.peer?.pattern ?? null,
        metadata: input.metadata ?? '{}',
        created_at: input.createdAt,
        recorded_at: now,
        updated_at: now,
      }
      // The common case (a new id) is one statement; only an existing id is read back and compared.
      if (this.repo.insertIfAbsent(row)) return { receipt: row, created: true }
      const existing = this.repo.get(input.receiptId)
      if (!existing)
        throw new ReceiptError('invalid-receipt', `receipt ${input.receiptId} could not be stored`)
      const same =
        existing.payer === input.payer &&
        existing.payee === input.payee &&
        existing.method_id === input.methodId &&
        existing.amount === input.amount &&
        existing.currency === input.currency
      if (!same) {
        throw new ReceiptError(
          'receipt-id-conflict',
          `receipt ${input.receiptId} already exists with different parties or amount; refusing to overwrite it`,
        )
      }
      return { receipt: existing, created: false }
    })
    if (result.created) {
      // After the commit of the OUTERMOST transaction (the listener's group commit, a settling
      // checkout): never for a row a rollback then removes.
      afterCommit(this.db, () =>
        this.events.emit('receipt:recorded', {
          receiptId: input.receiptId,
          amountSats: input.amountSats,
          methodId: input.methodId,
        }),
      )
    }
    return result
  }

  /** Attaches the payment proof once settlement is seen. Same proof again: no change; another: refused. */
  attachProof(receiptId: string, proof: ReceiptProof, now: number): { changed: boolean } {
    checkText(proof.type, 'proof type', 32)
    checkText(proof.value, 'proof value', 256)
    const changed = transact(this.db, () => {
      const r = this.repo.get(receiptId)
      if (!r) throw new ReceiptError('unknown-receipt', `no receipt ${receiptId}`)
      if (r.proof_type !== null) {
        if (r.proof_type === proof.type && r.proof_value === proof.value) return false
        // The payer's preimage replaces a settlement only observed on our node (same invoice: the
        // caller verified the preimage against this receipt's invoice). Never the other way round.
        const upgrade = r.proof_type === OBSERVED_LIGHTNING_PROOF && proof.type === 'lightning_preimage'
        if (proof.type === OBSERVED_LIGHTNING_PROOF && r.proof_type === 'lightning_preimage') return false
        if (!upgrade)
          throw new ReceiptError(
            'proof-conflict',
            `receipt ${receiptId} already carries a different ${r.proof_type} proof`,
          )
      }
      this.db.run(
        'UPDATE receipts SET proof_type = ?, proof_value = ?, proof_verified_at = ?, updated_at = ? WHERE receipt_id = ?',
        proof.type,
        proof.value,
        proof.verifiedAt,
        now,
        receiptId,
      )
      return true
    })
    if (changed)
      afterCommit(this.db, () => this.events.emit('receipt:proof', { receiptId, proofType: proof.type }))
    return { changed }
  }

  /** Search + date range, newest first, `limit` per page (1..500). */
  search(query: ReceiptQuery, limit = 50, cursor: string | null = null): Page<ReceiptRow> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InputError('page size must be 1..500')
    if (cursor !== null && !/^-?\d{1,16}:[A-Za-z0-9._-]{1,128}$/.test(cursor)) {
      throw new InputError('the page cursor is not one this list handed out')
    }
    if (query.text !== undefined && query.text.length > 200)
      throw new InputError('search text is over 200 characters')
    return this.repo.search(query, limit, cursor)
  }

  /**
   * CSV (RFC 4180 via csv-stringify): a header, then one row per receipt, oldest first; fixed
   * columns (`CSV_COLUMNS`), ISO-8601 UTC times, amounts exact (verbatim string and integer sats).
   */
  exportCsv(query: ReceiptQuery = {}): string {
    const records: string[][] = []
    for (const r of this.repo.iterate(query)) {
      records.push([
        r.receipt_id,
        iso(r.created_at),
        iso(r.recorded_at),
        r.payer ?? '',
        r.payee,
        r.method_id,
        r.amount ?? '',
        r.currency ?? '',
        r.amount_sats === null ? '' : String(r.amount_sats),
        String(r.tip_sats),
        r.memo ?? '',
        r.checkout_id ?? '',
        r.request_id ?? '',
        r.subscription_id ?? '',
        r.proof_type ?? '',
        r.proof_value ?? '',
        iso(r.proof_verified_at),
      ])
    }
    return stringify(records, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'unix' })
  }

  /** End-of-day (or any window) totals: count, gross, tips, by method, by local hour. */
  summary(from: number, to: number, tzOffsetMinutes = 0): EndOfDay {
    const offset = tzOffsetMinutes * 60_000
    const byMethodRows = this.db.all<{ method_id: string; n: number; sats: number; tips: number }>(
      `SELECT method_id, COUNT(*) AS n, COALESCE(SUM(amount_sats), 0) AS sats, COALESCE(SUM(tip_sats), 0) AS tips
       FROM receipts WHERE created_at >= ? AND created_at < ? GROUP BY method_id ORDER BY method_id`,
      from,
      to,
    )
    const byHourRows = this.db.all<{ hour: number; n: number; sats: number }>(
      `SELECT ((created_at + ?) / 3600000) % 24 AS hour, COUNT(*) AS n, COALESCE(SUM(amount_sats), 0) AS sats
       FROM receipts WHERE created_at >= ? AND created_at < ? GROUP BY hour`,
      offset,
      from,
      to,
    )
    const byMethod: EndOfDay['byMethod'] = {}
    let count = 0
    let gross = 0
    let tips = 0
    for (const m of byMethodRows) {
      byMethod[m.method_id] = { count: m.n, sats: m.sats }
      count += m.n
      gross += m.sats
      tips += m.tips
    }
    const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, sats: 0 }))
    for (const h of byHourRows) {
      const slot = byHour[((h.hour % 24) + 24) % 24]!
      slot.count = h.n
      slot.sats = h.sats
    }
    return { from, to, count, grossSats: gross, tipsSats: tips, salesSats: gross - tips, byMethod, byHour }
  }
}
