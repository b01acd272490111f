import { describe, expect, it } from 'vitest'
import { fromHex, toHex, fromBase64Url, equalBytes, fromUtf8 } from '../electron/main/core/util/bytes'
import { InputError } from '../electron/main/core/util/errors'

describe('bytes', () => {
  it('round-trips hex and rejects odd or non-hex input with InputError', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10')
    expect(() => fromHex('abc')).toThrow(InputError)
    expect(() => fromHex('zz')).toThrow(/not hex/)
  })
  it('rejects padded base64url and invalid UTF-8', () => {
    expect(() => fromBase64Url('AA==')).toThrow(InputError)
    expect(() => fromUtf8(new Uint8Array([0xff]))).toThrow(InputError)
  })
  it('compares bytes by value and length', () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false)
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false)
  })
})
