/**
 * @module keys/z32
 * z-base-32 as pkarr uses it: bits MSB-first in 5-bit groups, no padding; a 32-byte key is 52
 * characters whose last carries 1 data bit and 4 zero bits. It is RFC 4648 base32 (same bit order)
 * with another alphabet, so it is @scure/base's unpadded base32 plus a character map; scure rejects
 * non-zero padding bits, so every key has exactly one spelling.
 */
import { base32nopad } from '@scure/base'
import { InputError } from '../util/errors'

export const Z32_ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769'

const RFC4648 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const toZ32 = new Map([...RFC4648].map((c, i) => [c, Z32_ALPHABET[i]!]))
const fromZ32 = new Map([...Z32_ALPHABET].map((c, i) => [c, RFC4648[i]!]))
const mapChars = (text: string, table: Map<string, string>): string =>
  Array.from(text, (c) => table.get(c) ?? '?').join('')

export function z32Encode(bytes: Uint8Array): string {
  return mapChars(base32nopad.encode(bytes), toZ32)
}

/** Decodes z-base-32; characters outside the alphabet and non-zero padding bits are errors. */
export function z32Decode(text: string): Uint8Array {
  if (typeof text !== 'string') throw new InputError('z-base-32 value must be a string')
  for (const ch of text) {
    if (!Z32_ALPHABET.includes(ch)) {
      throw new InputError(`"${ch}" is not a z-base-32 character (alphabet: ${Z32_ALPHABET})`)
    }
  }
  try {
    return base32nopad.decode(mapChars(text, fromZ32))
  } catch (e) {
    throw new InputError('not a canonical z-base-32 value (its padding bits are not zero)', { cause: e })
  }
}
