// Shared by the listener suites that start real listeners: one merchant's keys, and a registry
// whose afterEach stops every listener a test started (no drain) and closes its ledger.
import { afterEach } from 'vitest'
import type { Database } from '../../../electron/main/core/storage/db'
import type { PaykitListener } from '../../../electron/main/core/listener/server'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { systemRng } from '../../../electron/main/core/util/rng'

export const merchantSecret = systemRng(32)
export const merchantPub = nativeProvider.ed25519PublicKey(merchantSecret)
export const staticSecret = systemRng(32)
export const staticPub = nativeProvider.x25519PublicKey(staticSecret)

/** Registers the afterEach cleanup; call the returned function for each listener a test starts. */
export function stopAfterEach(): (db: Database, listener: PaykitListener) => void {
  const open: { db: Database; listener: PaykitListener }[] = []
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.listener.stop(0)
      o.db.close()
    }
  })
  return (db, listener) => {
    open.push({ db, listener })
  }
}
