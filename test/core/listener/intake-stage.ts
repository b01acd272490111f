/**
 * The receipt-intake stage the group-commit tests share: a merchant ledger on disk (WAL) with a
 * second connection that sees committed rows only, a watch-only on-chain wallet, checkouts and the
 * real ReceiptIntake. `visibleAtEvent` records, at each receipt event, how many receipts that other
 * connection sees: one commit for a burst means every entry is equal.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { ReceiptBook } from '../../../electron/main/core/receipts/book'
import { OutboxRepo } from '../../../electron/main/core/billing/requests-repo'
import { ReceiptIntake, type GroupCommitPolicy } from '../../../electron/main/core/listener/intake'
import { systemClock } from '../../../electron/main/core/util/clock'
import { regtestCheckouts } from './listener-fixture'

export function intakeStage(merchant: Uint8Array, policy: GroupCommitPolicy | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'pos-intake-stage-'))
  const db = openMerchantDb(join(dir, 'm.db'))
  const other = openMerchantDb(join(dir, 'm.db'))
  const receipts = new ReceiptBook(db)
  const checkouts = regtestCheckouts(db, merchant)
  const intake = new ReceiptIntake({
    db,
    merchant,
    receipts,
    checkouts,
    outbox: new OutboxRepo(db),
    publishedMethods: () => new Set(['onchain']),
    clock: systemClock,
    ...(policy ? { groupCommit: policy } : {}),
  })
  const visibleAtEvent: number[] = []
  receipts.events.on('receipt:recorded', () =>
    visibleAtEvent.push(other.get<{ n: number }>('SELECT COUNT(*) AS n FROM receipts')!.n),
  )
  const close = (): void => {
    other.close()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return { db, other, receipts, checkouts, intake, visibleAtEvent, close }
}
