// Shared by the listener suites: one merchant's keys, a registry whose afterEach stops every
// listener a test started (no drain) and closes its ledger, and a regtest checkout service.
import { afterEach } from 'vitest'
import { HDKey } from '@scure/bip32'
import { CheckoutService } from '../../../electron/main/core/checkout/service'
import { PersistentAddressAllocator } from '../../../electron/main/core/checkout/address-allocator'
import { parseWatchOnly, deriveAddress } from '../../../electron/main/core/methods/watch-only'
import { systemClock } from '../../../electron/main/core/util/clock'
import { z32Encode } from '../../../electron/main/core/keys/z32'
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

/** Checkouts on `db` for `merchant`, with a fresh address per sale from a random regtest watch-only key. */
export function regtestCheckouts(db: Database, merchant: Uint8Array): CheckoutService {
  const xpub = HDKey.fromMasterSeed(systemRng(32), { private: 0x04358394, public: 0x043587cf }).derive(
    "m/84'/1'/0'",
  ).publicExtendedKey
  const account = parseWatchOnly(xpub, { network: 'regtest' })
  return new CheckoutService({
    db,
    clock: systemClock,
    merchant: z32Encode(merchant),
    addresses: new PersistentAddressAllocator(db, xpub, (_x, i) => deriveAddress(account, i)),
  })
}
