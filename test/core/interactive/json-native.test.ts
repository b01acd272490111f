// parseJson reads some documents with the engine's native JSON.parse (fast before the JIT warms up).
// These tests prove it gives exactly the strict reader's answer — same value, same JS types
// (number / bigint / JsonFloat, -0 vs 0), same key order, same error code — on hand-picked edge
// cases and on thousands of generated documents that mix every construct the shortcut must refuse.
import { describe, expect, it } from 'vitest'
import {
  JsonFloat,
  parseJson,
  parseJsonNative,
  parseJsonStrict,
  writeJson,
  writeJsonStrict,
  type JsonValue,
} from '../../../electron/main/core/interactive/json'
import { decodeMessage, encodeMessage } from '../../../electron/main/core/interactive/messages'
import { bytesFromJson } from '../../../electron/main/core/interactive/shape'
import { nativeProvider } from '../../../electron/main/core/crypto'

type Outcome = { ok: true; value: JsonValue } | { ok: false; code: string | undefined }

function outcome(read: () => JsonValue): Outcome {
  try {
    return { ok: true, value: read() }
  } catch (e) {
    return { ok: false, code: (e as { code?: string }).code }
  }
}

/** Exact structural identity: types, -0, key order (toEqual alone would miss order and 1 vs 1n). */
function same(a: JsonValue, b: JsonValue): boolean {
  if (typeof a !== typeof b) return false
  if (typeof a === 'number') return Object.is(a, b)
  if (typeof a === 'bigint' || typeof a === 'string' || typeof a === 'boolean' || a === null) return a === b
  if (a instanceof JsonFloat) return b instanceof JsonFloat && Object.is(a.value, b.value)
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]!))
  if (Array.isArray(b) || b instanceof JsonFloat || b === null || typeof b !== 'object') return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return (
    ka.length === kb.length &&
    ka.every(
      (k, i) => k === kb[i] && Object.getPrototypeOf(a) === Object.getPrototypeOf(b) && same(a[k]!, b[k]!),
    )
  )
}

function agree(text: string, limits?: { maxDepth?: number; maxLength?: number }): Outcome {
  const fast = outcome(() => parseJson(text, limits))
  const strict = outcome(() => parseJsonStrict(text, limits))
  if (fast.ok && strict.ok) expect(same(fast.value, strict.value), text).toBe(true)
  else expect(fast, text).toEqual(strict)
  return fast
}

function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

