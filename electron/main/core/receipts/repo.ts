/**
 * @module receipts/repo
 * Typed rows and SQL for the merchant's receipt book.
 */
import type { Database } from '../storage/db'

export type ReceiptRow = {
  receipt_id: string
  /** z32, or null for an anonymous walk-in sale paid from a wallet that does not speak Paykit. */
  payer: string | null
  payee: string
  checkout_id: string | null
  request_id: string | null
  subscription_id: string | null
  method_id: string
  /** Verbatim decimal string as on the wire (null when the peer sent none). */
  amount: string | null
  currency: string | null
  /** Total received for this receipt, tip included. */
  amount_sats: number | null
  tip_sats: number
  memo: string | null
  endpoint: string | null
  proof_type: string | null
  proof_value: string | null
  proof_verified_at: number | null
  peer_dialect: string | null
  peer_generation: string | null
  peer_pattern: string | null
  metadata: string
  created_at: number
  recorded_at: number
  updated_at: number
}

export interface ReceiptQuery {
  /** Matched (case-insensitively, as a substring) against memo, payer and receipt id. */
  text?: string
  /** created_at ≥ from (ms). */
  from?: number
  /** created_at < to (ms). */
  to?: number
}

export interface Page<T> {
  items: T[]
  /** Opaque cursor for the next (older) page, or null at the end. */
  nextCursor: string | null
}

/**
 * Every column, in one fixed order (the SQL text is built once, not per insert). Spelled as a
 * record of `ReceiptRow`'s keys so a column added to the row type and not here fails to compile.
 */
const COLUMN_SET: Record<keyof ReceiptRow, true> = {
  receipt_id: true,
  payer: true,
  payee: true,
  checkout_id: true,
  request_id: true,
  subscription_id: true,
  method_id: true,
  amount: true,
  currency: true,
  amount_sats: true,
  tip_sats: true,
  memo: true,
  endpoint: true,
  proof_type: true,
  proof_value: true,
  proof_verified_at: true,
  peer_dialect: true,
  peer_generation: true,
  peer_pattern: true,
  metadata: true,
  created_at: true,
  recorded_at: true,
  updated_at: true,
}
const COLUMNS = Object.keys(COLUMN_SET) as (keyof ReceiptRow)[]
const INSERT_SQL = `INSERT INTO receipts (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`
const INSERT_IF_ABSENT_SQL = `${INSERT_SQL} ON CONFLICT (receipt_id) DO NOTHING`

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`)

export class ReceiptRepo {
  constructor(readonly db: Database) {}

  get(receiptId: string): ReceiptRow | undefined {
    return this.db.get<ReceiptRow>('SELECT * FROM receipts WHERE receipt_id = ?', receiptId)
  }

  insert(row: ReceiptRow): void {
    this.db.run(INSERT_SQL, ...COLUMNS.map((c) => row[c]))
  }

  /**
   * Inserts `row` unless a receipt with its id exists (then nothing is written); true when it was
   * inserted. One statement where a look-up then an insert took two: this is on every receipt's
   * commit path. Other constraint failures still throw.
   */
  insertIfAbsent(row: ReceiptRow): boolean {
    return this.db.run(INSERT_IF_ABSENT_SQL, ...COLUMNS.map((c) => row[c])).changes > 0
  }

  private where(q: ReceiptQuery): { sql: string; params: unknown[] } {
    const parts: string[] = []
    const params: unknown[] = []
    if (q.text !== undefined && q.text.trim() !== '') {
      const like = `%${escapeLike(q.text.trim().toLowerCase())}%`
      parts.push(
        `(lower(coalesce(memo, '')) LIKE ? ESCAPE '\\' OR lower(coalesce(payer, '')) LIKE ? ESCAPE '\\' OR lower(receipt_id) LIKE ? ESCAPE '\\')`,
      )
      params.push(like, like, like)
    }
    if (q.from !== undefined) {
      parts.push('created_at >= ?')
      params.push(q.from)
    }
    if (q.to !== undefined) {
      parts.push('created_at < ?')
      params.push(q.to)
    }
    return { sql: parts.length ? parts.join(' AND ') : '1 = 1', params }
  }

  /** Newest first, keyset-paged on (created_at, receipt_id) so pages stay stable while receipts arrive. */
  search(q: ReceiptQuery, limit: number, cursor: string | null): Page<ReceiptRow> {
    const w = this.where(q)
    let sql = `SELECT * FROM receipts WHERE ${w.sql}`
    const params = [...w.params]
    if (cursor !== null) {
      const sep = cursor.indexOf(':')
      sql += ' AND (created_at < ? OR (created_at = ? AND receipt_id < ?))'
      const at = Number(cursor.slice(0, sep))
      params.push(at, at, cursor.slice(sep + 1))
    }
    sql += ' ORDER BY created_at DESC, receipt_id DESC LIMIT ?'
    params.push(limit + 1)
    const rows = this.db.all<ReceiptRow>(sql, ...params)
    const items = rows.slice(0, limit)
    const last = items[items.length - 1]
    return { items, nextCursor: rows.length > limit && last ? `${last.created_at}:${last.receipt_id}` : null }
  }

  count(q: ReceiptQuery): number {
    const w = this.where(q)
    return (
      this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM receipts WHERE ${w.sql}`, ...w.params)?.n ?? 0
    )
  }

  /** Oldest first, for exports, in pages of `limit`. */
  *iterate(q: ReceiptQuery, limit = 500): Generator<ReceiptRow> {
    const w = this.where(q)
    let after: [number, string] = [-Infinity, '']
    for (;;) {
      const rows = this.db.all<ReceiptRow>(
        `SELECT * FROM receipts WHERE ${w.sql} AND (created_at > ? OR (created_at = ? AND receipt_id > ?))
         ORDER BY created_at, receipt_id LIMIT ?`,
        ...w.params,
        after[0] === -Infinity ? -Number.MAX_SAFE_INTEGER : after[0],
        after[0] === -Infinity ? -Number.MAX_SAFE_INTEGER : after[0],
        after[1],
        limit,
      )
      yield* rows
      if (rows.length < limit) return
      const last = rows[rows.length - 1]!
      after = [last.created_at, last.receipt_id]
    }
  }
}
