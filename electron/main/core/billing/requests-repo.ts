/**
 * @module billing/requests-repo
 * The payment-request outbox (requests this merchant publishes: subscription periods, proration
 * charges, one-off invoices) and inbox (requests others published for this merchant, deduplicated
 * on (sender, request_id) because a reader cannot delete them from the sender's homeserver).
 */
import type { Database } from '../storage/db'

export type OutboxKind = 'billing' | 'proration' | 'invoice'
export type OutboxState = 'pending' | 'published' | 'paid' | 'void'

export type OutboxRow = {
  request_id: string
  recipient: string
  kind: OutboxKind
  subscription_id: string | null
  amount: string
  currency: string
  amount_sats: number | null
  method: string
  description: string | null
  state: OutboxState
  created_at: number
  expires_at: number | null
  published_at: number | null
  publish_count: number
  last_error: string | null
  paid_at: number | null
  removed_at: number | null
  updated_at: number
}

export type NewOutboxRow = Pick<
  OutboxRow,
  | 'request_id'
  | 'recipient'
  | 'kind'
  | 'subscription_id'
  | 'amount'
  | 'currency'
  | 'amount_sats'
  | 'method'
  | 'description'
  | 'created_at'
>

export type InboxRow = {
  sender: string
  request_id: string
  schema: 'rust' | 'bitkit'
  amount: string | null
  currency: string | null
  amount_sats: number | null
  method: string | null
  description: string | null
  created_at: number | null
  expires_at: number | null
  payload: string
  state: 'new' | 'seen' | 'paid' | 'declined' | 'expired'
  received_at: number
  updated_at: number
}

export class OutboxRepo {
  constructor(readonly db: Database) {}

  /** Stores a request as 'pending' (chosen, not yet published). */
  insert(row: NewOutboxRow, now: number): void {
    this.db.run(
      `INSERT INTO requests_out (request_id, recipient, kind, subscription_id, amount, currency, amount_sats, method,
         description, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      row.request_id,
      row.recipient,
      row.kind,
      row.subscription_id,
      row.amount,
      row.currency,
      row.amount_sats,
      row.method,
      row.description,
      row.created_at,
      now,
    )
  }

  get(requestId: string): OutboxRow | undefined {
    return this.db.get<OutboxRow>('SELECT * FROM requests_out WHERE request_id = ?', requestId)
  }

  all(): OutboxRow[] {
    return this.db.all<OutboxRow>('SELECT * FROM requests_out ORDER BY request_id')
  }

  pagePending(afterId: string, limit: number): OutboxRow[] {
    return this.db.all<OutboxRow>(
      `SELECT * FROM requests_out WHERE state = 'pending' AND request_id > ? ORDER BY request_id LIMIT ?`,
      afterId,
      limit,
    )
  }

  countPending(): number {
    return (
      this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM requests_out WHERE state = 'pending'`)?.n ?? 0
    )
  }

  /**
   * Settled or voided requests still (possibly) on the homeserver. Rows never confirmed published
   * are included: a crash between the PUT and its bookkeeping leaves them published after all.
   */
  pageToRemove(afterId: string, limit: number): OutboxRow[] {
    return this.db.all<OutboxRow>(
      `SELECT * FROM requests_out WHERE state IN ('paid', 'void') AND removed_at IS NULL AND request_id > ?
       ORDER BY request_id LIMIT ?`,
      afterId,
      limit,
    )
  }

  markPublished(requestId: string, expiresAt: number, now: number): void {
    this.db.run(
      `UPDATE requests_out SET state = CASE WHEN state = 'pending' THEN 'published' ELSE state END,
         published_at = COALESCE(published_at, ?), expires_at = ?, publish_count = publish_count + 1,
         last_error = NULL, updated_at = ?
       WHERE request_id = ?`,
      now,
      expiresAt,
      now,
      requestId,
    )
  }

  markFailed(requestId: string, error: string, now: number): void {
    this.db.run(
      'UPDATE requests_out SET last_error = ?, updated_at = ? WHERE request_id = ?',
      error.slice(0, 500),
      now,
      requestId,
    )
  }

  markRemoved(requestId: string, now: number): void {
    this.db.run(
      'UPDATE requests_out SET removed_at = ?, updated_at = ? WHERE request_id = ? AND removed_at IS NULL',
      now,
      now,
      requestId,
    )
  }
}

export class InboxRepo {
  constructor(readonly db: Database) {}

  /**
   * Stores a discovered request unless (sender, request_id) is already known. Returns true when it
   * is new; a re-discovered request changes nothing (its first copy is the one the merchant saw).
   */
  insertIfNew(row: Omit<InboxRow, 'state' | 'updated_at'>): boolean {
    return (
      this.db.run(
        `INSERT INTO requests_in (sender, request_id, schema, amount, currency, amount_sats, method, description,
           created_at, expires_at, payload, state, received_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?)
         ON CONFLICT (sender, request_id) DO NOTHING`,
        row.sender,
        row.request_id,
        row.schema,
        row.amount,
        row.currency,
        row.amount_sats,
        row.method,
        row.description,
        row.created_at,
        row.expires_at,
        row.payload,
        row.received_at,
        row.received_at,
      ).changes === 1
    )
  }

  get(sender: string, requestId: string): InboxRow | undefined {
    return this.db.get<InboxRow>(
      'SELECT * FROM requests_in WHERE sender = ? AND request_id = ?',
      sender,
      requestId,
    )
  }

  setState(sender: string, requestId: string, state: InboxRow['state'], now: number): boolean {
    return (
      this.db.run(
        'UPDATE requests_in SET state = ?, updated_at = ? WHERE sender = ? AND request_id = ?',
        state,
        now,
        sender,
        requestId,
      ).changes === 1
    )
  }

  list(state?: InboxRow['state']): InboxRow[] {
    return state
      ? this.db.all<InboxRow>(
          'SELECT * FROM requests_in WHERE state = ? ORDER BY received_at, request_id',
          state,
        )
      : this.db.all<InboxRow>('SELECT * FROM requests_in ORDER BY received_at, request_id')
  }
}
