/**
 * @module pkarr/dns
 * A minimal, strict DNS message codec (RFC 1035 + RFC 9460 SVCB/HTTPS) for the records pkarr
 * packets carry: A, AAAA, TXT, CNAME, NS, SVCB and HTTPS; any other type is kept as raw rdata.
 *
 * Why hand-written: the npm `dns-packet` has no SVCB/HTTPS support and Pubky's `_pubky` records are
 * HTTPS records. Decoding never trusts a length: every count and length is checked against the bytes
 * that remain, compression pointers must point backwards and chains are bounded, so a hostile packet
 * can neither allocate from an untrusted length nor loop.
 *
 * Names are dotted strings without the trailing dot; the root name is `'.'`.
 */
import { PkarrError } from './errors'

/** Resource record type codes used here. */
export const RR_TYPE = { A: 1, NS: 2, CNAME: 5, TXT: 16, AAAA: 28, SVCB: 64, HTTPS: 65 } as const
export const CLASS_IN = 1

/** SvcParamKeys (RFC 9460 §14.3.2) plus pkarr's private HTTP_PORT key. */
export const SVC_PARAM = { alpn: 1, port: 3, ipv4hint: 4, ipv6hint: 6, httpPort: 65280 } as const

export interface SvcParam {
  key: number
  value: Uint8Array
}

export type RecordData =
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  | { type: 'TXT'; strings: Uint8Array[] }
  | { type: 'CNAME' | 'NS'; target: string }
  | { type: 'SVCB' | 'HTTPS'; priority: number; target: string; params: SvcParam[] }
  | { type: 'UNKNOWN'; code: number; rdata: Uint8Array }

export interface ResourceRecord {
  name: string
  /** Class; 1 (IN) unless the packet says otherwise. */
  class: number
  ttl: number
  data: RecordData
}

export interface Question {
  name: string
  type: number
  class: number
}

export interface DnsMessage {
  id: number
  flags: number
  questions: Question[]
  answers: ResourceRecord[]
  authorities: ResourceRecord[]
  additionals: ResourceRecord[]
}

/** Flags of a pkarr reply: QR (response) and AA (authoritative). */
export const REPLY_FLAGS = 0x8400

const malformed = (message: string): PkarrError => new PkarrError('dns-malformed', `DNS packet: ${message}`)

// ---------------------------------------------------------------- decoding

class Reader {
  pos = 0
  constructor(readonly buf: Uint8Array) {}

  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw malformed(`${what} runs past the end of the packet`)
  }
  u8(what: string): number {
    this.need(1, what)
    return this.buf[this.pos++]!
  }
  u16(what: string): number {
    this.need(2, what)
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!
    this.pos += 2
    return v
  }
  u32(what: string): number {
    this.need(4, what)
    const b = this.buf
    const v =
      ((b[this.pos]! << 24) >>> 0) + (b[this.pos + 1]! << 16) + (b[this.pos + 2]! << 8) + b[this.pos + 3]!
    this.pos += 4
    return v
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what)
    const out = Uint8Array.prototype.slice.call(this.buf, this.pos, this.pos + n)
    this.pos += n
    return out
  }
  name(what: string): string {
    const { name, next } = readName(this.buf, this.pos, what)
    this.pos = next
    return name
  }
}

const MAX_POINTER_HOPS = 64

/** Reads a possibly compressed name at `offset`; returns it and the offset just past it. */
function readName(buf: Uint8Array, offset: number, what: string): { name: string; next: number } {
  const labels: string[] = []
  let pos = offset
  let next = -1
  let hops = 0
  let wireLength = 1
  for (;;) {
    if (pos >= buf.length) throw malformed(`${what} name runs past the end of the packet`)
    const len = buf[pos]!
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw malformed(`${what} name has a truncated compression pointer`)
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!
      if (next < 0) next = pos + 2
      if (target >= pos)
        throw malformed(`${what} name has a compression pointer that does not point backwards`)
      if (++hops > MAX_POINTER_HOPS) throw malformed(`${what} name has too many compression pointers`)
      pos = target
      continue
    }
    if ((len & 0xc0) !== 0) throw malformed(`${what} name uses a reserved label type`)
    if (len === 0) {
      if (next < 0) next = pos + 1
      break
    }
    if (pos + 1 + len > buf.length) throw malformed(`${what} name label runs past the end of the packet`)
    wireLength += len + 1
    if (wireLength > 255) throw malformed(`${what} name is longer than 255 bytes`)
    labels.push(String.fromCharCode(...buf.subarray(pos + 1, pos + 1 + len)))
    pos += 1 + len
  }
  return { name: labels.length === 0 ? '.' : labels.join('.'), next }
}

