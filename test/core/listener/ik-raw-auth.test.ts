// IK-raw sender authentication: an IK-raw payer sends no identity payload; the merchant accepts its
// RequestReceipt only when the named payer's published 0.8.0 key binding (/pub/noise.app/v0/{device})
// binds the X25519 key the handshake proved. Real listener, intake, Noise and key-binding code; the
// homeserver is the in-memory stand-in (the engine-e2e runs the same path against the real one).
import { describe, expect, it } from 'vitest'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { ReceiptBook } from '../../../electron/main/core/receipts/book'
import { OutboxRepo } from '../../../electron/main/core/billing/requests-repo'
import { ReceiptIntake } from '../../../electron/main/core/listener/intake'
import { PaykitListener } from '../../../electron/main/core/listener/server'
import { connectTcp } from '../../../electron/main/core/noise/tcp'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { ManualClock, systemClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'
import { utf8 } from '../../../electron/main/core/util/bytes'
import { decodeMessage, type DecodedMessage } from '../../../electron/main/core/interactive/messages'
import {
  isKeyBound,
  publishNoiseKeyBinding,
  readNoiseKeyBindings,
} from '../../../electron/main/core/directory/key-binding'
import { MemoryHomeservers } from '../store/memory-store'
import { newPayer, receiptFor, requestReceipt, type PayerKeys } from '../engine/payer'
import {
  merchantPub,
  merchantSecret,
  regtestCheckouts,
  staticPub,
  staticSecret,
  stopAfterEach,
} from './listener-fixture'

const track = stopAfterEach()

async function start(homeservers: MemoryHomeservers) {
  const db = openMerchantDb(':memory:')
  const receipts = new ReceiptBook(db)
  const checkouts = regtestCheckouts(db, merchantPub)
  const lookups: string[] = []
  const intake = new ReceiptIntake({
    db,
    merchant: merchantPub,
    receipts,
    checkouts,
    outbox: new OutboxRepo(db),
    publishedMethods: () => new Set(['onchain']),
    clock: systemClock,
    keyBindings: async (payer, key) => {
      lookups.push(payer)
      return isKeyBound(await readNoiseKeyBindings(homeservers, payer, { clock: systemClock }), key)
    },
  })
  const listener = await PaykitListener.start({
    staticSecret,
    identitySecret: merchantSecret,
    intake,
    clock: systemClock,
    crypto: nativeProvider,
  })
  track(db, listener)
  return { db, listener, checkouts, receipts, lookups }
}

async function publishBinding(
  homeservers: MemoryHomeservers,
  payer: PayerKeys,
  x25519Secret: Uint8Array,
  clock = systemClock,
): Promise<void> {
  await publishNoiseKeyBinding(homeservers.writer(payer.z32), {
    identitySecret: payer.ed25519Secret,
    x25519PublicKey: nativeProvider.x25519PublicKey(x25519Secret),
    deviceId: 'laptop01',
    clock,
  })
}

/** An IK-raw session with `x25519Secret` as our static key: no identity payload at all. */
async function ikRaw(port: number, x25519Secret: Uint8Array) {
  const session = await connectTcp({
    host: '127.0.0.1',
    port,
    pattern: 'IK-raw',
    staticSecret: x25519Secret,
    remoteStatic: staticPub,
    crypto: nativeProvider,
  })
  const replies: Uint8Array[] = []
  const waiters: ((m: Uint8Array) => void)[] = []
  session.onMessage((m) => {
    const w = waiters.shift()
    if (w) w(m)
    else replies.push(m)
  })
  return {
    session,
    ask(text: string): Promise<DecodedMessage> {
      session.send(utf8(text))
      const m = replies.shift()
      const got = m ? Promise.resolve(m) : new Promise<Uint8Array>((r) => waiters.push(r))
      return got.then((b) => decodeMessage(new TextDecoder().decode(b)))
    },
  }
}

const code = (d: DecodedMessage): string | null => (d.message.type === 'Error' ? d.message.code : null)

describe('IK-raw payers are authenticated by their published key binding', () => {
  it('a bound key: the receipt is confirmed and recorded for that payer, pattern IK-raw', async () => {
    const hs = new MemoryHomeservers()
    const m = await start(hs)
    const payer = newPayer()
    await publishBinding(hs, payer, payer.x25519Secret)
    const c = await m.checkouts.create({ amountSats: 1000, methods: ['onchain'] })
    const conn = await ikRaw(m.listener.port, payer.x25519Secret)
    const r = receiptFor(payer, merchantPub, {
      receiptId: 'rcpt_ikraw_1',
      methodId: 'onchain',
      amount: '1000',
      metadata: { checkout_id: c.checkout_id },
    })
    const reply = await conn.ask(requestReceipt(r, 'rust'))
    expect(reply.message.type).toBe('ConfirmReceipt')
    const row = m.receipts.repo.get('rcpt_ikraw_1')!
    expect(row.payer).toBe(payer.z32)
    expect(row.peer_pattern).toBe('IK-raw')
    conn.session.close()
  })

  it('refuses (UNAUTHENTICATED, nothing stored) when the payer published no binding, or binds another key', async () => {
    const hs = new MemoryHomeservers()
    const m = await start(hs)
    const unbound = newPayer()
    const other = newPayer()
    await publishBinding(hs, other, systemRng(32)) // bound to some other device key
    const c = await m.checkouts.create({ amountSats: 1000, methods: ['onchain'] })
    for (const [payer, id] of [
      [unbound, 'rcpt_none'],
      [other, 'rcpt_other'],
    ] as const) {
      const conn = await ikRaw(m.listener.port, payer.x25519Secret)
      const r = receiptFor(payer, merchantPub, {
        receiptId: id,
        methodId: 'onchain',
        amount: '1000',
        metadata: { checkout_id: c.checkout_id },
      })
      const reply = await conn.ask(requestReceipt(r, 'rust'))
      expect(code(reply)).toBe('UNAUTHENTICATED')
      expect(m.receipts.repo.get(id)).toBeUndefined()
      conn.session.close()
    }
  })

  it('refuses a receipt naming someone else than the key’s owner (the binding is per pubky)', async () => {
    const hs = new MemoryHomeservers()
    const m = await start(hs)
    const owner = newPayer()
    const victim = newPayer()
    await publishBinding(hs, owner, owner.x25519Secret)
    const conn = await ikRaw(m.listener.port, owner.x25519Secret)
    const r = receiptFor(victim, merchantPub, { receiptId: 'rcpt_spoof', methodId: 'onchain', amount: '1' })
    expect(code(await conn.ask(requestReceipt(r, 'rust')))).toBe('UNAUTHENTICATED')
    expect(m.receipts.repo.get('rcpt_spoof')).toBeUndefined()
    conn.session.close()
  })

  it('refuses a stale binding (older than 30 days)', async () => {
    const hs = new MemoryHomeservers()
    const m = await start(hs)
    const payer = newPayer()
    await publishBinding(hs, payer, payer.x25519Secret, new ManualClock(Date.now() - 31 * 86_400_000))
    const conn = await ikRaw(m.listener.port, payer.x25519Secret)
    const r = receiptFor(payer, merchantPub, { receiptId: 'rcpt_stale', methodId: 'onchain', amount: '1' })
    expect(code(await conn.ask(requestReceipt(r, 'rust')))).toBe('UNAUTHENTICATED')
    conn.session.close()
  })

  it('looks a payer up once per session, and again on a new session', async () => {
    const hs = new MemoryHomeservers()
    const m = await start(hs)
    const payer = newPayer()
    await publishBinding(hs, payer, payer.x25519Secret)
    const conn = await ikRaw(m.listener.port, payer.x25519Secret)
    // No such checkout: past authentication, the reference check refuses — twice, one lookup.
    for (const id of ['rcpt_a', 'rcpt_b']) {
      const r = receiptFor(payer, merchantPub, { receiptId: id, methodId: 'onchain', amount: '1' })
      expect(code(await conn.ask(requestReceipt(r, 'rust')))).toBe('UNKNOWN_REFERENCE')
    }
    expect(m.lookups).toEqual([payer.z32])
    conn.session.close()
    const again = await ikRaw(m.listener.port, payer.x25519Secret)
    const r = receiptFor(payer, merchantPub, { receiptId: 'rcpt_c', methodId: 'onchain', amount: '1' })
    expect(code(await again.ask(requestReceipt(r, 'rust')))).toBe('UNKNOWN_REFERENCE')
    expect(m.lookups).toEqual([payer.z32, payer.z32])
    again.session.close()
  })
})
