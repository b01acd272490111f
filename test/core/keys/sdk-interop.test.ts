// Interop with the real @synonymdev/pubky 0.6.0 SDK installed here (its Rust code compiled to WASM):
// recovery files written by us open in the SDK and vice versa, byte-format checked; the SDK's public
// key for our identities matches ours. The SDK wraps globalThis.fetch when loaded, so it is imported
// only inside this file and fetch is restored afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  decryptRecoveryFile,
  encryptRecoveryFile,
  RecoveryFileError,
} from '../../../electron/main/core/keys/recovery-file'
import { identityFromMnemonic, identityFromSecret } from '../../../electron/main/core/keys/identity'
import { parsePublicKey } from '../../../electron/main/core/keys/public-key'
import { fixedRng } from '../../../electron/main/core/util/rng'

type Sdk = typeof import('@synonymdev/pubky')
let sdk: Sdk
const originalFetch = globalThis.fetch

beforeAll(async () => {
  sdk = await import('@synonymdev/pubky')
})
afterAll(() => {
  globalThis.fetch = originalFetch
})

const secret = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff)

describe('recovery file interop with @synonymdev/pubky 0.6.0', () => {
  it('a file we write opens in the SDK to the same secret and key', () => {
    const file = encryptRecoveryFile(secret, 'correct horse battery staple')
    expect(file).toHaveLength(91)
    expect(new TextDecoder().decode(file.subarray(0, 19))).toBe('pubky.org/recovery\n')
    const kp = sdk.Keypair.fromRecoveryFile(file, 'correct horse battery staple')
    expect(new Uint8Array(kp.secret())).toEqual(secret)
    expect(kp.publicKey.z32()).toBe(identityFromSecret(secret).z32)
    expect(() => sdk.Keypair.fromRecoveryFile(file, 'wrong')).toThrow()
  })

  it('a file the SDK writes opens here; a wrong passphrase is a typed error', () => {
    const kp = sdk.Keypair.fromSecret(secret)
    const file = kp.createRecoveryFile('pässwörd ✓') // non-ASCII: UTF-8 bytes on both sides
    expect(file).toHaveLength(91)
    expect(decryptRecoveryFile(file, 'pässwörd ✓')).toEqual(secret)
    let err: unknown
    try {
      decryptRecoveryFile(file, 'passwort')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(RecoveryFileError)
    expect((err as RecoveryFileError).code).toBe('recovery-decrypt')
  })

  it('the legacy "pkarr.org/recovery" spec line is read, as the SDK reads it', () => {
    const file = encryptRecoveryFile(secret, 'pw', fixedRng(new Uint8Array(24).fill(4)))
    const legacy = new Uint8Array([...new TextEncoder().encode('pkarr.org/recovery\n'), ...file.subarray(19)])
    expect(decryptRecoveryFile(legacy, 'pw')).toEqual(secret)
    expect(new Uint8Array(sdk.Keypair.fromRecoveryFile(legacy, 'pw').secret())).toEqual(secret)
  })

  it('the SDK derives the same pubky for a mnemonic identity, and parses our formatted key', () => {
    const id = identityFromMnemonic(
      'legal winner thank year wave sausage worth useful legal winner thank yellow',
    )
    const kp = sdk.Keypair.fromSecret(id.secretKey)
    expect(kp.publicKey.z32()).toBe(id.z32)
    expect(parsePublicKey(kp.publicKey.toString())).toEqual(id.publicKey) // "pubky<z32>" display form
    expect(new Uint8Array(sdk.PublicKey.from(id.z32).toUint8Array())).toEqual(id.publicKey)
  })
})