function formatIpv6(b: Uint8Array): string {
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!)
  // Longest run of zero groups (length >= 2) becomes '::' (RFC 5952).
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}

function readRecord(r: Reader, section: string): ResourceRecord {
  const name = r.name(section)
  const type = r.u16(`${section} type`)
  const cls = r.u16(`${section} class`)
  const ttl = r.u32(`${section} ttl`)
  const rdlength = r.u16(`${section} rdlength`)
  r.need(rdlength, `${section} rdata`)
  const start = r.pos
  const end = start + rdlength
  // Record data is parsed with a reader that sees the whole packet (for compressed names) but must
  // end exactly at `end`.
  const rd = new Reader(r.buf)
  rd.pos = start
  let data: RecordData
  switch (type) {
    case RR_TYPE.A: {
      if (rdlength !== 4) throw malformed(`A record data must be 4 bytes, got ${rdlength}`)
      data = { type: 'A', address: Array.from(r.buf.subarray(start, end)).join('.') }
      rd.pos = end
      break
    }
    case RR_TYPE.AAAA: {
      if (rdlength !== 16) throw malformed(`AAAA record data must be 16 bytes, got ${rdlength}`)
      data = { type: 'AAAA', address: formatIpv6(r.buf.subarray(start, end)) }
      rd.pos = end
      break
    }
    case RR_TYPE.TXT: {
      const strings: Uint8Array[] = []
      while (rd.pos < end) {
        const len = rd.u8('TXT string length')
        if (rd.pos + len > end) throw malformed('TXT string runs past its record')
        strings.push(rd.bytes(len, 'TXT string'))
      }
      data = { type: 'TXT', strings }
      break
    }
    case RR_TYPE.CNAME:
    case RR_TYPE.NS: {
      data = { type: type === RR_TYPE.CNAME ? 'CNAME' : 'NS', target: rd.name('target') }
      break
    }
    case RR_TYPE.SVCB:
    case RR_TYPE.HTTPS: {
      const priority = rd.u16('SVCB priority')
      const target = rd.name('SVCB target')
      const params: SvcParam[] = []
      while (rd.pos < end) {
        const key = rd.u16('SvcParam key')
        const len = rd.u16('SvcParam length')
        if (rd.pos + len > end) throw malformed('SvcParam value runs past its record')
        params.push({ key, value: rd.bytes(len, 'SvcParam value') })
      }
      data = { type: type === RR_TYPE.SVCB ? 'SVCB' : 'HTTPS', priority, target, params }
      break
    }
    default:
      data = { type: 'UNKNOWN', code: type, rdata: Uint8Array.prototype.slice.call(r.buf, start, end) }
      rd.pos = end
  }
  if (rd.pos !== end)
    throw malformed(`record data of ${name} is ${rdlength} bytes but its fields use ${rd.pos - start}`)
  r.pos = end
  return { name, class: cls, ttl, data }
}

/** Decodes a DNS message; throws `PkarrError('dns-malformed')` with the reason on any defect. */
export function decodeDns(buf: Uint8Array): DnsMessage {
  if (!(buf instanceof Uint8Array)) throw malformed('must be bytes')
  const r = new Reader(buf)
  const id = r.u16('header')
  const flags = r.u16('header')
  const qd = r.u16('header')
  const an = r.u16('header')
  const ns = r.u16('header')
  const ar = r.u16('header')
  // Each question takes >= 5 bytes and each record >= 11: counts beyond that cannot be honest.
  if (qd * 5 + (an + ns + ar) * 11 > buf.length - 12) throw malformed('record counts exceed the packet size')
  const questions: Question[] = []
  for (let i = 0; i < qd; i++) {
    const name = r.name('question')
    questions.push({ name, type: r.u16('question type'), class: r.u16('question class') })
  }
  const section = (n: number, what: string): ResourceRecord[] => {
    const out: ResourceRecord[] = []
    for (let i = 0; i < n; i++) out.push(readRecord(r, what))
    return out
  }
  const answers = section(an, 'answer')
  const authorities = section(ns, 'authority')
  const additionals = section(ar, 'additional')
  if (r.pos !== buf.length) throw malformed(`${buf.length - r.pos} trailing bytes after the last record`)
  return { id, flags, questions, answers, authorities, additionals }
}

