/**
 * @module subscriptions/frequency
 * `PaymentFrequency` (paykit-subscriptions `subscription.rs`): an externally tagged serde enum.
 *
 * JSON (what Rust writes and reads):
 *   "Daily" | "Weekly" | {"Monthly":{"day_of_month":u8}} | {"Yearly":{"month":u8,"day":u8}}
 *   | {"Custom":{"interval_seconds":u64}}
 * Postcard: varint(variant index 0..4) then the fields (u8 raw, u64 varint).
 *
 * Stronger than the reference: Rust accepts any u8 day/month and a zero interval; we reject
 * `day_of_month` outside 1..31, `month` outside 1..12, a `day` that no year has in that month,
 * and `interval_seconds` of 0 or beyond 2^53 (a zero interval would make "periods" meaningless).
 */
import { PaykitError } from '../util/errors'
import { isJsonObject, type JsonValue } from '../interactive/json'
import { get } from '../interactive/shape'
import { daysInMonthMax, MONTH_NAMES } from '../../../../shared/domain/calendar'

export class FrequencyError extends PaykitError<'invalid-frequency'> {
  constructor(message: string) {
    super('invalid-frequency', message)
  }
}

export type Frequency =
  | { readonly kind: 'daily' }
  | { readonly kind: 'weekly' }
  | { readonly kind: 'monthly'; readonly dayOfMonth: number }
  | { readonly kind: 'yearly'; readonly month: number; readonly day: number }
  | { readonly kind: 'custom'; readonly intervalSeconds: number }

/** Postcard variant index of each kind (declaration order of the Rust enum). */
export const FREQUENCY_VARIANT: Record<Frequency['kind'], number> = {
  daily: 0,
  weekly: 1,
  monthly: 2,
  yearly: 3,
  custom: 4,
}

export const daily = (): Frequency => ({ kind: 'daily' })
export const weekly = (): Frequency => ({ kind: 'weekly' })
export function monthly(dayOfMonth: number): Frequency {
  return checkFrequency({ kind: 'monthly', dayOfMonth })
}
export function yearly(month: number, day: number): Frequency {
  return checkFrequency({ kind: 'yearly', month, day })
}
export function custom(intervalSeconds: number): Frequency {
  return checkFrequency({ kind: 'custom', intervalSeconds })
}

function isInt(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi
}

/** Validates field ranges; returns the same value. */
export function checkFrequency(f: Frequency): Frequency {
  switch (f.kind) {
    case 'daily':
    case 'weekly':
      return f
    case 'monthly':
      if (!isInt(f.dayOfMonth, 1, 31)) {
        throw new FrequencyError(`Monthly day_of_month must be 1..31, got ${String(f.dayOfMonth)}`)
      }
      return f
    case 'yearly': {
      if (!isInt(f.month, 1, 12))
        throw new FrequencyError(`Yearly month must be 1..12, got ${String(f.month)}`)
      const max = daysInMonthMax(f.month)
      if (!isInt(f.day, 1, max)) {
        const leap = f.month === 2 ? ' (Feb 29 is allowed: it bills on Feb 28 in common years)' : ''
        throw new FrequencyError(
          `${MONTH_NAMES[f.month - 1]} has no day ${String(f.day)}: choose a day from 1 to ${max}${leap}`,
        )
      }
      return f
    }
    case 'custom':
      if (!isInt(f.intervalSeconds, 1, Number.MAX_SAFE_INTEGER)) {
        throw new FrequencyError(`Custom interval_seconds must be 1..2^53, got ${String(f.intervalSeconds)}`)
      }
      return f
  }
}

/** The serde JSON value of a frequency. */
export function frequencyToJson(f: Frequency): JsonValue {
  switch (f.kind) {
    case 'daily':
      return 'Daily'
    case 'weekly':
      return 'Weekly'
    case 'monthly':
      return { Monthly: { day_of_month: f.dayOfMonth } }
    case 'yearly':
      return { Yearly: { month: f.month, day: f.day } }
    case 'custom':
      return { Custom: { interval_seconds: f.intervalSeconds } }
  }
}

/** Reads the serde JSON value (strictly: one variant key, the exact field set). */
export function frequencyFromJson(v: JsonValue | undefined, path = 'frequency'): Frequency {
  if (v === 'Daily') return daily()
  if (v === 'Weekly') return weekly()
  if (!isJsonObject(v)) {
    throw new FrequencyError(
      `${path} must be "Daily", "Weekly" or {"Monthly"|"Yearly"|"Custom": {...}}, got ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)}`,
    )
  }
  const keys = Object.keys(v)
  if (keys.length !== 1) throw new FrequencyError(`${path} must have exactly one variant key`)
  const tag = keys[0]!
  const body = v[tag]
  if (!isJsonObject(body)) throw new FrequencyError(`${path}.${tag} must be an object`)
  const fields = (names: string[]): void => {
    for (const k of Object.keys(body)) {
      if (!names.includes(k)) throw new FrequencyError(`${path}.${tag} has an unexpected field "${k}"`)
    }
  }
  switch (tag) {
    case 'Monthly':
      fields(['day_of_month'])
      return monthly(get(body, 'day_of_month') as number)
    case 'Yearly':
      fields(['month', 'day'])
      return yearly(get(body, 'month') as number, get(body, 'day') as number)
    case 'Custom':
      fields(['interval_seconds'])
      return custom(get(body, 'interval_seconds') as number)
    default:
      throw new FrequencyError(`${path} has unknown variant "${tag}"`)
  }
}

