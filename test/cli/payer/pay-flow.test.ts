// The payer's payment state machine (payer/pay-flow.ts) on a real payer database. The merchant on
// the other end of the Noise session and the payment network are boundaries we replace here with
// scripted stand-ins (a merchant that confirms with a real, signed BOLT11 invoice or a real
// address; a network that records what it was asked to pay); the real thing runs in
// test/engine-e2e. What is under test — checks before paying, persistence, never paying twice —
// is the real code.
import { describe, expect, it } from 'vitest'
import { openPayerDb } from '../../../electron/cli/payer/db'
import {
  MerchantRefusal,
  payWithReceipt,
  paymentRow,
  type PaymentSpec,
} from '../../../electron/cli/payer/pay-flow'
import { encodeBolt11 } from '../../../electron/main/core/payments/bolt11-encode'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { toHex } from '../../../electron/main/core/util/bytes'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import type { DecodedMessage, Message } from '../../../electron/main/core/interactive/messages'
import type { Receipt } from '../../../electron/main/core/interactive/receipt'
import { isJsonObject } from '../../../electron/main/core/interactive/json'
import { CliError } from '../../../electron/cli/errors'

const NOW = 1_800_000_000
const clock = { now: () => NOW * 1000 }
const merchantKey = nativeProvider.ed25519PublicKey(new Uint8Array(32).fill(7))
const payerKey = nativeProvider.ed25519PublicKey(new Uint8Array(32).fill(8))
const nodeSecret = new Uint8Array(32).fill(9)
const preimage = new Uint8Array(32).fill(3)
const paymentHash = nativeProvider.hash('sha256', preimage)
const ADDRESS = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'

function invoice(sats: number): string {
  return encodeBolt11(
    {
      network: 'regtest',
      amountMsat: BigInt(sats) * 1000n,
      timestamp: NOW - 10,
      paymentHash,
      paymentSecret: new Uint8Array(32).fill(5),
      features: [14],
      description: 'x',
      expirySecs: 3600,
    },
    nodeSecret,
  )
}

/** A merchant that confirms with `endpoint` and settles any proof. */
function merchant(endpoint: Record<string, string>, log: Message[]) {
  return {
    async ask(msg: Message): Promise<DecodedMessage> {
      log.push(msg)
      if (msg.type !== 'RequestReceipt') throw new Error('unexpected')
      const r: Receipt = msg.receipt
      const proof = isJsonObject(r.metadata) ? r.metadata['payment_proof'] : undefined
      const metadata = proof ? { ...endpoint, settlement: { status: 'paid', paid_sats: 1000 } } : endpoint
      return { dialect: 'rust', message: { type: 'ConfirmReceipt', receipt: { ...r, metadata } } }
    },
  }
}

function network() {
  const calls: string[] = []
  return {
    calls,
    async pay(bolt11: string) {
      calls.push(`pay ${bolt11.slice(0, 12)}`)
      return { preimage: toHex(preimage), paymentHash: toHex(paymentHash), amountMsat: 1_000_000n }
    },
    async send(address: string, sats: number) {
      calls.push(`send ${address} ${sats}`)
      return 'ab'.repeat(32)
    },
  }
}

const spec = (o: Partial<PaymentSpec> = {}): PaymentSpec => ({
  receiptId: 'autopay_req_1',
  merchant: z32Encode(merchantKey),
  merchantKey,
  payerKey,
  methodId: 'lightning',
  amount: '1000',
  currency: 'SAT',
  sats: 1000,
  metadata: {},
  requestId: 'req_1',
  ...o,
})

