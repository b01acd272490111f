import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { ReceiptBook, type ConfirmedReceiptInput } from '../../../electron/main/core/receipts/book'
import { z32Encode } from '../../../electron/main/core/keys/z32'

const T0 = Date.UTC(2026, 2, 10) // midnight UTC
const H = 3_600_000
const key = (n: number): string => z32Encode(new Uint8Array(32).fill(n))
const PAYEE = key(200)

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})
function book() {
  const dir = mkdtempSync(join(tmpdir(), 'pos-receipts-'))
  let db = openMerchantDb(join(dir, 'm.db'))
  cleanups.push(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    book: new ReceiptBook(db),
    get db() {
      return db
    },
    reopen() {
      db.close()
      db = openMerchantDb(join(dir, 'm.db'))
      return new ReceiptBook(db)
    },
  }
}

const input = (n: number, over: Partial<ConfirmedReceiptInput> = {}): ConfirmedReceiptInput => ({
  receiptId: `rcpt_${String(n).padStart(4, '0')}`,
  payer: key(n),
  payee: PAYEE,
  methodId: 'lightning',
  amount: '1000',
  currency: 'SAT',
  amountSats: 1000,
  createdAt: T0 + n * 1000,
  ...over,
})

describe('receipt book: intake', () => {
  it('commits before returning: the receipt is on disk when recordConfirmed returns', () => {
    const b = book()
    const r = b.book.recordConfirmed(
      input(1, {
        memo: 'latte',
        endpoint: 'lnbc1...',
        peer: { dialect: 'A', generation: '1.1.0', pattern: 'IK' },
      }),
      T0 + 5000,
    )
    expect(r.created).toBe(true)
    const again = b.reopen()
    expect(again.repo.get('rcpt_0001')).toMatchObject({
      payer: key(1),
      payee: PAYEE,
      amount: '1000',
      memo: 'latte',
      endpoint: 'lnbc1...',
      peer_dialect: 'A',
      peer_generation: '1.1.0',
      peer_pattern: 'IK',
      recorded_at: T0 + 5000,
    })
  })

  it('answers a replayed receipt_id from the stored record and never stores it twice', () => {
    const b = book()
    const first = b.book.recordConfirmed(input(1, { memo: 'first' }), T0)
    const replay = b.book.recordConfirmed(input(1, { memo: 'replayed memo is ignored' }), T0 + 60_000)
    expect(replay.created).toBe(false)
    expect(replay.receipt).toEqual(first.receipt)
    expect(b.db.get('SELECT COUNT(*) AS n FROM receipts')).toEqual({ n: 1 })
  })

  it('refuses the same receipt_id with different parties or amount', () => {
    const b = book()
    b.book.recordConfirmed(input(1), T0)
    for (const over of [
      { payer: key(9) },
      { amount: '1001' },
      { amount: '1000.0' },
      { methodId: 'onchain' },
    ]) {
      expect(() => b.book.recordConfirmed(input(1, over), T0)).toThrow(
        expect.objectContaining({ code: 'receipt-id-conflict' }),
      )
    }
    expect(b.book.repo.get('rcpt_0001')!.amount).toBe('1000')
  })

  it('rejects malformed receipts with a typed error and stores nothing', () => {
    const b = book()
    const bad: Partial<ConfirmedReceiptInput>[] = [
      { receiptId: '../etc' },
      { receiptId: '' },
      { payer: 'not-a-key' },
      { payee: key(1).toUpperCase() },
      { amount: '1e3' },
      { amount: '12,5' },
      { amountSats: -1 },
      { amountSats: 1.5 },
      { memo: 'x'.repeat(1001) },
      { methodId: '' },
    ]
    for (const over of bad) {
      expect(() => b.book.recordConfirmed(input(1, over), T0)).toThrow(
        expect.objectContaining({ code: 'invalid-receipt' }),
      )
    }
    expect(b.db.get('SELECT COUNT(*) AS n FROM receipts')).toEqual({ n: 0 })
  })

  it('attaches a proof once; the same proof again is a no-op, another is refused', () => {
    const b = book()
    b.book.recordConfirmed(input(1), T0)
    const proof = { type: 'lightning_preimage', value: 'aa'.repeat(32), verifiedAt: T0 + 1 }
    expect(b.book.attachProof('rcpt_0001', proof, T0 + 2)).toEqual({ changed: true })
    expect(b.book.attachProof('rcpt_0001', proof, T0 + 3)).toEqual({ changed: false })
    expect(() => b.book.attachProof('rcpt_0001', { ...proof, value: 'bb'.repeat(32) }, T0)).toThrow(
      expect.objectContaining({ code: 'proof-conflict' }),
    )
    expect(() => b.book.attachProof('nope', proof, T0)).toThrow(
      expect.objectContaining({ code: 'unknown-receipt' }),
    )
  })
})

