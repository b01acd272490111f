/**
 * @module methods/watch-only
 * Receive addresses from an account-level extended public key, so the POS can publish a fresh
 * on-chain address per checkout without holding any private key.
 *
 * Accepted input:
 * - SLIP-132 extended public keys: xpub/zpub (mainnet), tpub/vpub (testnet, signet or regtest),
 *   ypub/upub (BIP49: P2SH-wrapped P2WPKH);
 * - a `wpkh(...)` or `sh(wpkh(...))` output descriptor, e.g.
 *   `wpkh([d34db33f/84h/0h/0h]xpub…/0/*)#checksum` (the BIP380 checksum is verified when present;
 *   `/<0;1>/*` multipath is accepted and the chain chosen per call).
 * Private keys (xprv, zprv, …) are refused: watch-only means watch-only.
 *
 * Default script: BIP84 P2WPKH (xpub/tpub/zpub/vpub); `ypub`/`upub`/`sh(wpkh())` give P2SH-P2WPKH.
 * Derivation: account key / chain (0 receive, 1 change) / index (non-hardened, < 2^31).
 */
import { HDKey } from '@scure/bip32'
import { NETWORK, TEST_NETWORK, p2sh, p2wpkh } from '@scure/btc-signer'
import { MethodError, type Network } from './errors'

type Script = 'wpkh' | 'sh-wpkh'

interface VersionInfo {
  readonly pub: number
  readonly prv: number
  readonly mainnet: boolean
  readonly script: Script
}

const VERSIONS: Record<string, VersionInfo> = {
  xpub: { pub: 0x0488b21e, prv: 0x0488ade4, mainnet: true, script: 'wpkh' },
  ypub: { pub: 0x049d7cb2, prv: 0x049d7878, mainnet: true, script: 'sh-wpkh' },
  zpub: { pub: 0x04b24746, prv: 0x04b2430c, mainnet: true, script: 'wpkh' },
  tpub: { pub: 0x043587cf, prv: 0x04358394, mainnet: false, script: 'wpkh' },
  upub: { pub: 0x044a5262, prv: 0x044a4e28, mainnet: false, script: 'sh-wpkh' },
  vpub: { pub: 0x045f1cf6, prv: 0x045f18bc, mainnet: false, script: 'wpkh' },
}
const PRIVATE_PREFIXES = ['xprv', 'yprv', 'zprv', 'tprv', 'uprv', 'vprv']

export interface WatchOnlyAccount {
  readonly network: Network
  readonly script: Script
  /** Account depth from the key (3 for BIP84 m/84'/coin'/account'). */
  readonly depth: number
  /** Descriptor origin, when given: master fingerprint (hex) and path. */
  readonly origin: { fingerprint: string; path: string } | null
  /** Chains allowed by the descriptor (both when a plain key or `<0;1>` was given). */
  readonly chains: readonly (0 | 1)[]
  readonly warnings: readonly string[]
  /** @internal */
  readonly key: HDKey
}

// BIP380 descriptor checksum.
const INPUT_CHARSET =
  '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ '
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const GEN = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn]

function polymod(c: bigint, val: number): bigint {
  const c0 = c >> 35n
  c = ((c & 0x7ffffffffn) << 5n) ^ BigInt(val)
  for (let i = 0; i < 5; i++) if ((c0 >> BigInt(i)) & 1n) c ^= GEN[i]!
  return c
}

/** The 8-character BIP380 checksum of a descriptor body. */
export function descriptorChecksum(desc: string): string {
  let c = 1n
  let cls = 0
  let clscount = 0
  for (const ch of desc) {
    const pos = INPUT_CHARSET.indexOf(ch)
    if (pos < 0) throw new MethodError('invalid-xpub', `descriptor contains an invalid character "${ch}"`)
    c = polymod(c, pos & 31)
    cls = cls * 3 + (pos >> 5)
    if (++clscount === 3) {
      c = polymod(c, cls)
      cls = 0
      clscount = 0
    }
  }
  if (clscount > 0) c = polymod(c, cls)
  for (let j = 0; j < 8; j++) c = polymod(c, 0)
  c ^= 1n
  let out = ''
  for (let j = 0; j < 8; j++) out += CHECKSUM_CHARSET[Number((c >> BigInt(5 * (7 - j))) & 31n)]
  return out
}

