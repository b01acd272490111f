// z-base-32 against ../shared/vectors/paykit/z32_pubkey.json (skips when the folder is absent).
import { describe, expect, it } from 'vitest'
import { z32Decode, z32Encode } from '../../../electron/main/core/keys/z32'
import { InputError } from '../../../electron/main/core/util/errors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

describe.skipIf(!vectorsPresent)('z32_pubkey.json (needs ../shared/vectors)', () => {
  it('encodes and decodes the reference key', () => {
    const v = loadVectors('paykit/z32_pubkey.json')
    const bytes = Uint8Array.from(v.key.bytes as number[])
    expect(z32Encode(bytes)).toBe(v.key.z32)
    expect(z32Decode(v.key.z32)).toEqual(bytes)
    expect(z32Encode(bytes)).toHaveLength(52)
  })
})

describe('z32 rejects', () => {
  it('characters outside the alphabet and non-zero padding bits', () => {
    expect(() => z32Decode('yg4gxe7z1r7mr6orids9fh95y7gxhdsxjqi6nngsxxtakqaxr5nl')).toThrow(InputError)
    // Last char 'a' (index 24) sets padding bits: not the canonical spelling of any key.
    expect(() => z32Decode('yg4gxe7z1r7mr6orids9fh95y7gxhdsxjqi6nngsxxtakqaxr5na')).toThrow(/padding/)
  })
})
