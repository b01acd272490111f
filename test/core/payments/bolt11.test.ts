// BOLT #11 encoder and strict decoder: the spec's own example invoices (bolt11-spec-vectors.ts,
// lightning/bolts 11-payment-encoding.md @0028ac9) and round trips checked against the independent
// light-bolt11-decoder library.
import { describe, expect, it } from 'vitest'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bech32 } from '@scure/base'
import { decode as libDecode } from 'light-bolt11-decoder'
import { providers } from '../../../electron/main/core/crypto'
import { fromHex, toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { decodeBolt11, MAX_INVOICE_CHARS } from '../../../electron/main/core/payments/bolt11-decode'
import {
  encodeBolt11,
  nodePublicKey,
  type Bolt11Fields,
} from '../../../electron/main/core/payments/bolt11-encode'
import {
  encodeHrpAmount,
  parseHrp,
  signatureHash,
  type Bolt11Network,
} from '../../../electron/main/core/payments/bolt11-format'
import { SPEC_INVALID, SPEC_NODE_ID, SPEC_PRIV_KEY, SPEC_VALID } from './bolt11-spec-vectors'
import { codeOf } from './helpers'

const all = providers()
const specKey = fromHex(SPEC_PRIV_KEY)

// light-bolt11-decoder's typings list only some sections; read its values by name.
function libValue(inv: string, name: string): unknown {
  const sections = libDecode(inv).sections as { name: string; value?: unknown }[]
  return sections.find((s) => s.name === name)?.value
}

describe.each(all)('BOLT #11 spec examples decode ($name provider)', (crypto) => {
  it('every valid example decodes with the fields its breakdown lists', () => {
    let n = 0
    for (const v of SPEC_VALID) {
      const d = decodeBolt11(v.invoice, crypto)
      expect(d.network, v.name).toBe(v.network)
      expect(d.amountMsat, v.name).toBe(v.amountMsat)
      expect(d.timestamp, v.name).toBe(v.timestamp)
      expect(toHex(d.paymentHash), v.name).toBe(v.paymentHash)
      expect(d.description, v.name).toBe(v.description ?? null)
      if (v.descriptionUtf8OfHash !== undefined) {
        expect(d.descriptionHash, v.name).toEqual(crypto.hash('sha256', utf8(v.descriptionUtf8OfHash)))
      }
      expect(d.expirySecs, v.name).toBe(v.expirySecs)
      expect(d.expiresAt, v.name).toBe(v.timestamp + v.expirySecs)
      expect(d.minFinalCltvExpiry, v.name).toBe(v.minFinalCltvExpiry)
      expect(d.features, v.name).toEqual(v.features)
      expect(d.paymentSecret === null ? undefined : toHex(d.paymentSecret), v.name).toBe(v.paymentSecret)
      expect(d.payeeKeyFromField, v.name).toBe(false)
      if (v.specKey) expect(toHex(d.payeeNodeKey), v.name).toBe(SPEC_NODE_ID)
      // Whatever key was recovered, the signature verifies under it.
      const digest = signatureHash(parseHrpOf(v.invoice), dataWordsOf(v.invoice), crypto)
      expect(secp256k1.verify(d.signature, digest, d.payeeNodeKey, { prehash: false, lowS: false })).toBe(
        true,
      )
      n++
    }
    expect(n).toBe(SPEC_VALID.length)
    expect(n).toBeGreaterThanOrEqual(11)
  })

  it("reproduces the spec's signature breakdown: signing data, r||s and recovery id", () => {
    let n = 0
    for (const v of SPEC_VALID) {
      if (!v.sig) continue
      const hrp = parseHrpOf(v.invoice)
      const words = dataWordsOf(v.invoice)
      // The spec's "hex of data for signing" is hrp || data padded to a byte; our hash covers exactly that.
      expect(signatureHash(hrp, words, crypto)).toEqual(crypto.hash('sha256', fromHex(v.sig.signingDataHex)))
      const d = decodeBolt11(v.invoice, crypto)
      expect(toHex(d.signature)).toBe(v.sig.rs)
      expect(d.recoveryId).toBe(v.sig.recoveryId)
      // Independent check of the spec signature with the spec's public key.
      const digest = crypto.hash('sha256', fromHex(v.sig.signingDataHex))
      expect(secp256k1.verify(fromHex(v.sig.rs), digest, fromHex(SPEC_NODE_ID), { prehash: false })).toBe(
        true,
      )
      n++
    }
    expect(n).toBe(4)
  })

  it('refuses every invalid example with the code of the failed check', () => {
    // Guard against transcription slips: the checksum and mixed-case cases differ from the valid
    // nonsense example only where the spec says, and every other invalid case has a valid checksum.
    const nonsense = SPEC_VALID[2]!.invoice
    expect(SPEC_INVALID[1]!.invoice).toBe(nonsense.slice(0, -1) + 't')
    expect(SPEC_INVALID[3]!.invoice).toBe('LNBC' + nonsense.slice(4))
    for (const v of SPEC_INVALID.filter((_, i) => i !== 1 && i !== 3 && i !== 2)) {
      expect(() => bech32.decode(v.invoice as `${string}1${string}`, false), v.name).not.toThrow()
    }
    let n = 0
    for (const v of SPEC_INVALID) {
      expect(
        codeOf(() => decodeBolt11(v.invoice, crypto)),
        v.name,
      ).toBe(v.code)
      n++
    }
    expect(n).toBe(SPEC_INVALID.length)
  })
})

function parseHrpOf(invoice: string): string {
  return bech32.decode(invoice as `${string}1${string}`, false).prefix
}
function dataWordsOf(invoice: string): number[] {
  const words = Array.from(bech32.decode(invoice as `${string}1${string}`, false).words)
  return words.slice(0, words.length - 104)
}

describe.each(all)('BOLT #11 encoder ($name provider)', (crypto) => {
  it('rebuilds the spec examples character for character from their fields (RFC 6979 signatures)', () => {
    let n = 0
    for (const v of SPEC_VALID) {
      if (!v.reencodable) continue
      const fields: Bolt11Fields = {
        network: v.network,
        timestamp: v.timestamp,
        paymentHash: fromHex(v.paymentHash),
        ...(v.amountMsat === null ? {} : { amountMsat: v.amountMsat }),
        ...(v.description === undefined ? {} : { description: v.description }),
        ...(v.descriptionUtf8OfHash === undefined
          ? {}
          : { descriptionHash: crypto.hash('sha256', utf8(v.descriptionUtf8OfHash)) }),
        ...(v.expirySecs === 3600 ? {} : { expirySecs: v.expirySecs }),
        ...(v.paymentSecret === undefined ? {} : { paymentSecret: fromHex(v.paymentSecret) }),
        features: v.features,
      }
      expect(encodeBolt11(fields, specKey, crypto), v.name).toBe(v.invoice)
      n++
    }
    expect(n).toBe(5)
  })

  const networks: Bolt11Network[] = ['bitcoin', 'testnet', 'signet', 'regtest']
  const amounts: { label: string; msat: bigint | undefined; hrp: string }[] = [
    { label: 'no amount', msat: undefined, hrp: '' },
    { label: 'whole BTC', msat: 300_000_000_000n, hrp: '3' },
    { label: 'milli', msat: 2_000_000_000n, hrp: '20m' },
    { label: 'micro', msat: 250_000_000n, hrp: '2500u' },
    { label: 'nano (whole sats)', msat: 21_000n, hrp: '210n' },
    { label: 'nano (sub-sat)', msat: 1_500n, hrp: '15n' },
    { label: 'pico (odd msat)', msat: 1_501n, hrp: '15010p' },
    { label: 'one msat', msat: 1n, hrp: '10p' },
    { label: '21M BTC', msat: 2_100_000_000_000_000_000n, hrp: '21000000' },
  ]
  const prefix = { bitcoin: 'lnbc', testnet: 'lntb', signet: 'lntbs', regtest: 'lnbcrt' }
  const secret = secp256k1.utils.randomSecretKey()
  const nodeKey = nodePublicKey(secret)

  it.each(networks)('round-trips every amount form on %s through both decoders', (network) => {
    let n = 0
    for (const a of amounts) {
      const fields: Bolt11Fields = {
        network,
        timestamp: 1_760_000_000,
        paymentHash: crypto.hash('sha256', utf8(`preimage ${a.label}`)),
        paymentSecret: new Uint8Array(32).fill(7),
        description: `coffee ☕ ${a.label}`,
        expirySecs: 900,
        minFinalCltvExpiry: 40,
        features: [8, 14, 17],
        ...(a.msat === undefined ? {} : { amountMsat: a.msat }),
      }
      const inv = encodeBolt11(fields, secret, crypto)
      expect(inv.startsWith(`${prefix[network]}${a.hrp}1`), a.label).toBe(true)
      // Ours.
      const d = decodeBolt11(inv, crypto)
      expect(d.network).toBe(network)
      expect(d.amountMsat).toBe(a.msat ?? null)
      expect(d.timestamp).toBe(fields.timestamp)
      expect(d.paymentHash).toEqual(fields.paymentHash)
      expect(d.paymentSecret).toEqual(fields.paymentSecret)
      expect(d.description).toBe(fields.description)
      expect(d.expirySecs).toBe(900)
      expect(d.minFinalCltvExpiry).toBe(40)
      expect(d.features).toEqual([8, 14, 17])
      expect(d.payeeNodeKey).toEqual(nodeKey)
      // light-bolt11-decoder, written by someone else, reads the same values.
      const lib = libDecode(inv)
      expect(libValue(inv, 'amount') ?? null, a.label).toBe(a.msat === undefined ? null : a.msat.toString())
      expect(libValue(inv, 'timestamp')).toBe(fields.timestamp)
      expect(libValue(inv, 'payment_hash')).toBe(toHex(fields.paymentHash))
      expect(libValue(inv, 'payment_secret')).toBe(toHex(fields.paymentSecret!))
      expect(libValue(inv, 'description')).toBe(fields.description)
      expect(libValue(inv, 'expiry')).toBe(900)
      expect(libValue(inv, 'min_final_cltv_expiry')).toBe(40)
      const feats = libValue(inv, 'feature_bits') as Record<string, string>
      expect(feats['var_onion_optin']).toBe('required')
      expect(feats['payment_secret']).toBe('required')
      expect(feats['basic_mpp']).toBe('supported')
      // The library hands back the signature; recovering the payee key from it gives our node key.
      const sigHex = libValue(inv, 'signature') as string
      const sig = fromHex(sigHex)
      const recovered = secp256k1.recoverPublicKey(
        Uint8Array.of(sig[64]!, ...sig.subarray(0, 64)),
        signatureHash(parseHrpOf(inv), dataWordsOf(inv), crypto),
        { prehash: false },
      )
      expect(recovered).toEqual(nodeKey)
      expect(lib.paymentRequest).toBe(inv)
      n++
    }
    expect(n).toBe(amounts.length)
  })

  it('round-trips h, n and minimal x/c/9 fields', () => {
    const descriptionHash = crypto.hash('sha256', utf8('a long order description'))
    const inv = encodeBolt11(
      {
        network: 'regtest',
        timestamp: 1,
        amountMsat: 1000n,
        paymentHash: new Uint8Array(32).fill(1),
        descriptionHash,
        includePayeeNodeKey: true,
        expirySecs: 31, // one word
        minFinalCltvExpiry: 32, // two words
        features: [9],
      },
      secret,
      crypto,
    )
    const d = decodeBolt11(inv, crypto)
    expect(d.descriptionHash).toEqual(descriptionHash)
    expect(d.description).toBeNull()
    expect(d.payeeKeyFromField).toBe(true)
    expect(d.payeeNodeKey).toEqual(nodeKey)
    expect(d.expirySecs).toBe(31)
    expect(d.minFinalCltvExpiry).toBe(32)
    expect(d.features).toEqual([9])
    expect(libValue(inv, 'payee')).toBe(toHex(nodeKey))
    expect(libValue(inv, 'description_hash')).toBe(toHex(descriptionHash))
    // Minimal lengths: x = "qp" + 1 word, c = "qz" + 2 words, 9 = "qz" + 2 words (bit 9 is in word 2).
    const letters = (libDecode(inv).sections as { name: string; letters?: string }[]).map((s) => [
      s.name,
      s.letters,
    ])
    expect(letters).toContainEqual(['expiry', 'xqp' + bech32Char(31)])
    expect(letters.find(([name]) => name === 'min_final_cltv_expiry')?.[1]).toHaveLength(5)
    expect(letters.find(([name]) => name === 'feature_bits')?.[1]).toHaveLength(5)
  })

  it('an n field that does not match the signature is refused', () => {
    const inv = encodeBolt11(
      {
        network: 'regtest',
        timestamp: 1,
        paymentHash: new Uint8Array(32).fill(1),
        description: 'x',
        includePayeeNodeKey: true,
      },
      secret,
      crypto,
    )
    // Swap the 53-word n field for another node's key and re-checksum: a forged payee.
    const other = nodePublicKey(secp256k1.utils.randomSecretKey())
    const { prefix: hrp, words } = bech32.decode(inv as `${string}1${string}`, false)
    const w = Array.from(words)
    const nAt = w.findIndex((x, i) => i >= 7 && x === 19 && w[i + 1] === 1 && w[i + 2] === 21)
    expect(nAt).toBeGreaterThan(0)
    w.splice(nAt + 3, 53, ...bech32.toWords(other))
    const forged = bech32.encode(hrp, w, false)
    expect(codeOf(() => decodeBolt11(forged, crypto))).toBe('bolt11-bad-signature')
  })
})

function bech32Char(v: number): string {
  return 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'[v]!
}

describe('BOLT #11 amounts in the human-readable part', () => {
  it('writes the shortest form and reads it back', () => {
    const cases: [bigint, string][] = [
      [100_000_000_000n, '1'],
      [10_000_000_000n, '100m'],
      [100_000_000n, '1m'],
      [100_000n, '1u'],
      [1000n, '10n'],
      [100n, '1n'],
      [1n, '10p'],
      [12_345n, '123450p'],
    ]
    for (const [msat, text] of cases) {
      expect(encodeHrpAmount(msat)).toBe(text)
      expect(parseHrp(`lnbcrt${text}`)).toEqual({ network: 'regtest', amountMsat: msat })
    }
    expect(cases.length).toBe(8)
  })

  it('refuses zero, leading zeros, sub-msat pico, unknown prefixes and amounts over 21M BTC', () => {
    expect(codeOf(() => encodeHrpAmount(0n))).toBe('bolt11-invalid-field')
    expect(codeOf(() => encodeHrpAmount(2_100_000_000_000_000_001n))).toBe('bolt11-invalid-field')
    expect(codeOf(() => parseHrp('lnbc0'))).toBe('bolt11-bad-amount')
    expect(codeOf(() => parseHrp('lnbc01u'))).toBe('bolt11-bad-amount')
    expect(codeOf(() => parseHrp('lnbc11p'))).toBe('bolt11-bad-amount')
    expect(codeOf(() => parseHrp('lnbc2100000001'))).toBe('bolt11-bad-amount')
    expect(codeOf(() => parseHrp('lnsb10u'))).toBe('bolt11-unknown-network')
    expect(parseHrp('lntbs')).toEqual({ network: 'signet', amountMsat: null })
    expect(parseHrp('lntb')).toEqual({ network: 'testnet', amountMsat: null })
  })
})

describe('BOLT #11 encoder refuses what the spec forbids', () => {
  const secret = secp256k1.utils.randomSecretKey()
  const base: Bolt11Fields = {
    network: 'regtest',
    timestamp: 1_700_000_000,
    paymentHash: new Uint8Array(32).fill(2),
    description: 'ok',
  }
  it('completes BOLT #9 feature dependencies, so the decoder accepts what the encoder writes', () => {
    const secretField = { paymentSecret: new Uint8Array(32).fill(9) }
    const cases: [number[], number[]][] = [
      [[14], [8, 14]], // payment_secret (required) brings var_onion_optin (required)
      [[17], [9, 15, 17]], // basic_mpp (optional) brings payment_secret, then var_onion_optin (optional)
      [
        [9, 14],
        [9, 14],
      ], // already met: unchanged
    ]
    for (const [asked, written] of cases) {
      const inv = encodeBolt11({ ...base, ...secretField, features: asked }, secret)
      expect(decodeBolt11(inv).features, JSON.stringify(asked)).toEqual(written)
    }
    expect(cases).toHaveLength(3)
  })

  it('each bad field gets a typed error', () => {
    const bad: [Partial<Bolt11Fields> & Record<string, unknown>, string][] = [
      [{ paymentHash: new Uint8Array(31) }, 'bolt11-invalid-field'],
      [{ description: 'x'.repeat(640) }, 'bolt11-description-too-long'],
      [{ descriptionHash: new Uint8Array(32) }, 'bolt11-invalid-field'], // both d and h
      [{ paymentSecret: new Uint8Array(32) }, 'bolt11-invalid-field'], // s without feature 14/15
      [{ features: [14, 8] }, 'bolt11-invalid-field'], // feature 14 without s
      [{ timestamp: -1 }, 'bolt11-invalid-field'],
      [{ timestamp: 2 ** 35 }, 'bolt11-invalid-field'],
      [{ expirySecs: 0 }, 'bolt11-invalid-field'],
      [{ minFinalCltvExpiry: 1.5 }, 'bolt11-invalid-field'],
      [{ amountMsat: 0n }, 'bolt11-invalid-field'],
      [{ features: [-1] }, 'bolt11-invalid-field'],
      [{ network: 'litecoin' as Bolt11Network }, 'bolt11-invalid-field'],
    ]
    for (const [patch, code] of bad) {
      expect(
        codeOf(() => encodeBolt11({ ...base, ...patch } as Bolt11Fields, secret)),
        JSON.stringify(Object.keys(patch)),
      ).toBe(code)
    }
    expect(codeOf(() => encodeBolt11(base, new Uint8Array(32)))).toBe('bolt11-invalid-field') // zero key
    // 639 bytes is the most one d field holds, and it round-trips.
    const longest = encodeBolt11({ ...base, description: 'é'.repeat(319) + 'x' }, secret)
    expect(decodeBolt11(longest).description).toBe('é'.repeat(319) + 'x')
  })
})

describe('BOLT #11 decoder bad input', () => {
  it('refuses non-strings, over-long strings, truncated fields and bad UTF-8 with typed errors', () => {
    expect(codeOf(() => decodeBolt11(42 as unknown as string))).toBe('bolt11-malformed')
    expect(codeOf(() => decodeBolt11('lnbc1' + 'q'.repeat(MAX_INVOICE_CHARS)))).toBe('bolt11-too-long')
    expect(codeOf(() => decodeBolt11(''))).toBe('bolt11-malformed')
    const secret = secp256k1.utils.randomSecretKey()
    // A field whose declared length runs past the end of the data.
    const words = [0, 0, 0, 0, 0, 0, 1, 1, 1, 20, 0, 0]
    const cut = bech32.encode('lnbcrt', [...words, ...new Array(104).fill(0)], false)
    expect(codeOf(() => decodeBolt11(cut))).toBe('bolt11-malformed')
    // Invalid UTF-8 in d, properly signed.
    const data = [0, 0, 0, 0, 0, 0, 1, 1, 1, 20, ...bech32.toWords(new Uint8Array(32)), 13, 0, 2, 31, 31]
    const hash = signatureHash('lnbcrt', data)
    const sig = secp256k1.sign(hash, secret, { prehash: false, format: 'recovered' })
    const badUtf8 = bech32.encode(
      'lnbcrt',
      [...data, ...bech32.toWords(Uint8Array.of(...sig.subarray(1), sig[0]!))],
      false,
    )
    expect(codeOf(() => decodeBolt11(badUtf8))).toBe('bolt11-malformed')
  })

  it('an invoice without p or without d/h is refused as missing a field', () => {
    const secret = secp256k1.utils.randomSecretKey()
    const signed = (data: number[]): string => {
      const sig = secp256k1.sign(signatureHash('lnbcrt', data), secret, {
        prehash: false,
        format: 'recovered',
      })
      return bech32.encode(
        'lnbcrt',
        [...data, ...bech32.toWords(Uint8Array.of(...sig.subarray(1), sig[0]!))],
        false,
      )
    }
    const ts = [0, 0, 0, 0, 0, 0, 1]
    const p = [1, 1, 20, ...bech32.toWords(new Uint8Array(32).fill(3))]
    const d = [13, 0, 2, ...bech32.toWords(utf8('a'))]
    expect(decodeBolt11(signed([...ts, ...p, ...d])).description).toBe('a')
    expect(codeOf(() => decodeBolt11(signed([...ts, ...d])))).toBe('bolt11-missing-field')
    expect(codeOf(() => decodeBolt11(signed([...ts, ...p])))).toBe('bolt11-missing-field')
    // payment_secret feature (14) with var_onion_optin but no s field.
    const f = [5, 0, 3, 16, 8, 0] // bits 14 and 8 in three words (bit 0 is the last word's LSB)
    expect(codeOf(() => decodeBolt11(signed([...ts, ...p, ...d, ...f])))).toBe('bolt11-missing-field')
  })
})
