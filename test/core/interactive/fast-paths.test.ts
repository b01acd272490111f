// The receipt hot path's shortcuts give exactly the answers of the slow paths they skip:
// the JSON reader's integer and string fast paths, the key-order comparison without encoding, and
// the Ed25519 point decode skipped only for keys the caller has already proven valid.
import { describe, expect, it } from 'vitest'
import {
  JsonError,
  JsonFloat,
  compareKeys,
  parseJson,
  writeJson,
  isJsonObject,
} from '../../../electron/main/core/interactive/json'
import { decodeMessage, encodeMessage } from '../../../electron/main/core/interactive/messages'
import { ShapeError, keyFromArray, keyFromZ32 } from '../../../electron/main/core/interactive/shape'
import { SMALL_ORDER_ENCODINGS } from '../../../electron/main/core/crypto/weak-keys'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { z32Encode } from '../../../electron/main/core/keys/z32'

const enc = new TextEncoder()
/** The definition: bytewise order of the UTF-8 encodings (Rust's BTreeMap<String, _>). */
function utf8Order(a: string, b: string): number {
  const x = enc.encode(a)
  const y = enc.encode(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

/** Deterministic pseudo-random source (tests must not depend on luck). */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return (e as { code?: string }).code
  }
  return undefined
}

describe('parseJson integer fast path', () => {
  it('reads integers exactly as before: ≤ 15 digits as numbers, larger through BigInt, floats marked', () => {
    const cases: [string, unknown][] = [
      ['0', 0],
      ['7', 7],
      ['-12', -12],
      ['123456789012345', 123456789012345], // 15 digits: fast path
      ['1234567890123456', 1234567890123456], // 16 digits: BigInt path, still safe
      ['9007199254740993', 9007199254740993n], // 2^53 + 1: exact as bigint
      ['18446744073709551615', 18446744073709551615n], // u64::MAX
    ]
    for (const [text, want] of cases) expect(parseJson(text), text).toBe(want)
    expect(Object.is(parseJson('-0'), 0)).toBe(true) // serde reads -0 as the integer 0
    expect(parseJson('18446744073709551616')).toBeInstanceOf(JsonFloat) // beyond u64: f64
    expect(parseJson('1.0')).toEqual(new JsonFloat(1))
    expect(parseJson('12e2')).toEqual(new JsonFloat(1200))
    expect(parseJson('[1,-2,30]')).toEqual([1, -2, 30])
    expect(parseJson('{"a":10,"b":[0,1]}')).toEqual({ a: 10, b: [0, 1] })
  })

  it('refuses malformed numbers with invalid-json, whichever path sees them', () => {
    for (const bad of ['01', '-', '-01', '1.', '1e', '00', '--1', '0x10', '[1,]', '{"a":012}']) {
      expect(
        errorCode(() => parseJson(bad)),
        bad,
      ).toBe('invalid-json')
    }
  })

  it('round-trips 2,000 random integers of every length through writeJson', () => {
    const rnd = lcg(7)
    let n = 0
    for (let i = 0; i < 2000; i++) {
      const digits = 1 + Math.floor(rnd() * 20)
      let lit = String(1 + Math.floor(rnd() * 9))
      while (lit.length < digits) lit += String(Math.floor(rnd() * 10))
      if (rnd() < 0.5) lit = `-${lit}`
      const v = parseJson(lit)
      const big = BigInt(lit)
      if (typeof v === 'number') expect(BigInt(v), lit).toBe(big)
      else if (typeof v === 'bigint') expect(v, lit).toBe(big)
      else expect(v, lit).toBeInstanceOf(JsonFloat) // beyond i64/u64
      if (!(v instanceof JsonFloat)) expect(writeJson(v), lit).toBe(lit)
      n++
    }
    expect(n).toBe(2000)
  })
})

