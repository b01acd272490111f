/**
 * @module homeserver/postcard
 * The postcard (serde) layouts of pubky-common 0.6.0 that cross the wire: AuthToken (request body of
 * /signup and /session) and SessionInfo (their response body). Layouts: pubky-platform.md §2.7.
 *
 * Readers are bounds-checked: varints are capped at 10 bytes and lengths are checked against the
 * bytes that remain before anything is sliced.
 */
import { concatBytes, fromUtf8, utf8 } from '../util/bytes'
import { InputError } from '../util/errors'

export function writeVarint(n: bigint | number): Uint8Array {
  let v = BigInt(n)
  if (v < 0n) throw new InputError('postcard varint must be non-negative')
  const out: number[] = []
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v > 0n) byte |= 0x80
    out.push(byte)
  } while (v > 0n)
  return Uint8Array.from(out)
}

export class PostcardReader {
  pos = 0
  constructor(
    readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  private fail(message: string): never {
    throw new InputError(`${this.what}: ${message}`)
  }
  remaining(): number {
    return this.buf.length - this.pos
  }
  bytes(n: number, field: string): Uint8Array {
    if (n > this.remaining()) this.fail(`${field} needs ${n} bytes but only ${this.remaining()} remain`)
    const out = Uint8Array.prototype.slice.call(this.buf, this.pos, this.pos + n)
    this.pos += n
    return out
  }
  u8(field: string): number {
    return this.bytes(1, field)[0]!
  }
  varint(field: string): bigint {
    let result = 0n
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) this.fail(`${field} varint runs past the end`)
      const b = this.buf[this.pos++]!
      result |= BigInt(b & 0x7f) << BigInt(7 * i)
      if ((b & 0x80) === 0) return result
    }
    return this.fail(`${field} varint is longer than 10 bytes`)
  }
  string(field: string): string {
    const len = this.varint(`${field} length`)
    if (len > BigInt(this.remaining()))
      this.fail(`${field} claims ${len} bytes but only ${this.remaining()} remain`)
    return fromUtf8(this.bytes(Number(len), field), `${this.what} ${field}`)
  }
}

export function writeString(s: string): Uint8Array {
  const b = utf8(s)
  return concatBytes(writeVarint(b.length), b)
}

/** SessionInfo v0: version, pubkey, created_at (µs), name, user_agent, capabilities. */
export interface SessionInfoFields {
  publicKey: Uint8Array
  createdAtUs: bigint
  capabilities: string[]
  name?: string
  userAgent?: string
}

export function encodeSessionInfo(s: SessionInfoFields): Uint8Array {
  return concatBytes(
    writeVarint(0),
    s.publicKey,
    writeVarint(s.createdAtUs),
    writeString(s.name ?? ''),
    writeString(s.userAgent ?? ''),
    writeVarint(s.capabilities.length),
    ...s.capabilities.map(writeString),
  )
}

export function decodeSessionInfo(bytes: Uint8Array): SessionInfoFields {
  const r = new PostcardReader(bytes, 'SessionInfo')
  const version = r.varint('version')
  if (version !== 0n) throw new InputError(`SessionInfo: unknown version ${version}`)
  const publicKey = r.bytes(32, 'public key')
  const createdAtUs = r.varint('created_at')
  const name = r.string('name')
  const userAgent = r.string('user_agent')
  const count = r.varint('capability count')
  if (count > BigInt(r.remaining()))
    throw new InputError('SessionInfo: capability count exceeds the bytes left')
  const capabilities: string[] = []
  for (let i = 0n; i < count; i++) capabilities.push(r.string('capability'))
  if (r.remaining() !== 0) throw new InputError(`SessionInfo: ${r.remaining()} trailing bytes`)
  return { publicKey, createdAtUs, name, userAgent, capabilities }
}
