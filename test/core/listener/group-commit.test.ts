// Group commit of receipt intake: receipts arriving over several event-loop turns of one burst share
// one commit (one fsync), none is confirmed before it, and the "commit every turn" policy still
// exists for comparison. Real intake, ledger (on disk, WAL) and a second connection that sees
// committed rows only.
import { afterEach, describe, expect, it } from 'vitest'
import type { GroupCommitPolicy } from '../../../electron/main/core/listener/intake'
import { systemRng } from '../../../electron/main/core/util/rng'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { newPayer, receiptFor } from '../engine/payer'
import { intakeStage } from './intake-stage'

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

const merchant = nativeProvider.ed25519PublicKey(systemRng(32))
const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

/** `spacing`: how the next arrival waits (default one loop turn, as a burst of sockets is read). */
async function burst(policy: GroupCommitPolicy | undefined, n: number, spacing: () => Promise<void> = turn) {
  const { other, checkouts, intake, visibleAtEvent, close } = intakeStage(merchant, policy)
  cleanups.push(close)
  const ids: string[] = []
  for (let i = 0; i < n; i++)
    ids.push((await checkouts.create({ amountSats: 500, methods: ['onchain'] })).checkout_id)
  const replies: Promise<unknown>[] = []
  const committedAtReply: number[] = []
  for (let i = 0; i < n; i++) {
    const payer = newPayer()
    const r = receiptFor(payer, merchant, {
      receiptId: `rcpt_burst_${i}`,
      methodId: 'onchain',
      amount: '500',
      metadata: { checkout_id: ids[i]! },
    })
    const peer = {
      identity: payer.ed25519Public,
      dialect: 'rust' as const,
      generation: '0.8.0',
      pattern: 'IK',
      remoteAddress: 'test',
    }
    replies.push(
      intake.handle(r, peer).then(() => {
        committedAtReply.push(
          other.get<{ n: number }>('SELECT COUNT(*) AS n FROM receipts WHERE receipt_id = ?', r.receiptId)!.n,
        )
      }),
    )
    await spacing()
  }
  await Promise.all(replies)
  return { visibleAtEvent, committedAtReply }
}

describe('receipt intake group commit', () => {
  it('a burst arriving over successive loop turns shares one commit; every event and reply follows it', async () => {
    const r = await burst(undefined, 12)
    expect(r.visibleAtEvent).toEqual(Array(12).fill(12))
    expect(r.committedAtReply).toEqual(Array(12).fill(1))
  })

  it('with the window closed ({0, 0}) each turn commits on its own (the old behaviour), still commit-first', async () => {
    const r = await burst({ minWaitMs: 0, maxWaitMs: 0 }, 6)
    // Several commits (how many arrivals share a turn depends on the await chain): the first
    // events see only part of the burst, the last sees all of it.
    expect(r.visibleAtEvent[0]).toBeLessThan(6)
    expect(new Set(r.visibleAtEvent).size).toBeGreaterThan(1)
    expect(r.visibleAtEvent.at(-1)).toBe(6)
    expect(r.committedAtReply).toEqual(Array(6).fill(1))
  })

  it('arrivals a few ms apart (empty loop turns between them) still share one commit', async () => {
    // A payer process descheduled for a moment leaves the loop idle for several turns; the batch
    // waits out gaps shorter than its quiet gap instead of committing on the first empty turn.
    const ms = (t: number) => (): Promise<void> => new Promise((r) => setTimeout(r, t))
    // 24 arrivals 5 ms apart span well over the 50 ms gap: the gap is between arrivals, not the
    // batch's age (the old rule committed on the first empty turn once the batch was 50 ms old).
    const r = await burst({ minWaitMs: 50, maxWaitMs: 10_000 }, 24, ms(5))
    expect(r.visibleAtEvent).toEqual(Array(24).fill(24))
    expect(r.committedAtReply).toEqual(Array(24).fill(1))
  })

  it('a gap longer than the quiet gap ends the batch; the next arrivals form their own', async () => {
    const slowThird = (() => {
      let i = 0
      return (): Promise<void> => new Promise((r) => setTimeout(r, ++i === 3 ? 300 : 0))
    })()
    const r = await burst({ minWaitMs: 100, maxWaitMs: 10_000 }, 6, slowThird)
    expect(r.visibleAtEvent).toEqual([3, 3, 3, 6, 6, 6])
    expect(r.committedAtReply).toEqual(Array(6).fill(1))
  })

  it('a lone receipt is committed after the quiet gap, not after maxWaitMs', async () => {
    // maxWaitMs of a minute: were the lone receipt held for it, this test would time out.
    const r = await burst({ minWaitMs: 0, maxWaitMs: 60_000 }, 1)
    expect(r.visibleAtEvent).toEqual([1])
    expect(r.committedAtReply).toEqual([1])
  })

  it('maxOps closes a batch early', async () => {
    const r = await burst({ minWaitMs: 1_000, maxWaitMs: 1_000, maxOps: 4 }, 8)
    expect(r.visibleAtEvent).toEqual([4, 4, 4, 4, 8, 8, 8, 8])
  })
})
