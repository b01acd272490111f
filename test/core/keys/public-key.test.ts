// pkarr public-key parsing against ../shared/vectors/paykit/z32_pubkey.json, and typed errors for
// every malformed form.
import { describe, expect, it } from 'vitest'
import {
  formatPublicKey,
  parsePublicKey,
  toPkUri,
  toPubkyUri,
} from '../../../electron/main/core/keys/public-key'
import { InputError } from '../../../electron/main/core/util/errors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

describe.skipIf(!vectorsPresent)('z32_pubkey.json (needs ../shared/vectors)', () => {
  const v = vectorsPresent ? loadVectors('paykit/z32_pubkey.json') : {}

  it('every parse form yields the key', () => {
    const bytes = Uint8Array.from(v.key.bytes as number[])
    expect(v.parse_forms_all_yield_key).toHaveLength(11)
    for (const form of v.parse_forms_all_yield_key) expect(parsePublicKey(form), form).toEqual(bytes)
  })

  it('formats bare z32, pk: URI and pubky:// address', () => {
    const bytes = Uint8Array.from(v.key.bytes as number[])
    expect(formatPublicKey(bytes)).toBe(v.key.z32)
    expect(toPkUri(bytes)).toBe(v.key.uri_string)
    expect(toPubkyUri(bytes, '/pub/paykit.app/v0/noise')).toBe(`pubky://${v.key.z32}/pub/paykit.app/v0/noise`)
    expect(parsePublicKey(toPubkyUri(bytes, '/pub/paykit.app/v0/noise'))).toEqual(bytes)
    expect(() => toPubkyUri(bytes, 'pub/x')).toThrow(InputError)
  })

  it('the other keys in the docs parse; the scope test string is not a key', () => {
    const o = v.other_keys_used_in_paykit_docs
    expect(formatPublicKey(parsePublicKey(o.default_homeserver))).toBe(o.default_homeserver)
    expect(formatPublicKey(parsePublicKey(o.handoff_doc_example))).toBe(o.handoff_doc_example)
    expect(() => parsePublicKey(o.scope_test_string_not_a_key)).toThrow(InputError)
  })

  it('accepts the SDK display form pubky<z32>, surrounding whitespace and an uppercase label', () => {
    const bytes = Uint8Array.from(v.key.bytes as number[])
    expect(parsePublicKey(`pubky${v.key.z32}`)).toEqual(bytes)
    expect(parsePublicKey(`  ${v.key.z32}\n`)).toEqual(bytes)
    expect(parsePublicKey(`https://${v.key.z32.toUpperCase()}/x`)).toEqual(bytes)
  })
})

describe('parsePublicKey refuses bad input with InputError', () => {
  const key = 'yg4gxe7z1r7mr6orids9fh95y7gxhdsxjqi6nngsxxtakqaxr5no'
  const bad: unknown[] = [
    '',
    '   ',
    'pk:',
    'pubky://',
    key.slice(0, 51),
    `${key}y`,
    `${key.slice(0, 51)}l`, // not in the alphabet
    `${key.slice(0, 51)}a`, // non-zero padding bits
    `https://${key}.evil/`, // last label is not the key
    `pk:${key.slice(0, 40)}`,
    'y'.repeat(52), // decodes, but all-zero bytes: a small-order point
    'x'.repeat(100_000),
    `${key}\u0000`,
    '😀'.repeat(30),
    42,
    null,
    new Uint8Array(32),
  ]
  it.each(bad.map((b, i) => [i, b]))('case %i', (_i, input) => {
    expect(() => parsePublicKey(input as string)).toThrow(InputError)
  })
  it('formatPublicKey needs 32 bytes', () => {
    expect(() => formatPublicKey(new Uint8Array(31))).toThrow(InputError)
    expect(() => formatPublicKey('abc' as unknown as Uint8Array)).toThrow(InputError)
  })
})
