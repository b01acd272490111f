// DNS wire codec: round trips for every record type pkarr uses, compressed input, and malformed
// packets rejected with `dns-malformed` (never a raw TypeError, never a hang).
import { describe, expect, it } from 'vitest'
import {
  decodeDns,
  encodeDns,
  ipv4HintParam,
  readU16Param,
  RR_TYPE,
  SVC_PARAM,
  txtData,
  txtText,
  u16Param,
  type ResourceRecord,
} from '../../../electron/main/core/pkarr/dns'
import { PkarrError } from '../../../electron/main/core/pkarr/errors'

const KEY = '8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo'

const records: ResourceRecord[] = [
  {
    name: `_pubky.${KEY}`,
    class: 1,
    ttl: 3600,
    data: { type: 'HTTPS', priority: 0, target: KEY, params: [] },
  },
  {
    name: KEY,
    class: 1,
    ttl: 3600,
    data: { type: 'HTTPS', priority: 10, target: 'localhost', params: [u16Param(SVC_PARAM.httpPort, 6286)] },
  },
  {
    name: KEY,
    class: 1,
    ttl: 60,
    data: {
      type: 'SVCB',
      priority: 1,
      target: '.',
      params: [ipv4HintParam(['127.0.0.1']), u16Param(SVC_PARAM.port, 6287)],
    },
  },
  { name: KEY, class: 1, ttl: 300, data: { type: 'A', address: '127.0.0.1' } },
  { name: KEY, class: 1, ttl: 300, data: { type: 'AAAA', address: '::1' } },
  { name: KEY, class: 1, ttl: 300, data: { type: 'AAAA', address: '2001:db8::ff00:42:8329' } },
  { name: `_foo.${KEY}`, class: 1, ttl: 30, data: txtData('x'.repeat(300)) },
  { name: `www.${KEY}`, class: 1, ttl: 30, data: { type: 'CNAME', target: `_foo.${KEY}` } },
  { name: `x.${KEY}`, class: 1, ttl: 30, data: { type: 'UNKNOWN', code: 99, rdata: Uint8Array.of(1, 2, 3) } },
]