describe('parseJson native shortcut agrees with the strict reader', () => {
  it('on the cases where JSON.parse alone would differ', () => {
    const cases: [string, Outcome][] = [
      ['{"a":1,"a":2}', { ok: false, code: 'invalid-json' }], // JSON.parse keeps the last
      ['{"a":{"b":1,"b":1}}', { ok: false, code: 'invalid-json' }],
      ['[{"k":1},{"k":1,"k":2}]', { ok: false, code: 'invalid-json' }],
      ['1.0', { ok: true, value: new JsonFloat(1) }], // JSON.parse: the integer 1
      ['{"x":[2e3]}', { ok: true, value: { x: [new JsonFloat(2000)] } }],
      ['9007199254740993', { ok: true, value: 9007199254740993n }], // JSON.parse rounds
      ['-0', { ok: true, value: 0 }], // JSON.parse: -0
      ['"\\ud800"', { ok: false, code: 'invalid-json' }], // unpaired surrogate: JSON.parse accepts
      ['"\ud800"', { ok: false, code: 'invalid-json' }],
    ]
    for (const [text, want] of cases) {
      // The shortcut declines each of them (the strict reader answers).
      expect(parseJsonNative(text, 32), text).toBeUndefined()
      const got = agree(text)
      if (want.ok && got.ok) expect(same(got.value, want.value), text).toBe(true)
      else expect(got, text).toEqual(want)
    }
  })

  it('keeps the depth limit, "__proto__" as an own key, key order and string contents', () => {
    expect(agree('[[[1]]]', { maxDepth: 2 })).toEqual({ ok: false, code: 'too-large' })
    expect(agree('[[1]]', { maxDepth: 2 }).ok).toBe(true)
    expect(parseJsonNative('[[1]]', 2)).toEqual([[1]])
    const proto = agree('{"__proto__":{"polluted":true},"b":1}')
    expect(proto.ok && Object.keys(proto.value as object)).toEqual(['__proto__', 'b'])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    // Strings that look like numbers, floats, keys or containers change nothing.
    agree('{"a":"1.5","b":"-0","c":"12345678901234567","d":"x\\":","e":"[{"}')
    agree('{"a":"1.5 e\\n","b":":"}')
    agree(' \t\n{ "a" :\r 1 , "b" : [ ] } ')
  })

  it('on 5,000 generated documents mixing floats, big and negative integers, escapes, duplicates and depth', () => {
    const rnd = lcg(11)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
    const numbers = [
      '0',
      '7',
      '-3',
      '255',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '-0',
      '1.5',
      '2e2',
      '1E-3',
      '0.0',
      '-0.0',
      '18446744073709551616',
    ]
    const strings = [
      '"a"',
      '"1.5"',
      '"-0"',
      '"e"',
      '"é"',
      '"\\n"',
      '"\\u00e9"',
      '"😀"',
      '"\\"q\\""',
      '"{["',
      '""',
      '":"',
    ]
    const keys = ['"a"', '"b"', '"c"', '"__proto__"', '"1"', '"0"', '""', '"e1"']
    const gen = (depth: number): string => {
      const r = rnd()
      if (depth > 5 || r < 0.35) return pick([...numbers, ...strings, 'true', 'false', 'null'])
      if (r < 0.65) {
        const n = Math.floor(rnd() * 4)
        return `[${Array.from({ length: n }, () => gen(depth + 1)).join(pick([',', ' , ']))}]`
      }
      const n = Math.floor(rnd() * 4)
      return `{${Array.from({ length: n }, () => `${pick(keys)}${pick([':', ' : '])}${gen(depth + 1)}`).join(',')}}`
    }
    const seen = { ok: 0, failed: 0 }
    for (let i = 0; i < 5000; i++) {
      let text = gen(0)
      // Some malformed ones too: a cut, a stray comma, a control character.
      const m = rnd()
      if (m < 0.05) text = text.slice(0, Math.floor(text.length / 2))
      else if (m < 0.08) text = text.replace(']', ',]')
      else if (m < 0.1) text = text.replace('"a"', '"a\u0001"')
      const r = agree(text, { maxDepth: 1 + Math.floor(rnd() * 8) })
      if (r.ok) seen.ok++
      else seen.failed++
    }
    // Both branches were exercised many times.
    expect(seen.ok).toBeGreaterThan(1000)
    expect(seen.failed).toBeGreaterThan(200)
  })

  it('decodes real receipt messages in every dialect to the same message as the strict reader', () => {
    const payer = nativeProvider.ed25519PublicKey(new Uint8Array(32).fill(3))
    const payee = nativeProvider.ed25519PublicKey(new Uint8Array(32).fill(4))
    let n = 0
    for (const dialect of ['rust', 'mobile-builder', 'mobile-flat'] as const) {
      const text = (metadata: Record<string, JsonValue>): string =>
        encodeMessage(
          {
            type: 'RequestReceipt',
            receipt: {
              receiptId: 'rcpt_1',
              payer,
              payee,
              methodId: 'onchain',
              amount: '1000',
              currency: 'SAT',
              createdAt: 1_700_000_000,
              metadata,
            },
          },
          dialect,
        )
      // Metadata with a float or a big integer goes to the strict reader; a plain receipt is read
      // natively (the hot path), and both decode exactly as the strict reader reads them.
      const exotic = text({ checkout_id: 'chk_1', rate: new JsonFloat(1.5), big: 18446744073709551615n })
      const plain = text({ checkout_id: 'chk_1', order: { order_id: 'o_1', items: [1, 2] } })
      // (A dialect that does not carry receipt metadata has nothing exotic left to refuse.)
      if (exotic.includes('1.5')) expect(parseJsonNative(exotic, 16)).toBeUndefined()
      expect(parseJsonNative(plain, 16)).toBeDefined()
      for (const t of [exotic, plain]) {
        expect(agree(t, { maxDepth: 16 }).ok).toBe(true)
        const m = decodeMessage(t)
        expect(m.dialect).toBe(dialect)
        expect(m.message.type).toBe('RequestReceipt')
        n++
      }
    }
    expect(n).toBe(6)
  })
})