describe('parseJson string fast path', () => {
  it('still refuses unpaired surrogates, raw or escaped, and keeps paired ones', () => {
    expect(errorCode(() => parseJson('"\\ud800"'))).toBe('invalid-json')
    expect(errorCode(() => parseJson('"a\\udc00b"'))).toBe('invalid-json')
    expect(errorCode(() => parseJson('"\uD800"'))).toBe('invalid-json') // raw lone surrogate in the text
    expect(errorCode(() => parseJson('{"k\uDC00":1}'))).toBe('invalid-json')
    expect(parseJson('"\\ud83d\\ude00"')).toBe('😀')
    expect(parseJson('"😀 ok"')).toBe('😀 ok')
    expect(parseJson('"a\\nb\\u0041"')).toBe('a\nbA')
  })

  it('makes "__proto__" an own key, never the prototype, and still refuses duplicates', () => {
    const v = parseJson('{"__proto__":{"polluted":true},"a":1}')
    expect(isJsonObject(v)).toBe(true)
    const o = v as Record<string, unknown>
    expect(Object.prototype.hasOwnProperty.call(o, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype)
    expect((o as { polluted?: unknown }).polluted).toBeUndefined()
    expect(Object.keys(o)).toEqual(['__proto__', 'a'])
    expect(errorCode(() => parseJson('{"a":1,"a":2}'))).toBe('invalid-json')
    expect(errorCode(() => parseJson('{"__proto__":1,"__proto__":2}'))).toBe('invalid-json')
  })

  it('keeps its limits: too long and too deep are too-large', () => {
    expect(() => parseJson('"abc"', { maxLength: 4 })).toThrow(JsonError)
    expect(errorCode(() => parseJson('[[[1]]]', { maxDepth: 2 }))).toBe('too-large')
  })
})

describe('compareKeys', () => {
  it('orders like the UTF-8 bytes for ASCII, BMP above U+D800, astral and prefix cases', () => {
    const alphabet = ['a', 'b', 'Z', '_', '0', 'é', '中', '\uE000', '\uFFFD', '😀', '𝄞', '\u007F', '\u0080']
    const rnd = lcg(42)
    const words: string[] = ['', 'a', 'ab', 'abc', 'b']
    for (let i = 0; i < 400; i++) {
      let w = ''
      const len = Math.floor(rnd() * 5)
      for (let j = 0; j < len; j++) w += alphabet[Math.floor(rnd() * alphabet.length)]!
      words.push(w)
    }
    let pairs = 0
    for (let i = 0; i < words.length; i += 3) {
      for (let j = 0; j < words.length; j += 5) {
        expect(Math.sign(compareKeys(words[i]!, words[j]!)), `${words[i]} vs ${words[j]}`).toBe(
          Math.sign(utf8Order(words[i]!, words[j]!)),
        )
        pairs++
      }
    }
    expect(pairs).toBeGreaterThan(10_000)
    // The case where UTF-16 order and UTF-8 order disagree: U+E000 (3 bytes) < U+1F600 (4 bytes).
    expect(compareKeys('\uE000', '😀')).toBeLessThan(0)
    expect('\uE000' < '😀').toBe(false) // JS's own order is wrong here, which is why this exists
  })
})

describe('known keys skip only the decode, never the check for other keys', () => {
  const payerSecret = new Uint8Array(32).fill(3)
  const payer = nativeProvider.ed25519PublicKey(payerSecret)
  const merchant = nativeProvider.ed25519PublicKey(new Uint8Array(32).fill(4))
  const receipt = {
    receiptId: 'rcpt_known_1',
    payer,
    payee: merchant,
    methodId: 'onchain',
    amount: '1000',
    currency: 'SAT',
    createdAt: 1_700_000_000,
    metadata: { checkout_id: 'co_1' },
  }

  it('decodes a receipt the same with and without known keys, in every dialect', () => {
    let n = 0
    for (const dialect of ['rust', 'mobile-builder', 'mobile-flat'] as const) {
      const text = encodeMessage({ type: 'RequestReceipt', receipt }, dialect)
      const plain = decodeMessage(text)
      const known = decodeMessage(text, { knownKeys: [payer, merchant] })
      expect(known).toEqual(plain)
      expect(known.dialect).toBe(dialect)
      n++
    }
    expect(n).toBe(3)
  })

  it('a small-order payer key is refused (invalid-key) unless it is itself a known key', () => {
    let refused = 0
    for (const weak of SMALL_ORDER_ENCODINGS) {
      const text = encodeMessage({ type: 'RequestReceipt', receipt: { ...receipt, payer: weak } }, 'rust')
      // Known keys that differ from the weak one do not let it through.
      expect(errorCode(() => decodeMessage(text, { knownKeys: [payer, merchant, undefined] }))).toBe(
        'invalid-key',
      )
      expect(() => keyFromArray(Array.from(weak), 'k', [payer])).toThrow(ShapeError)
      refused++
    }
    expect(refused).toBe(SMALL_ORDER_ENCODINGS.length)
    // z32 form (mobile dialects): same rule.
    const weak = SMALL_ORDER_ENCODINGS[0]!
    expect(errorCode(() => keyFromZ32(z32Encode(weak), 'k', [merchant]))).toBe('invalid-key')
    expect(keyFromZ32(z32Encode(merchant), 'k', [merchant])).toEqual(merchant)
  })
})
