/**
 * @module interactive/json
 * A strict JSON reader and a serde_json-compatible writer for Paykit payloads.
 *
 * Why not `JSON.parse`: Rust decides the *type* of a `serde_json::Value` number from its spelling
 * (`3` is an integer, `3.0` a float) and that type changes the postcard bytes a subscription
 * signature covers (varint vs 8-byte f64). `JSON.parse` also rounds integers above 2^53 and lets a
 * duplicate key silently win. This reader keeps integers exact (`bigint` beyond the safe range),
 * marks float spellings as `JsonFloat`, rejects duplicate keys, and bounds size and depth so an
 * untrusted peer cannot make it hang or allocate without limit.
 *
 * The writer emits compact JSON the way serde_json does: no whitespace, `"`/`\\`/control escapes
 * only (non-ASCII and `/` stay raw), floats in Rust's shortest form (`1.0`, `1e21`). Key order is
 * the object's insertion order unless `sortKeys` is set (serde_json's `Value` maps are sorted).
 */
import { PaykitError } from '../util/errors'

/** A number that was written with a fraction or exponent: serde_json reads it as `f64`. */
export class JsonFloat {
  constructor(readonly value: number) {}
}

export type JsonValue = null | boolean | string | number | bigint | JsonFloat | JsonValue[] | JsonObject
export interface JsonObject {
  [key: string]: JsonValue
}

export type JsonErrorCode = 'invalid-json' | 'too-large'

export class JsonError extends PaykitError<JsonErrorCode> {}

export interface ParseLimits {
  /** Largest accepted input in UTF-16 code units (default 65,536: one Noise message). */
  maxLength?: number
  /** Deepest accepted nesting (default 32). */
  maxDepth?: number
}

const U64_MAX = (1n << 64n) - 1n
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const I64_MIN = -(1n << 63n)

/**
 * Parses JSON text strictly. Throws `JsonError` ('invalid-json' | 'too-large') with the offset.
 * Documents on which the native `JSON.parse` provably gives the same value are read by it (see
 * `parseJsonNative`); every other document, and every error, comes from the strict reader.
 */
export function parseJson(text: string, limits: ParseLimits = {}): JsonValue {
  return readJson(text, limits, true)
}

/** `parseJson` through the strict reader only (the reference the native shortcut is tested against). */
export function parseJsonStrict(text: string, limits: ParseLimits = {}): JsonValue {
  return readJson(text, limits, false)
}

function readJson(text: string, limits: ParseLimits, allowNative: boolean): JsonValue {
  if (typeof text !== 'string') throw new JsonError('invalid-json', 'JSON input must be a string')
  const maxLength = limits.maxLength ?? 65_536
  const maxDepth = limits.maxDepth ?? 32
  if (text.length > maxLength) {
    throw new JsonError('too-large', `JSON input is ${text.length} characters; the limit is ${maxLength}`)
  }
  if (allowNative) {
    const native = parseJsonNative(text, maxDepth)
    if (native !== undefined) return native
  }
  const p = new Parser(text, maxDepth)
  const value = p.value(0)
  p.ws()
  if (p.i !== text.length) p.fail('trailing characters after the JSON value')
  return value
}

