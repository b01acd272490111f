/**
 * @module schema/methods
 * Shape checks for payment methods and subscription frequencies, shared by the request schemas and
 * the onboarding/settings forms (live validation while typing). These are only the quick,
 * network-free checks that say what is obviously wrong; the engine then runs the real validators
 * (checksums, network, invoice expiry) before anything is published, and its message is shown
 * beside the field.
 */
import { z } from 'zod'
import { daysInMonthMax, MONTH_NAMES } from '../domain/calendar'

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/
const BECH32_BODY = /^[02-9ac-hj-np-z]+$/

/** Why a Lightning endpoint (BOLT11, LNURL or Lightning address) cannot be right, or null. */
export function lightningProblem(text: string, allowBolt11 = true): string | null {
  const v = text.trim().replace(/^lightning:/i, '')
  if (v === '') return 'Enter a Lightning address, an LNURL or a BOLT11 invoice'
  if (v.includes('@')) {
    return /^[a-z0-9._+-]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,}$/i.test(v)
      ? null
      : 'A Lightning address looks like name@example.com'
  }
  const lower = v.toLowerCase()
  if (lower.startsWith('lnurl')) {
    return /^lnurl1[02-9ac-hj-np-z]{20,}$/.test(lower)
      ? null
      : 'An LNURL is lnurl1 followed by bech32 characters'
  }
  if (/^ln(bc|tb|tbs|bcrt|sb)/.test(lower)) {
    if (!allowBolt11) return 'Use an LNURL or a Lightning address here, not an invoice'
    if (v !== lower && v !== v.toUpperCase()) return 'A BOLT11 invoice is all lower case or all upper case'
    const sep = lower.lastIndexOf('1')
    if (sep < 4 || !BECH32_BODY.test(lower.slice(sep + 1)) || lower.length < 60)
      return 'This BOLT11 invoice is cut short or has characters that cannot appear in one'
    return null
  }
  return 'Enter a Lightning address (name@example.com), an LNURL (lnurl1…) or a BOLT11 invoice (lnbc…)'
}

/** Why an on-chain address (or bitcoin: URI) cannot be right, or null. */
export function onchainProblem(text: string): string | null {
  const v = text.trim()
  if (v === '') return 'Enter a Bitcoin address'
  const address = v.replace(/^bitcoin:/i, '').split('?')[0] ?? ''
  const lower = address.toLowerCase()
  const hrp = /^(bc|tb|bcrt)1/.exec(lower)
  if (hrp) {
    if (address !== lower && address !== address.toUpperCase())
      return 'A bech32 address is all lower case or all upper case'
    const body = lower.slice(hrp[0].length)
    if (!BECH32_BODY.test(body)) return 'This address has characters that cannot appear in a bech32 address'
    if (body.length < 39 || body.length > 90) return 'This address is too short or too long'
    return null
  }
  if (/^[13mn2]/.test(address)) {
    if (!BASE58.test(address)) return 'This address has characters that cannot appear in a Bitcoin address'
    if (address.length < 26 || address.length > 35) return 'This address is too short or too long'
    return null
  }
  return 'A Bitcoin address starts with bc1, tb1, bcrt1, 1, 3, m, n or 2'
}

