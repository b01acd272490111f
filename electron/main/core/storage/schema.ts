/**
 * @module storage/schema
 * The merchant database's migration list, in order, and the one way to open it ready for use.
 * Add a migration by appending `migrations/000N-name.ts` here; never edit a shipped one.
 */
import { Database } from './db'
import { migrate, type Migration } from './migrate'
import { m0001MerchantLedger } from './migrations/0001-merchant-ledger'
import { m0002EngineDurability } from './migrations/0002-engine-durability'

export const MERCHANT_MIGRATIONS: readonly Migration[] = [m0001MerchantLedger, m0002EngineDurability]

/** Opens (creating if needed) the merchant database at `path` and brings it to the current schema. */
export function openMerchantDb(path: string, now: () => number = Date.now): Database {
  const db = Database.open(path)
  try {
    migrate(db, MERCHANT_MIGRATIONS, now)
  } catch (e) {
    db.close()
    throw e
  }
  return db
}
