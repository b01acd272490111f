// Proofs, payment status and free-form metadata against json_shapes.json; preimage check.
import { describe, expect, it } from 'vitest'
import { parseJson, rustFloat, writeJson, JsonFloat } from '../../../electron/main/core/interactive/json'
import { readProof, writeProof } from '../../../electron/main/core/interactive/proof'
import { readStatus, writeStatus, isTerminalStatus } from '../../../electron/main/core/interactive/status'
import { readReceipt, writeReceipt } from '../../../electron/main/core/interactive/receipt'
import { metadataFromJson, metadataToJson } from '../../../electron/main/core/interactive/metadata'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

describe.skipIf(!vectorsPresent)(
  'json_shapes.json proofs, status, metadata (needs ../shared/vectors)',
  () => {
    const shapes = loadVectors('paykit/json_shapes.json')

    // The content check of these proofs (placeholder hex fails it) is in test/core/payments/proof.test.ts.
    it('payment proofs round-trip byte-exact', () => {
      let n = 0
      for (const literal of shapes.payment_proof_interactive) {
        const text = JSON.stringify(literal)
        const proof = readProof(text)
        expect(writeProof(proof)).toBe(text)
        n++
      }
      expect(n).toBe(3)
    })

    it('payment status info round-trips (the vector note field is not part of the struct)', () => {
      const { note: _note, ...literal } = shapes.payment_status_info
      const text = JSON.stringify(literal)
      const s = readStatus(text)
      expect(writeStatus(s)).toBe(text)
      expect(isTerminalStatus(s.status)).toBe(false)
      expect(() => readStatus(JSON.stringify({ ...literal, status: 'Done' }))).toThrow(
        expect.objectContaining({ code: 'invalid-shape' }),
      )
    })

    it('receipt metadata keeps its JSON exactly, floats included', () => {
      const text = JSON.stringify(shapes.payment_metadata)
      const v = parseJson(text)
      expect(writeJson(v)).toBe(text)
      expect((v as { tax: { rate: unknown } }).tax.rate).toBeInstanceOf(JsonFloat)
      // …and reads as the typed PaymentMetadata, which writes back the same text.
      const m = metadataFromJson(v)
      expect(m.order?.items?.[0]?.unitPrice).toBe('1000')
      expect(m.tax?.rate).toBe(8.25)
      expect(writeJson(metadataToJson(m))).toBe(text)
      expect(() => metadataFromJson(parseJson('{"order":{"items":[{"description":"x"}]}}'))).toThrow(
        expect.objectContaining({ code: 'invalid-shape' }),
      )
    })

    it('a dialect-A receipt record round-trips (metadata written sorted, as serde_json does)', () => {
      const r = shapes.noise_messages_rust_paykit_interactive.RequestReceipt.payload.provisional_receipt
      const text = JSON.stringify(r)
      expect(writeReceipt(readReceipt(text))).toBe(text)
    })
  },
)

describe('serde_json float spelling (ryu)', () => {
  it('matches Rust for the decimal/scientific boundaries', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [-0, '-0.0'],
      [0.1, '0.1'],
      [123.456, '123.456'],
      [8.25, '8.25'],
      [1e15, '1000000000000000.0'],
      [1e16, '1e16'],
      [1.5e16, '1.5e16'],
      [1e21, '1e21'],
      [0.0001, '0.0001'],
      [0.00001, '0.00001'],
      [0.000001, '1e-6'],
      [1.5e-7, '1.5e-7'],
      [-2.5e300, '-2.5e300'],
    ]
    for (const [v, text] of cases) expect(rustFloat(v), String(v)).toBe(text)
  })
})

describe('strict JSON reader', () => {
  it('keeps integer vs float spelling, big integers exact, and refuses bad input with codes', () => {
    expect(writeJson(parseJson('{"a":3,"b":3.0,"c":18446744073709551615,"d":-1e21,"e":2.50}'))).toBe(
      '{"a":3,"b":3.0,"c":18446744073709551615,"d":-1e21,"e":2.5}',
    )
    for (const [bad, code] of [
      ['{"a":1,}', 'invalid-json'],
      ["{'a':1}", 'invalid-json'],
      ['{"a":01}', 'invalid-json'],
      ['"\u0001"', 'invalid-json'],
      ['{"__proto__":1,"__proto__":2}', 'invalid-json'],
      ['nul', 'invalid-json'],
      ['"\\ud800"', 'invalid-json'],
    ] as const) {
      expect(() => parseJson(bad), bad).toThrow(expect.objectContaining({ code }))
    }
    expect(parseJson('"\\ud83d\\ude00 caf\\u00e9"')).toBe('😀 café')
    const o = parseJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>
    expect(Object.keys(o)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})