function loadKey(text: string): { key: HDKey; info: VersionInfo } {
  const prefix = text.slice(0, 4)
  if (PRIVATE_PREFIXES.includes(prefix)) {
    throw new MethodError(
      'invalid-xpub',
      'this is a private extended key; give the public key (xpub/zpub/vpub…)',
    )
  }
  const info = VERSIONS[prefix]
  if (!info)
    throw new MethodError(
      'invalid-xpub',
      `unknown extended key prefix "${prefix}" (expected xpub, ypub, zpub, tpub, upub or vpub)`,
    )
  try {
    const key = HDKey.fromExtendedKey(text, { public: info.pub, private: info.prv })
    if (key.privateKey) throw new Error('private key material present')
    return { key, info }
  } catch (e) {
    throw new MethodError('invalid-xpub', `not a valid ${prefix}: ${(e as Error).message}`)
  }
}

/** Parses an extended public key or a `wpkh(...)` / `sh(wpkh(...))` descriptor. */
export function parseWatchOnly(input: string, options: { network?: Network } = {}): WatchOnlyAccount {
  if (typeof input !== 'string') throw new MethodError('invalid-xpub', 'key must be text')
  let text = input.trim()
  if (text.length > 1000) throw new MethodError('invalid-xpub', 'input is too long')
  const warnings: string[] = []
  let origin: WatchOnlyAccount['origin'] = null
  let chains: (0 | 1)[] = [0, 1]
  let scriptOverride: Script | null = null
  if (text.includes('(')) {
    const hash = text.lastIndexOf('#')
    if (hash >= 0) {
      const body = text.slice(0, hash)
      const sum = text.slice(hash + 1)
      if (descriptorChecksum(body) !== sum)
        throw new MethodError('invalid-xpub', 'descriptor checksum does not match')
      text = body
    }
    const m =
      /^(wpkh|sh\(wpkh)\((?:\[([0-9a-fA-F]{8})((?:\/[0-9]+[hH']?)*)\])?([1-9A-HJ-NP-Za-km-z]+)((?:\/[0-9]+)*)\/(0|1|<0;1>)\/\*\)(\))?$/.exec(
        text,
      )
    if (!m) {
      throw new MethodError(
        'invalid-xpub',
        'descriptor must look like wpkh([fingerprint/84h/0h/0h]xpub…/0/*)',
      )
    }
    const wrapped = m[1] === 'sh(wpkh'
    if (wrapped !== (m[7] === ')'))
      throw new MethodError('invalid-xpub', 'unbalanced parentheses in descriptor')
    scriptOverride = wrapped ? 'sh-wpkh' : 'wpkh'
    if (m[2]) origin = { fingerprint: m[2].toLowerCase(), path: `m${m[3] ?? ''}` }
    if (m[5])
      throw new MethodError(
        'invalid-xpub',
        'only account-level keys are supported (no extra path before the chain)',
      )
    chains = m[6] === '<0;1>' ? [0, 1] : [Number(m[6]) as 0 | 1]
    text = m[4]!
  }
  const { key, info } = loadKey(text)
  let network: Network = info.mainnet ? 'mainnet' : 'testnet'
  if (options.network) {
    const compatible = info.mainnet ? options.network === 'mainnet' : options.network !== 'mainnet'
    if (!compatible)
      throw new MethodError('wrong-network', `key is for ${network}, expected ${options.network}`)
    network = options.network
  }
  if (origin) {
    const depth = origin.path.split('/').length - 1
    if (depth !== key.depth)
      warnings.push(`origin path depth ${depth} differs from the key depth ${key.depth}`)
  }
  if (key.depth !== 3) warnings.push(`key depth is ${key.depth}; BIP84 account keys have depth 3`)
  return { network, script: scriptOverride ?? info.script, depth: key.depth, origin, chains, warnings, key }
}

/** Address `index` on `chain` (0 receive, 1 change) of a watch-only account. */
export function deriveAddress(account: WatchOnlyAccount, index: number, chain: 0 | 1 = 0): string {
  if (!Number.isInteger(index) || index < 0 || index >= 0x80000000) {
    throw new MethodError('invalid-xpub', `address index must be 0..2^31-1, got ${index}`)
  }
  if (!account.chains.includes(chain))
    throw new MethodError('invalid-xpub', `descriptor does not cover chain ${chain}`)
  const pub = account.key.deriveChild(chain).deriveChild(index).publicKey
  if (!pub) throw new MethodError('invalid-xpub', 'derivation produced no public key')
  const net =
    account.network === 'mainnet'
      ? NETWORK
      : account.network === 'regtest'
        ? { ...TEST_NETWORK, bech32: 'bcrt' }
        : TEST_NETWORK
  const spk = p2wpkh(pub, net)
  const address = account.script === 'wpkh' ? spk.address : p2sh(spk, net).address
  if (!address) throw new MethodError('invalid-xpub', 'could not encode the address')
  return address
}