/** A backslash escape or any UTF-16 surrogate: only the strict reader handles these exactly. */
const NOT_NATIVE_TEXT = /[\\\uD800-\uDFFF]/
/** A JSON string in text without backslashes (so a string cannot contain a quote). */
const STRING_TOKEN = /"[^"]*"/g
/** Outside strings: a float spelling, an integer of 16+ digits (may exceed 2^53), or a negative zero. */
const NOT_NATIVE_NUMBER = /\d[.eE]|\d{16}|-0/
const CONTAINER_TOKEN = /[[{]/g
/** Outside strings (each emptied to `""`), a key is the one string followed by a colon. */
const KEY_TOKEN = /""[ \t\n\r]*:/g

/**
 * The same answer as the strict reader, from the engine's native `JSON.parse`, for the documents
 * where the two provably agree; `undefined` for every other document (the strict reader then
 * decides, errors included). Why: the strict reader walks the text a character at a time in
 * JavaScript, which before the JIT has warmed up (the first receipts after start) costs ~0.3 ms a
 * receipt; `JSON.parse` runs natively from the first call.
 *
 * They agree when: the text has no backslash escapes and no surrogates (so no unpaired surrogate,
 * and strings are exactly `"[^"]*"`); JSON.parse accepts it (the strict reader would too: same
 * grammar); outside strings no number is a float spelling, 16+ digits, or negative zero (the only
 * numbers whose JsonFloat / bigint / `0` reading differs from a JS number); there are no more
 * containers than `maxDepth` (so none nests too deep); and no key is repeated — JSON.parse keeps the
 * last of duplicates, so the keys it kept are counted against the keys the text spells. All but
 * that count (one visit per object and array item) is native.
 */
export function parseJsonNative(text: string, maxDepth: number): JsonValue | undefined {
  if (NOT_NATIVE_TEXT.test(text)) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const bare = text.replace(STRING_TOKEN, '""')
  if (NOT_NATIVE_NUMBER.test(bare)) return undefined
  if ((bare.match(CONTAINER_TOKEN)?.length ?? 0) > maxDepth) return undefined
  const spelled = bare.match(KEY_TOKEN)?.length ?? 0
  return countKeys(value) === spelled ? (value as JsonValue) : undefined
}

/** Own keys of every object in a JSON.parse result (recursion depth ≤ the container count). */
function countKeys(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0
  let n = 0
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      if (typeof x === 'object' && x !== null) n += countKeys(x)
    }
    return n
  }
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
  for (let i = 0; i < keys.length; i++) {
    n++
    const x = o[keys[i]!]
    if (typeof x === 'object' && x !== null) n += countKeys(x)
  }
  return n
}

/**
 * The reader's state and steps. A class rather than closures made per call: it is on every
 * receipt's path, and five closures per message (each also renamed by dev-time transforms) were a
 * measurable share of decoding one.
 */
class Parser {
  i = 0

  constructor(
    readonly text: string,
    readonly maxDepth: number,
  ) {}

  fail(what: string): never {
    throw new JsonError('invalid-json', `invalid JSON at offset ${this.i}: ${what}`)
  }

