// The three interactive message dialects against ../shared/vectors/paykit/json_shapes.json:
// decode → one union (remembering the dialect) → encode in that dialect → byte-exact text.
import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage, type Message } from '../../../electron/main/core/interactive/messages'
import {
  fromPlain,
  sortKeysDeep,
  writeJson,
  type JsonValue,
} from '../../../electron/main/core/interactive/json'
import { checkConfirmation, checkReceiptParties } from '../../../electron/main/core/interactive/receipt'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const PAYER = '8iybxo9eeqriirizbkuw4g56z1qjomgxf5njpdgy3ik9nkzwcagy'
const PAYEE = '47pjoycnsrfmxikm95jh13y88e8qnhzu5kungjpxyepgt7a8krpy'

/** Rust writes a serde_json::Value (receipt metadata) with sorted keys. */
function sortReceiptMetadata(v: Record<string, unknown>): JsonValue {
  const copy = JSON.parse(JSON.stringify(v))
  for (const key of ['provisional_receipt', 'receipt']) {
    const r = copy.payload?.[key]
    if (r?.metadata) r.metadata = JSON.parse(writeJson(sortKeysDeep(fromPlain(r.metadata))))
  }
  return fromPlain(copy)
}

describe.skipIf(!vectorsPresent)('json_shapes.json interactive messages (needs ../shared/vectors)', () => {
  const shapes = loadVectors('paykit/json_shapes.json')

  it('dialect A (Rust): every message decodes as rust and re-encodes byte-exact', () => {
    const a = shapes.noise_messages_rust_paykit_interactive
    let n = 0
    let metadataReordered = 0
    for (const [name, literal] of Object.entries(a)) {
      if (typeof literal !== 'object' || literal === null) continue // envelope/receipt_fields notes
      const text = JSON.stringify(literal)
      const decoded = decodeMessage(text)
      expect(decoded.dialect, name).toBe('rust')
      const again = encodeMessage(decoded.message, 'rust')
      if (again !== text) {
        // Only difference allowed: receipt metadata keys, which serde_json (BTreeMap) sorts.
        metadataReordered++
        expect(again, name).toBe(writeJson(sortReceiptMetadata(literal as Record<string, unknown>)))
      }
      expect(JSON.parse(again), name).toEqual(literal)
      n++
    }
    expect(n).toBe(8)
    expect(metadataReordered).toBe(1) // ConfirmReceipt's {"order_id","invoice"} is unsorted in the vector
  })

  it('dialect B (mobile builder): z32 parties, null amounts, json! key order', () => {
    const b = shapes.noise_messages_paykit_mobile_builder
    let n = 0
    for (const name of ['RequestReceipt', 'Ack', 'Error']) {
      const literal = b[name]
      // What json! really emits: every object's keys sorted (the vector lists "type" first).
      const rustText = writeJson(sortKeysDeep(fromPlain(literal)))
      const decoded = decodeMessage(rustText)
      expect(decoded.dialect, name).toBe('mobile-builder')
      expect(encodeMessage(decoded.message, 'mobile-builder'), name).toBe(rustText)
      expect(JSON.parse(encodeMessage(decoded.message, 'mobile-builder'))).toEqual(literal)
      n++
    }
    expect(n).toBe(3)
    // The literal spelling decodes too; RequestReceipt and Ack are still recognisably B.
    expect(decodeMessage(JSON.stringify(b.RequestReceipt)).dialect).toBe('mobile-builder')
    expect(decodeMessage(JSON.stringify(b.Ack)).dialect).toBe('mobile-builder')
    // An Error written type-first is identical to dialect A; answering A is readable by B's parser.
    expect(decodeMessage(JSON.stringify(b.Error)).dialect).toBe('rust')
    const rr = decodeMessage(JSON.stringify(b.RequestReceipt)).message
    expect(rr.type).toBe('RequestReceipt')
    if (rr.type === 'RequestReceipt') {
      expect(rr.receipt.payer).toEqual(z32Decode(PAYER))
      expect(rr.receipt.amount).toBe('1000')
    }
  })

  it('dialect C (mobile flat): sorted flat objects re-encode byte-exact; placeholders are refused', () => {
    const c = shapes.noise_messages_paykit_mobile_flat
    let n = 0
    for (const name of ['request_receipt_full', 'confirm_receipt', 'private_endpoint_offer', 'error']) {
      const text = JSON.stringify(c[name])
      const decoded = decodeMessage(text)
      expect(decoded.dialect, name).toBe('mobile-flat')
      expect(encodeMessage(decoded.message, 'mobile-flat'), name).toBe(text)
      n++
    }
    for (const t of c.other_types as string[]) {
      const text = JSON.stringify({ type: t })
      const d = decodeMessage(text)
      expect(d.dialect).toBe('mobile-flat')
      expect(encodeMessage(d.message, 'mobile-flat')).toBe(text)
      n++
    }
    expect(n).toBe(6)
    // The transcribed test literal uses "client_pk"/"server_pk" placeholders, not keys.
    expect(() => decodeMessage(JSON.stringify(c.request_receipt_transcribed))).toThrow(
      expect.objectContaining({ code: 'invalid-key' }),
    )
  })
})