describe('payWithReceipt', () => {
  it('pays a checked invoice once, proves it, and a rerun only resubmits the proof', async () => {
    const db = openPayerDb(':memory:')
    const net = network()
    const log: Message[] = []
    const deps = { db, sim: net, network: 'regtest' as const, clock }
    const out = await payWithReceipt(merchant({ bolt11: invoice(1000) }, log), spec(), deps)
    expect(out).toMatchObject({
      paidNow: true,
      settlement: { status: 'paid' },
      proof: { type: 'lightning_preimage' },
    })
    expect(paymentRow(db, spec().merchant, 'autopay_req_1')?.state).toBe('settled')
    const again = await payWithReceipt(merchant({ bolt11: invoice(1000) }, log), spec(), deps)
    expect(again.paidNow).toBe(false)
    expect(net.calls).toHaveLength(1)
    expect(log).toHaveLength(4) // ask + proof, twice
  })

  it('refuses an invoice for another amount before any money moves', async () => {
    const db = openPayerDb(':memory:')
    const net = network()
    await expect(
      payWithReceipt(merchant({ bolt11: invoice(5000) }, []), spec(), {
        db,
        sim: net,
        network: 'regtest',
        clock,
      }),
    ).rejects.toThrow(/asks 5000 sat/)
    expect(net.calls).toHaveLength(0)
    expect(paymentRow(db, spec().merchant, 'autopay_req_1')?.state).toBe('failed')
  })

  it('refuses an invoice for another network, and an address for another network', async () => {
    const db = openPayerDb(':memory:')
    const net = network()
    await expect(
      payWithReceipt(merchant({ bolt11: invoice(1000) }, []), spec(), {
        db,
        sim: net,
        network: 'mainnet',
        clock,
      }),
    ).rejects.toThrow(/regtest, not mainnet/)
    await expect(
      payWithReceipt(
        merchant({ address: ADDRESS }, []),
        spec({ receiptId: 'r2', requestId: 'req_2', methodId: 'onchain' }),
        {
          db,
          sim: net,
          network: 'mainnet',
          clock,
        },
      ),
    ).rejects.toThrow(CliError)
    expect(net.calls).toHaveLength(0)
  })

  it('refuses a confirmation that does not echo our receipt id', async () => {
    const db = openPayerDb(':memory:')
    const net = network()
    const liar = {
      async ask(msg: Message): Promise<DecodedMessage> {
        if (msg.type !== 'RequestReceipt') throw new Error('unexpected')
        return {
          dialect: 'rust',
          message: {
            type: 'ConfirmReceipt',
            receipt: { ...msg.receipt, receiptId: 'other', metadata: { bolt11: invoice(1000) } },
          },
        }
      },
    }
    await expect(payWithReceipt(liar, spec(), { db, sim: net, network: 'regtest', clock })).rejects.toThrow(
      /Receipt ID mismatch/,
    )
    expect(net.calls).toHaveLength(0)
  })

  it('a merchant Error keeps its wire code', async () => {
    const db = openPayerDb(':memory:')
    const refusing = {
      async ask(): Promise<DecodedMessage> {
        return { dialect: 'rust', message: { type: 'Error', code: 'REQUEST_EXPIRED', message: 'too late' } }
      },
    }
    const e = await payWithReceipt(refusing, spec(), { db, sim: network(), network: 'regtest', clock }).catch(
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(MerchantRefusal)
    expect((e as MerchantRefusal).originalCode).toBe('REQUEST_EXPIRED')
  })

  it('an on-chain payment caught mid-way (crash after sending) is never sent again', async () => {
    const db = openPayerDb(':memory:')
    const net = network()
    const s = spec({ receiptId: 'autopay_req_9', methodId: 'onchain' })
    db.run(
      "INSERT INTO payments (merchant, receipt_id, request_id, method, amount_sats, state, endpoint, created_at, updated_at) VALUES (?, ?, 'req_9', 'onchain', 1000, 'paying', ?, 0, 0)",
      s.merchant,
      s.receiptId,
      ADDRESS,
    )
    await expect(
      payWithReceipt(merchant({ address: ADDRESS }, []), s, { db, sim: net, network: 'regtest', clock }),
    ).rejects.toThrow(/may already have sent/)
    expect(net.calls).toHaveLength(0)
  })

  it('pays an address exactly the agreed amount', async () => {
    const db = openPayerDb(':memory:')
    const net = network()
    const out = await payWithReceipt(
      merchant({ address: ADDRESS }, []),
      spec({ receiptId: 'c1', methodId: 'onchain' }),
      {
        db,
        sim: net,
        network: 'regtest',
        clock,
      },
    )
    expect(net.calls).toEqual([`send ${ADDRESS} 1000`])
    expect(out.proof).toEqual({ type: 'bitcoin_txid', value: 'ab'.repeat(32) })
  })
})