describe('writeJson native shortcut writes what the serde_json-style writer writes', () => {
  it('on plain values, floats, big integers, odd strings and odd keys', () => {
    const values: JsonValue[] = [
      { a: 1, b: 'x', c: [true, false, null], d: { e: -5 } },
      { z: 1, a: 2, '10': 3, '2': 4 }, // integer-like keys first, as both write them
      'quote " backslash \\ newline \n tab \t nul \u0000 é 😀 \ud800 lone',
      { '': 0, __proto__x: 1 },
      [0, -0, 9007199254740991, -9007199254740991],
      { f: new JsonFloat(1), g: 1.5, h: 1e21, i: 9007199254740993n, j: 2 ** 53 },
      [[[[]]], {}],
    ]
    const proto = parseJson('{"__proto__":{"x":1},"k":[1]}')
    values.push(proto)
    for (const v of values) expect(writeJson(v), JSON.stringify(String(v))).toBe(writeJsonStrict(v))
    // Floats keep Rust's spelling (the shortcut leaves them to the strict writer).
    expect(writeJson({ h: 1e21, f: new JsonFloat(1) })).toBe('{"h":1e21,"f":1.0}')
    expect(writeJson(proto)).toBe('{"__proto__":{"x":1},"k":[1]}')
  })

  it('on 3,000 generated values read back from generated text', () => {
    const rnd = lcg(5)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
    const leaves = [
      '0',
      '-7',
      '1.0',
      '2.5e3',
      '12345678901234567890',
      '"s"',
      '"\\u00e9\\n"',
      'true',
      'null',
      '"😀"',
    ]
    const gen = (d: number): string =>
      d > 4 || rnd() < 0.4
        ? pick(leaves)
        : rnd() < 0.5
          ? `[${Array.from({ length: Math.floor(rnd() * 4) }, () => gen(d + 1)).join(',')}]`
          : `{${Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => `"k${i}${pick(['', 'a', '__proto__'])}":${gen(d + 1)}`).join(',')}}`
    let n = 0
    for (let i = 0; i < 3000; i++) {
      const v = parseJsonStrict(gen(0))
      expect(writeJson(v)).toBe(writeJsonStrict(v))
      n++
    }
    expect(n).toBe(3000)
  })
})

describe('bytesFromJson', () => {
  it('accepts exactly arrays of integers 0..255 and names the first bad item otherwise', () => {
    const good = Array.from({ length: 32 }, (_, i) => (i * 37) % 256)
    expect(Array.from(bytesFromJson(good, 32, 'k'))).toEqual(good)
    expect(Array.from(bytesFromJson(parseJson(`[${good.join(',')}]`), 32, 'k'))).toEqual(good)
    const bad: [JsonValue, string][] = [
      [[...good.slice(0, 5), 256, ...good.slice(6)], 'k[5] is not a byte'],
      [[...good.slice(0, 31), -1], 'k[31] is not a byte'],
      [['1', ...good.slice(1)], 'k[0] is not a byte'],
      [[...good.slice(0, 2), new JsonFloat(1), ...good.slice(3)], 'k[2] is not a byte'],
      [[...good.slice(0, 3), 7n, ...good.slice(4)], 'k[3] is not a byte'],
      [[...good.slice(0, 4), null, ...good.slice(5)], 'k[4] is not a byte'],
      [[...good.slice(0, 4), true, ...good.slice(5)], 'k[4] is not a byte'],
      [[...good.slice(0, 4), [1], ...good.slice(5)], 'k[4] is not a byte'],
      [[...good.slice(0, 4), 1.5 as unknown as JsonValue, ...good.slice(5)], 'k[4] is not a byte'],
      [good.slice(1), 'k must be an array of 32 byte values'],
      [{ 0: 1 }, 'k must be an array of 32 byte values'],
    ]
    for (const [v, message] of bad) {
      expect(() => bytesFromJson(v, 32, 'k'), message).toThrow(
        expect.objectContaining({ code: 'invalid-key' }),
      )
      expect(() => bytesFromJson(v, 32, 'k'), message).toThrow(message)
    }
  })
})