describe('receipt book: search and paging', () => {
  it('filters by text over memo, payer and id, by date range, and pages newest first', () => {
    const b = book()
    for (let i = 1; i <= 7; i++)
      b.book.recordConfirmed(input(i, { memo: i % 2 ? `Flat white #${i}` : 'Croissant' }), T0)
    expect(b.book.search({ text: 'flat' }).items.map((r) => r.receipt_id)).toEqual([
      'rcpt_0007',
      'rcpt_0005',
      'rcpt_0003',
      'rcpt_0001',
    ])
    expect(b.book.search({ text: key(4).toUpperCase() }).items.map((r) => r.receipt_id)).toEqual([
      'rcpt_0004',
    ])
    expect(b.book.search({ text: 'rcpt_0006' }).items).toHaveLength(1)
    // LIKE wildcards in the search text are literal.
    expect(b.book.search({ text: '%' }).items).toHaveLength(0)
    expect(b.book.search({ from: T0 + 3000, to: T0 + 5000 }).items.map((r) => r.receipt_id)).toEqual([
      'rcpt_0004',
      'rcpt_0003',
    ])
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = b.book.search({}, 3, cursor)
      seen.push(...page.items.map((r) => r.receipt_id))
      cursor = page.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual([
      'rcpt_0007',
      'rcpt_0006',
      'rcpt_0005',
      'rcpt_0004',
      'rcpt_0003',
      'rcpt_0002',
      'rcpt_0001',
    ])
    expect(() => b.book.search({}, 3, "1'; DROP TABLE receipts")).toThrow(
      expect.objectContaining({ code: 'invalid-input' }),
    )
    expect(() => b.book.search({}, 0)).toThrow(expect.objectContaining({ code: 'invalid-input' }))
  })
})