  ws(): void {
    const text = this.text
    let i = this.i
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++
      else break
    }
    this.i = i
  }

  /** A string; `text[i]` is its opening quote. */
  string(): string {
    const text = this.text
    this.i++
    let out = ''
    let start = this.i
    // The unpaired-surrogate scan runs only for a string that holds a surrogate (raw or from a \u
    // escape): ids, keys and amounts never do, and the scan was a measurable share of a receipt.
    let surrogate = false
    for (;;) {
      if (this.i >= text.length) this.fail('unterminated string')
      const c = text.charCodeAt(this.i)
      if (c === 0x22) {
        out += text.slice(start, this.i)
        this.i++
        // Rust strings are UTF-8: an unpaired surrogate (possible via \u escapes) cannot exist there.
        if (surrogate && LONE_SURROGATE.test(out)) this.fail('string contains an unpaired UTF-16 surrogate')
        return out
      }
      if (c < 0x20) this.fail('control character in string')
      if (c === 0x5c) {
        out += text.slice(start, this.i)
        const e = text[this.i + 1]
        this.i += 2
        switch (e) {
          case '"':
            out += '"'
            break
          case '\\':
            out += '\\'
            break
          case '/':
            out += '/'
            break
          case 'b':
            out += '\b'
            break
          case 'f':
            out += '\f'
            break
          case 'n':
            out += '\n'
            break
          case 'r':
            out += '\r'
            break
          case 't':
            out += '\t'
            break
          case 'u': {
            const h = text.slice(this.i, this.i + 4)
            if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('bad \\u escape')
            const unit = parseInt(h, 16)
            out += String.fromCharCode(unit)
            if (unit >= 0xd800 && unit <= 0xdfff) surrogate = true
            this.i += 4
            break
          }
          default:
            this.fail('bad escape')
        }
        start = this.i
        continue
      }
      if (c >= 0xd800 && c <= 0xdfff) surrogate = true
      this.i++
    }
  }

  number(): number | bigint | JsonFloat {
    const text = this.text
    // Fast path: a plain integer of at most 15 digits is exact as a JS number (no regex, no BigInt).
    // (Receipt keys are [u8; 32] arrays: 64 such numbers per receipt.) The digits are summed as
    // they are scanned, exactly: below 10^15 every step is an exact double.
    let j = this.i
    const negative = text.charCodeAt(j) === 0x2d
    if (negative) j++
    const first = j
    let value = 0
    while (j < text.length && j - first <= 15) {
      const d = text.charCodeAt(j)
      if (d < 0x30 || d > 0x39) break
      value = value * 10 + (d - 0x30)
      j++
    }
    const digits = j - first
    const next = j < text.length ? text.charCodeAt(j) : -1
    const more = next === 0x2e || next === 0x65 || next === 0x45 || (next >= 0x30 && next <= 0x39)
    if (digits > 0 && digits <= 15 && !more && (digits === 1 || text.charCodeAt(first) !== 0x30)) {
      this.i = j
      // serde reads -0 as the integer 0.
      return negative && value !== 0 ? -value : value
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(this.i, this.i + 400))
    if (!m) return this.fail('bad number')
    const lit = m[0]
    this.i += lit.length
    if (m[2] !== undefined || m[3] !== undefined) {
      const v = Number(lit)
      if (!Number.isFinite(v)) this.fail('number out of range')
      return new JsonFloat(v)
    }
    const big = BigInt(lit)
    // serde_json: u64 / i64 if it fits, otherwise an f64.
    if (big > U64_MAX || big < I64_MIN) return new JsonFloat(Number(lit))
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big
  }

  value(depth: number): JsonValue {
    const text = this.text
    if (depth > this.maxDepth)
      throw new JsonError('too-large', `JSON nests deeper than ${this.maxDepth} levels`)
    this.ws()
    const c = text[this.i]
    if (c === '{') {
      this.i++
      const obj: JsonObject = {}
      this.ws()
      if (text[this.i] === '}') {
        this.i++
        return obj
      }
      for (;;) {
        this.ws()
        if (text[this.i] !== '"') this.fail('expected a string key')
        const key = this.string()
        if (Object.prototype.hasOwnProperty.call(obj, key)) this.fail(`duplicate key "${key}"`)
        this.ws()
        if (text[this.i] !== ':') this.fail('expected ":"')
        this.i++
        const v = this.value(depth + 1)
        // A plain assignment would call the `__proto__` setter instead of making a key.
        if (key === '__proto__')
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true })
        else obj[key] = v
        this.ws()
        if (text[this.i] === ',') {
          this.i++
          continue
        }
        if (text[this.i] === '}') {
          this.i++
          return obj
        }
        this.fail('expected "," or "}"')
      }
    }
    if (c === '[') {
      this.i++
      const arr: JsonValue[] = []
      this.ws()
      if (text[this.i] === ']') {
        this.i++
        return arr
      }
      for (;;) {
        arr.push(this.value(depth + 1))
        this.ws()
        if (text[this.i] === ',') {
          this.i++
          continue
        }
        if (text[this.i] === ']') {
          this.i++
          return arr
        }
        this.fail('expected "," or "]"')
      }
    }
    if (c === '"') return this.string()
    if (text.startsWith('true', this.i)) {
      this.i += 4
      return true
    }
    if (text.startsWith('false', this.i)) {
      this.i += 5
      return false
    }
    if (text.startsWith('null', this.i)) {
      this.i += 4
      return null
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number()
    return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character "${c}"`)
  }
}

/** Converts a value that came from `JSON.parse` (or literals) into a `JsonValue`, checking types. */
export function fromPlain(value: unknown, depth = 0): JsonValue {
  if (depth > 64) throw new JsonError('too-large', 'value nests deeper than 64 levels')
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new JsonError('invalid-json', 'numbers must be finite')
    return Number.isInteger(value) ? value : new JsonFloat(value)
  }
  if (typeof value === 'bigint' || value instanceof JsonFloat) return value
  if (Array.isArray(value)) return value.map((v) => fromPlain(v, depth + 1))
  if (typeof value === 'object') {
    const out: JsonObject = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      Object.defineProperty(out, k, { value: fromPlain(v, depth + 1), enumerable: true, writable: true })
    }
    return out
  }
  throw new JsonError('invalid-json', `a ${typeof value} is not a JSON value`)
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonFloat)
}

/**
 * An `f64` as serde_json writes it (ryu's "pretty" form): shortest round-trip digits, then
 * `1234e7 → 12340000000.0`, `12.34`, `0.001234` while the decimal point sits within 16 digits
 * (and more than 5 zeros are not needed after it), else scientific `1e16`, `1.5e-7`.
 */
export function rustFloat(v: number): string {
  if (!Number.isFinite(v)) throw new JsonError('invalid-json', 'serde_json writes non-finite floats as null')
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0'
  const sign = v < 0 ? '-' : ''
  const [mant, expText] = Math.abs(v).toExponential().split('e') as [string, string]
  const digits = mant.replace('.', '')
  const n = digits.length
  const kk = Number(expText) + 1 // position of the decimal point relative to the digits
  const k = kk - n
  if (k >= 0 && kk <= 16) return `${sign}${digits}${'0'.repeat(k)}.0`
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`
  if (kk > -5 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`
  const e = kk - 1
  return n === 1 ? `${sign}${digits}e${e}` : `${sign}${digits[0]}.${digits.slice(1)}e${e}`
}

function quote(s: string): string {
  // JSON.stringify escapes exactly serde_json's set for well-formed strings: `"`, `\`, and < 0x20
  // (with the same short forms \b \f \n \r \t and lowercase \u00XX).
  return JSON.stringify(s)
}

export interface WriteOptions {
  /** Sort object keys bytewise at every level, as serde_json's (BTreeMap) `Value` does. */
  sortKeys?: boolean
}

/** Compact serde_json-style text of a JSON value. */
export function writeJson(value: JsonValue, options: WriteOptions = {}): string {
  // A value of only strings, booleans, null and safe integers in plain objects and arrays is
  // written identically by the native JSON.stringify (same escapes, same key order, integers in
  // decimal), which needs no JIT warm-up: receipt metadata on the hot path is such a value.
  if (!options.sortKeys && isPlainJson(value, 0)) return JSON.stringify(value)
  return writeValue(value, options)
}

/** True when `JSON.stringify(v)` is exactly `writeValue(v, {})` (see `writeJson`). */
function isPlainJson(v: unknown, depth: number): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true
  if (typeof v === 'number') return Number.isSafeInteger(v)
  if (typeof v !== 'object' || depth > 64) return false
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false
    for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false
    return true
  }
  const proto = Object.getPrototypeOf(v) as unknown
  if (proto !== Object.prototype && proto !== null) return false
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) if (!isPlainJson(o[k], depth + 1)) return false
  return true
}

