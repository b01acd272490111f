/**
 * @module billing/proration
 * The reference's proration formula (paykit-subscriptions `proration.rs`) on whole sats, exactly:
 *   total_days = (end − start) / 86400 (integer division); days_old = (change − start) / 86400;
 *   days_new = total_days − days_old; credit = old·days_new/total_days; charge = new·days_new/total_days;
 *   net = charge − credit on the exact values; each of the three is then rounded to a whole unit
 *   (Nearest = banker's rounding, Up = ceil, Down = floor).
 * Inputs are seconds, like the reference. Arithmetic is bigint rational, so there is no float drift.
 */
import { BillingError } from './errors'

export type Rounding = 'Nearest' | 'Up' | 'Down'

export interface ProrationInput {
  oldSats: bigint
  newSats: bigint
  periodStart: number
  periodEnd: number
  changeAt: number
  rounding?: Rounding
}

export interface Proration {
  daysAtOldRate: number
  daysAtNewRate: number
  creditSats: bigint
  chargeSats: bigint
  /** charge − credit: positive = the customer owes more, negative = credit to the customer. */
  netSats: bigint
}

const DAY = 86_400

/** num/den rounded to an integer (den > 0, num any sign): banker's, ceil or floor. */
function roundDiv(num: bigint, den: bigint, mode: Rounding): bigint {
  let q = num / den // truncates toward zero
  let r = num % den
  if (r === 0n) return q
  if (r < 0n) {
    // Make it floor division: q = floor(num/den), 0 < r < den.
    q -= 1n
    r += den
  }
  switch (mode) {
    case 'Down':
      return q
    case 'Up':
      return q + 1n
    case 'Nearest': {
      const twice = 2n * r
      if (twice > den) return q + 1n
      if (twice < den) return q
      return q % 2n === 0n ? q : q + 1n
    }
  }
}

export function prorate(input: ProrationInput): Proration {
  const { periodStart: start, periodEnd: end, changeAt: change } = input
  const mode = input.rounding ?? 'Nearest'
  if (end <= start)
    throw new BillingError('proration-out-of-period', 'the billing period ends before it starts')
  if (change < start || change > end) {
    throw new BillingError(
      'proration-out-of-period',
      `the change date ${change} is outside the billing period [${start}, ${end}]`,
    )
  }
  if (input.oldSats < 0n || input.newSats < 0n) {
    throw new BillingError('invalid-amount-change', 'amounts to prorate must not be negative')
  }
  const totalDays = Math.floor((end - start) / DAY)
  if (totalDays === 0)
    throw new BillingError('proration-out-of-period', 'the billing period is shorter than a day')
  const daysOld = Math.floor((change - start) / DAY)
  const daysNew = totalDays - daysOld
  const total = BigInt(totalDays)
  const credit = roundDiv(input.oldSats * BigInt(daysNew), total, mode)
  const charge = roundDiv(input.newSats * BigInt(daysNew), total, mode)
  // As the reference: net is the exact difference rounded once, not the difference of the rounded parts.
  const net = roundDiv((input.newSats - input.oldSats) * BigInt(daysNew), total, mode)
  return {
    daysAtOldRate: daysOld,
    daysAtNewRate: daysNew,
    creditSats: credit,
    chargeSats: charge,
    netSats: net,
  }
}
