// The ledger-backed stores that replaced in-memory/file ones (migration 0002): outbox index,
// request dedupe, and billing's nonce store behind subscriptions/flow's NonceStore port.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { DbOutboxIndex } from '../../../electron/main/core/requests/outbox-index'
import { DbRequestDedupe } from '../../../electron/main/core/requests/dedupe'
import { FOREVER_MS, PersistentNonceStore } from '../../../electron/main/core/billing/nonce-store'
import { recordNonces } from '../../../electron/main/core/subscriptions/flow'

const dir = mkdtempSync(join(tmpdir(), 'paykit-dbstores-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const n = (c: string): string => c.repeat(64)

describe('ledger-backed stores survive a reopen', () => {
  it('outbox index: put, markPaid, remove, and what is left after reopening', () => {
    const file = join(dir, 'a.db')
    const db = openMerchantDb(file)
    const idx = new DbOutboxIndex(db, () => 1)
    idx.put({ recipient: 'r1', requestId: 'req_1', expiresAt: 100, paid: false })
    idx.put({ recipient: 'r1', requestId: 'req_2', expiresAt: null, paid: false })
    idx.put({ recipient: 'r2', requestId: 'req_3', expiresAt: 5, paid: false })
    idx.markPaid('r1', 'req_2')
    idx.markPaid('nobody', 'req_x')
    idx.remove('r2', 'req_3')
    db.close()
    const again = new DbOutboxIndex(openMerchantDb(file))
    expect(again.list()).toEqual([
      { recipient: 'r1', requestId: 'req_1', expiresAt: 100, paid: false },
      { recipient: 'r1', requestId: 'req_2', expiresAt: null, paid: true },
    ])
  })

  it('request dedupe: claims once, across a reopen; prune forgets only expired entries', () => {
    const file = join(dir, 'b.db')
    const d1 = new DbRequestDedupe(openMerchantDb(file))
    expect(d1.claim('s', 'req_1', 10)).toBe(true)
    expect(d1.claim('s', 'req_1', 10)).toBe(false)
    expect(d1.claim('s', 'req_2', null)).toBe(true)
    const d2 = new DbRequestDedupe(openMerchantDb(file))
    expect(d2.has('s', 'req_1')).toBe(true)
    expect(d2.claim('s', 'req_1', 10)).toBe(false)
    expect(d2.prune(11)).toBe(1)
    expect(d2.has('s', 'req_1')).toBe(false)
    expect(d2.has('s', 'req_2')).toBe(true)
  })

  it('nonce store as the flow port: new / same / replay verdicts, forever entries, expiry, bad input', async () => {
    const file = join(dir, 'c.db')
    const db = openMerchantDb(file)
    const store = new PersistentNonceStore(db, () => 0)
    expect(await recordNonces(store, [n('a'), n('b')], 'ctx1', null, 0)).toBe('new')
    expect(await recordNonces(store, [n('a'), n('b')], 'ctx1', null, 0)).toBe('same')
    expect(await recordNonces(store, [n('c'), n('a')], 'ctx2', null, 0)).toBe('replay')
    expect(store.get(n('c'), 0)).toBeUndefined()
    expect(await recordNonces(store, [n('d')], 'short', 1000, 0)).toBe('new')
    expect(() => store.put('zz', 'x', null)).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    db.close()
    const reopened = new PersistentNonceStore(openMerchantDb(file), () => 2000)
    expect(reopened.get(n('a'), 10 ** 15)).toBe('ctx1')
    expect(reopened.get(n('d'), 500)).toBe('short')
    expect(reopened.get(n('d'), 1000)).toBeUndefined()
    // An expired nonce may be recorded again (it protects nothing any more).
    expect(await recordNonces(reopened, [n('d')], 'other', null, 2000)).toBe('new')
    expect(reopened.get(n('d'), FOREVER_MS - 1)).toBe('other')
    // The billing API still works on the same table.
    expect(reopened.checkAndMark(n('a'), 10, 0)).toBe(false)
    expect(reopened.checkAndMark(n('e'), 10, 0)).toBe(true)
  })
})
