// Engine gaps closed: subscriber sync against the embedded homeserver, the ledger-backed nonce
// store / outbox index across a restart, the test clock and its control endpoint, and settlement
// by watching the payment backends (walk-in wallets, and one receipt per sale with a Paykit payer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PosEngine } from '../../../electron/main/core/engine/pos-engine'
import { startTestControl } from '../../../electron/main/core/engine/test-control'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { PubkyGateway } from '../../../electron/main/core/pubky/gateway'
import { GatewayWriter } from '../../../electron/main/core/store/gateway-store'
import { HttpPubkyReader } from '../../../electron/main/core/store/http-reader'
import { publishNoiseEndpoint } from '../../../electron/main/core/directory'
import {
  acceptProposal,
  cancelSubscription,
  discoverProposals,
  FileNonceStore,
  type FlowContext,
} from '../../../electron/main/core/subscriptions/flow'
import { readSignedSubscription } from '../../../electron/main/core/subscriptions/model'
import { DbOutboxIndex } from '../../../electron/main/core/requests/outbox-index'
import { sweepRequests } from '../../../electron/main/core/requests/sweeper'
import { paymentRequestPath } from '../../../electron/main/core/directory/paths'
import type { EngineEvents } from '../../../electron/main/core/engine/types'
import { isJsonObject, type JsonObject } from '../../../electron/main/core/interactive/json'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { toHex } from '../../../electron/main/core/util/bytes'
import { systemRng } from '../../../electron/main/core/util/rng'
import { TestClock } from '../../../electron/main/core/engine/test-clock'
import { connectPayer, lightningProof, newPayer, receiptFor, requestReceipt } from './payer'

const SECRET = 0x52
let dir: string
let node: EmbeddedNode
let gateway: PubkyGateway
let engine: PosEngine
const changes: EngineEvents['subscriber:changed'][] = []

function open(): PosEngine {
  const e = new PosEngine({
    dataDir: join(dir, 'merchant'),
    identitySecret: new Uint8Array(32).fill(SECRET),
    network: { kind: 'embedded', node },
    listener: { rateLimit: { maxAttempts: 10_000 }, connectionLimit: { maxPerIp: 1000, maxPerSubnet: 1000 } },
    testClock: {},
    billingIntervalMs: 0,
    inboxIntervalMs: 0,
    sweepIntervalMs: 0,
    subscriberSyncIntervalMs: 0,
    settlementWatchIntervalMs: 0,
  })
  e.events.on('subscriber:changed', (p) => changes.push(p))
  return e
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-gaps-'))
  node = await startEmbeddedNode({ dataDir: join(dir, 'node') })
  gateway = await PubkyGateway.open({ kind: 'embedded', relayUrl: node.relayUrl })
  engine = open()
  await engine.start()
})

