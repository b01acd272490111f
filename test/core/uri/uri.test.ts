// URI parsing against ../shared/vectors/paykit/uri.json, the legacy noise:// strings, and the
// POS checkout QR URI (strict parse, canonical format, round trips).
import { describe, expect, it } from 'vitest'
import { parsePaykitUri, urlDecode } from '../../../electron/main/core/uri/paykit-uri'
import {
  formatNoiseEndpoint,
  noiseEndpointToJson,
  parseNoiseEndpoint,
} from '../../../electron/main/core/uri/noise-endpoint'
import {
  checkCheckoutNotExpired,
  formatCheckoutUri,
  isCheckoutUri,
  parseCheckoutUri,
  type CheckoutUri,
} from '../../../electron/main/core/uri/checkout'
import { Amount } from '../../../electron/main/core/money/amount'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const MERCHANT_Z32 = '47pjoycnsrfmxikm95jh13y88e8qnhzu5kungjpxyepgt7a8krpy'
const MERCHANT = z32Decode(MERCHANT_Z32)

describe.skipIf(!vectorsPresent)('uri.json (needs ../shared/vectors)', () => {
  const v = loadVectors('paykit/uri.json')

  it('every parse_uri vector', () => {
    let n = 0
    for (const c of v.parse_uri_vectors) {
      if (c.expected.error) {
        let err: unknown
        try {
          parsePaykitUri(c.input)
        } catch (e) {
          err = e
        }
        expect(err, c.input).toMatchObject({ code: 'invalid-uri' })
        if (c.expected.reason)
          expect((err as Error).message.toLowerCase()).toContain(c.expected.reason.split(' ')[1])
      } else {
        expect(parsePaykitUri(c.input), c.input).toEqual({
          type: c.expected.type,
          method: c.expected.method,
          data: c.expected.data,
        })
      }
      n++
    }
    expect(n).toBe(10)
  })

  it('every url_decode vector', () => {
    let n = 0
    for (const c of v.url_decode_vectors) {
      expect(urlDecode(c.input)).toBe(c.expected)
      n++
    }
    expect(n).toBe(3)
  })

  it('every legacy noise:// endpoint vector', () => {
    let n = 0
    for (const c of v.noise_endpoint_string_vectors.cases) {
      if (c.expected.error) {
        expect(() => parseNoiseEndpoint(c.input)).toThrow(expect.objectContaining({ code: 'invalid-uri' }))
      } else {
        const got = parseNoiseEndpoint(c.input)
        expect(noiseEndpointToJson(got)).toMatchObject(c.expected)
        expect(formatNoiseEndpoint(got)).toBe(c.input)
      }
      n++
    }
    expect(n).toBe(3)
  })
})

describe('paykit URIs beyond the vectors', () => {
  it('pubky:// identities, payment requests and deep links', () => {
    expect(parsePaykitUri(`pubky://${MERCHANT_Z32}/`)).toEqual({ type: 'Pubky', publicKey: MERCHANT })
    expect(parsePaykitUri(`PUBKY://${MERCHANT_Z32}#x`)).toEqual({ type: 'Pubky', publicKey: MERCHANT })
    const from = encodeURIComponent(`pubky://${MERCHANT_Z32}`)
    expect(parsePaykitUri(`paykit:request?request_id=req_1&from=${from}`)).toEqual({
      type: 'PaymentRequest',
      requestId: 'req_1',
      from: MERCHANT,
    })
    expect(parsePaykitUri(`bitkit://payment-request?requestId=r%201&from=${MERCHANT_Z32}`)).toEqual({
      type: 'PaymentRequest',
      requestId: 'r 1',
      from: MERCHANT,
    })
    expect(urlDecode('caf%C3%A9')).toBe('café')
    const bad: string[] = [
      'pubky://',
      'pubky://abc',
      `paykit:request?request_id=r&from=${MERCHANT_Z32}`,
      'paykit:invoice?method=lightning',
      'paykit:what?x=1',
      'paykit:invoice?method=x&data=%zz',
      'paykit:invoice?method=x&data=%C3',
      'mailto:x@y',
    ]
    for (const b of bad)
      expect(() => parsePaykitUri(b), b).toThrow(expect.objectContaining({ code: 'invalid-uri' }))
  })
})

