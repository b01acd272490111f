// The merchant's listener with real sockets: admission control before any cryptography, handshake
// timeouts, sessions that prove no identity, ordered stop.
import { describe, expect, it } from 'vitest'
import * as net from 'node:net'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { ReceiptBook } from '../../../electron/main/core/receipts/book'
import { CheckoutService } from '../../../electron/main/core/checkout/service'
import { OutboxRepo } from '../../../electron/main/core/billing/requests-repo'
import { ReceiptIntake } from '../../../electron/main/core/listener/intake'
import { PaykitListener, type ListenerOptions } from '../../../electron/main/core/listener/server'
import { connectTcp } from '../../../electron/main/core/noise/tcp'
import type { NoiseError } from '../../../electron/main/core/noise/errors'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { systemClock } from '../../../electron/main/core/util/clock'
import { toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { decodeMessage } from '../../../electron/main/core/interactive/messages'
import { connectPayer, newPayer, receiptFor, requestReceipt } from '../engine/payer'
import { merchantPub, merchantSecret, staticPub, staticSecret, stopAfterEach } from './listener-fixture'

const track = stopAfterEach()

async function start(extra: Partial<ListenerOptions> = {}): Promise<PaykitListener> {
  const db = openMerchantDb(':memory:')
  const receipts = new ReceiptBook(db)
  const checkouts = new CheckoutService({ db, clock: systemClock, merchant: z32Encode(merchantPub) })
  const intake = new ReceiptIntake({
    db,
    merchant: merchantPub,
    receipts,
    checkouts,
    outbox: new OutboxRepo(db),
    publishedMethods: () => new Set(['lightning']),
    clock: systemClock,
  })
  const listener = await PaykitListener.start({
    staticSecret,
    identitySecret: merchantSecret,
    intake,
    clock: systemClock,
    crypto: nativeProvider,
    handshakeTimeoutMs: 1_000,
    ...extra,
  })
  track(db, listener)
  return listener
}

const endpoint = (l: PaykitListener) => ({ host: '127.0.0.1', port: l.port, noisePubkey: toHex(staticPub) })

describe('PaykitListener admission control', () => {
  it('drops connections over the per-IP handshake rate before any handshake, and counts them', async () => {
    const l = await start({ rateLimit: { maxAttempts: 3 } })
    const payer = newPayer()
    for (let i = 0; i < 3; i++) (await connectPayer(payer, endpoint(l))).close()
    const err = await connectPayer(payer, endpoint(l)).then(
      () => null,
      (e: NoiseError) => e,
    )
    expect(err?.code).toBe('Closed')
    expect(l.metrics.counter('listener.rejected', { reason: 'rate', transport: 'tcp' })).toBe(1)
    expect(l.status().handshakes.ok).toBe(3)
  })

  it('caps live connections per IP and frees the slot when one closes', async () => {
    const l = await start({ connectionLimit: { maxPerIp: 2 } })
    const payer = newPayer()
    const a = await connectPayer(payer, endpoint(l))
    const b = await connectPayer(payer, endpoint(l))
    const refused = await connectPayer(payer, endpoint(l)).then(
      () => null,
      (e: NoiseError) => e,
    )
    expect(refused?.code).toBe('Closed')
    expect(l.metrics.counter('listener.rejected', { reason: 'connections', transport: 'tcp' })).toBe(1)
    a.close()
    await new Promise((r) => setTimeout(r, 100))
    const c = await connectPayer(payer, endpoint(l))
    expect(l.status().connections).toBe(2)
    b.close()
    c.close()
  })

  it('closes a connection that never finishes its handshake, and counts the timeout', async () => {
    const l = await start({ handshakeTimeoutMs: 200 })
    const sock = net.connect({ host: '127.0.0.1', port: l.port })
    const closed = new Promise<void>((r) => sock.once('close', () => r()))
    sock.on('error', () => {})
    await closed
    expect(l.metrics.counter('listener.handshake_failed', { code: 'Timeout', transport: 'tcp' })).toBe(1)
    // The server's own 'close' (which frees the slot) may land a tick after the client's.
    for (let i = 0; i < 50 && l.status().connections !== 0; i++) await new Promise((r) => setTimeout(r, 10))
    expect(l.status().connections).toBe(0)
  })
})

describe('PaykitListener sessions', () => {
  it('answers a receipt request on a session with no proven identity (NN) with UNAUTHENTICATED', async () => {
    const l = await start()
    const session = await connectTcp({
      host: '127.0.0.1',
      port: l.port,
      pattern: 'NN',
      crypto: nativeProvider,
    })
    const reply = new Promise<Uint8Array>((resolve) => session.onMessage(resolve))
    const payer = newPayer()
    const r = receiptFor(payer, merchantPub, { receiptId: 'rcpt_nn', methodId: 'lightning', amount: '1' })
    session.send(utf8(requestReceipt(r, 'rust')))
    const m = decodeMessage(new TextDecoder().decode(await reply))
    expect(m.message.type === 'Error' && m.message.code).toBe('UNAUTHENTICATED')
    expect(
      l.metrics.counter('listener.handshake', {
        result: 'ok',
        pattern: 'NN',
        generation: 'none',
        transport: 'tcp',
      }),
    ).toBe(1)
    session.close()
  })

  it('stop() closes live sessions and the port', async () => {
    const l = await start()
    const conn = await connectPayer(newPayer(), endpoint(l))
    const port = l.port
    await l.stop(100)
    const err = await conn.session.closed
    expect(conn.session.isClosed).toBe(true)
    expect(err === undefined || err.code === 'Closed').toBe(true)
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port })
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
      s.once('connect', () => {
        s.destroy()
        resolve('connected')
      })
    })
    expect(refused).toBe('ECONNREFUSED')
  })
})
