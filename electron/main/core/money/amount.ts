/**
 * @module money/amount
 * `Amount`: the reference's exact decimal (paykit-subscriptions `Amount` = `rust_decimal::Decimal`,
 * `#[serde(transparent)]`), used in payment requests and subscription terms.
 *
 * Representation: a signed integer mantissa (`bigint`) and a scale 0..28, exactly like
 * rust_decimal (96-bit mantissa). The scale is significant: `"100.50"` and `"100.5"` are equal in
 * value but serialize differently, and the serialization is part of the signed subscription
 * bytes, so it is never normalized away.
 *
 * Wire form: a JSON string in rust_decimal's `to_str_internal` spelling (`"1000"`, `"100.50"`,
 * `"-3"`, `"0.001"`). On read we accept what rust_decimal's deserializer accepts for the forms that
 * matter (a plain decimal string, a JSON integer, a JSON float), and reject exponent forms,
 * underscores, empty parts (`".5"`, `"1."`) and anything out of range, each with an
 * `AmountError` saying why. A parsed amount re-serializes to what a Rust peer would write after
 * reading it (e.g. `"+01.50"` → `"1.50"`), which is what a Rust verifier signs over.
 *
 * Arithmetic follows rust_decimal: add/sub exact; mul/div exact when the result fits 96 bits and
 * 28 decimal places, otherwise rounded half-to-even to fit (rust_decimal's rounding for
 * over-precise results); `round()` is banker's rounding, `ceil`/`floor` as usual.
 */
import { PaykitError } from '../util/errors'
import { JsonFloat, type JsonValue } from '../interactive/json'

export class AmountError extends PaykitError<'invalid-amount' | 'amount-overflow'> {}

/** Largest mantissa magnitude rust_decimal can hold (2^96 − 1). */
export const MAX_MANTISSA = (1n << 96n) - 1n
export const MAX_SCALE = 28

const I64_MAX = (1n << 63n) - 1n
const I64_MIN = -(1n << 63n)
const TEN = 10n
const pow10 = (n: number): bigint => TEN ** BigInt(n)
const abs = (n: bigint): bigint => (n < 0n ? -n : n)

/** Divides rounding half to even (banker's), for any signs. */
function divHalfEven(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new AmountError('invalid-amount', 'division by zero')
  if (d < 0n) {
    n = -n
    d = -d
  }
  const q = n / d // truncates toward zero
  const r = n - q * d
  if (r === 0n) return q
  const twice = abs(r) * 2n
  const away = n < 0n ? q - 1n : q + 1n
  if (twice > d) return away
  if (twice < d) return q
  return q % 2n === 0n ? q : away
}

export class Amount {
  private constructor(
    /** Signed mantissa: value = mantissa / 10^scale. */
    readonly mantissa: bigint,
    /** Decimal places, 0..28; kept as written. */
    readonly scale: number,
  ) {}

  /** Builds from parts, checking rust_decimal's range. */
  static of(mantissa: bigint, scale = 0): Amount {
    if (!Number.isInteger(scale) || scale < 0 || scale > MAX_SCALE) {
      throw new AmountError('invalid-amount', `amount scale must be 0..${MAX_SCALE}, got ${scale}`)
    }
    if (abs(mantissa) > MAX_MANTISSA) {
      throw new AmountError('amount-overflow', 'amount does not fit a 96-bit decimal mantissa')
    }
    return new Amount(mantissa, scale)
  }

  /** `Amount::from_sats`: an integer count of the smallest unit, scale 0. */
  static fromSats(sats: bigint | number): Amount {
    if (typeof sats === 'number' && !Number.isSafeInteger(sats)) {
      throw new AmountError('invalid-amount', `sats must be a safe integer, got ${sats}`)
    }
    return Amount.of(BigInt(sats), 0)
  }

  static zero(): Amount {
    return new Amount(0n, 0)
  }

  /**
   * Parses a decimal string: optional sign, digits, optional `.digits`. Leading zeros and `+` are
   * accepted and dropped, as rust_decimal does; the number of fraction digits is the scale.
   */
  static parse(text: string): Amount {
    if (typeof text !== 'string') throw new AmountError('invalid-amount', 'amount must be a string')
    if (text.length === 0) throw new AmountError('invalid-amount', 'amount is empty')
    if (text.length > 64) throw new AmountError('invalid-amount', 'amount text is longer than 64 characters')
    const m = /^([+-]?)([0-9]+)(?:\.([0-9]+))?$/.exec(text)
    if (!m) {
      throw new AmountError(
        'invalid-amount',
        `"${text}" is not a decimal amount (expected digits with an optional "." and fraction, e.g. "1000" or "100.50")`,
      )
    }
    const frac = m[3] ?? ''
    if (frac.length > MAX_SCALE) {
      throw new AmountError('invalid-amount', `"${text}" has more than ${MAX_SCALE} decimal places`)
    }
    let mant = BigInt(m[2]! + frac)
    if (m[1] === '-') mant = -mant
    return Amount.of(mant, frac.length)
  }