// ---------------------------------------------------------------- encoding

class Writer {
  private chunks: number[] = []
  private names = new Map<string, number>()

  get length(): number {
    return this.chunks.length
  }
  u8(v: number): void {
    this.chunks.push(v & 0xff)
  }
  u16(v: number): void {
    this.chunks.push((v >>> 8) & 0xff, v & 0xff)
  }
  u32(v: number): void {
    this.chunks.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)
  }
  bytes(b: Uint8Array): void {
    for (const x of b) this.chunks.push(x)
  }
  setU16(at: number, v: number): void {
    this.chunks[at] = (v >>> 8) & 0xff
    this.chunks[at + 1] = v & 0xff
  }
  /** Writes a name, compressing against earlier names unless `compress` is false (SVCB targets). */
  name(name: string, compress: boolean): void {
    const labels = nameLabels(name)
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase()
      const at = compress ? this.names.get(suffix) : undefined
      if (at !== undefined) {
        this.u16(0xc000 | at)
        return
      }
      if (compress && this.length < 0x4000) this.names.set(suffix, this.length)
      const label = labels[i]!
      this.u8(label.length)
      for (let j = 0; j < label.length; j++) this.u8(label.charCodeAt(j))
    }
    this.u8(0)
  }
  done(): Uint8Array {
    return Uint8Array.from(this.chunks)
  }
}

function nameLabels(name: string): string[] {
  if (typeof name !== 'string') throw new PkarrError('dns-invalid-name', 'DNS name must be a string')
  if (name === '.' || name === '') return []
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name
  const labels = trimmed.split('.')
  let wire = 1
  for (const l of labels) {
    if (l.length === 0 || l.length > 63) {
      throw new PkarrError(
        'dns-invalid-name',
        `DNS name "${name}" has a label of ${l.length} bytes (1..63 allowed)`,
      )
    }
    if (!/^[\x21-\x7e]+$/.test(l)) {
      throw new PkarrError(
        'dns-invalid-name',
        `DNS name "${name}" has a label with characters outside printable ASCII`,
      )
    }
    wire += l.length + 1
  }
  if (wire > 255) throw new PkarrError('dns-invalid-name', `DNS name "${name}" is longer than 255 bytes`)
  return labels
}

function parseIpv4(address: string): Uint8Array {
  const parts = address.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) {
    throw new PkarrError('dns-unsupported', `"${address}" is not a dotted-quad IPv4 address`)
  }
  return Uint8Array.from(parts.map(Number))
}

