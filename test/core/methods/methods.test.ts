// Payment methods: the reference heuristics (methods.json) and the real parsers layered on top.
import { describe, expect, it } from 'vitest'
import {
  extractLightning,
  extractOnchainAddress,
  readMethodFile,
} from '../../../electron/main/core/methods/endpoint'
import {
  bolt11Heuristic,
  lnurlHeuristic,
  onchainHeuristic,
  supportsAmountHeuristic,
} from '../../../electron/main/core/methods/heuristics'
import { validateOnchainAddress } from '../../../electron/main/core/methods/onchain'
import { parseBolt11 } from '../../../electron/main/core/methods/bolt11'
import { parseLightningAddress, parseLnurl } from '../../../electron/main/core/methods/lnurl'
import { btcToSats, parseBip21 } from '../../../electron/main/core/methods/bip21'
import { checkMethodId, isMethodEntry } from '../../../electron/main/core/methods/ids'
import { readMethodProof, writeMethodProof } from '../../../electron/main/core/methods/proof'
import type { Network } from '../../../electron/main/core/methods/errors'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { bech32 } from '@scure/base'
import { decode as libDecode } from 'light-bolt11-decoder'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { encodeBolt11 } from '../../../electron/main/core/payments/bolt11-encode'
import { fromHex, toHex } from '../../../electron/main/core/util/bytes'
import { SPEC_INVALID, SPEC_NODE_ID, SPEC_PRIV_KEY } from '../payments/bolt11-spec-vectors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

// BOLT11 spec examples (valid checksums): a donation without amount, and 2500u with a 60 s expiry.
const DONATION =
  'lnbc1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq8rkx3yf5tcsyz3d73gafnh3cax9rn449d9p5uxz9ezhhypd0elx87sjle52x86fux2ypatgddc6k63n7erqz25le42c4u4ecky03ylcqca784w'
const COFFEE =
  'lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdq5xysxxatsyp3k7enxv4jsxqzpuaztrnwngzn3kdzw5hydlzf03qdgm2hdq27cqv3agm2awhz5se903vruatfhq77w3ls4evs3ch9zw97j25emudupq63nyw24cg27h2rspfj9srp'