  /**
   * Reads the JSON forms rust_decimal's deserializer accepts: a string (see `parse`), an integer,
   * or a float (read via its shortest decimal spelling, as rust_decimal's `visit_f64` does).
   */
  static fromJson(value: JsonValue | undefined, path = 'amount'): Amount {
    if (typeof value === 'string') {
      try {
        return Amount.parse(value)
      } catch (e) {
        throw new AmountError((e as AmountError).code ?? 'invalid-amount', `${path}: ${(e as Error).message}`)
      }
    }
    if (typeof value === 'number' && Number.isSafeInteger(value)) return Amount.of(BigInt(value))
    if (typeof value === 'bigint') return Amount.of(value)
    if (value instanceof JsonFloat) {
      const s = String(value.value)
      if (/e/i.test(s))
        throw new AmountError('invalid-amount', `${path}: float ${s} is out of the plain range`)
      return Amount.parse(s)
    }
    throw new AmountError('invalid-amount', `${path} must be a decimal string (e.g. "1000")`)
  }

  /** rust_decimal `to_str_internal`: sign, integer digits, and exactly `scale` fraction digits. */
  toString(): string {
    const neg = this.mantissa < 0n
    const digits = abs(this.mantissa)
      .toString()
      .padStart(this.scale + 1, '0')
    const int = digits.slice(0, digits.length - this.scale)
    const frac = digits.slice(digits.length - this.scale)
    return `${neg ? '-' : ''}${int}${this.scale > 0 ? `.${frac}` : ''}`
  }

  /** The JSON value Rust writes (a string). */
  toJson(): string {
    return this.toString()
  }

  isZero(): boolean {
    return this.mantissa === 0n
  }
  isNegative(): boolean {
    return this.mantissa < 0n
  }
  isPositive(): boolean {
    return this.mantissa > 0n
  }

  /** Numeric comparison, ignoring scale: -1, 0 or 1. */
  compare(other: Amount): number {
    const s = Math.max(this.scale, other.scale)
    const a = this.mantissa * pow10(s - this.scale)
    const b = other.mantissa * pow10(s - other.scale)
    return a < b ? -1 : a > b ? 1 : 0
  }

  /** Numeric equality (`"1.0"` equals `"1"`), as rust_decimal's `PartialEq`. */
  equals(other: Amount): boolean {
    return this.compare(other) === 0
  }

  /** Same value *and* same spelling: what signature bytes depend on. */
  identical(other: Amount): boolean {
    return this.mantissa === other.mantissa && this.scale === other.scale
  }

  /** `checked_add`: null when the result cannot be represented. */
  checkedAdd(other: Amount): Amount | null {
    const s = Math.max(this.scale, other.scale)
    return fit(this.mantissa * pow10(s - this.scale) + other.mantissa * pow10(s - other.scale), s)
  }

  checkedSub(other: Amount): Amount | null {
    return this.checkedAdd(new Amount(-other.mantissa, other.scale))
  }

  checkedMul(other: Amount): Amount | null {
    let m = this.mantissa * other.mantissa
    let s = this.scale + other.scale
    if (s > MAX_SCALE) {
      m = divHalfEven(m, pow10(s - MAX_SCALE))
      s = MAX_SCALE
    }
    return fit(m, s)
  }

  /** `checked_div`: the quotient at the largest scale (≤ 28) that fits, exact when it terminates. */
  checkedDiv(other: Amount): Amount | null {
    if (other.mantissa === 0n) return null
    // value = (ma / 10^sa) / (mb / 10^sb) = ma·10^sb / (mb·10^sa)
    const num = this.mantissa * pow10(other.scale)
    const den = other.mantissa * pow10(this.scale)
    // Exact at the smallest scale ≥ max(0, sa − sb) if the quotient terminates there.
    const minScale = Math.max(0, this.scale - other.scale)
    for (let s = minScale; s <= MAX_SCALE; s++) {
      const n = num * pow10(s)
      if (n % den === 0n) {
        const q = n / den
        if (abs(q) <= MAX_MANTISSA) return new Amount(q, s)
        break
      }
    }
    for (let s = MAX_SCALE; s >= 0; s--) {
      const q = divHalfEven(num * pow10(s), den)
      if (abs(q) <= MAX_MANTISSA) return new Amount(q, s)
    }
    return null
  }

  /** `round_dp(dp)` / `round()` (dp 0): banker's rounding, scale reduced to `dp`. */
  roundDp(dp = 0): Amount {
    if (this.scale <= dp) return this
    return new Amount(divHalfEven(this.mantissa, pow10(this.scale - dp)), dp)
  }