/** Why a watch-only key (xpub/ypub/zpub/tpub/upub/vpub or wpkh() descriptor) cannot be right, or null. */
export function watchOnlyProblem(text: string): string | null {
  const v = text.trim()
  if (v === '') return 'Enter an xpub, zpub, tpub, vpub or a wpkh() descriptor'
  if (/^[xyzXYZtuvTUV]prv/.test(v) || /prv[1-9A-HJ-NP-Za-km-z]{100,}/.test(v))
    return 'That is a PRIVATE key. Paste the public (xpub/zpub/tpub/vpub) key: this till never needs to spend'
  const m =
    /^wpkh\((?:\[[0-9a-fA-F]{8}(?:\/[0-9]+['hH]?)*\])?([1-9A-HJ-NP-Za-km-z]+)(\/[0-9]+)*(\/\*)?\)(#[a-z0-9]{8})?$/.exec(
      v,
    )
  const key = m ? (m[1] ?? '') : v
  if (!m && v.includes('(')) return 'Only wpkh(…) descriptors are supported'
  if (!/^(xpub|ypub|zpub|tpub|upub|vpub)/.test(key))
    return 'A watch-only key starts with xpub, ypub, zpub, tpub, upub or vpub'
  if (!BASE58.test(key)) return 'This key has characters that cannot appear in an extended public key'
  if (key.length !== 111) return `An extended public key is 111 characters (this one has ${key.length})`
  return null
}

/** The quick check for one method form field; null when it looks right. */
export function methodProblem(methodId: string, endpoint: string): string | null {
  if (methodId === 'onchain') return onchainProblem(endpoint)
  if (methodId === 'lightning') return lightningProblem(endpoint, true)
  if (methodId === 'lnurl') return lightningProblem(endpoint, false)
  return `Unknown payment method "${methodId.slice(0, 20)}"`
}

export const methodIdField = z.enum(['onchain', 'lightning', 'lnurl'], {
  error: 'Method must be onchain, lightning or lnurl',
})

export const methodEndpointField = z
  .string({ error: 'The method must be text' })
  .trim()
  .min(1, { error: 'Enter the address, invoice or LNURL' })
  .max(2048, { error: 'That is too long for a payment method' })

export const watchOnlyField = z
  .string({ error: 'The key must be text' })
  .trim()
  .max(400, { error: 'That is too long for a watch-only key' })
  .superRefine((v, ctx) => {
    const problem = watchOnlyProblem(v)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

export { MONTH_NAMES }

/**
 * Why `day` of `month` cannot be a yearly billing date, or null. Feb 29 is allowed (it bills on
 * Feb 28 in common years); Feb 30, Apr 31 and the like are not. The engine checks the same rule.
 */
export function yearlyDayProblem(month: number, day: number): string | null {
  if (!Number.isInteger(month) || month < 1 || month > 12) return 'Choose a month'
  const max = daysInMonthMax(month)
  if (!Number.isInteger(day) || day < 1 || day > max) return `${MONTH_NAMES[month - 1]} has days 1 to ${max}`
  return null
}

const dayOfMonth = z
  .number({ error: 'Day must be a number' })
  .int({ error: 'Day must be a whole number' })
  .min(1, { error: 'Day of month is 1 to 28 (so every month has it)' })
  .max(28, { error: 'Day of month is 1 to 28 (so every month has it)' })

export const frequencyField = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('daily') }),
    z.strictObject({ kind: z.literal('weekly') }),
    z.strictObject({ kind: z.literal('monthly'), day: dayOfMonth }),
    z
      .strictObject({
        kind: z.literal('yearly'),
        month: z
          .number({ error: 'Month must be a number' })
          .int({ error: 'Month must be a whole number' })
          .min(1, { error: 'Month is 1 to 12' })
          .max(12, { error: 'Month is 1 to 12' }),
        day: z
          .number({ error: 'Day must be a number' })
          .int({ error: 'Day must be a whole number' })
          .min(1, { error: 'Day is at least 1' })
          .max(31, { error: 'Day is at most 31' }),
      })
      .superRefine((v, ctx) => {
        const problem = yearlyDayProblem(v.month, v.day)
        if (problem) ctx.addIssue({ code: 'custom', path: ['day'], message: problem })
      }),
    z.strictObject({
      kind: z.literal('custom'),
      days: z
        .number({ error: 'Interval must be a number of days' })
        .int({ error: 'Interval must be whole days' })
        .min(1, { error: 'Interval is at least 1 day' })
        .max(3660, { error: 'Interval is at most 10 years' }),
    }),
  ],
  { error: 'Choose daily, weekly, monthly, yearly or a custom interval' },
)