describe.skipIf(!vectorsPresent)('methods.json reference heuristics (needs ../shared/vectors)', () => {
  it('every vector', () => {
    const v = loadVectors('paykit/methods.json')
    let n = 0
    for (const c of v.vectors) {
      const net = (c.network ?? 'mainnet') as Network
      if ('supports_amount_sats' in c) {
        expect(supportsAmountHeuristic(c.plugin, String(c.supports_amount_sats), 'SAT')).toBe(c.expected)
      } else if ('extract' in c) {
        expect(extractLightning(c.extract).kind).toBe(c.kind === 'Bolt11' ? 'bolt11' : 'lnurl')
      } else if (c.plugin === 'onchain') {
        const addr = 'address' in c ? c.address : extractOnchainAddress(c.endpoint)
        const r = onchainHeuristic(addr, net)
        expect(r.valid, addr).toBe(c.valid)
        if ('has_warning' in c) expect(r.warnings.length > 0).toBe(c.has_warning)
      } else {
        const ep =
          'endpoint' in c
            ? extractLightning(c.endpoint)
            : 'lnurl' in c
              ? extractLightning(c.lnurl)
              : extractLightning(c.bolt11)
        const r = ep.kind === 'bolt11' ? bolt11Heuristic(ep.value, net) : lnurlHeuristic(ep.value)
        expect(r.valid, ep.value.slice(0, 20)).toBe(c.valid)
      }
      n++
    }
    expect(n).toBe(24)
  })

  it('the real parsers agree where the vector is genuine, and are stricter where it is not', () => {
    // Genuine mainnet/testnet addresses from the vectors decode with their network.
    expect(validateOnchainAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', 'mainnet').type).toBe('pkh')
    expect(validateOnchainAddress('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'mainnet').type).toBe('sh')
    expect(validateOnchainAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq').network).toBe('mainnet')
    expect(validateOnchainAddress('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx').network).toBe('testnet')
    // "tb1qar0s…" is the mainnet address with its prefix swapped: the heuristic says testnet, the checksum says no.
    expect(() => validateOnchainAddress('tb1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')).toThrow(
      expect.objectContaining({ code: 'invalid-address' }),
    )
    expect(parseBolt11(DONATION).network).toBe('mainnet')
    // The vector's lntb invoice is the mainnet one with the prefix and checksum edited: not a real invoice.
    const v = loadVectors('paykit/methods.json')
    const lntb = v.vectors.find((x: { bolt11?: string }) => x.bolt11?.startsWith('lntb1pvj')).bolt11
    expect(() => parseBolt11(lntb)).toThrow(expect.objectContaining({ code: 'invalid-invoice' }))
    // The vector's LNURL passes the prefix/length heuristic but its bech32 checksum is wrong.
    const lnurl = v.vectors.find((x: { lnurl?: string }) => x.lnurl?.startsWith('lnurl1')).lnurl
    expect(lnurlHeuristic(lnurl).valid).toBe(true)
    expect(() => parseLnurl(lnurl)).toThrow(expect.objectContaining({ code: 'invalid-lnurl' }))
  })
})

describe.skipIf(!vectorsPresent)('json_shapes.json method-plugin proofs (needs ../shared/vectors)', () => {
  it('the type-tagged proof enum round-trips byte-exact', () => {
    const shapes = loadVectors('paykit/json_shapes.json')
    let n = 0
    for (const literal of shapes.payment_proof_paykit_lib_methods) {
      const text = JSON.stringify(literal)
      expect(writeMethodProof(readMethodProof(text))).toBe(text)
      n++
    }
    expect(n).toBe(3)
    expect(() => readMethodProof('{"type":"Teleport"}')).toThrow(
      expect.objectContaining({ code: 'invalid-proof' }),
    )
  })
})

describe('real validators', () => {
  it('on-chain: networks, types, case, and typed failures', () => {
    const reg = validateOnchainAddress('bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080')
    expect(reg.network).toBe('regtest')
    expect(validateOnchainAddress('BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ').address).toBe(
      'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
    )
    expect(
      validateOnchainAddress('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0').type,
    ).toBe('tr')
    expect(validateOnchainAddress('mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn').alsoValidOn).toContain('regtest')
    expect(() => validateOnchainAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'testnet')).toThrow(
      expect.objectContaining({ code: 'wrong-network' }),
    )
    for (const bad of [
      '',
      'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr',
      '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3',
      'Bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      'hello',
    ]) {
      expect(() => validateOnchainAddress(bad), bad).toThrow(
        expect.objectContaining({ code: 'invalid-address' }),
      )
    }
  })

  it('BOLT11: amount, expiry, network, expired and tampered invoices', () => {
    const inv = parseBolt11(`LIGHTNING:${COFFEE.toUpperCase()}`)
    expect(inv.amountSats).toBe(250_000n)
    expect(inv.amountMsat).toBe(250_000_000n)
    expect(inv.description).toBe('1 cup coffee')
    expect(inv.expirySecs).toBe(60)
    expect(inv.expiresAt).toBe(inv.timestamp + 60)
    expect(inv.paymentHash).toBe('0001020304050607080900010203040506070809000102030405060708090102')
    const d = parseBolt11(DONATION)
    expect(d.amountSats).toBeNull()
    expect(d.expirySecs).toBe(3600)
    expect(() => parseBolt11(COFFEE, { clock: new ManualClock((inv.expiresAt + 1) * 1000) })).toThrow(
      expect.objectContaining({ code: 'invoice-expired' }),
    )
    expect(() => parseBolt11(COFFEE, { clock: new ManualClock((inv.expiresAt - 1) * 1000) })).not.toThrow()
    expect(() => parseBolt11(COFFEE, { network: 'testnet' })).toThrow(
      expect.objectContaining({ code: 'wrong-network' }),
    )
    for (const bad of [
      '',
      'lnbc1',
      COFFEE.slice(0, -1) + 'q',
      'lnbc2500u1pvjLUEZ',
      'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
    ]) {
      expect(() => parseBolt11(bad), bad.slice(0, 20)).toThrow(
        expect.objectContaining({ code: 'invalid-invoice' }),
      )
    }
  })

  it('BOLT11 goes through the strict decoder: signature verified, payee key recovered, no warning', () => {
    const inv = parseBolt11(COFFEE)
    expect(inv.payeeNodeKey).toBe(SPEC_NODE_ID)
    expect(inv.warnings).toEqual([])
    // Every spec "invalid invoice" is refused, each for the decoder's own reason; light-bolt11-decoder
    // (independent, no signature check) reads two of them, which shows the validator is the strict one.
    let libReads = 0
    for (const v of SPEC_INVALID) {
      expect(() => parseBolt11(v.invoice), v.name).toThrow(
        expect.objectContaining({
          code: 'invalid-invoice',
          cause: expect.objectContaining({ code: v.code }),
        }),
      )
      try {
        libDecode(v.invoice)
        libReads++
      } catch {
        // the library refuses it too
      }
    }
    expect(SPEC_INVALID).toHaveLength(8)
    expect(libReads).toBe(2)
  })

  it('BOLT11: an invoice whose payee key (n) is swapped for another node is refused', () => {
    const key = fromHex(SPEC_PRIV_KEY)
    const fields = {
      network: 'bitcoin' as const,
      amountMsat: 1_000_000n,
      timestamp: 1_763_769_600,
      paymentHash: new Uint8Array(32).fill(1),
      description: 'forged',
      includePayeeNodeKey: true,
    }
    const real = encodeBolt11(fields, key)
    expect(parseBolt11(real).payeeNodeKey).toBe(SPEC_NODE_ID)
    // Re-encode the same words with the n field holding another node's key (valid bech32 checksum).
    const other = toHex(secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true))
    const { prefix, words } = bech32.decode(real as `${string}1${string}`, false)
    const wordsHex = (hex: string): number[] => Array.from(bech32.toWords(fromHex(hex)))
    const ours = wordsHex(SPEC_NODE_ID)
    const at = Array.from(words).findIndex((_, i) => ours.every((w, j) => words[i + j] === w))
    expect(at).toBeGreaterThan(0)
    const forged = Array.from(words)
    forged.splice(at, ours.length, ...wordsHex(other))
    const forgedInvoice = bech32.encode(prefix, forged, false)
    expect(() => parseBolt11(forgedInvoice)).toThrow(
      expect.objectContaining({
        code: 'invalid-invoice',
        cause: expect.objectContaining({ code: 'bolt11-bad-signature' }),
      }),
    )
  })

  it('LNURL and Lightning addresses', () => {
    const enc = (url: string): string =>
      bech32.encode('lnurl', bech32.toWords(new TextEncoder().encode(url)), 2000)
    expect(parseLnurl(enc('https://service.com/api?q=1')).url).toBe('https://service.com/api?q=1')
    expect(parseLnurl(`lightning:${enc('http://abcdef.onion/pay').toUpperCase()}`).onion).toBe(true)
    for (const bad of [
      enc('http://service.com/api'),
      enc('ftp://x.com'),
      enc('not a url'),
      'lnurl1qqqqq',
      bech32.encode('lnbc', [1, 2, 3]),
    ]) {
      expect(() => parseLnurl(bad), bad).toThrow(expect.objectContaining({ code: 'invalid-lnurl' }))
    }
    const la = parseLightningAddress('satoshi@Example.COM')
    expect(la.url).toBe('https://example.com/.well-known/lnurlp/satoshi')
    for (const bad of [
      'satoshi',
      '@example.com',
      'a@b@c.com',
      'Satoshi@example.com',
      'me@localhost',
      'me@-bad.com',
      'me@1.2.3.4',
    ]) {
      expect(() => parseLightningAddress(bad), bad).toThrow(
        expect.objectContaining({ code: 'invalid-lightning-address' }),
      )
    }
  })

  it('BIP21: exact BTC → sats, labels, lightning fallback, req- params', () => {
    const u = parseBip21(
      'bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.0025&label=Caf%C3%A9%20Luna&message=Order+42&lightning=' +
        COFFEE,
    )
    expect(u.amountSats).toBe(250_000n)
    expect(u.label).toBe('Café Luna')
    expect(u.message).toBe('Order 42')
    expect(u.lightning?.amountSats).toBe(250_000n)
    expect(u.warnings).toEqual([])
    expect(btcToSats('20999999.99999999')).toBe(2_099_999_999_999_999n)
    expect(btcToSats('1')).toBe(100_000_000n)
    expect(parseBip21(`BITCOIN:?lightning=${COFFEE}`).address).toBeNull()
    const cases: [string, string][] = [
      ['bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0.000000001', 'invalid-amount'],
      ['bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=1e-3', 'invalid-amount'],
      ['bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=0', 'invalid-amount'],
      ['bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=21000001', 'invalid-amount'],
      ['bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?req-somethingnew=1', 'invalid-bip21'],
      ['bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?amount=1&AMOUNT=2', 'invalid-bip21'],
      ['bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq?label=%E0%A4', 'invalid-bip21'],
      ['bitcoin:', 'invalid-bip21'],
      ['bitcoin:notanaddress', 'invalid-address'],
      ['lightning:' + COFFEE, 'invalid-bip21'],
    ]
    for (const [uri, code] of cases)
      expect(() => parseBip21(uri), uri).toThrow(expect.objectContaining({ code }))
  })

  it('method ids and method files', () => {
    expect(checkMethodId('lightning')).toBe('lightning')
    for (const bad of ['', 'Lightning', 'a'.repeat(33), '-x', 'x-', 'a--b', 'on chain', 'supported.json']) {
      expect(() => checkMethodId(bad), bad).toThrow(expect.objectContaining({ code: 'invalid-method-id' }))
    }
    expect(['onchain', 'noise', 'supported.json', 'push', 'requests/'].filter(isMethodEntry)).toEqual([
      'onchain',
    ])
    expect(readMethodFile('  {"method_id":"lightning","endpoint":"lnbc1x","enabled":true}\n')).toBe('lnbc1x')
    expect(readMethodFile('{"bolt11":"lnbc1x"}')).toBe('{"bolt11":"lnbc1x"}')
    expect(() => readMethodFile('   ')).toThrow(expect.objectContaining({ code: 'invalid-endpoint' }))
    expect(() => extractOnchainAddress('{"foo":"bar"}')).toThrow(
      expect.objectContaining({ code: 'invalid-endpoint' }),
    )
    expect(() => extractLightning('{"x":1}')).toThrow(expect.objectContaining({ code: 'invalid-endpoint' }))
    expect(() => extractLightning('{bad json')).toThrow(expect.objectContaining({ code: 'invalid-endpoint' }))
  })
})