describe('interactive flows across dialects', () => {
  const payer = z32Decode(PAYER)
  const payee = z32Decode(PAYEE)
  const receipt = {
    receiptId: 'rcpt_1',
    payer,
    payee,
    methodId: 'lightning',
    amount: '1000',
    currency: 'SAT',
    createdAt: 1704153600,
    metadata: fromPlain({ order_id: 'ORD-1' }),
  }

  it('answers a RequestReceipt with a ConfirmReceipt in the dialect of the request', () => {
    for (const dialect of ['rust', 'mobile-builder', 'mobile-flat'] as const) {
      const request = encodeMessage({ type: 'RequestReceipt', receipt }, dialect)
      const got = decodeMessage(request)
      expect(got.dialect).toBe(dialect)
      if (got.message.type !== 'RequestReceipt') throw new Error('expected RequestReceipt')
      checkReceiptParties(got.message.receipt, payee, payer)
      const confirmed = {
        ...got.message.receipt,
        metadata: fromPlain({ invoice: 'lnbc10u1p...', order_id: 'ORD-1' }),
      }
      const reply = encodeMessage(
        { type: 'ConfirmReceipt', receipt: confirmed, confirmedAt: 1704153601 },
        got.dialect,
      )
      const back = decodeMessage(reply)
      expect(back.dialect).toBe(dialect)
      if (back.message.type !== 'ConfirmReceipt') throw new Error('expected ConfirmReceipt')
      checkConfirmation(receipt, back.message.receipt)
      expect(back.message.receipt.metadata).toEqual(confirmed.metadata)
    }
  })

  it('rejects the wrong payee, a payer other than the authenticated peer, and an id mismatch', () => {
    expect(() => checkReceiptParties(receipt, payer, payer)).toThrow(
      expect.objectContaining({ code: 'wrong-payee' }),
    )
    expect(() => checkReceiptParties(receipt, payee, payee)).toThrow(
      expect.objectContaining({ code: 'wrong-payer' }),
    )
    expect(() => checkConfirmation(receipt, { ...receipt, receiptId: 'other' })).toThrow(
      expect.objectContaining({ code: 'receipt-mismatch' }),
    )
  })

  it('refuses message types a dialect cannot express', () => {
    const msgs: [Message, 'rust' | 'mobile-builder' | 'mobile-flat'][] = [
      [{ type: 'Ping' }, 'rust'],
      [{ type: 'AcceptPrivateEndpoints', methodIds: ['lightning'] }, 'mobile-builder'],
      [{ type: 'Ack' }, 'mobile-flat'],
    ]
    for (const [m, d] of msgs) {
      expect(() => encodeMessage(m, d)).toThrow(expect.objectContaining({ code: 'unsupported-in-dialect' }))
    }
  })

  it('bad input gets typed errors', () => {
    const cases: [string, string][] = [
      ['', 'invalid-json'],
      ['{"type":"RequestReceipt","payload":{}}', 'invalid-shape'],
      ['{"type":"Bogus","payload":{}}', 'unknown-message'],
      ['{"type":"teleport"}', 'unknown-message'],
      ['[1,2]', 'invalid-shape'],
      ['{"type":1}', 'invalid-shape'],
      ['{"type":"Ack","payload":{"x":1}}', 'invalid-shape'],
      ['{"type":"Error","payload":{"code":"X"}}', 'invalid-shape'],
      ['{"type":"Ack","type":"Ack"}', 'invalid-json'],
      ['{"type":"Ack"} trailing', 'invalid-json'],
      ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', 'too-large'],
      [`{"type":"Error","payload":{"code":"X","message":"${'x'.repeat(70_000)}"}}`, 'too-large'],
      [
        '{"type":"RequestReceipt","payload":{"provisional_receipt":{"receipt_id":"r","payer":[1,2,3],"payee":[],"method_id":"x","created_at":1,"metadata":{}}}}',
        'invalid-key',
      ],
      [
        `{"type":"request_receipt","receipt_id":"r","payer":"${PAYER}","payee":"${PAYEE}","method_id":"m","created_at":1.5}`,
        'invalid-shape',
      ],
    ]
    // Small-order points (all-zero bytes; z32 "yyyy…") are refused as keys.
    const zero = JSON.stringify(new Array(32).fill(0))
    cases.push([
      `{"type":"RequestReceipt","payload":{"provisional_receipt":{"receipt_id":"r","payer":${zero},"payee":${zero},"method_id":"x","created_at":1,"metadata":{}}}}`,
      'invalid-key',
    ])
    cases.push([
      `{"type":"request_receipt","receipt_id":"r","payer":"${'y'.repeat(52)}","payee":"${PAYEE}","method_id":"m","created_at":1}`,
      'invalid-key',
    ])
    for (const [text, code] of cases) {
      expect(() => decodeMessage(text), text.slice(0, 60)).toThrow(expect.objectContaining({ code }))
    }
  })
})
