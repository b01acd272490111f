/**
 * @module homeserver/postcard
 * The postcard (serde) layout of pubky-common 0.6.0's SessionInfo, the response body of /signup and
 * /session (pubky-platform.md §2.7), on the shared postcard writer and reader (util/postcard.ts).
 * AuthToken, the request body, is read in auth-token.ts with the same reader.
 */
import { InputError } from '../util/errors'
import { PostcardReader, PostcardWriter } from '../util/postcard'

/** SessionInfo v0: version, pubkey, created_at (µs), name, user_agent, capabilities. */
export interface SessionInfoFields {
  publicKey: Uint8Array
  createdAtUs: bigint
  capabilities: string[]
  name?: string
  userAgent?: string
}

export function encodeSessionInfo(s: SessionInfoFields): Uint8Array {
  const w = new PostcardWriter()
    .varint(0)
    .raw(s.publicKey)
    .varint(s.createdAtUs)
    .str(s.name ?? '')
    .str(s.userAgent ?? '')
    .varint(s.capabilities.length)
  for (const c of s.capabilities) w.str(c)
  return w.finish()
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
  // Each capability takes at least its one length byte: a larger count cannot be honest.
  if (count > BigInt(r.remaining()))
    throw new InputError('SessionInfo: capability count exceeds the bytes left')
  const capabilities: string[] = []
  for (let i = 0n; i < count; i++) capabilities.push(r.string('capability'))
  if (r.remaining() !== 0) throw new InputError(`SessionInfo: ${r.remaining()} trailing bytes`)
  return { publicKey, createdAtUs, name, userAgent, capabilities }
}
