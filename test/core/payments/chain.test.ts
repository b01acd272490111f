// SimulatedChain: real transaction serialisation and txids, network-checked addresses, mining.
import { describe, expect, it } from 'vitest'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { Address, OutScript, RawTx, p2pkh, p2sh, p2tr, p2wpkh } from '@scure/btc-signer'
import { providers } from '../../../electron/main/core/crypto'
import { toHex } from '../../../electron/main/core/util/bytes'
import { fixedRng } from '../../../electron/main/core/util/rng'
import { CHAIN_PARAMS, SimulatedChain, type ChainBackend } from '../../../electron/main/core/payments/chain'
import { codeOf } from './helpers'

const REGTEST = CHAIN_PARAMS.regtest
const pub = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true)
const wpkh = Address(REGTEST).encode(p2wpkh(pub, REGTEST))

describe.each(providers())('SimulatedChain ($name provider)', (crypto) => {
  it('txid = byte-reversed double SHA-256 of the transaction, as an independent serialiser builds it', async () => {
    const prev = new Uint8Array(32).fill(0xab)
    const chain = new SimulatedChain({ rng: fixedRng(prev), crypto })
    const txid = chain.send(wpkh, 50_000)
    expect(txid).toMatch(/^[0-9a-f]{64}$/)
    // The same transaction serialised by @scure/btc-signer's RawTx coder (written by someone else).
    const raw = RawTx.encode({
      version: 2,
      segwitFlag: false,
      inputs: [{ txid: prev, index: 0, finalScriptSig: new Uint8Array(0), sequence: 0xfffffffd }],
      outputs: [{ amount: 50_000n, script: OutScript.encode(Address(REGTEST).decode(wpkh)) }],
      witnesses: [],
      lockTime: 0,
    })
    expect(txid).toBe(toHex(sha256(sha256(raw)).reverse()))
    const backend: ChainBackend = chain
    expect(await backend.lookupTx(txid)).toEqual({
      txid,
      confirmations: 0,
      blockHeight: null,
      outputs: [{ address: wpkh, sats: 50_000 }],
    })
  })

  it('mine() confirms mempool transactions and counts confirmations from the including block', async () => {
    const chain = new SimulatedChain({ crypto })
    expect(chain.height).toBe(100)
    const a = chain.send(wpkh, 1000)
    expect(chain.mine()).toBe(101)
    const b = chain.send(wpkh, 2000)
    expect(chain.mine(5)).toBe(106)
    expect((await chain.lookupTx(a))?.confirmations).toBe(6)
    expect((await chain.lookupTx(a))?.blockHeight).toBe(101)
    expect((await chain.lookupTx(b))?.confirmations).toBe(5)
    expect((await chain.lookupTx(b.toUpperCase()))?.txid).toBe(b)
    expect(await chain.lookupTx('00'.repeat(32))).toBeNull()
    expect(await chain.lookupTx('xyz')).toBeNull()
    expect(a).not.toBe(b)
  })

  it('accepts every regtest address type and several outputs in one transaction', async () => {
    const chain = new SimulatedChain({ crypto })
    const xonly = pub.subarray(1)
    const addresses = [
      wpkh,
      Address(REGTEST).encode(p2pkh(pub, REGTEST)),
      Address(REGTEST).encode(p2sh(p2wpkh(pub, REGTEST), REGTEST)),
      p2tr(xonly, undefined, REGTEST).address!,
    ]
    expect(addresses[0]!.startsWith('bcrt1q')).toBe(true)
    expect(addresses[3]!.startsWith('bcrt1p')).toBe(true)
    const txid = chain.sendMany(addresses.map((address, i) => ({ address, sats: 1000 * (i + 1) })))
    const tx = await chain.lookupTx(txid)
    expect(tx?.outputs.map((o) => o.sats)).toEqual([1000, 2000, 3000, 4000])
  })

  it('refuses other networks, junk addresses and bad amounts, and records nothing', async () => {
    const chain = new SimulatedChain({ crypto })
    const mainnet = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
    expect(codeOf(() => chain.send(mainnet, 1000))).toBe('chain-bad-address')
    expect(codeOf(() => chain.send('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 1000))).toBe(
      'chain-bad-address',
    )
    expect(codeOf(() => chain.send('not an address at all', 1000))).toBe('chain-bad-address')
    expect(codeOf(() => chain.send(42 as unknown as string, 1000))).toBe('chain-bad-address')
    for (const sats of [0, -1, 1.5, Number.NaN, 2_100_000_000_000_001]) {
      expect(codeOf(() => chain.send(wpkh, sats))).toBe('chain-bad-amount')
    }
    expect(codeOf(() => chain.sendMany([]))).toBe('chain-bad-amount')
    expect(codeOf(() => chain.mine(0))).toBe('chain-bad-amount')
    expect(codeOf(() => chain.mine(1.5))).toBe('chain-bad-amount')
    expect(chain.height).toBe(100)
    // A mainnet chain accepts the mainnet address.
    const main = new SimulatedChain({ network: 'bitcoin', crypto })
    expect(main.send(mainnet, 1000)).toMatch(/^[0-9a-f]{64}$/)
  })
})
