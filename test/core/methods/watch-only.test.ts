// Watch-only address derivation, checked against the BIP84 document's test vector (derived here
// independently from the mnemonic with @scure/bip39 + @scure/bip32).
import { describe, expect, it } from 'vitest'
import { HDKey } from '@scure/bip32'
import { mnemonicToSeedSync } from '@scure/bip39'
import { base58check } from '@scure/base'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  descriptorChecksum,
  deriveAddress,
  parseWatchOnly,
} from '../../../electron/main/core/methods/watch-only'

const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
// BIP84 test vectors (bitcoin/bips bip-0084.mediawiki).
const ZPUB =
  'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs'
const RECEIVE_0 = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'
const RECEIVE_1 = 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g'
const CHANGE_0 = 'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el'

/** Re-encodes an extended key with other version bytes (zpub ↔ xpub ↔ vpub …). */
function withVersion(key: string, version: number): string {
  const b58 = base58check(sha256)
  const raw = b58.decode(key)
  const out = raw.slice()
  new DataView(out.buffer).setUint32(0, version)
  return b58.encode(out)
}

describe('watch-only derivation (BIP84 vector)', () => {
  it('the mnemonic gives the documented zpub, and the zpub gives the documented addresses', () => {
    const account = HDKey.fromMasterSeed(mnemonicToSeedSync(MNEMONIC)).derive("m/84'/0'/0'")
    expect(withVersion(account.publicExtendedKey, 0x04b24746)).toBe(ZPUB)
    const acct = parseWatchOnly(ZPUB)
    expect(acct.network).toBe('mainnet')
    expect(acct.script).toBe('wpkh')
    expect(deriveAddress(acct, 0)).toBe(RECEIVE_0)
    expect(deriveAddress(acct, 1)).toBe(RECEIVE_1)
    expect(deriveAddress(acct, 0, 1)).toBe(CHANGE_0)
    // The same account as an xpub (BIP84 P2WPKH by default) and inside a descriptor.
    const xpub = withVersion(ZPUB, 0x0488b21e)
    expect(deriveAddress(parseWatchOnly(xpub), 0)).toBe(RECEIVE_0)
    const body = `wpkh([73c5da0a/84h/0h/0h]${xpub}/0/*)`
    const desc = parseWatchOnly(`${body}#${descriptorChecksum(body)}`)
    expect(desc.origin).toEqual({ fingerprint: '73c5da0a', path: 'm/84h/0h/0h' })
    expect(desc.warnings).toEqual([])
    expect(deriveAddress(desc, 1)).toBe(RECEIVE_1)
    expect(() => deriveAddress(desc, 0, 1)).toThrow(expect.objectContaining({ code: 'invalid-xpub' }))
    const multi = parseWatchOnly(`wpkh([73c5da0a/84h/0h/0h]${xpub}/<0;1>/*)`)
    expect(deriveAddress(multi, 0, 1)).toBe(CHANGE_0)
  })

  it('descriptor checksum matches the Bitcoin Core documentation example', () => {
    expect(
      descriptorChecksum(
        'wpkh([d34db33f/84h/0h/0h]xpub6DJ2dNUysrn5Vt36jH2KLBT2i1auw1tTSSomg8PhqNiUtx8QX2SvC9nrHu81fT41fvDUnhMjEzQgXnQjKEu3oaqMSzhSrHMxyyoEAmUHQbY/0/*)',
      ),
    ).toBe('cjjspncu')
  })

  it('testnet vpub gives tb1 addresses; regtest on request', () => {
    const vpub = withVersion(ZPUB, 0x045f1cf6)
    expect(deriveAddress(parseWatchOnly(vpub), 0)).toMatch(/^tb1q/)
    expect(deriveAddress(parseWatchOnly(vpub, { network: 'regtest' }), 0)).toMatch(/^bcrt1q/)
    expect(deriveAddress(parseWatchOnly(withVersion(ZPUB, 0x049d7cb2)), 0)).toMatch(/^3/)
  })

  it('bad input gets typed errors', () => {
    const xprv = HDKey.fromMasterSeed(mnemonicToSeedSync(MNEMONIC)).derive("m/84'/0'/0'").privateExtendedKey
    const xpub = withVersion(ZPUB, 0x0488b21e)
    const cases: [string, string][] = [
      [xprv, 'invalid-xpub'],
      ['zpub123', 'invalid-xpub'],
      ['abcd' + ZPUB.slice(4), 'invalid-xpub'],
      [ZPUB.slice(0, -1) + 'x', 'invalid-xpub'],
      [`wpkh(${xpub}/0/*)#aaaaaaaa`, 'invalid-xpub'],
      [`pkh(${xpub}/0/*)`, 'invalid-xpub'],
      [`wpkh(${xpub}/0/0/*)`, 'invalid-xpub'],
    ]
    for (const [input, code] of cases)
      expect(() => parseWatchOnly(input), input.slice(0, 30)).toThrow(expect.objectContaining({ code }))
    expect(() => parseWatchOnly(ZPUB, { network: 'testnet' })).toThrow(
      expect.objectContaining({ code: 'wrong-network' }),
    )
    expect(() => deriveAddress(parseWatchOnly(ZPUB), 2 ** 31)).toThrow(
      expect.objectContaining({ code: 'invalid-xpub' }),
    )
  })
})
