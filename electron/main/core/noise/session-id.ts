/**
 * @module noise/session-id
 * SessionId (pubky-noise `src/session_id.rs`): the final handshake hash, 32 bytes, shown as
 * lowercase hex. Parsing accepts uppercase and normalises it; anything but 64 hex digits is refused.
 */
import { fromHex, toHex } from '../util/bytes'
import { NoiseError } from './errors'

export function formatSessionId(id: Uint8Array): string {
  if (!(id instanceof Uint8Array) || id.length !== 32)
    throw new NoiseError('InvalidKey', 'a session id is 32 bytes')
  return toHex(id)
}

export function parseSessionId(text: string): Uint8Array {
  if (typeof text !== 'string' || !/^[0-9a-fA-F]{64}$/.test(text))
    throw new NoiseError('InvalidKey', 'a session id is exactly 64 hex digits (32 bytes)')
  return fromHex(text)
}
