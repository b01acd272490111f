/**
 * @module checkout/address-allocator
 * Never-reused on-chain addresses: the next index per xpub is persisted and advanced in the same
 * transaction that records the address (UNIQUE on address and on (xpub, index)), so neither a
 * crash nor two tills on one database can hand out an address twice. Gaps (an index allocated for
 * a checkout that was then abandoned) are fine; reuse is not.
 */
import { transact } from '../storage/after-commit'
import type { Database } from '../storage/db'
import type { AddressAllocator, AddressDeriver } from './ports'

export class PersistentAddressAllocator implements AddressAllocator {
  constructor(
    private readonly db: Database,
    private readonly xpub: string,
    private readonly derive: AddressDeriver,
  ) {}

  next(now: number): { address: string; index: number } {
    return transact(this.db, () => {
      this.db.run(
        'INSERT INTO address_index (xpub, next_index) VALUES (?, 0) ON CONFLICT (xpub) DO NOTHING',
        this.xpub,
      )
      const index = this.db.get<{ next_index: number }>(
        'SELECT next_index FROM address_index WHERE xpub = ?',
        this.xpub,
      )!.next_index
      const address = this.derive(this.xpub, index)
      this.db.run(
        'INSERT INTO onchain_addresses (address, xpub, derivation_index, allocated_at) VALUES (?, ?, ?, ?)',
        address,
        this.xpub,
        index,
        now,
      )
      this.db.run('UPDATE address_index SET next_index = ? WHERE xpub = ?', index + 1, this.xpub)
      return { address, index }
    })
  }

  /** The next index that would be handed out (for display and backup). */
  peek(): number {
    return (
      this.db.get<{ next_index: number }>('SELECT next_index FROM address_index WHERE xpub = ?', this.xpub)
        ?.next_index ?? 0
    )
  }
}
