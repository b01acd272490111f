/**
 * @module subscriptions/proration
 * Mid-period plan changes, with the reference formula (paykit-subscriptions `proration.rs`):
 *
 *   total_days = (end − start) / 86400 (integer);  days_old = (change − start) / 86400;
 *   days_new = total_days − days_old
 *   credit = old / total_days · days_new;  charge = new / total_days · days_new;  net = charge − credit
 *   each rounded to whole units: nearest = banker's (`Decimal::round`), up = ceil, down = floor.
 *
 * The divisions and products are done in rust_decimal arithmetic (see `Amount.checkedDiv/Mul`),
 * not exact rationals, so ties break the way the reference's do (e.g. 1/6·3 is 0.5000…0001 there,
 * which rounds to 1, not to the banker's 0 of an exact 0.5). Errors are typed `ProrationError`s.
 */
import { PaykitError } from '../util/errors'
import { Amount } from '../money/amount'

export class ProrationError extends PaykitError<'invalid-period' | 'amount-overflow'> {}

export type RoundingMode = 'nearest' | 'up' | 'down'

export interface Proration {
  readonly credit: Amount
  readonly charge: Amount
  /** charge − credit (negative: a refund is owed). */
  readonly net: Amount
  readonly totalDays: number
  readonly daysAtOldRate: number
  readonly daysAtNewRate: number
  readonly isCharge: boolean
  readonly isRefund: boolean
  readonly isNeutral: boolean
}

export interface ProrationInput {
  oldAmount: Amount
  newAmount: Amount
  periodStart: number
  periodEnd: number
  changeDate: number
  rounding?: RoundingMode
  /** false: return unrounded decimals, as the reference's `round_to_whole_units = false`. */
  roundToWholeUnits?: boolean
}

const DAY = 86_400

function round(a: Amount, mode: RoundingMode): Amount {
  switch (mode) {
    case 'nearest':
      return a.roundDp(0)
    case 'up':
      return a.ceil()
    case 'down':
      return a.floor()
  }
}

function need<T>(v: T | null, what: string): T {
  if (v === null) throw new ProrationError('amount-overflow', `${what} does not fit a 96-bit decimal`)
  return v
}

/** Computes the proration; errors for a change outside [start, end], end ≤ start, or < 1 day. */
export function prorate(input: ProrationInput): Proration {
  const { periodStart: start, periodEnd: end, changeDate: change } = input
  for (const [k, v] of Object.entries({ start, end, change })) {
    if (!Number.isSafeInteger(v))
      throw new ProrationError('invalid-period', `${k} must be an integer (Unix seconds)`)
  }
  if (change < start || change > end) {
    throw new ProrationError('invalid-period', 'Change date must be within the billing period')
  }
  if (end <= start) throw new ProrationError('invalid-period', 'Period end must be after period start')
  const totalDays = Math.trunc((end - start) / DAY)
  if (totalDays === 0) throw new ProrationError('invalid-period', 'Billing period must be at least one day')
  const daysAtOldRate = Math.trunc((change - start) / DAY)
  const daysAtNewRate = totalDays - daysAtOldRate
  const total = Amount.of(BigInt(totalDays))
  const remaining = Amount.of(BigInt(daysAtNewRate))
  const credit = need(need(input.oldAmount.checkedDiv(total), 'credit').checkedMul(remaining), 'credit')
  const charge = need(need(input.newAmount.checkedDiv(total), 'charge').checkedMul(remaining), 'charge')
  const net = need(charge.checkedSub(credit), 'net')
  const whole = input.roundToWholeUnits ?? true
  const mode = input.rounding ?? 'nearest'
  const r = (a: Amount): Amount => (whole ? round(a, mode) : a)
  const netR = r(net)
  return {
    credit: r(credit),
    charge: r(charge),
    net: netR,
    totalDays,
    daysAtOldRate,
    daysAtNewRate,
    isCharge: netR.isPositive(),
    isRefund: netR.isNegative(),
    isNeutral: netR.isZero(),
  }
}