  /** `ceil()`: smallest integer ≥ value, scale 0. */
  ceil(): Amount {
    const d = pow10(this.scale)
    const q = this.mantissa / d
    const up = this.mantissa > 0n && this.mantissa % d !== 0n ? 1n : 0n
    return new Amount(q + up, 0)
  }

  /** `floor()`: largest integer ≤ value, scale 0. */
  floor(): Amount {
    const d = pow10(this.scale)
    const q = this.mantissa / d
    const down = this.mantissa < 0n && this.mantissa % d !== 0n ? 1n : 0n
    return new Amount(q - down, 0)
  }

  abs(): Amount {
    return this.mantissa < 0n ? new Amount(-this.mantissa, this.scale) : this
  }

  /** `divide(u32)`: quotient rounded to whole units (banker's); null for a zero divisor. */
  divide(divisor: number): Amount | null {
    if (!Number.isInteger(divisor) || divisor < 0 || divisor > 0xffffffff) {
      throw new AmountError('invalid-amount', `divisor must be a u32, got ${divisor}`)
    }
    if (divisor === 0) return null
    return this.checkedDiv(Amount.of(BigInt(divisor)))?.roundDp(0) ?? null
  }

  /** `multiply(u32)`: saturates at the maximum like the reference. */
  multiply(quantity: number): Amount {
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > 0xffffffff) {
      throw new AmountError('invalid-amount', `quantity must be a u32, got ${quantity}`)
    }
    return this.checkedMul(Amount.of(BigInt(quantity))) ?? new Amount(MAX_MANTISSA, 0)
  }

  /** `percentage(rate)`: value · rate / 100, rounded to whole units (banker's). */
  percentage(rate: Amount): Amount {
    const fraction = rate.checkedDiv(Amount.of(100n)) ?? Amount.zero()
    return this.checkedMul(fraction)?.roundDp(0) ?? Amount.zero()
  }

  /** `percentage_f64`: the rate's exact binary value (rust_decimal `from_f64_retain`), then `percentage`. */
  percentageF64(rate: number): Amount {
    return this.percentage(fromF64Retain(rate) ?? Amount.zero())
  }

  isWithinLimit(limit: Amount): boolean {
    return this.compare(limit) <= 0
  }

  /** `would_exceed`: (this + additional) > limit; overflow counts as exceeding. */
  wouldExceed(additional: Amount, limit: Amount): boolean {
    const total = this.checkedAdd(additional)
    return total === null || total.compare(limit) > 0
  }

  /** `as_sats`: integer part truncated toward zero, saturating at i64 bounds. */
  asSats(): bigint {
    const t = this.mantissa / pow10(this.scale)
    if (t > I64_MAX) return I64_MAX
    if (t < I64_MIN) return I64_MIN
    return t
  }

  /** The value as an exact integer, or a typed error if it has a fractional part. */
  toIntegerSats(): bigint {
    const d = pow10(this.scale)
    if (this.mantissa % d !== 0n) {
      throw new AmountError('invalid-amount', `${this.toString()} is not a whole number of units`)
    }
    return this.mantissa / d
  }
}

/** Reduces scale (half-even) until the mantissa fits 96 bits; null if it cannot. */
function fit(mantissa: bigint, scale: number): Amount | null {
  let m = mantissa
  let s = scale
  while (abs(m) > MAX_MANTISSA && s > 0) {
    m = divHalfEven(m, TEN)
    s--
  }
  return abs(m) > MAX_MANTISSA ? null : Amount.of(m, s)
}

/** rust_decimal `from_f64_retain`: the double's exact binary value, fitted to 28 places. */
export function fromF64Retain(v: number): Amount | null {
  if (!Number.isFinite(v)) return null
  if (Number.isInteger(v) && Number.isSafeInteger(v)) return Amount.of(BigInt(v))
  const buf = new DataView(new ArrayBuffer(8))
  buf.setFloat64(0, v)
  const bits = buf.getBigUint64(0)
  const neg = bits >> 63n === 1n
  const exp = Number((bits >> 52n) & 0x7ffn)
  let mant = bits & ((1n << 52n) - 1n)
  let e2: number
  if (exp === 0) e2 = -1074
  else {
    mant |= 1n << 52n
    e2 = exp - 1075
  }
  // value = mant · 2^e2; e2 < 0 here (non-integers or huge integers handled by sign of e2).
  if (e2 >= 0) return fit((neg ? -1n : 1n) * (mant << BigInt(e2)), 0)
  const num = (neg ? -mant : mant) * pow10(MAX_SCALE)
  const q = divHalfEven(num, 1n << BigInt(-e2))
  const fitted = fit(q, MAX_SCALE)
  return fitted ? stripTrailingZeros(fitted) : null
}

/** Drops trailing fractional zeros (used only for converted floats). */
function stripTrailingZeros(a: Amount): Amount {
  let m = a.mantissa
  let s = a.scale
  while (s > 0 && m % TEN === 0n) {
    m /= TEN
    s--
  }
  return Amount.of(m, s)
}