function parseIpv6(address: string): Uint8Array {
  const bad = (): PkarrError => new PkarrError('dns-unsupported', `"${address}" is not an IPv6 address`)
  const halves = address.split('::')
  if (halves.length > 2) throw bad()
  const groups = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').map((g) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw bad()
          return parseInt(g, 16)
        })
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  const fill = 8 - head.length - tail.length
  if ((halves.length === 1 && fill !== 0) || (halves.length === 2 && fill < 1)) throw bad()
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail]
  const out = new Uint8Array(16)
  all.forEach((g, i) => {
    out[2 * i] = g >>> 8
    out[2 * i + 1] = g & 0xff
  })
  return out
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  const d = rr.data
  w.name(rr.name, true)
  const code = d.type === 'UNKNOWN' ? d.code : RR_TYPE[d.type]
  w.u16(code)
  w.u16(rr.class)
  if (!Number.isInteger(rr.ttl) || rr.ttl < 0 || rr.ttl > 0xffffffff) {
    throw new PkarrError('dns-unsupported', `TTL of ${rr.name} must be an integer in 0..2^32-1`)
  }
  w.u32(rr.ttl)
  const lengthAt = w.length
  w.u16(0)
  const start = w.length
  switch (d.type) {
    case 'A':
      w.bytes(parseIpv4(d.address))
      break
    case 'AAAA':
      w.bytes(parseIpv6(d.address))
      break
    case 'TXT':
      for (const s of d.strings) {
        if (s.length > 255)
          throw new PkarrError('dns-unsupported', 'a TXT character-string is longer than 255 bytes')
        w.u8(s.length)
        w.bytes(s)
      }
      break
    case 'CNAME':
    case 'NS':
      w.name(d.target, true)
      break
    case 'SVCB':
    case 'HTTPS': {
      w.u16(d.priority)
      w.name(d.target, false)
      const sorted = [...d.params].sort((a, b) => a.key - b.key)
      for (let i = 1; i < sorted.length; i++) {
        if (sorted[i]!.key === sorted[i - 1]!.key) {
          throw new PkarrError('dns-unsupported', `SvcParam key ${sorted[i]!.key} appears twice`)
        }
      }
      for (const p of sorted) {
        w.u16(p.key)
        w.u16(p.value.length)
        w.bytes(p.value)
      }
      break
    }
    case 'UNKNOWN':
      w.bytes(d.rdata)
      break
  }
  const rdlength = w.length - start
  if (rdlength > 0xffff)
    throw new PkarrError('dns-unsupported', `record data of ${rr.name} exceeds 65535 bytes`)
  w.setU16(lengthAt, rdlength)
}

/** Encodes a DNS message (answer names compressed; SVCB targets never, per RFC 9460). */
export function encodeDns(msg: Partial<DnsMessage> & { answers: ResourceRecord[] }): Uint8Array {
  const w = new Writer()
  const questions = msg.questions ?? []
  const authorities = msg.authorities ?? []
  const additionals = msg.additionals ?? []
  w.u16(msg.id ?? 0)
  w.u16(msg.flags ?? REPLY_FLAGS)
  w.u16(questions.length)
  w.u16(msg.answers.length)
  w.u16(authorities.length)
  w.u16(additionals.length)
  for (const q of questions) {
    w.name(q.name, true)
    w.u16(q.type)
    w.u16(q.class)
  }
  for (const rr of [...msg.answers, ...authorities, ...additionals]) writeRecord(w, rr)
  return w.done()
}

// ---------------------------------------------------------------- helpers

/** A TXT record's strings joined as UTF-8 text. */
export function txtText(data: RecordData): string {
  if (data.type !== 'TXT') throw new PkarrError('dns-unsupported', `expected a TXT record, got ${data.type}`)
  return Buffer.concat(data.strings).toString('utf8')
}

/** TXT data from text, split into 255-byte character-strings. */
export function txtData(text: string): RecordData {
  const bytes = new TextEncoder().encode(text)
  const strings: Uint8Array[] = []
  for (let i = 0; i < bytes.length; i += 255) strings.push(bytes.slice(i, i + 255))
  if (strings.length === 0) strings.push(new Uint8Array(0))
  return { type: 'TXT', strings }
}

/** A 2-byte big-endian SvcParam value (port, HTTP_PORT). */
export function u16Param(key: number, value: number): SvcParam {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new PkarrError('dns-unsupported', `SvcParam ${key} value ${value} is not a 16-bit port`)
  }
  return { key, value: Uint8Array.from([value >>> 8, value & 0xff]) }
}

/** Reads a 2-byte SvcParam (port, HTTP_PORT), or undefined when absent or of the wrong size. */
export function readU16Param(params: SvcParam[], key: number): number | undefined {
  const p = params.find((x) => x.key === key)
  if (!p || p.value.length !== 2) return undefined
  return (p.value[0]! << 8) | p.value[1]!
}

/** An ipv4hint SvcParam from dotted-quad addresses. */
export function ipv4HintParam(addresses: string[]): SvcParam {
  const out = new Uint8Array(addresses.length * 4)
  addresses.forEach((a, i) => out.set(parseIpv4(a), i * 4))
  return { key: SVC_PARAM.ipv4hint, value: out }
}
