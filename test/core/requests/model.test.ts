// Payment-request plaintexts: Rust shape byte-exact, mobile shape read, owner binding, expiry.
import { describe, expect, it } from 'vitest'
import {
  checkRequestNotExpired,
  checkRequestSender,
  readRequest,
  toRequestView,
  writePublishedRequest,
  type PublishedRequest,
} from '../../../electron/main/core/requests/model'
import { Amount } from '../../../electron/main/core/money/amount'
import { fromPlain } from '../../../electron/main/core/interactive/json'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const PAYER = z32Decode('8iybxo9eeqriirizbkuw4g56z1qjomgxf5njpdgy3ik9nkzwcagy')
const PAYEE = z32Decode('47pjoycnsrfmxikm95jh13y88e8qnhzu5kungjpxyepgt7a8krpy')

describe.skipIf(!vectorsPresent)('json_shapes.json sealed request payloads (needs ../shared/vectors)', () => {
  const shapes = loadVectors('paykit/json_shapes.json')

  it('Rust PublishedRequest reads and re-writes byte-exact', () => {
    const text = JSON.stringify(shapes.sealed_payloads.payment_request_plaintext_rust.published_request)
    const read = readRequest(text)
    expect(read.schema).toBe('rust')
    if (read.schema !== 'rust') return
    expect(writePublishedRequest(read.published)).toBe(text)
    expect(read.published.request.amount.toString()).toBe('1000')
    const view = toRequestView(read, 'req_1704153600')
    expect(view.from).toEqual(PAYEE)
    expect(() => toRequestView(read, 'req_other')).toThrow(
      expect.objectContaining({ code: 'invalid-request' }),
    )
  })

  it('Bitkit-doc schema is read (ms → s); its placeholder to_pubkey is not a canonical key', () => {
    const literal = shapes.sealed_payloads.payment_request_plaintext_bitkit_doc_schema.transcribed
    // "ybndrfg8…ot1u" ends in a character whose padding bits are set: no 32-byte key spells it.
    expect(() => readRequest(JSON.stringify(literal))).toThrow(
      expect.objectContaining({ code: 'invalid-key' }),
    )
    const fixed = { ...literal, to_pubkey: '8iybxo9eeqriirizbkuw4g56z1qjomgxf5njpdgy3ik9nkzwcagy' }
    const read = readRequest(JSON.stringify(fixed))
    expect(read.schema).toBe('mobile')
    const view = toRequestView(read, 'req_x')
    expect(view.amount.toString()).toBe('10000')
    expect(view.createdAt).toBe(1704153600)
    expect(view.expiresAt).toBe(1704240000)
    expect(view.currency).toBe('SAT')
  })
})

function sample(): PublishedRequest {
  return {
    request: {
      requestId: 'req_1704153600123_0000a1b2c3d4e5f60718',
      from: PAYEE,
      to: PAYER,
      amount: Amount.parse('2500.50'),
      currency: 'SAT',
      method: 'lightning',
      description: 'Invoice #43',
      dueDate: null,
      metadata: fromPlain({ z: 1, a: { y: true, b: null } }),
      createdAt: 1704153600,
      expiresAt: 1704157200,
      invoiceNumber: 'INV-43',
      items: [
        {
          itemId: null,
          description: 'Coffee',
          quantity: 2,
          unitPrice: Amount.parse('1250.25'),
          total: Amount.parse('2500.50'),
          sku: 'CF-1',
          category: null,
        },
      ],
      tax: {
        description: 'VAT',
        rate: Amount.parse('8.25'),
        amount: Amount.parse('0'),
        jurisdiction: null,
        taxId: null,
      },
      shipping: {
        address: {
          name: 'A',
          line1: '1 Main St',
          line2: null,
          city: 'X',
          state: null,
          postalCode: '123',
          country: 'US',
          phone: null,
        },
        method: { custom: 'Bike courier' },
        cost: Amount.parse('0'),
        trackingNumber: null,
        carrier: null,
        estimatedDelivery: null,
        instructions: null,
      },
      notes: 'thanks',
    },
    publishedAt: 1704153600,
    active: true,
  }
}

describe('payment requests', () => {
  it('optional invoice fields round-trip; metadata keys are written sorted', () => {
    const text = writePublishedRequest(sample())
    expect(text).toContain('"metadata":{"a":{"b":null,"y":true},"z":1}')
    expect(text).toContain('"method":{"Custom":"Bike courier"}')
    expect(text.indexOf('"invoice_number"')).toBeGreaterThan(text.indexOf('"expires_at"'))
    const again = readRequest(text)
    if (again.schema !== 'rust') throw new Error('expected rust')
    expect(writePublishedRequest(again.published)).toBe(text)
  })

  it('owner binding and expiry', () => {
    const r = sample().request
    expect(() => checkRequestSender(r, PAYEE)).not.toThrow()
    expect(() => checkRequestSender(r, PAYER)).toThrow(expect.objectContaining({ code: 'wrong-sender' }))
    const clock = new ManualClock(1704157200_000)
    expect(() => checkRequestNotExpired(r, clock)).not.toThrow() // now == expires_at is not expired
    clock.advance(1000)
    expect(() => checkRequestNotExpired(r, clock)).toThrow(
      expect.objectContaining({ code: 'request-expired' }),
    )
  })

  it('bad input gets typed errors', () => {
    const good = JSON.parse(writePublishedRequest(sample()))
    const mutate = (f: (o: typeof good) => void): string => {
      const o = JSON.parse(JSON.stringify(good))
      f(o)
      return JSON.stringify(o)
    }
    const cases: [string, string][] = [
      ['not json', 'invalid-json'],
      [mutate((o) => (o.request.amount = '1e3')), 'invalid-amount'],
      [mutate((o) => (o.request.amount = '-5')), 'invalid-request'],
      [mutate((o) => (o.request.currency = '')), 'invalid-request'],
      [mutate((o) => (o.request.request_id = '../etc')), 'invalid-request'],
      [mutate((o) => (o.request.to = o.request.from)), 'invalid-request'],
      [mutate((o) => (o.request.from = [1, 2])), 'invalid-key'],
      [mutate((o) => delete o.request.metadata), 'invalid-request'],
      [mutate((o) => (o.active = 'yes')), 'invalid-shape'],
      [mutate((o) => (o.request.items[0].quantity = -1)), 'invalid-shape'],
      [mutate((o) => (o.request.shipping.method = 'Teleport')), 'invalid-shape'],
      [JSON.stringify({ schema_version: 1, from_pubkey: 'x' }), 'invalid-request'],
    ]
    for (const [text, code] of cases) {
      expect(() => readRequest(text), text.slice(0, 80)).toThrow(expect.objectContaining({ code }))
    }
  })
})