describe('receipt book: CSV export', () => {
  const header =
    'receipt_id,created_at,recorded_at,payer,payee,method,amount,currency,amount_sats,tip_sats,memo,checkout_id,request_id,subscription_id,proof_type,proof_value,proof_verified_at'

  it('writes one row per receipt with stable columns, ISO times and exact amounts', () => {
    const b = book()
    b.book.recordConfirmed(
      input(1, { amount: '100.50', amountSats: 100, memo: 'tea', checkoutId: 'chk_1' }),
      T0 + 10,
    )
    b.book.recordConfirmed(
      input(2, {
        payer: null,
        methodId: 'onchain',
        amount: '2500',
        amountSats: 2500,
        tipSats: 500,
        proof: { type: 'bitcoin_txid', value: 'cd'.repeat(32), verifiedAt: T0 + 9 * H },
      }),
      T0 + 20,
    )
    const csv = b.book.exportCsv()
    const lines = csv.split('\n')
    expect(lines[0]).toBe(header)
    expect(lines[1]).toBe(
      `rcpt_0001,2026-03-10T00:00:01.000Z,2026-03-10T00:00:00.010Z,${key(1)},${PAYEE},lightning,100.50,SAT,100,0,tea,chk_1,,,,,`,
    )
    expect(lines[2]).toBe(
      `rcpt_0002,2026-03-10T00:00:02.000Z,2026-03-10T00:00:00.020Z,,${PAYEE},onchain,2500,SAT,2500,500,,,,,bitcoin_txid,${'cd'.repeat(32)},2026-03-10T09:00:00.000Z`,
    )
    expect(lines[3]).toBe('')
    expect(lines).toHaveLength(4)
    // A simple split works on this safe dataset: every row has exactly the header's column count.
    expect(lines.slice(0, 3).every((l) => l.split(',').length === 17)).toBe(true)
  })

  it('quotes commas, quotes and newlines in memos (RFC 4180) and honours the date filter', () => {
    const b = book()
    b.book.recordConfirmed(input(1, { memo: 'Cake, large' }), T0)
    b.book.recordConfirmed(input(2, { memo: 'He said "thanks"' }), T0)
    b.book.recordConfirmed(input(3, { memo: 'line one\nline two' }), T0)
    b.book.recordConfirmed(input(4, { memo: 'outside the range', createdAt: T0 + 48 * H }), T0)
    const csv = b.book.exportCsv({ from: T0, to: T0 + 24 * H })
    const rest = `,,,,,,`
    expect(csv).toBe(
      [
        header,
        `rcpt_0001,2026-03-10T00:00:01.000Z,2026-03-10T00:00:00.000Z,${key(1)},${PAYEE},lightning,1000,SAT,1000,0,"Cake, large"${rest}`,
        `rcpt_0002,2026-03-10T00:00:02.000Z,2026-03-10T00:00:00.000Z,${key(2)},${PAYEE},lightning,1000,SAT,1000,0,"He said ""thanks"""${rest}`,
        `rcpt_0003,2026-03-10T00:00:03.000Z,2026-03-10T00:00:00.000Z,${key(3)},${PAYEE},lightning,1000,SAT,1000,0,"line one\nline two"${rest}`,
        '',
      ].join('\n'),
    )
  })
})

describe('receipt book: end-of-day summary', () => {
  it('counts, sums gross and tips, and splits by method and local hour', () => {
    const b = book()
    const at = (h: number, m = 0) => T0 + h * H + m * 60_000
    b.book.recordConfirmed(input(1, { amountSats: 1000, tipSats: 100, createdAt: at(8, 5) }), T0)
    b.book.recordConfirmed(input(2, { amountSats: 2000, tipSats: 0, createdAt: at(8, 55) }), T0)
    b.book.recordConfirmed(
      input(3, { methodId: 'onchain', amountSats: 50_000, tipSats: 5000, createdAt: at(13) }),
      T0,
    )
    b.book.recordConfirmed(input(4, { amountSats: 700, createdAt: at(23, 59) }), T0)
    b.book.recordConfirmed(input(5, { amountSats: 999_999, createdAt: at(24) }), T0) // next day
    const s = b.book.summary(T0, T0 + 24 * H)
    expect(s).toMatchObject({
      count: 4,
      grossSats: 53_700,
      tipsSats: 5100,
      salesSats: 48_600,
      byMethod: { lightning: { count: 3, sats: 3700 }, onchain: { count: 1, sats: 50_000 } },
    })
    expect(s.byHour.filter((h) => h.count > 0)).toEqual([
      { hour: 8, count: 2, sats: 3000 },
      { hour: 13, count: 1, sats: 50_000 },
      { hour: 23, count: 1, sats: 700 },
    ])
    // The same day seen from UTC+2: hours shift by two, totals do not.
    const local = b.book.summary(T0, T0 + 24 * H, 120)
    expect(local.byHour.filter((h) => h.count > 0).map((h) => h.hour)).toEqual([1, 10, 15])
    expect(local.grossSats).toBe(53_700)
  })
})
