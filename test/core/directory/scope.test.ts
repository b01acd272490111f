// Scope normalization and hashing against ../shared/vectors/paykit/scope.json, through every provider.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import {
  normalizePubkeyZ32,
  recipientScope,
  subscriberScope,
} from '../../../electron/main/core/directory/scope'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { InputError } from '../../../electron/main/core/util/errors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()

describe.skipIf(!vectorsPresent)('scope.json (needs ../shared/vectors)', () => {
  const v = vectorsPresent ? loadVectors('paykit/scope.json') : {}

  for (const p of all) {
    it(`${p.name}: scope vectors (recipient and subscriber scope agree)`, () => {
      expect(v.scope_vectors).toHaveLength(4)
      for (const c of v.scope_vectors) {
        expect(recipientScope(c.input, p)).toBe(c.expected_scope)
        expect(subscriberScope(c.input, p)).toBe(c.expected_scope)
      }
    })
  }

  it('normalize vectors', () => {
    expect(v.normalize_vectors).toHaveLength(3)
    for (const c of v.normalize_vectors) expect(normalizePubkeyZ32(c.input)).toBe(c.expected)
  })

  it('invalid inputs give InputError with the reference reason', () => {
    expect(v.invalid_inputs).toHaveLength(3)
    for (const c of v.invalid_inputs) {
      const call = (): string => normalizePubkeyZ32(c.input)
      expect(call).toThrow(InputError)
      if (c.rust_error_contains) expect(call).toThrow(c.rust_error_contains)
    }
    expect(() => normalizePubkeyZ32('tooshort')).toThrow('z32 pubkey must be 52 chars, got 8')
    expect(() => normalizePubkeyZ32(v.invalid_inputs[1].input)).toThrow("invalid z32 character: 'l'")
  })

  it('derived edge cases: "PK:" and "pubky://" are not stripped', () => {
    expect(v.derived_edge_cases.cases).toHaveLength(2)
    for (const c of v.derived_edge_cases.cases) {
      expect(() => normalizePubkeyZ32(c.input)).toThrow(InputError)
    }
    expect(() => normalizePubkeyZ32(v.derived_edge_cases.cases[0].input)).toThrow('got 55')
  })

  it('accepts key bytes and hashes their z32 form', () => {
    const z = v.scope_vectors[1].input as string
    expect(recipientScope(z32Decode(z))).toBe(v.scope_vectors[1].expected_scope)
  })
})

describe('scope rules', () => {
  const key = 'ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1u'
  it('trims exactly Rust White_Space (NEL yes, BOM no) and lowercases ASCII only', () => {
    expect(normalizePubkeyZ32(`\u0085\u3000${key}\t\n`)).toBe(key)
    expect(() => normalizePubkeyZ32(`\ufeff${key}`)).toThrow('got 55') // BOM is 3 UTF-8 bytes, kept
    expect(() => normalizePubkeyZ32(key.slice(0, 51) + 'İ')).toThrow(InputError)
  })
  it('is deterministic and differs between keys', () => {
    const other = '8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo'
    expect(recipientScope(key)).toBe(recipientScope(key))
    expect(recipientScope(key)).not.toBe(recipientScope(other))
    expect(recipientScope(key)).toMatch(/^[0-9a-f]{64}$/)
  })
  it('refuses wrong types, huge input and wrong-length bytes with InputError', () => {
    expect(() => normalizePubkeyZ32(42 as unknown as string)).toThrow(InputError)
    expect(() => normalizePubkeyZ32('y'.repeat(1_000_000))).toThrow(InputError)
    expect(() => recipientScope(new Uint8Array(31))).toThrow(InputError)
  })
})
