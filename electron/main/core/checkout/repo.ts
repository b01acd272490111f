/**
 * @module checkout/repo
 * Typed rows and SQL for checkouts and the payments seen for them.
 */
import type { Database } from '../storage/db'
import type { CheckoutFacts, CheckoutState, PaymentMethod, RecordedPayment } from './model'

export type CheckoutRow = {
  checkout_id: string
  state: CheckoutState
  amount_sats: number
  tip_sats: number
  fiat_currency: string | null
  fiat_amount: string | null
  fiat_rate: string | null
  memo: string | null
  note: string | null
  onchain_address: string | null
  lightning_invoice: string | null
  lightning_payment_hash: string | null
  received_sats: number
  payment_status: 'none' | 'partial' | 'exact' | 'over'
  late_sats: number
  payer: string | null
  receipt_id: string | null
  created_at: number
  expires_at: number
  updated_at: number
  paid_at: number | null
  expired_at: number | null
  cancelled_at: number | null
  cancel_reason: string | null
}

export type CheckoutPaymentRow = {
  checkout_id: string
  method: PaymentMethod
  proof_type: string
  proof_value: string
  amount_sats: number
  verified_at: number
  recorded_at: number
  late: number
}

export class CheckoutRepo {
  constructor(readonly db: Database) {}

  get(id: string): CheckoutRow | undefined {
    return this.db.get<CheckoutRow>('SELECT * FROM checkouts WHERE checkout_id = ?', id)
  }

  insert(row: CheckoutRow): void {
    const cols = Object.keys(row) as (keyof CheckoutRow)[]
    this.db.run(
      `INSERT INTO checkouts (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      ...cols.map((c) => row[c]),
    )
  }

  payments(id: string): CheckoutPaymentRow[] {
    return this.db.all<CheckoutPaymentRow>(
      'SELECT * FROM checkout_payments WHERE checkout_id = ? ORDER BY recorded_at, proof_value',
      id,
    )
  }

  insertPayment(row: CheckoutPaymentRow): void {
    this.db.run(
      `INSERT INTO checkout_payments (checkout_id, method, proof_type, proof_value, amount_sats, verified_at, recorded_at, late)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      row.checkout_id,
      row.method,
      row.proof_type,
      row.proof_value,
      row.amount_sats,
      row.verified_at,
      row.recorded_at,
      row.late,
    )
  }

  facts(row: CheckoutRow): CheckoutFacts {
    const payments: RecordedPayment[] = this.payments(row.checkout_id).map((p) => ({
      method: p.method,
      proofType: p.proof_type,
      proofValue: p.proof_value,
      amountSats: p.amount_sats,
    }))
    return {
      state: row.state,
      amountSats: row.amount_sats,
      tipSats: row.tip_sats,
      receivedSats: row.received_sats,
      lateSats: row.late_sats,
      expiresAt: row.expires_at,
      paymentHash: row.lightning_payment_hash,
      payments,
    }
  }

  openExpiredIds(now: number, limit: number): string[] {
    return this.db
      .all<{ checkout_id: string }>(
        `SELECT checkout_id FROM checkouts WHERE state = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
        now,
        limit,
      )
      .map((r) => r.checkout_id)
  }

  recent(limit: number): CheckoutRow[] {
    return this.db.all<CheckoutRow>(
      'SELECT * FROM checkouts ORDER BY created_at DESC, checkout_id DESC LIMIT ?',
      limit,
    )
  }
}
