// Invoices pre-issued for outstanding Lightning requests: an autopay receipt is confirmed with the
// invoice issued ahead of time (no signing on the receipt path), each invoice goes to one receipt
// only, and one too close to expiry is replaced by a fresh one. Real intake, ledger and simulated
// Lightning node; the only wrapper counts calls at the LightningBackend port.
import { afterEach, describe, expect, it } from 'vitest'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import type { Database } from '../../../electron/main/core/storage/db'
import { ReceiptBook } from '../../../electron/main/core/receipts/book'
import { CheckoutService } from '../../../electron/main/core/checkout/service'
import { OutboxRepo } from '../../../electron/main/core/billing/requests-repo'
import { ReceiptIntake } from '../../../electron/main/core/listener/intake'
import { SimulatedLightningNode, type LightningBackend } from '../../../electron/main/core/payments/lightning'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { isJsonObject } from '../../../electron/main/core/interactive/json'
import { newPayer, receiptFor, type PayerKeys } from '../engine/payer'

const open: Database[] = []
afterEach(() => {
  for (const db of open.splice(0)) db.close()
})

const merchant = nativeProvider.ed25519PublicKey(systemRng(32))
const T = Date.UTC(2026, 4, 1)

function setup() {
  const clock = new ManualClock(T)
  const db = openMerchantDb(':memory:')
  open.push(db)
  const node = new SimulatedLightningNode({ nodeSecretKey: systemRng(32), clock, crypto: nativeProvider })
  const issued: string[] = []
  // Boundary wrapper: counts invoices the backend was asked for, delegates everything.
  const lightning: LightningBackend = {
    createInvoice: async (p) => {
      const inv = await node.createInvoice(p)
      issued.push(inv.bolt11)
      return inv
    },
    lookup: (h) => node.lookup(h),
  }
  const outbox = new OutboxRepo(db)
  const intake = new ReceiptIntake({
    db,
    merchant,
    receipts: new ReceiptBook(db),
    checkouts: new CheckoutService({ db, clock, merchant: z32Encode(merchant) }),
    outbox,
    lightning,
    lightningNodeId: node.nodeId,
    publishedMethods: () => new Set(['lightning']),
    clock,
  })
  const request = (id: string, payer: PayerKeys, expiresInSecs: number): void => {
    outbox.insert(
      {
        request_id: id,
        recipient: payer.z32,
        kind: 'billing',
        subscription_id: null,
        amount: '2500',
        currency: 'SAT',
        amount_sats: 2500,
        method: 'lightning',
        description: 'Plan',
        created_at: T,
      },
      T,
    )
    outbox.markPublished(id, Math.floor(T / 1000) + expiresInSecs, T)
  }
  const pay = async (id: string, payer: PayerKeys) => {
    const r = receiptFor(payer, merchant, {
      receiptId: `autopay_${id}`,
      methodId: 'lightning',
      amount: '2500',
    })
    const peer = {
      identity: payer.ed25519Public,
      dialect: 'rust' as const,
      generation: '0.8.0',
      pattern: 'IK',
      remoteAddress: 't',
    }
    const reply = await intake.handle(r, peer)
    const md = reply.receipt.metadata
    return isJsonObject(md) ? (md['bolt11'] as string) : ''
  }
  return { clock, intake, issued, request, pay }
}

describe('pre-issued invoices for outstanding Lightning requests', () => {
  it('an autopay receipt is confirmed with the prepared invoice; no signing on the receipt path', async () => {
    const s = setup()
    const a = newPayer()
    const b = newPayer()
    s.request('req_a', a, 3600)
    s.request('req_b', b, 3600)
    expect(await s.intake.prepareInvoices(['req_a', 'req_b', 'req_missing'])).toBe(2)
    expect(s.issued).toHaveLength(2)
    expect(s.intake.preparedInvoices).toBe(2)
    const boltA = await s.pay('req_a', a)
    const boltB = await s.pay('req_b', b)
    expect([boltA, boltB]).toEqual(s.issued) // the very invoices issued ahead
    expect(s.issued).toHaveLength(2) // and no new ones
    expect(s.intake.preparedInvoices).toBe(0) // each handed out once
    // A retry of the same receipt is answered from the ledger with the same invoice.
    expect(await s.pay('req_a', a)).toBe(boltA)
    expect(s.issued).toHaveLength(2)
  })

  it('preparing twice issues nothing new; closed or non-Lightning requests are skipped', async () => {
    const s = setup()
    const a = newPayer()
    s.request('req_a', a, 3600)
    expect(await s.intake.prepareInvoices(['req_a'])).toBe(1)
    expect(await s.intake.prepareInvoices(['req_a'])).toBe(0)
    expect(s.issued).toHaveLength(1)
  })

  it('a prepared invoice with under a minute left is not used: the receipt gets a fresh one', async () => {
    const s = setup()
    const a = newPayer()
    s.request('req_a', a, 2 * 86_400) // open two days; an invoice lives at most one
    await s.intake.prepareInvoices(['req_a'])
    const stale = s.issued[0]!
    s.clock.advance(86_400_000 - 30_000) // 30 s left on the prepared invoice, the request still open
    const bolt = await s.pay('req_a', a)
    expect(s.issued).toHaveLength(2)
    expect(bolt).toBe(s.issued[1])
    expect(bolt).not.toBe(stale)
  })
})
