// Payment requests end to end against the real embedded homeserver: published sealed by one side's
// outbox (real SDK writes), polled and opened by the other side's inbox (real HTTP reads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'
import { clampX25519Secret } from '../../../electron/main/core/keys/device-key'
import { publishNoiseEndpoint } from '../../../electron/main/core/directory/noise-endpoint'
import { paymentRequestPath } from '../../../electron/main/core/directory/paths'
import { paymentRequestAad, sealV1, SEALED_PURPOSE } from '../../../electron/main/core/sealed'
import { sealedBlobKey } from '../../../electron/main/core/sealed/kdf'
import { RequestOutbox } from '../../../electron/main/core/requests/outbox'
import { MemoryOutboxIndex } from '../../../electron/main/core/requests/outbox-index'
import { pollInbox, type InboxOptions } from '../../../electron/main/core/requests/inbox'
import { MemoryRequestDedupe } from '../../../electron/main/core/requests/dedupe'
import { writePublishedRequest } from '../../../electron/main/core/requests/model'
import { Amount } from '../../../electron/main/core/money/amount'
import { startNetwork, type TestIdentity, type TestNetwork } from '../store/network'

const NOW = 1_790_000_000
const clock = new ManualClock(NOW * 1000)

/** A v2 envelope as later pubky-noise writes it (XChaCha20-Poly1305, 24-byte nonce, v2 KDF). */
function sealV2(recipient: Uint8Array, plaintext: string, aad: string): string {
  const p = nativeProvider
  const esk = clampX25519Secret(systemRng(32))
  const epk = p.x25519PublicKey(esk)
  const key = sealedBlobKey(p, 2, esk, recipient, epk, recipient)
  const nonce = systemRng(24)
  const ct = p.xaeadEncrypt(key, nonce, new TextEncoder().encode(aad), new TextEncoder().encode(plaintext))
  const b = (x: Uint8Array): string => Buffer.from(x).toString('base64url')
  return JSON.stringify({ v: 2, epk: b(epk), nonce: b(nonce), ct: b(ct), purpose: 'request' })
}

