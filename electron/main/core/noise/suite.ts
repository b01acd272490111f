/**
 * @module noise/suite
 * Parses a Noise protocol name (rev 34 §8) into the pattern and the suite this implementation
 * speaks: DH 25519, cipher ChaChaPoly, hash BLAKE2s or SHA256. Anything else is `Unsupported`.
 */
import type { HashName } from '../crypto/provider'
import { NoiseError } from './errors'
import { getPattern, type HandshakePattern } from './patterns'

export interface Suite {
  readonly protocolName: string
  readonly pattern: HandshakePattern
  readonly hash: HashName
  /** HASHLEN: 32 for both supported hashes. */
  readonly hashLen: number
}

const HASHES: Readonly<Record<string, HashName>> = Object.freeze({ BLAKE2s: 'blake2s', SHA256: 'sha256' })

/** Parsed suites by name. Only names that parse are kept, and those are finitely many (patterns x hashes). */
const parsed = new Map<string, Suite>()

/** Returns the suite, or throws `NoiseError('Unsupported')` naming the part that is not spoken. */
export function parseProtocolName(protocolName: string): Suite {
  const hit = typeof protocolName === 'string' ? parsed.get(protocolName) : undefined
  if (hit) return hit
  const parts = typeof protocolName === 'string' ? protocolName.split('_') : []
  if (parts.length !== 5 || parts[0] !== 'Noise') {
    throw new NoiseError('Unsupported', `"${String(protocolName)}" is not a Noise protocol name`)
  }
  const [, patternName, dh, cipher, hashName] = parts as [string, string, string, string, string]
  const pattern = getPattern(patternName)
  if (!pattern) throw new NoiseError('Unsupported', `handshake pattern "${patternName}" is not supported`)
  if (dh !== '25519') throw new NoiseError('Unsupported', `DH function "${dh}" is not supported (only 25519)`)
  if (cipher !== 'ChaChaPoly')
    throw new NoiseError('Unsupported', `cipher "${cipher}" is not supported (only ChaChaPoly)`)
  const hash = HASHES[hashName]
  if (!hash || !Object.hasOwn(HASHES, hashName))
    throw new NoiseError('Unsupported', `hash "${hashName}" is not supported (BLAKE2s or SHA256)`)
  const suite: Suite = Object.freeze({ protocolName, pattern, hash, hashLen: 32 })
  parsed.set(protocolName, suite)
  return suite
}
