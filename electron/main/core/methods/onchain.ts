/**
 * @module methods/onchain
 * Real on-chain address validation with @scure/btc-signer (`Address(network).decode` checks the
 * bech32/bech32m or base58check checksum and the script form), on top of the reference heuristic.
 *
 * Networks by encoding: bech32 HRP `bc` mainnet, `tb` testnet/signet, `bcrt` regtest; base58
 * version 0x00/0x05 mainnet, 0x6f/0xc4 testnet/signet/regtest (indistinguishable: reported as
 * `testnet` with `alsoValidOn: ['signet','regtest']`).
 */
import { Address, NETWORK, TEST_NETWORK } from '@scure/btc-signer'
import { MethodError, type Network } from './errors'
import { LEGACY_PRIVACY_WARNING } from './heuristics'

export type AddressType = 'pkh' | 'sh' | 'wpkh' | 'wsh' | 'tr' | 'unknown'

export interface OnchainAddress {
  readonly address: string
  readonly network: Network
  /** Other networks that share this encoding (base58 test versions, `tb` for signet). */
  readonly alsoValidOn: readonly Network[]
  readonly type: AddressType
  readonly warnings: readonly string[]
}

const REGTEST = { ...TEST_NETWORK, bech32: 'bcrt' }
const CANDIDATES = [
  { network: 'mainnet' as const, params: NETWORK, also: [] as Network[] },
  { network: 'regtest' as const, params: REGTEST, also: [] as Network[] },
  { network: 'testnet' as const, params: TEST_NETWORK, also: ['signet'] as Network[] },
]

/** Decodes and checks an address; `expected` (if given) must be among the networks it is valid on. */
export function validateOnchainAddress(input: string, expected?: Network): OnchainAddress {
  if (typeof input !== 'string') throw new MethodError('invalid-address', 'address must be text')
  let address = input.trim()
  if (address.length === 0) throw new MethodError('invalid-address', 'Address is empty')
  if (address.length > 100) throw new MethodError('invalid-address', 'address is longer than 100 characters')
  // bech32 may be written all-uppercase (QR alphanumeric mode); mixed case is invalid.
  if (/^(BC|TB|BCRT)1[0-9A-Z]+$/.test(address)) address = address.toLowerCase()
  const isBech32 = /^(bc|tb|bcrt)1/.test(address)
  for (const c of CANDIDATES) {
    if (isBech32 && !address.startsWith(`${c.params.bech32}1`)) continue
    let decoded: { type: string }
    try {
      decoded = Address(c.params).decode(address)
    } catch {
      continue
    }
    const network = c.network
    let also = c.also
    if (!isBech32 && network !== 'mainnet') {
      // base58 test versions are shared by testnet, signet and regtest.
      also = network === 'regtest' ? ['testnet', 'signet'] : ['signet', 'regtest']
      if (network === 'regtest') continue // report the shared encoding once, as testnet
    }
    const type = (
      ['pkh', 'sh', 'wpkh', 'wsh', 'tr'].includes(decoded.type) ? decoded.type : 'unknown'
    ) as AddressType
    const warnings = type === 'pkh' ? [LEGACY_PRIVACY_WARNING] : []
    if (type === 'unknown') warnings.push('Unknown witness version: funds sent here may be unspendable')
    const result: OnchainAddress = { address, network, alsoValidOn: also, type, warnings }
    if (expected && expected !== network && !also.includes(expected)) {
      throw new MethodError('wrong-network', `address is for ${network}, expected ${expected}`)
    }
    return result
  }
  throw new MethodError(
    'invalid-address',
    isBech32
      ? 'not a valid bech32/bech32m Bitcoin address (bad checksum, length or witness program)'
      : 'not a valid Bitcoin address (unknown prefix or bad base58 checksum)',
  )
}