function expectMalformed(bytes: Uint8Array, message: RegExp): void {
  let err: unknown
  try {
    decodeDns(bytes)
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(PkarrError)
  expect((err as PkarrError).code).toBe('dns-malformed')
  expect((err as PkarrError).message).toMatch(message)
}

describe('DNS codec', () => {
  it('round-trips HTTPS, SVCB, A, AAAA, TXT, CNAME and unknown records', () => {
    const bytes = encodeDns({ answers: records })
    const msg = decodeDns(bytes)
    expect(msg.flags).toBe(0x8400)
    expect(msg.answers).toHaveLength(records.length)
    expect(msg.answers.map((r) => r.name)).toEqual(records.map((r) => r.name))
    expect(msg.answers[0]!.data).toEqual({ type: 'HTTPS', priority: 0, target: KEY, params: [] })
    const hs = msg.answers[1]!.data
    expect(hs.type === 'HTTPS' && hs.target).toBe('localhost')
    expect(hs.type === 'HTTPS' && readU16Param(hs.params, SVC_PARAM.httpPort)).toBe(6286)
    const svcb = msg.answers[2]!.data
    // Params are written in ascending key order whatever order they were given in.
    expect(svcb.type === 'SVCB' && svcb.params.map((p) => p.key)).toEqual([3, 4])
    expect(svcb.type === 'SVCB' && svcb.target).toBe('.')
    expect(msg.answers[3]!.data).toEqual({ type: 'A', address: '127.0.0.1' })
    expect(msg.answers[4]!.data).toEqual({ type: 'AAAA', address: '::1' })
    expect(msg.answers[5]!.data).toEqual({ type: 'AAAA', address: '2001:db8::ff00:42:8329' })
    expect(txtText(msg.answers[6]!.data)).toBe('x'.repeat(300))
    expect(msg.answers[7]!.data).toEqual({ type: 'CNAME', target: `_foo.${KEY}` })
    expect(msg.answers[8]!.data).toEqual({ type: 'UNKNOWN', code: 99, rdata: Uint8Array.of(1, 2, 3) })
    expect(msg.answers.map((r) => r.ttl)).toEqual(records.map((r) => r.ttl))
    // Owner names are compressed: the key appears once as an owner label and once as the SVCB
    // target of the first record (RFC 9460 forbids compressing targets).
    expect(Buffer.from(bytes).toString('latin1').split(KEY)).toHaveLength(3)
    expect(encodeDns({ answers: msg.answers })).toEqual(bytes)
  })

  it('reads uncompressed names and compression pointers alike', () => {
    const uncompressed = Uint8Array.from([
      0,
      0,
      0x84,
      0,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      0,
      1,
      0x61,
      3,
      0x63,
      0x6f,
      0x6d,
      0,
      0,
      RR_TYPE.A,
      0,
      1,
      0,
      0,
      0,
      60,
      0,
      4,
      10,
      0,
      0,
      1,
      1,
      0x62,
      0xc0,
      12,
      0,
      RR_TYPE.A,
      0,
      1,
      0,
      0,
      0,
      60,
      0,
      4,
      10,
      0,
      0,
      2,
    ])
    const msg = decodeDns(uncompressed)
    expect(msg.answers.map((r) => r.name)).toEqual(['a.com', 'b.a.com'])
    expect(msg.answers[1]!.data).toEqual({ type: 'A', address: '10.0.0.2' })
  })

  it('refuses truncated, looping, oversized and inconsistent packets', () => {
    const good = encodeDns({ answers: records.slice(0, 4) })
    expectMalformed(good.subarray(0, 5), /header runs past the end/)
    for (let cut = 12; cut < good.length; cut += 7)
      expect(() => decodeDns(good.subarray(0, cut))).toThrow(PkarrError)
    const header = (an: number): number[] => [0, 0, 0x84, 0, 0, 0, 0, an, 0, 0, 0, 0]
    expectMalformed(
      Uint8Array.from([...header(1), 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0]),
      /does not point backwards/,
    )
    expectMalformed(
      Uint8Array.from([...header(1), 0xc0, 40, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0]),
      /does not point backwards/,
    )
    expectMalformed(
      Uint8Array.from([...header(1), 0x40, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0]),
      /reserved label type/,
    )
    expectMalformed(
      Uint8Array.from([...header(200), 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0]),
      /record counts exceed/,
    )
    expectMalformed(
      Uint8Array.from([...header(1), 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5]),
      /A record data must be 4 bytes/,
    )
    expectMalformed(Uint8Array.from([...header(0), 9]), /trailing bytes/)
    expectMalformed(
      Uint8Array.from([...header(1), 0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 5, 1]),
      /TXT string runs past/,
    )
    const long = [...header(1)]
    for (let i = 0; i < 5; i++) long.push(63, ...new Array<number>(63).fill(0x61))
    long.push(0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 1, 1, 1)
    expectMalformed(Uint8Array.from(long), /longer than 255 bytes/)
  })

  it('refuses names and values it cannot encode faithfully', () => {
    const bad = (r: Partial<ResourceRecord>): unknown =>
      encodeDns({ answers: [{ name: KEY, class: 1, ttl: 1, data: { type: 'A', address: '1.2.3.4' }, ...r }] })
    expect(() => bad({ name: `${'a'.repeat(64)}.${KEY}` })).toThrow(/label of 64 bytes/)
    expect(() => bad({ name: 'a..b' })).toThrow(/label of 0 bytes/)
    expect(() => bad({ name: 'a b' })).toThrow(/printable ASCII/)
    expect(() => bad({ data: { type: 'A', address: '256.1.1.1' } })).toThrow(/IPv4/)
    expect(() => bad({ data: { type: 'AAAA', address: '1::2::3' } })).toThrow(/IPv6/)
    expect(() => bad({ ttl: -1 })).toThrow(/TTL/)
    expect(() => u16Param(1, 70000)).toThrow(/16-bit/)
  })
})
