// Amount semantics against ../shared/vectors/paykit/amount.json plus rust_decimal edge cases.
import { describe, expect, it } from 'vitest'
import { Amount, MAX_MANTISSA } from '../../../electron/main/core/money/amount'
import { JsonFloat } from '../../../electron/main/core/interactive/json'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

describe.skipIf(!vectorsPresent)('amount.json (needs ../shared/vectors)', () => {
  it('every constructor and operation vector', () => {
    const v = loadVectors('paykit/amount.json')
    let n = 0
    for (const c of v.vectors) {
      if ('from_sats' in c) {
        const a = Amount.fromSats(c.from_sats)
        expect(JSON.stringify(a.toJson())).toBe(c.json)
        expect(a.toString()).toBe(c.display)
      } else if ('from_str' in c) {
        expect(Amount.parse(c.from_str).toString()).toBe(c.display)
      } else {
        switch (c.op) {
          case 'checked_add':
            expect(Amount.parse(c.a).checkedAdd(Amount.parse(c.b))?.toString()).toBe(c.expected)
            break
          case 'checked_sub':
            expect(Amount.parse(c.a).checkedSub(Amount.parse(c.b))?.toString()).toBe(c.expected)
            break
          case 'divide':
            expect(Amount.parse(c.a).divide(c.by)?.toString()).toBe(c.expected)
            break
          case 'percentage_f64':
            expect(Amount.parse(c.a).percentageF64(c.rate).toString()).toBe(c.expected)
            break
          case 'is_within_limit':
            expect(Amount.parse(c.a).isWithinLimit(Amount.parse(c.limit))).toBe(c.expected)
            break
          case 'would_exceed':
            expect(
              Amount.parse(c.current).wouldExceed(Amount.parse(c.additional), Amount.parse(c.limit)),
            ).toBe(c.expected)
            break
          default:
            throw new Error(`unhandled op ${c.op}`)
        }
      }
      n++
    }
    expect(n).toBe(9)
  })
})

describe('Amount', () => {
  it('keeps scale, normalizes the way rust_decimal re-serializes, compares by value', () => {
    expect(Amount.parse('100.50').toString()).toBe('100.50')
    expect(Amount.parse('+0100.50').toString()).toBe('100.50')
    expect(Amount.parse('0.001').toString()).toBe('0.001')
    expect(Amount.parse('-3.0').toString()).toBe('-3.0')
    expect(Amount.parse('1000.0').equals(Amount.parse('1000'))).toBe(true)
    expect(Amount.parse('1000.0').identical(Amount.parse('1000'))).toBe(false)
    expect(Amount.fromJson(1234).toString()).toBe('1234')
    expect(Amount.fromJson(new JsonFloat(1234.56)).toString()).toBe('1234.56')
  })

  it('rounds like rust_decimal: banker’s round, ceil, floor, 28-digit division', () => {
    expect(Amount.parse('2.5').roundDp(0).toString()).toBe('2')
    expect(Amount.parse('3.5').roundDp(0).toString()).toBe('4')
    expect(Amount.parse('-2.5').roundDp(0).toString()).toBe('-2')
    expect(Amount.parse('-2.1').ceil().toString()).toBe('-2')
    expect(Amount.parse('-2.1').floor().toString()).toBe('-3')
    expect(Amount.parse('1').checkedDiv(Amount.parse('3'))?.toString()).toBe('0.3333333333333333333333333333')
    expect(Amount.parse('1000').checkedDiv(Amount.parse('7'))?.toString()).toBe(
      '142.85714285714285714285714286',
    )
    expect(Amount.parse('1000').divide(0)).toBeNull()
    expect(Amount.parse('10000').percentage(Amount.parse('8.25')).toString()).toBe('825')
    expect(Amount.parse('1').asSats()).toBe(1n)
    expect(Amount.parse('1.9').asSats()).toBe(1n)
    expect(Amount.of(MAX_MANTISSA).checkedAdd(Amount.parse('1'))).toBeNull()
    expect(Amount.of(MAX_MANTISSA).multiply(2).toString()).toBe(MAX_MANTISSA.toString())
  })

  it('bad input gets typed errors', () => {
    for (const bad of [
      '',
      '1e3',
      '1_000',
      '.5',
      '1.',
      'abc',
      ' 1',
      '1 ',
      '0x10',
      'NaN',
      '1.' + '0'.repeat(29),
    ]) {
      expect(() => Amount.parse(bad), bad).toThrow(expect.objectContaining({ code: 'invalid-amount' }))
    }
    expect(() => Amount.parse('9'.repeat(30))).toThrow(expect.objectContaining({ code: 'amount-overflow' }))
    expect(() => Amount.fromJson(null)).toThrow(expect.objectContaining({ code: 'invalid-amount' }))
    expect(() => Amount.fromJson(true)).toThrow(expect.objectContaining({ code: 'invalid-amount' }))
    expect(() => Amount.parse('1.5').toIntegerSats()).toThrow(
      expect.objectContaining({ code: 'invalid-amount' }),
    )
  })
})
