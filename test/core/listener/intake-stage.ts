/**
 * The receipt-intake stage the group-commit tests share: a merchant ledger on disk (WAL) with a
 * second connection that sees committed rows only, a watch-only on-chain wallet, checkouts and the
 * real ReceiptIntake. `visibleAtEvent` records, at each receipt event, how many receipts that other
 * connection sees: one commit for a burst means every entry is equal.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HDKey } from '@scure/bip32'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { ReceiptBook } from '../../../electron/main/core/receipts/book'
import { CheckoutService } from '../../../electron/main/core/checkout/service'
import { PersistentAddressAllocator } from '../../../electron/main/core/checkout/address-allocator'
import { OutboxRepo } from '../../../electron/main/core/billing/requests-repo'
import { ReceiptIntake, type GroupCommitPolicy } from '../../../electron/main/core/listener/intake'
import { parseWatchOnly, deriveAddress } from '../../../electron/main/core/methods/watch-only'
import { systemClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'
import { z32Encode } from '../../../electron/main/core/keys/z32'

export function intakeStage(merchant: Uint8Array, policy: GroupCommitPolicy | undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'pos-intake-stage-'))
  const db = openMerchantDb(join(dir, 'm.db'))
  const other = openMerchantDb(join(dir, 'm.db'))
  const xpub = HDKey.fromMasterSeed(systemRng(32), { private: 0x04358394, public: 0x043587cf }).derive(
    "m/84'/1'/0'",
  ).publicExtendedKey
  const account = parseWatchOnly(xpub, { network: 'regtest' })
  const receipts = new ReceiptBook(db)
  const checkouts = new CheckoutService({
    db,
    clock: systemClock,
    merchant: z32Encode(merchant),
    addresses: new PersistentAddressAllocator(db, xpub, (_x, i) => deriveAddress(account, i)),
  })
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