afterAll(async () => {
  await engine?.stop()
  await node?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A customer wallet: homeserver account, /noise record, and the subscriber half of the flow. */
async function customer(seed: number): Promise<{ z32: string; ctx: FlowContext }> {
  const keys = newPayer(seed)
  const z32 = await gateway.signup(keys.ed25519Secret, node.homeserverPublicKey)
  const writer = new GatewayWriter(gateway, z32)
  const noisePublic = nativeProvider.x25519PublicKey(keys.x25519Secret)
  await publishNoiseEndpoint(writer, { host: '127.0.0.1', port: 1, publicKey: noisePublic })
  return {
    z32,
    ctx: {
      writer,
      reader: new HttpPubkyReader({ homeserverUrl: () => node.homeserverUrl }),
      party: {
        secretKey: keys.ed25519Secret,
        publicKey: keys.ed25519Public,
        noiseKeys: [{ secretKey: keys.x25519Secret, publicKey: noisePublic }],
        noisePublicKey: noisePublic,
      },
      // The payer side keeps its file store (as the CLI payer does).
      nonces: new FileNonceStore(join(dir, `payer-${seed}.nonces`)),
      clock: { now: () => Date.now() },
    },
  }
}

describe('subscriber sync (gap 1) with the ledger nonce store (gap 2)', () => {
  it('imports an accepted agreement, withdraws the proposal, then applies the cancellation', async () => {
    const c = await customer(0x91)
    const me = await engine.identity()
    const { subscriptionId } = await engine.subscribersPropose({
      subscriber: c.z32,
      amountSats: 1000,
      frequency: 'daily',
      method: 'lightning',
      description: 'Coffee club',
    })
    // Before acceptance: polled, nothing to import.
    const before = await engine.subscribersSync()
    expect(before).toMatchObject({ polled: 1, imported: [], cancelled: [], rejected: [] })

    const found = await discoverProposals(c.ctx, [me.merchant])
    const proposal = found.proposals.find((p) => p.id === subscriptionId)!
    expect(proposal).toBeDefined()
    await acceptProposal(c.ctx, proposal)

    const synced = await engine.subscribersSync()
    expect(synced.imported).toEqual([subscriptionId])
    expect(synced.rejected).toEqual([])
    expect(changes).toContainEqual({ subscriptionId, change: 'imported' })
    const row = (await engine.subscribersList()).find((s) => s.subscription_id === subscriptionId)
    expect(row?.state).toBe('active')
    // Both signature nonces are in the ledger's nonce store, kept for good, under this agreement.
    const nonces = engine.db.all<{ context: string; expires_at: number }>(
      'SELECT context, expires_at FROM nonces WHERE context LIKE ?',
      `agreement:${subscriptionId}:%`,
    )
    expect(nonces).toHaveLength(2)
    expect(nonces.every((n) => n.expires_at === 8_640_000_000_000_000)).toBe(true)
    // The offer was withdrawn from our homeserver once accepted.
    expect((await discoverProposals(c.ctx, [me.merchant])).proposals.map((p) => p.id)).not.toContain(
      subscriptionId,
    )
    // Read again: known, not imported twice, not a rejection.
    expect(await engine.subscribersSync()).toMatchObject({ imported: [], rejected: [] })

    // The subscriber cancels on its own homeserver; the next sync applies it.
    await cancelSubscription(c.ctx, readSignedSubscription(row!.signed_json).subscription, {
      reason: 'moving away',
    })
    const cancelled = await engine.subscribersSync()
    expect(cancelled.cancelled).toEqual([subscriptionId])
    expect(changes).toContainEqual({ subscriptionId, change: 'cancelled' })
    const after = (await engine.subscribersList()).find((s) => s.subscription_id === subscriptionId)
    expect(after).toMatchObject({ state: 'cancelled', cancel_reason: 'moving away' })
    // The cancellation stays on the homeserver; reading it again is neither applied nor rejected.
    expect(await engine.subscribersSync()).toMatchObject({ cancelled: [], rejected: [] })
  })

  it('after a restart: the agreement is still known (nonces persisted) and the sweeper knows every request', async () => {
    const c = await customer(0x92)
    const sent = await engine.requestsSend({ to: c.z32, amountSats: 321, method: 'lightning', ttlSecs: 60 })
    await engine.stop()
    engine = open()
    await engine.start()
    const index = new DbOutboxIndex(engine.db)
    expect(index.list()).toContainEqual({
      recipient: c.z32,
      requestId: sent.request_id,
      expiresAt: expect.any(Number),
      paid: false,
    })
    // Nothing forgotten: a sync reads the cancelled agreement's homeserver no more and rejects nothing.
    expect((await engine.subscribersSync()).rejected).toEqual([])
    // Expired a minute later: the sweeper (on the engine's own clock) deletes the published record.
    await engine.testClockAdvance(120_000)
    const me = await engine.identity()
    const reader = new HttpPubkyReader({ homeserverUrl: () => node.homeserverUrl })
    const path = paymentRequestPath(c.z32, sent.request_id)
    expect(await reader.get(me.merchant, path)).not.toBeNull()
    const clock = new TestClock({ offsetMs: 120_000 })
    const writer = new GatewayWriter(gateway, me.merchant)
    // The engine's gateway session is the one signed in as the merchant; sign this one in too.
    await gateway.signin(new Uint8Array(32).fill(SECRET))
    const report = await sweepRequests({ writer, index, clock })
    expect(report.removed).toContainEqual({ recipient: c.z32, requestId: sent.request_id, reason: 'expired' })
    expect(index.list().some((e) => e.requestId === sent.request_id)).toBe(false)
    expect(await reader.get(me.merchant, path)).toBeNull()
  })
})

describe('test clock (gap 3)', () => {
  it('moves only forward, only when enabled, and the control endpoint is refused otherwise', async () => {
    const t0 = (await engine.testClockAdvance(0)).now
    const t1 = (await engine.testClockAdvance(86_400_000)).now
    expect(t1 - t0).toBeGreaterThanOrEqual(86_400_000)
    await expect(engine.testClockAdvance(-1)).rejects.toMatchObject({ code: 'invalid-input' })
    const control = await startTestControl(engine)
    try {
      const res = await fetch(control.url, {
        method: 'POST',
        body: JSON.stringify({ op: 'advance', ms: 1000 }),
      })
      const out = (await res.json()) as { ok: boolean; value: { now: number } }
      expect(out.ok).toBe(true)
      expect(out.value.now).toBeGreaterThanOrEqual(t1 + 1000)
      const bad = await fetch(control.url, {
        method: 'POST',
        body: JSON.stringify({ op: 'call', method: 'stop', args: [] }),
      })
      expect(bad.status).toBe(500)
      expect(engine.started).toBe(true)
    } finally {
      await control.close()
    }
    const real = new PosEngine({
      dataDir: join(dir, 'real-clock'),
      identitySecret: new Uint8Array(32).fill(0x53),
      network: { kind: 'embedded', node },
      settlementWatchIntervalMs: 0,
    })
    await real.start()
    try {
      await expect(real.testClockAdvance(1000)).rejects.toMatchObject({ code: 'test-clock-disabled' })
      await expect(startTestControl(real)).rejects.toMatchObject({ code: 'test-clock-disabled' })
    } finally {
      await real.stop()
    }
  })
})

describe('settlement by watching (gap 4)', () => {
  const receiptsOf = (checkoutId: string) =>
    engine.db.all<{ receipt_id: string; payer: string | null; proof_type: string | null }>(
      'SELECT receipt_id, payer, proof_type FROM receipts WHERE checkout_id = ?',
      checkoutId,
    )

  it('a walk-in Lightning wallet and a walk-in on-chain wallet: seen, paid, one receipt each', async () => {
    const sim = engine.simulators!
    const ln = await engine.checkoutStart({ amountSats: 2100, memo: 'walk-in' })
    const oc = await engine.checkoutStart({ amountSats: 5000, memo: 'walk-in chain' })
    expect((await engine.checkoutsWatch()).settled).toEqual([])
    sim.lightning.pay(ln.checkout.lightning_invoice!)
    sim.chain.send(oc.checkout.onchain_address!, 5000)
    const watched = await engine.checkoutsWatch()
    expect(watched.settled.sort()).toEqual([ln.checkout.checkout_id, oc.checkout.checkout_id].sort())
    expect(await engine.checkoutGet(ln.checkout.checkout_id)).toMatchObject({
      state: 'paid',
      received_sats: 2100,
    })
    expect(await engine.checkoutGet(oc.checkout.checkout_id)).toMatchObject({
      state: 'paid',
      received_sats: 5000,
    })
    expect(receiptsOf(ln.checkout.checkout_id)).toEqual([
      expect.objectContaining({ payer: null, proof_type: 'lightning_invoice_settled' }),
    ])
    expect(receiptsOf(oc.checkout.checkout_id)).toEqual([
      expect.objectContaining({ payer: null, proof_type: 'bitcoin_txid' }),
    ])
    // Watching again changes nothing.
    expect((await engine.checkoutsWatch()).settled).toEqual([])
    expect(receiptsOf(ln.checkout.checkout_id)).toHaveLength(1)
  })

  it('a Paykit payer whose payment the watcher sees first: one receipt, the preimage upgrades its proof', async () => {
    const me = await engine.identity()
    const payer = newPayer()
    const c = await engine.checkoutStart({ amountSats: 1500, memo: 'race' })
    const conn = await connectPayer(payer, me, { generation: '0.8.0' })
    const receipt = receiptFor(payer, z32Decode(me.merchant), {
      receiptId: `rcpt_${toHex(systemRng(8))}`,
      methodId: 'lightning',
      amount: '1500',
      metadata: { checkout_id: c.checkout.checkout_id },
    })
    const confirm = await conn.ask(requestReceipt(receipt, 'rust'))
    const md = confirm.message.type === 'ConfirmReceipt' ? confirm.message.receipt.metadata : null
    expect(isJsonObject(md)).toBe(true)
    const paid = engine.simulators!.lightning.pay((md as JsonObject)['bolt11'] as string)
    expect((await engine.checkoutsWatch()).settled).toEqual([c.checkout.checkout_id])
    expect(receiptsOf(c.checkout.checkout_id)).toEqual([
      { receipt_id: receipt.receiptId, payer: payer.z32, proof_type: 'lightning_invoice_settled' },
    ])
    const proved = await conn.ask(
      requestReceipt(
        { ...receipt, metadata: { payment_proof: lightningProof(paid.preimage, paid.paymentHash) } },
        'rust',
      ),
    )
    conn.close()
    const settlement = (proved.message.type === 'ConfirmReceipt' &&
      isJsonObject(proved.message.receipt.metadata) &&
      proved.message.receipt.metadata['settlement']) as JsonObject
    expect(settlement['status']).toBe('paid')
    expect(receiptsOf(c.checkout.checkout_id)).toEqual([
      { receipt_id: receipt.receiptId, payer: payer.z32, proof_type: 'lightning_preimage' },
    ])
    expect((await engine.checkoutGet(c.checkout.checkout_id))?.receipt_id).toBe(receipt.receiptId)
  })
})