/** `writeJson` without the native shortcut (the reference that shortcut is tested against). */
export function writeJsonStrict(value: JsonValue, options: WriteOptions = {}): string {
  return writeValue(value, options)
}

function writeValue(value: JsonValue, options: WriteOptions): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new JsonError('invalid-json', 'numbers must be finite')
    // Beyond 2^53 a JS number is only an approximation: write it as the f64 it is, like serde_json.
    return Number.isSafeInteger(value) ? String(value) : rustFloat(value)
  }
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof JsonFloat) return rustFloat(value.value)
  if (Array.isArray(value)) return `[${value.map((v) => writeValue(v, options)).join(',')}]`
  const keys = Object.keys(value)
  if (options.sortKeys) keys.sort(compareKeys)
  return `{${keys.map((k) => `${quote(k)}:${writeValue(value[k]!, options)}`).join(',')}}`
}

const enc = new TextEncoder()
/** Bytewise (UTF-8) key order, as Rust's `BTreeMap<String, _>` sorts. */
export function compareKeys(a: string, b: string): number {
  // UTF-16 code units order like UTF-8 bytes as long as neither unit is a surrogate or above
  // (U+D800..U+FFFF): compare units directly and encode only when such a unit decides the order.
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    if (x < 0xd800 && y < 0xd800) return x - y
    return compareUtf8(a, b)
  }
  return a.length - b.length
}

function compareUtf8(a: string, b: string): number {
  const x = enc.encode(a)
  const y = enc.encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

/** Deep copy with every object's keys in serde_json `Value` order (sorted bytewise). */
export function sortKeysDeep(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeysDeep)
  if (!isJsonObject(value)) return value
  const out: JsonObject = {}
  for (const k of Object.keys(value).sort(compareKeys)) {
    Object.defineProperty(out, k, { value: sortKeysDeep(value[k]!), enumerable: true, writable: true })
  }
  return out
}

/** Structural equality of two JSON values (key order ignored; int and float kept distinct). */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  return writeJson(a, { sortKeys: true }) === writeJson(b, { sortKeys: true })
}