/** The reference's `to_seconds()`: 86400, 604800, 30 d, 365 d, or the custom interval. */
export function frequencySeconds(f: Frequency): number {
  switch (f.kind) {
    case 'daily':
      return 86_400
    case 'weekly':
      return 604_800
    case 'monthly':
      return 2_592_000
    case 'yearly':
      return 31_536_000
    case 'custom':
      return f.intervalSeconds
  }
}

/** The reference's Display strings ("Monthly (day 1)", "Every 3600 seconds"). */
export function frequencyLabel(f: Frequency): string {
  switch (f.kind) {
    case 'daily':
      return 'Daily'
    case 'weekly':
      return 'Weekly'
    case 'monthly':
      return `Monthly (day ${f.dayOfMonth})`
    case 'yearly':
      return `Yearly (${f.month}/${f.day})`
    case 'custom':
      return `Every ${f.intervalSeconds} seconds`
  }
}

/**
 * The Bitkit-doc string forms (PROTOCOL_V0 §11: "daily" | "weekly" | "monthly" | "yearly"), read
 * from mobile-schema proposals. They carry no anchor day; `anchorDay` supplies it (the proposal's
 * start date), defaulting to the 1st.
 */
export function frequencyFromMobile(
  text: JsonValue | undefined,
  anchor?: { month: number; day: number },
): Frequency {
  switch (typeof text === 'string' ? text.toLowerCase() : text) {
    case 'daily':
      return daily()
    case 'weekly':
      return weekly()
    case 'monthly':
      return monthly(anchor?.day ?? 1)
    case 'yearly':
      return yearly(anchor?.month ?? 1, anchor?.day ?? 1)
    default:
      throw new FrequencyError(`mobile frequency must be daily|weekly|monthly|yearly, got ${String(text)}`)
  }
}

/**
 * The engine's text form of a plan, one line a merchant or a script can type:
 * `daily` | `weekly` | `monthly:<day 1–31>` | `yearly:<MM>-<DD>` | `custom:<seconds>`.
 * `yearly:03-14` bills every 14 March; `yearly:02-29` bills on Feb 29, and on Feb 28 in common
 * years. Leading zeros are optional (`yearly:3-14`). Anything else is refused with a message that
 * names the accepted forms.
 */
export function parseFrequencyText(text: string): Frequency {
  const t = typeof text === 'string' ? text.trim().toLowerCase() : ''
  if (t === 'daily') return daily()
  if (t === 'weekly') return weekly()
  const monthlyMatch = /^monthly:([0-9]{1,2})$/.exec(t)
  if (monthlyMatch) return monthly(Number(monthlyMatch[1]))
  const yearlyMatch = /^yearly:([0-9]{1,2})-([0-9]{1,2})$/.exec(t)
  if (yearlyMatch) return yearly(Number(yearlyMatch[1]), Number(yearlyMatch[2]))
  if (t.startsWith('yearly')) {
    throw new FrequencyError(
      `a yearly plan is written yearly:MM-DD, e.g. yearly:03-14 for every 14 March (got "${clip(text)}")`,
    )
  }
  const customMatch = /^custom:([0-9]{1,16})$/.exec(t)
  if (customMatch) return custom(Number(customMatch[1]))
  throw new FrequencyError(
    `frequency must be daily, weekly, monthly:<day>, yearly:MM-DD or custom:<seconds> (got "${clip(text)}")`,
  )
}

const clip = (text: unknown): string => (typeof text === 'string' ? text.slice(0, 40) : typeof text)
const pad2 = (n: number): string => String(n).padStart(2, '0')

/** The text form `parseFrequencyText` reads back to the same frequency. */
export function frequencyToText(f: Frequency): string {
  switch (f.kind) {
    case 'daily':
    case 'weekly':
      return f.kind
    case 'monthly':
      return `monthly:${f.dayOfMonth}`
    case 'yearly':
      return `yearly:${pad2(f.month)}-${pad2(f.day)}`
    case 'custom':
      return `custom:${f.intervalSeconds}`
  }
}

/**
 * How the merchant's screens name a plan: "Daily", "Weekly", "Monthly on day 15", "Yearly on 14 Mar",
 * "Every 30 days" (custom intervals of whole days) or "Every 3600 seconds". Locale-independent on
 * purpose: the same words on every till and in the logs.
 */
export function planLabel(f: Frequency): string {
  switch (f.kind) {
    case 'daily':
      return 'Daily'
    case 'weekly':
      return 'Weekly'
    case 'monthly':
      return `Monthly on day ${f.dayOfMonth}`
    case 'yearly':
      return `Yearly on ${f.day} ${MONTH_NAMES[f.month - 1]!.slice(0, 3)}`
    case 'custom':
      if (f.intervalSeconds % 86_400 === 0) {
        const days = f.intervalSeconds / 86_400
        return days === 1 ? 'Every day' : `Every ${days} days`
      }
      return `Every ${f.intervalSeconds} seconds`
  }
}
