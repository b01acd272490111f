// Replays and conflicts on the receipt hot path. A new receipt costs no look-up by id (the insert
// finds an existing one), so these prove the answers did not change: the same receipt_id again gets
// the stored confirmation — also once its checkout is closed or taken — and the same id with other
// content is RECEIPT_CONFLICT and writes nothing, whether or not its reference still checks out.
// Real intake and ledger on disk (WAL).
import { afterEach, describe, expect, it } from 'vitest'
import type { PeerContext } from '../../../electron/main/core/listener/intake'
import { ListenerError } from '../../../electron/main/core/listener/errors'
import type { Receipt } from '../../../electron/main/core/interactive/receipt'
import { systemRng } from '../../../electron/main/core/util/rng'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { newPayer, receiptFor, type PayerKeys } from '../engine/payer'
import { intakeStage } from './intake-stage'

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()!()
})

const merchant = nativeProvider.ed25519PublicKey(systemRng(32))

function peerOf(payer: PayerKeys, withZ32 = true): PeerContext {
  return {
    identity: payer.ed25519Public,
    ...(withZ32 ? { identityZ32: payer.z32 } : {}),
    dialect: 'rust',
    generation: '1.2.0',
    pattern: 'IK',
    remoteAddress: 'test',
  }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(ListenerError)
    return (e as ListenerError).code
  }
  return 'no error'
}

async function setup() {
  const stage = intakeStage(merchant, undefined)
  cleanups.push(stage.close)
  const snapshot = (): string => JSON.stringify(stage.db.all('SELECT * FROM receipts ORDER BY receipt_id'))
  const checkout = async (sats = 700) =>
    (await stage.checkouts.create({ amountSats: sats, methods: ['onchain'] })).checkout_id
  const receipt = (payer: PayerKeys, id: string, checkoutId: string, amount = '700'): Receipt =>
    receiptFor(payer, merchant, {
      receiptId: id,
      methodId: 'onchain',
      amount,
      metadata: { checkout_id: checkoutId },
    })
  return { ...stage, snapshot, checkout, receipt }
}

describe('receipt replays and conflicts', () => {
  it('the same receipt_id again returns the stored confirmation and writes nothing', async () => {
    const s = await setup()
    const payer = newPayer()
    const r = s.receipt(payer, 'rcpt_replay_1', await s.checkout())
    const first = await s.intake.handle(r, peerOf(payer))
    expect(first.created).toBe(true)
    const before = s.snapshot()
    const again = await s.intake.handle(r, peerOf(payer))
    expect(again.created).toBe(false)
    expect(JSON.stringify(again.receipt)).toBe(
      JSON.stringify(s.intake.confirmationOf(s.receipts.repo.get(r.receiptId)!)),
    )
    expect(again.receipt.metadata).toEqual(first.receipt.metadata)
    expect(s.snapshot()).toBe(before)
  })

  it('a replay is answered from the store even when its checkout is now closed', async () => {
    const s = await setup()
    const payer = newPayer()
    const id = await s.checkout()
    const r = s.receipt(payer, 'rcpt_replay_2', id)
    const first = await s.intake.handle(r, peerOf(payer))
    s.checkouts.cancel(id, 'closing the till')
    // A new receipt for that checkout is refused ...
    expect(await codeOf(s.intake.handle(s.receipt(payer, 'rcpt_new', id), peerOf(payer)))).toBe(
      'CHECKOUT_CLOSED',
    )
    // ... the replay still gets its confirmation.
    const before = s.snapshot()
    const again = await s.intake.handle(r, peerOf(payer))
    expect(again.created).toBe(false)
    expect(again.receipt.metadata).toEqual(first.receipt.metadata)
    expect(s.snapshot()).toBe(before)
  })

  it('the same id with another amount is RECEIPT_CONFLICT, with a valid reference or without one', async () => {
    const s = await setup()
    const payer = newPayer()
    const id = await s.checkout()
    await s.intake.handle(s.receipt(payer, 'rcpt_conflict', id), peerOf(payer))
    const before = s.snapshot()
    // Its reference passes (another open checkout for 900 sat): the insert finds the stored id.
    const other = await s.checkout(900)
    expect(
      await codeOf(s.intake.handle(s.receipt(payer, 'rcpt_conflict', other, '900'), peerOf(payer))),
    ).toBe('RECEIPT_CONFLICT')
    // Its reference fails (the first checkout is for 700): the stored id is found after the refusal.
    expect(await codeOf(s.intake.handle(s.receipt(payer, 'rcpt_conflict', id, '800'), peerOf(payer)))).toBe(
      'RECEIPT_CONFLICT',
    )
    expect(s.snapshot()).toBe(before)
    expect(s.checkouts.repo.get(other)?.state).toBe('open')
  })

  it('in one batch: two receipts for one checkout → CHECKOUT_TAKEN; one id twice → one row, same answer', async () => {
    const s = await setup()
    const a = newPayer()
    const b = newPayer()
    const id = await s.checkout()
    const id2 = await s.checkout()
    const ra = s.receipt(a, 'rcpt_batch_a', id)
    const [first, taken, dup1, dup2] = await Promise.allSettled([
      s.intake.handle(ra, peerOf(a)),
      s.intake.handle(s.receipt(b, 'rcpt_batch_b', id), peerOf(b)),
      s.intake.handle(s.receipt(b, 'rcpt_batch_c', id2), peerOf(b)),
      s.intake.handle(s.receipt(b, 'rcpt_batch_c', id2), peerOf(b)),
    ])
    expect(first.status === 'fulfilled' && first.value.created).toBe(true)
    expect(taken.status === 'rejected' && (taken.reason as ListenerError).code).toBe('CHECKOUT_TAKEN')
    expect(dup1.status === 'fulfilled' && dup1.value.created).toBe(true)
    expect(dup2.status === 'fulfilled' && dup2.value.created).toBe(false)
    if (dup1.status === 'fulfilled' && dup2.status === 'fulfilled')
      expect(dup2.value.receipt.metadata).toEqual(dup1.value.receipt.metadata)
    expect(s.db.all('SELECT receipt_id, checkout_id FROM receipts ORDER BY receipt_id')).toEqual([
      { receipt_id: 'rcpt_batch_a', checkout_id: id },
      { receipt_id: 'rcpt_batch_c', checkout_id: id2 },
    ])
  })

  it('stores the payer as its z-base-32 key whether or not the session spelled it already', async () => {
    const s = await setup()
    for (const withZ32 of [true, false]) {
      const payer = newPayer()
      const r = s.receipt(payer, `rcpt_z32_${withZ32}`, await s.checkout())
      await s.intake.handle(r, peerOf(payer, withZ32))
      expect(s.receipts.repo.get(r.receiptId)?.payer).toBe(z32Encode(payer.ed25519Public))
      expect(s.receipts.repo.get(r.receiptId)?.payee).toBe(z32Encode(merchant))
    }
  })
})
