/**
 * @module payments/chain
 * The POS's port to the Bitcoin chain (`ChainBackend`) and a simulated chain behind it.
 *
 * Only the chain is simulated: `SimulatedChain.send` plays the customer's wallet broadcasting a
 * transaction and `mine` plays the miners. The transactions are real serialisations (version,
 * one input from a random outpoint, outputs with the real scriptPubKey of each address, locktime)
 * and their txids are computed as Bitcoin does: double SHA-256 of the serialisation, shown
 * byte-reversed. Addresses are parsed with @scure/btc-signer for the chain's network, so a
 * mainnet address cannot be "paid" on regtest.
 */
import { Address, OutScript, NETWORK, TEST_NETWORK } from '@scure/btc-signer'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { concatBytes, toHex } from '../util/bytes'
import { systemRng, type Rng } from '../util/rng'
import type { Bolt11Network } from './bolt11-format'
import { PaymentError } from './errors'

export interface ChainTxOutput {
  address: string
  sats: number
}

export interface ChainTx {
  txid: string
  /** 0 while in the mempool. */
  confirmations: number
  /** Height of the block that includes it, null while in the mempool. */
  blockHeight: number | null
  /** In output order: the index is the `vout`. */
  outputs: ChainTxOutput[]
}

/** What the POS needs from any chain source (simulated here; Esplora/Electrum/Core adapters later). */
export interface ChainBackend {
  /** The transaction, or null when the chain has never seen it. */
  lookupTx(txid: string): Promise<ChainTx | null>
}

export type ChainNetwork = Bolt11Network

/** btc-signer network parameters; regtest differs from testnet only in its bech32 prefix. */
export const CHAIN_PARAMS: Readonly<Record<ChainNetwork, typeof NETWORK>> = {
  bitcoin: NETWORK,
  testnet: TEST_NETWORK,
  signet: TEST_NETWORK,
  regtest: { ...TEST_NETWORK, bech32: 'bcrt' },
}

/** 21 million BTC in sats. */
export const MAX_SATS = 2_100_000_000_000_000
const MAX_OUTPUTS = 100
const MAX_MINE = 10_000

interface StoredTx {
  outputs: ChainTxOutput[]
  blockHeight: number | null
}

function varint(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n)
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >> 8)
  throw new PaymentError('chain-bad-amount', 'too many outputs')
}

function u32le(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n, true)
  return out
}

function u64le(n: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true)
  return out
}

export interface SimulatedChainOptions {
  /** Default regtest (`bcrt1…`). */
  network?: ChainNetwork
  rng?: Rng
  crypto?: CryptoProvider
  /** Height of the tip at start. Default 100 (a fresh regtest chain after coinbase maturity). */
  startHeight?: number
}

export class SimulatedChain implements ChainBackend {
  readonly network: ChainNetwork
  private tip: number
  private readonly rng: Rng
  private readonly crypto: CryptoProvider
  private readonly txs = new Map<string, StoredTx>()
  private readonly mempool: string[] = []

  constructor(options: SimulatedChainOptions = {}) {
    this.network = options.network ?? 'regtest'
    this.rng = options.rng ?? systemRng
    this.crypto = options.crypto ?? defaultProvider()
    this.tip = options.startHeight ?? 100
  }

  /** Height of the best block. */
  get height(): number {
    return this.tip
  }

  /** The scriptPubKey an address pays to on this chain's network; `chain-bad-address` otherwise. */
  scriptFor(address: string): Uint8Array {
    if (typeof address !== 'string' || address.length < 14 || address.length > 90) {
      throw new PaymentError('chain-bad-address', 'address must be a 14-90 character string')
    }
    try {
      return OutScript.encode(Address(CHAIN_PARAMS[this.network]).decode(address))
    } catch (e) {
      throw new PaymentError(
        'chain-bad-address',
        `"${address.slice(0, 90)}" is not a valid ${this.network} address`,
        { cause: e },
      )
    }
  }

  /** Broadcasts a payment of `sats` to `address`; returns its txid (unconfirmed until `mine`). */
  send(address: string, sats: number): string {
    return this.sendMany([{ address, sats }])
  }

  /** One transaction with several outputs (e.g. two outputs to the same address). */
  sendMany(outputs: readonly ChainTxOutput[]): string {
    if (!Array.isArray(outputs) || outputs.length < 1 || outputs.length > MAX_OUTPUTS) {
      throw new PaymentError('chain-bad-amount', `a transaction needs 1..${MAX_OUTPUTS} outputs`)
    }
    const encoded: Uint8Array[] = []
    for (const o of outputs) {
      if (typeof o.sats !== 'number' || !Number.isSafeInteger(o.sats) || o.sats < 1 || o.sats > MAX_SATS) {
        throw new PaymentError(
          'chain-bad-amount',
          `output amount must be a whole number of sats in 1..${MAX_SATS}`,
        )
      }
      const script = this.scriptFor(o.address)
      encoded.push(u64le(o.sats), varint(script.length), script)
    }
    // Legacy (non-witness) serialisation: what the txid commits to.
    const tx = concatBytes(
      u32le(2), // version
      varint(1),
      this.rng(32), // previous txid: a random, never-seen outpoint makes every txid unique
      u32le(0), // previous vout
      varint(0), // empty scriptSig
      u32le(0xfffffffd), // sequence (RBF-signalling, as wallets send today)
      varint(outputs.length),
      ...encoded,
      u32le(0), // locktime
    )
    const hash = this.crypto.hash('sha256', this.crypto.hash('sha256', tx))
    const txid = toHex(hash.reverse())
    this.txs.set(txid, {
      outputs: outputs.map((o) => ({ address: o.address, sats: o.sats })),
      blockHeight: null,
    })
    this.mempool.push(txid)
    return txid
  }

  /** Mines `blocks` blocks; the first one includes every mempool transaction. Returns the new height. */
  mine(blocks = 1): number {
    if (!Number.isSafeInteger(blocks) || blocks < 1 || blocks > MAX_MINE) {
      throw new PaymentError('chain-bad-amount', `blocks must be a whole number in 1..${MAX_MINE}`)
    }
    const included = this.tip + 1
    for (const txid of this.mempool.splice(0)) this.txs.get(txid)!.blockHeight = included
    this.tip += blocks
    return this.tip
  }

  async lookupTx(txid: string): Promise<ChainTx | null> {
    return this.lookupTxSync(txid)
  }

  /** Synchronous twin of `lookupTx`. */
  lookupTxSync(txid: string): ChainTx | null {
    if (typeof txid !== 'string' || !/^[0-9a-fA-F]{64}$/.test(txid)) return null
    const key = txid.toLowerCase()
    const stored = this.txs.get(key)
    if (!stored) return null
    return {
      txid: key,
      confirmations: stored.blockHeight === null ? 0 : this.tip - stored.blockHeight + 1,
      blockHeight: stored.blockHeight,
      outputs: stored.outputs.map((o) => ({ ...o })),
    }
  }
}
