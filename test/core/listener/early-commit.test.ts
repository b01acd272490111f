// Group commit with real sessions: once every connected payer has a receipt in the open batch,
// nobody can still join it (a session's messages are handled one at a time), so it is committed
// at once instead of waiting out the quiet gap; a connected payer that sends nothing keeps the gap.
// Real listener, Noise sessions over TCP, intake and ledger on disk (WAL).
import { afterEach, describe, expect, it } from 'vitest'
import type { GroupCommitPolicy } from '../../../electron/main/core/listener/intake'
import { PaykitListener } from '../../../electron/main/core/listener/server'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { systemClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'
import { toHex } from '../../../electron/main/core/util/bytes'
import { connectPayer, newPayer, receiptFor, requestReceipt, type PayerConnection } from '../engine/payer'
import { intakeStage } from './intake-stage'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

const merchantSecret = systemRng(32)
const merchant = nativeProvider.ed25519PublicKey(merchantSecret)
const staticSecret = systemRng(32)

async function shop(policy: GroupCommitPolicy) {
  const { checkouts, intake, visibleAtEvent, close } = intakeStage(merchant, policy)
  const listener = await PaykitListener.start({
    staticSecret,
    identitySecret: merchantSecret,
    intake,
    clock: systemClock,
    crypto: nativeProvider,
  })
  const conns: PayerConnection[] = []
  cleanups.push(async () => {
    for (const c of conns) c.close()
    await listener.stop(0)
    close()
  })
  const to = {
    host: '127.0.0.1',
    port: listener.port,
    noisePubkey: toHex(nativeProvider.x25519PublicKey(staticSecret)),
  }
  const connect = async () => {
    const payer = newPayer()
    const conn = await connectPayer(payer, to)
    conns.push(conn)
    return { payer, conn }
  }
  const pay = async (p: Awaited<ReturnType<typeof connect>>, i: number) => {
    const { checkout_id } = await checkouts.create({ amountSats: 700, methods: ['onchain'] })
    const r = receiptFor(p.payer, merchant, {
      receiptId: `rcpt_early_${i}`,
      methodId: 'onchain',
      amount: '700',
      metadata: { checkout_id },
    })
    return requestReceipt(r, 'rust')
  }
  return { connect, pay, visibleAtEvent, listener }
}

describe('group commit with live sessions', () => {
  it('commits at once when every connected payer is waiting on the batch (no quiet gap)', async () => {
    // A quiet gap of 30 s: were the batch held for it, every ask below would time out (5 s).
    const s = await shop({ minWaitMs: 30_000, maxWaitMs: 60_000 })
    const payers = await Promise.all([0, 1, 2, 3, 4].map(() => s.connect()))
    const texts = await Promise.all(payers.map((p, i) => s.pay(p, i)))
    const replies = await Promise.all(payers.map((p, i) => p.conn.ask(texts[i]!)))
    expect(replies.map((r) => r.message.type)).toEqual(Array(5).fill('ConfirmReceipt'))
    expect(s.visibleAtEvent).toEqual([5, 5, 5, 5, 5]) // one commit for the five
    expect(s.listener.status().sessions).toBe(5)
  })

  it('a lone payer is committed without the gap; a second, silent session brings the gap back', async () => {
    const s = await shop({ minWaitMs: 400, maxWaitMs: 10_000 })
    const a = await s.connect()
    const text0 = await s.pay(a, 0)
    let t = performance.now()
    const first = await a.conn.ask(text0)
    const alone = performance.now() - t
    expect(first.message.type).toBe('ConfirmReceipt')
    // Another payer connects and sends nothing: it might still join, so the batch waits the gap.
    await s.connect()
    const text1 = await s.pay(a, 1)
    t = performance.now()
    const second = await a.conn.ask(text1)
    const withSilentPeer = performance.now() - t
    expect(second.message.type).toBe('ConfirmReceipt')
    expect(withSilentPeer).toBeGreaterThanOrEqual(350) // a lower bound: load only makes it longer
    expect(alone).toBeLessThan(withSilentPeer)
    expect(s.visibleAtEvent).toEqual([1, 2])
  })
})
