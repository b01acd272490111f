// The engine's own door for plans: `subscribersPropose` reads the text form through
// parseFrequencyText, and a bad yearly date comes back as the contract's `invalid-input` with the
// parser's message (what the Subscribers screen shows), before anything is signed or published.
// The valid path (UI → engine → payer accepts → listed as "Yearly on …") is in
// test/e2e/engine.e2e.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PosEngine } from '../../../electron/main/core/engine/pos-engine'
import { z32Encode } from '../../../electron/main/core/keys/z32'

let dir: string
let engine: PosEngine
const CUSTOMER = z32Encode(new Uint8Array(32).fill(9))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-yearly-'))
  engine = new PosEngine({
    dataDir: join(dir, 'merchant'),
    identitySecret: new Uint8Array(32).fill(0x31),
    network: { kind: 'embedded' },
    billingIntervalMs: 0,
    inboxIntervalMs: 0,
    sweepIntervalMs: 0,
    subscriberSyncIntervalMs: 0,
  })
  await engine.start()
}, 60_000)

afterAll(async () => {
  await engine?.stop(0)
  rmSync(dir, { recursive: true, force: true })
})

describe('proposing a yearly plan through the engine', () => {
  it('refuses impossible dates and malformed forms with invalid-input and the reason, changing nothing', async () => {
    const propose = (frequency: string) =>
      engine.subscribersPropose({
        subscriber: CUSTOMER,
        amountSats: 36_500,
        frequency,
        method: 'lightning',
        description: 'Annual membership',
      })
    const cases: [string, RegExp][] = [
      ['yearly:02-30', /February has no day 30/],
      ['yearly:06-31', /June has no day 31/],
      ['yearly:13-01', /month must be 1\.\.12/],
      ['yearly:14/03', /yearly:MM-DD/],
      ['annually', /yearly:MM-DD or custom:<seconds>/],
    ]
    for (const [frequency, message] of cases) {
      await expect(propose(frequency), frequency).rejects.toMatchObject({
        code: 'invalid-input',
        message: expect.stringMatching(message),
      })
    }
    expect(cases).toHaveLength(5)
    expect(await engine.subscribersList()).toEqual([])
  })
})
