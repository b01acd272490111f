// Recovery-file format rules (no SDK here; see sdk-interop.test.ts): layout, determinism under a fixed
// nonce, and a typed error for every malformed file.
import { describe, expect, it } from 'vitest'
import { argon2id } from '@noble/hashes/argon2.js'
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js'
import {
  decryptRecoveryFile,
  encryptRecoveryFile,
  RecoveryFileError,
} from '../../../electron/main/core/keys/recovery-file'
import { InputError } from '../../../electron/main/core/util/errors'
import { fixedRng } from '../../../electron/main/core/util/rng'

const secret = new Uint8Array(32).fill(7)
const file = encryptRecoveryFile(secret, 'pw', fixedRng(new Uint8Array(24).fill(1)))

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof RecoveryFileError || e instanceof InputError) return e.code
    throw new Error(`untyped error: ${String(e)}`)
  }
  return 'no error'
}

describe('recovery file', () => {
  it('is spec line, newline, 24-byte nonce, 48-byte sealed secret; deterministic for a fixed nonce', () => {
    expect(file).toHaveLength(91)
    expect(file.subarray(19, 43)).toEqual(new Uint8Array(24).fill(1))
    expect(encryptRecoveryFile(secret, 'pw', fixedRng(new Uint8Array(24).fill(1)))).toEqual(file)
    expect(decryptRecoveryFile(file, 'pw')).toEqual(secret)
  })

  it('malformed files get typed errors and change nothing', () => {
    const before = file.slice()
    const spec = new TextEncoder().encode('pubky.org/recovery\n')
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'recovery-malformed'],
      [new TextEncoder().encode('pubky.org/recovery'), 'recovery-malformed'], // no newline
      [
        new TextEncoder().encode('other.org/recovery\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'),
        'recovery-unsupported',
      ],
      [spec, 'recovery-malformed'], // nothing after the newline
      [new Uint8Array([...spec, ...new Uint8Array(39)]), 'recovery-malformed'], // shorter than nonce+tag
      [file.subarray(0, 90), 'recovery-decrypt'], // truncated
      [new Uint8Array(5000), 'recovery-malformed'], // huge
    ]
    const flipped = file.slice()
    flipped[60]! ^= 1
    cases.push([flipped, 'recovery-decrypt'])
    for (const [input, code] of cases) expect(codeOf(() => decryptRecoveryFile(input, 'pw'))).toBe(code)
    expect(file).toEqual(before)
  })

  it('a sealed secret of the wrong length is refused (built here with noble: same key and cipher)', () => {
    const key = argon2id(new TextEncoder().encode('pw'), new TextEncoder().encode('recovery'), {
      t: 2,
      m: 19456,
      p: 1,
      dkLen: 32,
    })
    const nonce = new Uint8Array(24).fill(2)
    const sealed = xsalsa20poly1305(key, nonce).encrypt(new Uint8Array(31).fill(9))
    const odd = new Uint8Array([...new TextEncoder().encode('pubky.org/recovery\n'), ...nonce, ...sealed])
    expect(codeOf(() => decryptRecoveryFile(odd, 'pw'))).toBe('recovery-malformed')
    expect(() => decryptRecoveryFile(odd, 'pw')).toThrow('31-byte secret')
  })

  it('bad arguments are InputErrors', () => {
    expect(codeOf(() => encryptRecoveryFile(new Uint8Array(31), 'pw'))).toBe('invalid-input')
    expect(codeOf(() => encryptRecoveryFile(secret, 5 as unknown as string))).toBe('invalid-input')
    expect(codeOf(() => decryptRecoveryFile('file' as unknown as Uint8Array, 'pw'))).toBe('invalid-input')
    expect(codeOf(() => decryptRecoveryFile(file, 'x'.repeat(5000)))).toBe('invalid-input')
  })
})
