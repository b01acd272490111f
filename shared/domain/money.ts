/**
 * @module domain/money
 * Amounts cross the bridge as integer minor units (sats, cents) with a currency code, never as
 * floats. This module only formats and validates for display and entry; pricing and conversion live
 * in the main-process core.
 */

/** Currencies the keypad can enter, with their number of minor-unit digits. */
export const CURRENCY_DIGITS = { SAT: 0, USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, JPY: 0 } as const

export type CurrencyCode = keyof typeof CURRENCY_DIGITS

export const CURRENCY_CODES = Object.keys(CURRENCY_DIGITS) as CurrencyCode[]

/** Largest amount the keypad accepts, in minor units: keeps sums far inside Number.MAX_SAFE_INTEGER. */
export const MAX_MINOR = 100_000_000_000_000

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && Object.hasOwn(CURRENCY_DIGITS, value)
}

/** Formats minor units for display: `formatMinor(12345, 'USD')` → `"123.45"`; sats get thin groups. */
export function formatMinor(minor: number, currency: CurrencyCode): string {
  if (!Number.isSafeInteger(minor)) return '—'
  const digits = CURRENCY_DIGITS[currency]
  const negative = minor < 0
  const abs = Math.abs(minor)
  const unit = 10 ** digits
  const whole = Math.floor(abs / unit)
  const frac = abs % unit
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const body = digits === 0 ? grouped : `${grouped}.${frac.toString().padStart(digits, '0')}`
  return negative ? `-${body}` : body
}

/** Display label for a currency: sats are "sats", fiat uses its code. */
export function currencyLabel(currency: CurrencyCode): string {
  return currency === 'SAT' ? 'sats' : currency
}

/**
 * Tip in minor units for a percentage of `baseMinor`, rounded half up to the nearest minor unit.
 * Integer arithmetic only (percent is a whole number 0–100).
 */
export function tipForPercent(baseMinor: number, percent: number): number {
  if (!Number.isSafeInteger(baseMinor) || baseMinor < 0) return 0
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) return 0
  return Math.floor((baseMinor * percent + 50) / 100)
}