describe('payment requests between two homeserver accounts', () => {
  let net: TestNetwork
  let merchant: TestIdentity
  let customer: TestIdentity
  let mallory: TestIdentity
  const outboxOf = (who: TestIdentity, index = new MemoryOutboxIndex()): RequestOutbox =>
    new RequestOutbox({ writer: who.writer, reader: net.reader, identity: who.publicKey, clock, index })
  const inboxOf = (who: TestIdentity, dedupe = new MemoryRequestDedupe()): InboxOptions => ({
    reader: net.httpReader,
    identity: who.publicKey,
    noiseKeys: [who.noise],
    dedupe,
    clock,
  })

  beforeAll(async () => {
    net = await startNetwork()
    merchant = await net.identity(0x41)
    customer = await net.identity(0x42)
    mallory = await net.identity(0x43)
    for (const who of [merchant, customer, mallory]) {
      await publishNoiseEndpoint(who.writer, {
        host: 'localhost',
        port: 9000,
        publicKey: who.noise.publicKey,
      })
    }
  })
  afterAll(async () => net?.close())

  it('merchant → customer: published sealed on the merchant homeserver, opened by the customer; deduped on re-poll', async () => {
    const outbox = outboxOf(merchant)
    const a = await outbox.publish({
      to: customer.z32,
      amount: '1500',
      method: 'lightning',
      description: 'Latte',
      ttlSecs: 600,
    })
    const b = await outbox.publish({
      to: customer.z32,
      amount: Amount.parse('0.50'),
      currency: 'USD',
      method: 'onchain',
      ttlSecs: 600,
    })
    // Two requests in the same second get different ids (the reference's req_{secs} would collide).
    expect(a.requestId).not.toBe(b.requestId)
    expect(a.path).toBe(paymentRequestPath(customer.z32, a.requestId))
    expect(a.envelope.startsWith('{"v":1,"epk":"')).toBe(true)
    expect(JSON.parse(a.envelope).purpose).toBe('request')

    const dedupe = new MemoryRequestDedupe()
    const first = await pollInbox([merchant.z32], inboxOf(customer, dedupe))
    expect(first.rejected).toEqual([])
    expect(
      first.requests.map((r) => [r.requestId, r.sender, r.status, r.schema, r.sealedVersion]).sort(),
    ).toEqual(
      [
        [a.requestId, merchant.z32, 'active', 'rust', 1],
        [b.requestId, merchant.z32, 'active', 'rust', 1],
      ].sort(),
    )
    const latte = first.requests.find((r) => r.requestId === a.requestId)!
    expect(latte.view.amount.toString()).toBe('1500')
    expect(latte.view.description).toBe('Latte')
    expect(latte.view.expiresAt).toBe(NOW + 600)

    const second = await pollInbox([merchant.z32], inboxOf(customer, dedupe))
    expect(second.requests).toEqual([])
    expect(second.duplicates).toBe(2)

    // The merchant cannot read them: they are sealed to the customer's key.
    const wrongKey = await pollInbox([merchant.z32], { ...inboxOf(merchant), identity: customer.publicKey })
    expect(wrongKey.requests).toEqual([])
    expect(wrongKey.rejected.map((r) => r.code)).toEqual(['E006', 'E006'])
  })

  it('customer → merchant, and expiry / deactivation are classified', async () => {
    const outbox = outboxOf(customer)
    const refund = await outbox.publish({ to: merchant.z32, amount: '700', method: 'lightning', ttlSecs: 60 })
    const gone = await outbox.publish({ to: merchant.z32, amount: '800', method: 'lightning', ttlSecs: 60 })
    await outbox.deactivate(gone.request)
    clock.advance(120_000)
    try {
      const res = await pollInbox([customer.z32, 'not a key', merchant.z32], inboxOf(merchant))
      expect(res.rejected).toEqual([])
      expect(res.inactive).toBe(1)
      expect(res.unreachable.map((u) => u.code)).toEqual(['invalid-input'])
      expect(res.requests.map((r) => [r.requestId, r.sender, r.status])).toEqual([
        [refund.requestId, customer.z32, 'expired'],
      ])
    } finally {
      clock.set(NOW * 1000)
    }
  })

  it('rejects a request whose "from" is not the homeserver owner, and plaintext', async () => {
    // Mallory copies a request that claims to be from the merchant into her own homeserver.
    const forged = writePublishedRequest({
      request: {
        requestId: 'req_forged_1',
        from: merchant.publicKey,
        to: customer.publicKey,
        amount: Amount.parse('99999'),
        currency: 'SAT',
        method: 'lightning',
        description: 'pay me',
        dueDate: null,
        metadata: {},
        createdAt: NOW,
        expiresAt: NOW + 600,
      },
      publishedAt: NOW,
      active: true,
    })
    const path = paymentRequestPath(customer.z32, 'req_forged_1')
    await mallory.writer.put(
      path,
      sealV1(customer.noise.publicKey, forged, paymentRequestAad(customer.z32, 'req_forged_1'), {
        purpose: SEALED_PURPOSE.request,
      }),
    )
    await mallory.writer.put(paymentRequestPath(customer.z32, 'req_plain'), forged)
    const res = await pollInbox([mallory.z32], inboxOf(customer))
    expect(res.requests).toEqual([])
    expect(res.rejected.map((r) => [r.requestId, r.code]).sort()).toEqual([
      ['req_forged_1', 'wrong-sender'],
      ['req_plain', 'not-sealed'],
    ])
    expect(res.rejected.find((r) => r.code === 'wrong-sender')!.reason).toContain('not the owner')
  })

  it('opens a v2 envelope carrying a mobile-schema request, and rejects a mismatched payload id', async () => {
    const id = 'mobile-req-1'
    const mobile = JSON.stringify({
      schema_version: 1,
      from_pubkey: mallory.z32,
      to_pubkey: customer.z32,
      amount_sats: 4200,
      description: 'tip',
      method_id: 'lightning',
      created_at: NOW * 1000,
      expires_at: (NOW + 3600) * 1000,
    })
    await mallory.writer.put(
      paymentRequestPath(customer.z32, id),
      sealV2(customer.noise.publicKey, mobile, paymentRequestAad(customer.z32, id)),
    )
    // A Rust-schema payload stored under another id than its own request_id.
    const other = outboxOf(mallory)
    const rec = await other.publish({
      to: customer.z32,
      amount: '5',
      method: 'lightning',
      requestId: 'req_real',
    })
    const moved = paymentRequestPath(customer.z32, 'req_moved')
    await mallory.writer.put(
      moved,
      sealV1(
        customer.noise.publicKey,
        writePublishedRequest({ request: rec.request, publishedAt: NOW, active: true }),
        paymentRequestAad(customer.z32, 'req_moved'),
      ),
    )
    await mallory.writer.delete(paymentRequestPath(customer.z32, 'req_forged_1'))
    await mallory.writer.delete(paymentRequestPath(customer.z32, 'req_plain'))

    const res = await pollInbox([mallory.z32], inboxOf(customer))
    const mob = res.requests.find((r) => r.requestId === id)!
    expect(mob).toMatchObject({ sender: mallory.z32, schema: 'mobile', sealedVersion: 2, status: 'active' })
    expect(mob.view.amount.toString()).toBe('4200')
    expect(mob.view.expiresAt).toBe(NOW + 3600)
    expect(res.requests.map((r) => r.requestId).sort()).toEqual([id, 'req_real'])
    expect(res.rejected.map((r) => [r.requestId, r.code])).toEqual([['req_moved', 'invalid-request']])
  })
})
