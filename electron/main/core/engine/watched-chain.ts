/**
 * @module engine/watched-chain
 * Address history for the settlement watcher. core/payments' `ChainBackend` port can only look a
 * transaction up by txid, but a till must notice a payment made by any wallet to the address on
 * its QR, with no txid handed over. `AddressHistory` is that missing port method (Esplora's
 * `/address/:addr/txs`, Electrum's `get_history`, Core's `listreceivedbyaddress` all provide it).
 *
 * `payments/` is not the engine's to change, so the simulator gets it here, by subclassing:
 * `WatchedSimulatedChain` indexes every transaction's outputs by address as it is broadcast.
 * A hosted backend provides it by implementing `txidsForAddress` on the object it passes in.
 */
import { SimulatedChain, type ChainBackend, type ChainTxOutput } from '../payments/chain'

export interface AddressHistory {
  /** Txids of every known transaction (mempool included) with an output to `address`, oldest first. */
  txidsForAddress(address: string): Promise<readonly string[]>
}

/** The backend's address history, when it has one. */
export function addressHistoryOf(chain: ChainBackend | undefined): AddressHistory | null {
  const c = chain as Partial<AddressHistory> | undefined
  return c && typeof c.txidsForAddress === 'function' ? (c as AddressHistory) : null
}

/** Bech32 addresses are case-insensitive; base58 ones are not. */
const addressKey = (a: string): string => (/^(bc|tb|bcrt)1/i.test(a) ? a.toLowerCase() : a)

/** The simulated chain plus an address → txids index (what a real indexer keeps). */
export class WatchedSimulatedChain extends SimulatedChain implements AddressHistory {
  private readonly byAddress = new Map<string, string[]>()

  override sendMany(outputs: readonly ChainTxOutput[]): string {
    const txid = super.sendMany(outputs)
    for (const key of new Set(outputs.map((o) => addressKey(o.address)))) {
      let list = this.byAddress.get(key)
      if (!list) this.byAddress.set(key, (list = []))
      list.push(txid)
    }
    return txid
  }

  async txidsForAddress(address: string): Promise<readonly string[]> {
    return [...(this.byAddress.get(addressKey(address)) ?? [])]
  }
}
