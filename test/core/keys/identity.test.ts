// Mnemonic → identity the way Pubky Ring derives it (BIP-39 seed with empty passphrase, first 32
// bytes = Ed25519 secret; pubky/pubky-core-ffi src/keypair.rs). No repository publishes an expected
// pubky for a phrase, so the seeds are checked against the published BIP-39 (Trezor) reference values,
// the secret against the seed slice, and the public key against RFC 8032 through every provider. The
// real SDK's view of the same secret is checked in sdk-interop.test.ts.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import {
  generateMnemonic,
  identityFromMnemonic,
  identityFromSecret,
  validateMnemonic,
} from '../../../electron/main/core/keys/identity'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { fromHex, toHex } from '../../../electron/main/core/util/bytes'
import { InputError } from '../../../electron/main/core/util/errors'
import { fixedRng } from '../../../electron/main/core/util/rng'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()
const ABANDON =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
const LEGAL = 'legal winner thank year wave sausage worth useful legal winner thank yellow'
// Published BIP-39 seeds (bitcoin/bips bip-0039 reference, trezor/python-mnemonic vectors.json).
const SEEDS: [string, string, string][] = [
  [
    ABANDON,
    '',
    '5eb00bbddcf069084889a8ab9155568165f5c453ccb85e70811aaed6f6da5fc19a5ac40b389cd370d086206dec8aa6c43daea6690f20ad3d8d48b2d2ce9e38e4',
  ],
  [
    ABANDON,
    'TREZOR',
    'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
  ],
  [
    LEGAL,
    'TREZOR',
    '2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607',
  ],
]

describe('identityFromMnemonic (Pubky Ring derivation)', () => {
  for (const p of all) {
    it(`${p.name}: secret = first 32 bytes of the BIP-39 seed; public key and z32 follow`, () => {
      for (const [phrase, pass, seedHex] of SEEDS) {
        const id = identityFromMnemonic(phrase, pass, p)
        expect(toHex(id.secretKey)).toBe(seedHex.slice(0, 64))
        expect(id.publicKey).toEqual(p.ed25519PublicKey(fromHex(seedHex.slice(0, 64))))
        expect(id.z32).toBe(z32Encode(id.publicKey))
      }
    })
  }

  it('Ring uses the empty passphrase by default; a passphrase changes the identity', () => {
    expect(identityFromMnemonic(ABANDON).z32).toBe(identityFromMnemonic(ABANDON, '').z32)
    expect(identityFromMnemonic(ABANDON, 'TREZOR').z32).not.toBe(identityFromMnemonic(ABANDON).z32)
  })

  it('canonicalises spacing, case and Unicode form as the Rust bip39 crate (plus case folding)', () => {
    const expected = identityFromMnemonic(ABANDON).z32
    expect(identityFromMnemonic(`  ${ABANDON.replace(/ /g, ' \t\n ')}  `).z32).toBe(expected)
    expect(identityFromMnemonic(ABANDON.toUpperCase()).z32).toBe(expected)
  })

  it('is deterministic and the two providers agree', () => {
    const [a, b] = [
      identityFromMnemonic(LEGAL, '', all[0]),
      identityFromMnemonic(LEGAL, '', all[all.length - 1]),
    ]
    expect(a).toEqual(b)
  })
})

describe.skipIf(!vectorsPresent)('identityFromSecret: RFC 8032 keys (needs ../shared/vectors)', () => {
  const v = vectorsPresent ? loadVectors('paykit/rfc_crypto.json') : { ed25519: [] }
  for (const p of all) {
    it(`${p.name}`, () => {
      expect(v.ed25519).toHaveLength(3)
      for (const c of v.ed25519) {
        const sk = fromHex(c.sk)
        const id = identityFromSecret(sk, p)
        expect(toHex(id.publicKey)).toBe(c.pk)
        expect(id.secretKey).not.toBe(sk) // a copy: wiping the caller's array leaves ours intact
        expect(id.secretKey).toEqual(sk)
      }
    })
  }
})

describe('generateMnemonic', () => {
  it('makes 12 valid words like Ring, from the injected rng', () => {
    expect(generateMnemonic(fixedRng(new Uint8Array(16)))).toBe(ABANDON)
    const phrase = generateMnemonic()
    expect(phrase.split(' ')).toHaveLength(12)
    expect(() => validateMnemonic(phrase)).not.toThrow()
    expect(generateMnemonic()).not.toBe(phrase)
  })
})

describe('validateMnemonic says what is wrong', () => {
  it.each([
    ['abandon abandon abandon', /has 3 words; expected 12/],
    ['', /has 0 words/],
    [ABANDON.replace('about', 'aboot'), /unknown word "aboot" \(word 12\)/],
    [ABANDON.replace('about', 'abandon'), /checksum does not match/],
    [`${ABANDON} about`, /has 13 words/],
    ['x'.repeat(2000), /characters long/],
  ])('%s', (phrase, message) => {
    expect(() => validateMnemonic(phrase)).toThrow(InputError)
    expect(() => validateMnemonic(phrase)).toThrow(message)
    expect(() => identityFromMnemonic(phrase)).toThrow(InputError)
  })
  it('wrong types are InputErrors, not TypeErrors', () => {
    expect(() => validateMnemonic(12 as unknown as string)).toThrow(InputError)
    expect(() => identityFromMnemonic(ABANDON, 5 as unknown as string)).toThrow(InputError)
    expect(() => identityFromSecret(new Uint8Array(31))).toThrow(InputError)
    expect(() => identityFromSecret('00' as unknown as Uint8Array)).toThrow(InputError)
  })
})
