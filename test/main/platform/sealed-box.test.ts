import { describe, expect, it } from 'vitest'
import {
  BoxPurpose,
  openWithPassphrase,
  readBoxHeader,
  sealWithPassphrase,
} from '../../../electron/main/platform/sealed-box'
import { PaykitError } from '../../../electron/main/core/util/errors'
import { TEST_COST } from '../helpers'

const plain = new TextEncoder().encode('merchant state blob')

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return (e as PaykitError).code
  }
  return 'no error'
}

describe('sealed box (scrypt + XChaCha20-Poly1305)', () => {
  it('round-trips and records the cost in the header', async () => {
    const box = await sealWithPassphrase(plain, 'pass phrase', BoxPurpose.backup, { cost: TEST_COST })
    expect(readBoxHeader(box)).toEqual({ purpose: BoxPurpose.backup, cost: TEST_COST })
    expect(await openWithPassphrase(box, 'pass phrase', BoxPurpose.backup)).toEqual(plain)
  })

  it('a wrong passphrase is a decrypt error', async () => {
    const box = await sealWithPassphrase(plain, 'right', BoxPurpose.backup, { cost: TEST_COST })
    expect(await codeOf(openWithPassphrase(box, 'wrong', BoxPurpose.backup))).toBe('decrypt')
  })

  it('any flipped byte (header or body) fails authentication or the header check', async () => {
    const box = await sealWithPassphrase(plain, 'pw', BoxPurpose.backup, { cost: TEST_COST })
    let checked = 0
    for (const i of [5, 10, 30, box.length - 1]) {
      const bad = box.slice()
      bad[i] = bad[i]! ^ 1
      expect(['decrypt', 'invalid-input']).toContain(
        await codeOf(openWithPassphrase(bad, 'pw', BoxPurpose.backup)),
      )
      checked++
    }
    expect(checked).toBe(4)
  })

  it('refuses another purpose, truncation, bad magic and hostile cost without doing the work', async () => {
    const box = await sealWithPassphrase(plain, 'pw', BoxPurpose.vault, { cost: TEST_COST })
    expect(await codeOf(openWithPassphrase(box, 'pw', BoxPurpose.backup))).toBe('invalid-input')
    expect(await codeOf(openWithPassphrase(box.subarray(0, 20), 'pw', BoxPurpose.vault))).toBe(
      'invalid-input',
    )
    const magic = box.slice()
    magic[0] = 0x58
    expect(await codeOf(openWithPassphrase(magic, 'pw', BoxPurpose.vault))).toBe('invalid-input')
    const huge = box.slice()
    huge[6] = 40 // N = 2^40 would allocate terabytes
    const started = Date.now()
    expect(await codeOf(openWithPassphrase(huge, 'pw', BoxPurpose.vault))).toBe('invalid-input')
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
