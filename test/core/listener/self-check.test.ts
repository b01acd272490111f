// The listener's start-up self-check: before start() resolves, a loopback payer handshakes and asks
// for a receipt that cannot exist, and the listener must answer with the typed refusal. Proves the
// check really runs the production path (it fails when that path is broken), changes no ledger
// state, and costs customers nothing (rate limit, handshake count, metrics untouched).
import { describe, expect, it } from 'vitest'
import { openMerchantDb } from '../../../electron/main/core/storage/schema'
import { ReceiptBook } from '../../../electron/main/core/receipts/book'
import { CheckoutService } from '../../../electron/main/core/checkout/service'
import { OutboxRepo } from '../../../electron/main/core/billing/requests-repo'
import { ReceiptIntake } from '../../../electron/main/core/listener/intake'
import { PaykitListener, type ListenerOptions } from '../../../electron/main/core/listener/server'
import {
  SELF_CHECK_EXPECTED_CODE,
  loopbackFor,
  runSelfCheck,
} from '../../../electron/main/core/listener/self-check'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { systemClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'
import { toHex } from '../../../electron/main/core/util/bytes'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { connectPayer, newPayer } from '../engine/payer'
import { merchantPub, merchantSecret, staticPub, staticSecret, stopAfterEach } from './listener-fixture'

const track = stopAfterEach()

function ledger(intakeMerchant = merchantPub) {
  const db = openMerchantDb(':memory:')
  const intake = new ReceiptIntake({
    db,
    merchant: intakeMerchant,
    receipts: new ReceiptBook(db),
    checkouts: new CheckoutService({ db, clock: systemClock, merchant: z32Encode(intakeMerchant) }),
    outbox: new OutboxRepo(db),
    publishedMethods: () => new Set(['onchain']),
    clock: systemClock,
  })
  const snapshot = (): string =>
    JSON.stringify(['receipts', 'checkouts', 'requests_out'].map((t) => db.all(`SELECT * FROM ${t}`)))
  return { db, intake, snapshot }
}

async function start(extra: Partial<ListenerOptions> = {}, intakeMerchant = merchantPub, ringTill = false) {
  const l = ledger(intakeMerchant)
  const listener = await PaykitListener.start({
    staticSecret,
    // A Ring-linked till's listener has no shop identity key (it stays in Pubky Ring).
    ...(ringTill ? {} : { identitySecret: merchantSecret }),
    intake: l.intake,
    clock: systemClock,
    crypto: nativeProvider,
    handshakeTimeoutMs: 2_000,
    ...extra,
  })
  track(l.db, listener)
  return { listener, ...l }
}

describe('listener start-up self-check', () => {
  it('answers the probe end to end before start() resolves, and writes nothing', async () => {
    const before = ledger().snapshot()
    const { listener, snapshot } = await start()
    const r = listener.status().selfCheck
    expect(r?.ok).toBe(true)
    expect(r?.detail).toBe(SELF_CHECK_EXPECTED_CODE)
    expect(r?.ms).toBeGreaterThan(0)
    expect(snapshot()).toBe(before) // an empty ledger stays empty
    expect(listener.metrics.counter('listener.self_check', { result: 'ok' })).toBe(1)
    // The probe's session is gone once start() resolves: intake's "every session is waiting"
    // count (watchSessions) starts from the customers alone.
    expect(listener.status().sessions).toBe(0)
  })

  it('passes on a Ring-linked till too: no shop identity key, only IK, IK-raw and N accepted', async () => {
    const { listener } = await start({ allowPatterns: ['IK', 'IK-raw', 'N'] }, merchantPub, true)
    const r = listener.status().selfCheck
    expect(r?.ok, r?.detail).toBe(true)
    expect(r?.detail).toBe(SELF_CHECK_EXPECTED_CODE)
  })

  it('costs customers nothing: no handshake counted, no per-IP rate slot used, no customer metrics', async () => {
    const { listener } = await start({ rateLimit: { maxAttempts: 1 } })
    expect(listener.status().handshakes).toEqual({ ok: 0, failed: 0 })
    expect(listener.metrics.counter('listener.error_reply', { code: SELF_CHECK_EXPECTED_CODE })).toBe(0)
    // The one handshake 127.0.0.1 may make in this window is still there for a real payer.
    const conn = await connectPayer(newPayer(), {
      host: '127.0.0.1',
      port: listener.port,
      noisePubkey: toHex(staticPub),
    })
    conn.close()
    expect(listener.status().handshakes.ok).toBe(1)
    expect(listener.status().sessions).toBeLessThanOrEqual(1)
  })

  it('reports a refusal other than the expected one as a failure, with the code (here WRONG_PAYEE)', async () => {
    const { listener } = await start()
    expect(listener.status().selfCheck?.ok).toBe(true)
    // A probe naming a payee that is not this till's key gets another refusal: not a pass.
    const probe = await runSelfCheck(
      {
        host: listener.host,
        port: listener.port,
        remoteStatic: staticPub,
        merchant: nativeProvider.ed25519PublicKey(systemRng(32)),
        crypto: nativeProvider,
        generation: '0.8.0',
        timeoutMs: 2_000,
      },
      () => Date.now(),
    )
    expect(probe.ok).toBe(false)
    expect(probe.detail).toContain('WRONG_PAYEE')
  })

  it('fails when nothing answers, or the key is not the listener’s, within the deadline', async () => {
    const { listener } = await start()
    const wrongKey = await runSelfCheck(
      {
        host: '127.0.0.1',
        port: listener.port,
        remoteStatic: nativeProvider.x25519PublicKey(systemRng(32)),
        merchant: merchantPub,
        crypto: nativeProvider,
        generation: '0.8.0',
        timeoutMs: 1_500,
      },
      () => Date.now(),
    )
    expect(wrongKey.ok).toBe(false)
    const port = listener.port
    await listener.stop(0)
    const closed = await runSelfCheck(
      {
        host: '127.0.0.1',
        port,
        remoteStatic: staticPub,
        merchant: merchantPub,
        crypto: nativeProvider,
        generation: '0.8.0',
        timeoutMs: 1_000,
      },
      () => Date.now(),
    )
    expect(closed.ok).toBe(false)
    expect(closed.detail).toMatch(/could not be reached|no answer/)
  })

  it('can be turned off, and dials loopback for a wildcard bind', async () => {
    const { listener } = await start({ selfCheck: false })
    expect(listener.status().selfCheck).toBeNull()
    expect(loopbackFor('0.0.0.0')).toBe('127.0.0.1')
    expect(loopbackFor('::')).toBe('::1')
    expect(loopbackFor('192.168.1.20')).toBe('192.168.1.20')
    const wild = await start({ host: '0.0.0.0' })
    expect(wild.listener.status().selfCheck?.ok).toBe(true)
  })
})