describe('checkout QR URI', () => {
  const sample: CheckoutUri = {
    merchant: MERCHANT,
    id: 'chk_1704153600123_0001',
    amount: Amount.parse('21000'),
    currency: 'SAT',
    memo: 'Flat white & croissant — table 4',
    expiresAt: 1704154500,
    extensions: new Map(),
  }

  it('formats canonically and round-trips both ways', () => {
    const text = formatCheckoutUri(sample)
    expect(text).toBe(
      `pubky://${MERCHANT_Z32}?paykit=checkout&id=chk_1704153600123_0001&amount=21000` +
        '&memo=Flat%20white%20%26%20croissant%20%E2%80%94%20table%204&exp=1704154500',
    )
    const back = parseCheckoutUri(text)
    expect(back).toEqual(sample)
    expect(formatCheckoutUri(back)).toBe(text)
    expect(isCheckoutUri(text)).toBe(true)
    const btc: CheckoutUri = {
      ...sample,
      amount: Amount.parse('0.00021'),
      currency: 'BTC',
      memo: null,
      expiresAt: null,
      extensions: new Map([['x-table', '4']]),
    }
    expect(parseCheckoutUri(formatCheckoutUri(btc))).toEqual(btc)
  })

  it('an older wallet reading it with the reference rules still finds the merchant identity', () => {
    expect(parsePaykitUri(formatCheckoutUri(sample))).toEqual({ type: 'Pubky', publicKey: MERCHANT })
  })

  it('expiry is checked with the injected clock', () => {
    expect(() => checkCheckoutNotExpired(sample, new ManualClock(1704154500_000))).not.toThrow()
    expect(() => checkCheckoutNotExpired(sample, new ManualClock(1704154501_000))).toThrow(
      expect.objectContaining({ code: 'invalid-uri' }),
    )
  })

  it('rejects malformed checkout URIs with typed errors', () => {
    const base = `pubky://${MERCHANT_Z32}?paykit=checkout&id=c1&amount=100`
    expect(parseCheckoutUri(base).amount.toString()).toBe('100')
    const bad = [
      `https://${MERCHANT_Z32}?paykit=checkout&id=c1&amount=100`,
      `pubky://${MERCHANT_Z32}`,
      `pubky://${MERCHANT_Z32}/path?paykit=checkout&id=c1&amount=100`,
      `${base}#frag`,
      `pubky://${MERCHANT_Z32.slice(1)}?paykit=checkout&id=c1&amount=100`,
      `pubky://${MERCHANT_Z32}?paykit=invoice&id=c1&amount=100`,
      `pubky://${MERCHANT_Z32}?id=c1&amount=100`,
      `pubky://${MERCHANT_Z32}?paykit=checkout&amount=100`,
      `pubky://${MERCHANT_Z32}?paykit=checkout&id=c1`,
      `${base}&amount=200`,
      `${base}&tip=5`,
      `pubky://${MERCHANT_Z32}?paykit=checkout&id=c/1&amount=100`,
      `pubky://${MERCHANT_Z32}?paykit=checkout&id=c1&amount=100.5`,
      `pubky://${MERCHANT_Z32}?paykit=checkout&id=c1&amount=0`,
      `pubky://${MERCHANT_Z32}?paykit=checkout&id=c1&amount=0100`,
      `pubky://${MERCHANT_Z32}?paykit=checkout&id=c1&amount=1e3`,
      `${base}&currency=usd`,
      `${base}&exp=-5`,
      `${base}&memo=${'x'.repeat(141)}`,
      `${base}&memo=a%0Ab`,
      `${base}&memo=%FF`,
    ]
    for (const b of bad)
      expect(() => parseCheckoutUri(b), b).toThrow(expect.objectContaining({ code: 'invalid-uri' }))
    expect(() => formatCheckoutUri({ ...sample, id: '' })).toThrow(
      expect.objectContaining({ code: 'invalid-uri' }),
    )
  })
})
