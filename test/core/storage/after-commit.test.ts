import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import type { Database } from '../../../electron/main/core/storage/db'
import { ReceiptBook, type ConfirmedReceiptInput } from '../../../electron/main/core/receipts/book'
import { afterCommit, transact } from '../../../electron/main/core/storage/after-commit'
import { z32Encode } from '../../../electron/main/core/keys/z32'

const T0 = Date.UTC(2026, 2, 10)
const key = (n: number): string => z32Encode(new Uint8Array(32).fill(n))

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

/** The ledger plus a SECOND connection to the same file: it sees committed rows only (WAL). */
function setup(): { db: Database; other: Database; book: ReceiptBook; seen: string[]; readable: boolean[] } {
  const dir = mkdtempSync(join(tmpdir(), 'pos-after-commit-'))
  const db = openMerchantDb(join(dir, 'm.db'))
  const other = openMerchantDb(join(dir, 'm.db'))
  cleanups.push(() => {
    other.close()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const book = new ReceiptBook(db)
  const seen: string[] = []
  const readable: boolean[] = []
  book.events.on('receipt:recorded', (p) => {
    seen.push(p.receiptId)
    readable.push(
      other.get('SELECT receipt_id FROM receipts WHERE receipt_id = ?', p.receiptId) !== undefined,
    )
  })
  return { db, other, book, seen, readable }
}

const input = (n: number): ConfirmedReceiptInput => ({
  receiptId: `rcpt_${String(n).padStart(4, '0')}`,
  payer: key(n),
  payee: key(200),
  methodId: 'lightning',
  amount: '1000',
  currency: 'SAT',
  amountSats: 1000,
  createdAt: T0 + n * 1000,
})

describe('ledger events fire after the commit', () => {
  it('a forced rollback of the enclosing transaction emits nothing and leaves no row', () => {
    const s = setup()
    expect(() =>
      transact(s.db, () => {
        s.book.recordConfirmed(input(1), T0)
        s.book.recordConfirmed(input(2), T0)
        throw new Error('forced rollback')
      }),
    ).toThrow('forced rollback')
    expect(s.seen).toEqual([])
    expect(s.book.repo.get('rcpt_0001')).toBeUndefined()
    // A later committed transaction does not replay events from the rolled-back one.
    transact(s.db, () => s.book.recordConfirmed(input(3), T0))
    expect(s.seen).toEqual(['rcpt_0003'])
  })

  it('a commit emits exactly once per receipt, after the row is readable from another connection', () => {
    const s = setup()
    transact(s.db, () => {
      s.book.recordConfirmed(input(1), T0)
      // Inside the transaction: queued, not emitted.
      expect(s.seen).toEqual([])
      s.book.recordConfirmed(input(1), T0) // replay: no second event
      s.book.recordConfirmed(input(2), T0)
      expect(s.seen).toEqual([])
    })
    expect(s.seen).toEqual(['rcpt_0001', 'rcpt_0002'])
    expect(s.readable).toEqual([true, true])
  })

  it('outside any transaction the event fires once, after the book’s own commit', () => {
    const s = setup()
    s.book.recordConfirmed(input(7), T0)
    s.book.recordConfirmed(input(7), T0)
    expect(s.seen).toEqual(['rcpt_0007'])
    expect(s.readable).toEqual([true])
  })

  it('proof events wait for the commit too, and are dropped on rollback', () => {
    const s = setup()
    const proofs: string[] = []
    s.book.events.on('receipt:proof', (p) => proofs.push(p.receiptId))
    s.book.recordConfirmed(input(1), T0)
    const proof = { type: 'bitcoin_txid', value: 'ab'.repeat(32), verifiedAt: T0 }
    expect(() =>
      transact(s.db, () => {
        s.book.attachProof('rcpt_0001', proof, T0)
        throw new Error('forced rollback')
      }),
    ).toThrow('forced rollback')
    expect(proofs).toEqual([])
    expect(s.book.repo.get('rcpt_0001')!.proof_type).toBeNull()
    transact(s.db, () => {
      s.book.attachProof('rcpt_0001', proof, T0)
      expect(proofs).toEqual([])
    })
    expect(proofs).toEqual(['rcpt_0001'])
  })

  it('a ledger write inside a plain db.transaction is refused (typed) and rolled back, never emitted early', () => {
    const s = setup()
    let code: unknown
    try {
      s.db.transaction(() => s.book.recordConfirmed(input(1), T0))
    } catch (e) {
      code = (e as { code?: unknown }).code
    }
    expect(code).toBe('event-outside-commit-scope')
    expect(s.seen).toEqual([])
    expect(s.book.repo.get('rcpt_0001')).toBeUndefined()
  })

  it('a throwing after-commit callback neither undoes the commit nor stops later callbacks', () => {
    const s = setup()
    const order: string[] = []
    const errors: unknown[] = []
    transact(
      s.db,
      () => {
        afterCommit(s.db, () => {
          throw new Error('bad listener')
        })
        afterCommit(s.db, () => order.push('second'))
        s.book.recordConfirmed(input(4), T0)
      },
      (e) => errors.push(e),
    )
    expect(order).toEqual(['second'])
    expect(errors).toHaveLength(1)
    expect(s.seen).toEqual(['rcpt_0004'])
  })
})
