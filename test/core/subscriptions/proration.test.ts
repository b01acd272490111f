// Proration against ../shared/vectors/paykit/proration.json (reference formula and rounding).
import { describe, expect, it } from 'vitest'
import { Amount } from '../../../electron/main/core/money/amount'
import { prorate, type RoundingMode } from '../../../electron/main/core/subscriptions/proration'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const mode = (r: string | undefined): RoundingMode => (r ?? 'Nearest').toLowerCase() as RoundingMode

describe.skipIf(!vectorsPresent)('proration.json (needs ../shared/vectors)', () => {
  it('every vector, including exact Up/Down/Nearest values', () => {
    const v = loadVectors('paykit/proration.json')
    let n = 0
    for (const c of v.vectors) {
      const input = {
        oldAmount: Amount.parse(c.old),
        newAmount: Amount.parse(c.new),
        periodStart: c.period_start,
        periodEnd: c.period_end,
        changeDate: c.change_date,
      }
      const e = c.expected
      if (e.error) {
        expect(() => prorate({ ...input, rounding: mode(c.rounding) }), c.name).toThrow(
          expect.objectContaining({ code: 'invalid-period' }),
        )
        n++
        continue
      }
      if (e.derived_exact) {
        const up = prorate({ ...input, rounding: 'up' })
        const down = prorate({ ...input, rounding: 'down' })
        expect(up.charge.compare(down.charge)).toBeGreaterThanOrEqual(0) // reference_asserts
        for (const [m, x] of Object.entries(e.derived_exact as Record<string, Record<string, string>>)) {
          const p = prorate({ ...input, rounding: mode(m) })
          expect([p.credit.toString(), p.charge.toString(), p.net.toString()], `${c.name} ${m}`).toEqual([
            x['credit'],
            x['charge'],
            x['net'],
          ])
        }
        n++
        continue
      }
      const p = prorate({ ...input, rounding: mode(c.rounding) })
      if ('days_at_old_rate' in e) expect(p.daysAtOldRate).toBe(e.days_at_old_rate)
      if ('days_at_new_rate' in e) expect(p.daysAtNewRate).toBe(e.days_at_new_rate)
      if ('net_amount' in e) expect(p.net.toString()).toBe(e.net_amount)
      if ('net_amount_abs' in e) expect(p.net.abs().toString()).toBe(e.net_amount_abs)
      if ('is_charge' in e) expect(p.isCharge).toBe(e.is_charge)
      if ('is_refund' in e) expect(p.isRefund).toBe(e.is_refund)
      if ('is_neutral' in e) expect(p.isNeutral).toBe(e.is_neutral)
      n++
    }
    expect(n).toBe(7)
  })
})

describe('proration edge cases', () => {
  it('breaks ties the way rust_decimal arithmetic does, and rejects short or inverted periods', () => {
    // 1/6·3 is 0.5000…0001 in 28-digit decimal arithmetic: nearest rounds to 1, not banker's 0.
    const p = prorate({
      oldAmount: Amount.parse('0'),
      newAmount: Amount.parse('1'),
      periodStart: 0,
      periodEnd: 6 * 86400,
      changeDate: 3 * 86400,
    })
    expect(p.charge.toString()).toBe('1')
    const unrounded = prorate({
      oldAmount: Amount.parse('0'),
      newAmount: Amount.parse('1'),
      periodStart: 0,
      periodEnd: 6 * 86400,
      changeDate: 3 * 86400,
      roundToWholeUnits: false,
    })
    expect(unrounded.charge.toString()).toBe('0.5000000000000000000000000001')
    const base = { oldAmount: Amount.parse('1'), newAmount: Amount.parse('2') }
    expect(() => prorate({ ...base, periodStart: 0, periodEnd: 3600, changeDate: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid-period' }),
    )
    expect(() => prorate({ ...base, periodStart: 10, periodEnd: 10, changeDate: 10 })).toThrow(
      expect.objectContaining({ code: 'invalid-period' }),
    )
    expect(() => prorate({ ...base, periodStart: 0, periodEnd: 86400, changeDate: 0.5 })).toThrow(
      expect.objectContaining({ code: 'invalid-period' }),
    )
  })
})
