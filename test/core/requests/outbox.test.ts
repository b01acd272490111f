// Outbox unit tests on the in-memory port (the end-to-end path is in inbox.test.ts/sweeper.test.ts).
import { describe, expect, it } from 'vitest'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { fixedRng } from '../../../electron/main/core/util/rng'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { deriveX25519ForDeviceEpoch } from '../../../electron/main/core/keys/device-key'
import { publishNoiseEndpoint } from '../../../electron/main/core/directory/noise-endpoint'
import { paymentRequestPath } from '../../../electron/main/core/directory/paths'
import { openSealedBlob, paymentRequestAad } from '../../../electron/main/core/sealed'
import { RequestOutbox, outboxPublisher } from '../../../electron/main/core/requests/outbox'
import { MemoryOutboxIndex } from '../../../electron/main/core/requests/outbox-index'
import { IdGenerator, parseGeneratedId } from '../../../electron/main/core/requests/id'
import { MemoryHomeservers } from '../store/memory-store'

const NOW = 1_790_000_000
const party = (seed: number) => {
  const secretKey = new Uint8Array(32).fill(seed)
  const publicKey = nativeProvider.ed25519PublicKey(secretKey)
  return {
    secretKey,
    publicKey,
    z32: z32Encode(publicKey),
    noise: deriveX25519ForDeviceEpoch(secretKey, 'dev', 0),
  }
}

describe('RequestOutbox', () => {
  const merchant = party(1)
  const customer = party(2)

  async function setup() {
    const hs = new MemoryHomeservers()
    await publishNoiseEndpoint(hs.writer(customer.z32), {
      host: 'h',
      port: 1,
      publicKey: customer.noise.publicKey,
    })
    const clock = new ManualClock(NOW * 1000)
    const index = new MemoryOutboxIndex()
    const ids = new IdGenerator(
      clock,
      fixedRng(new Uint8Array(8).fill(7), new Uint8Array(8).fill(8), new Uint8Array(8).fill(9)),
    )
    const outbox = new RequestOutbox({
      writer: hs.writer(merchant.z32),
      reader: hs,
      identity: merchant.publicKey,
      clock,
      index,
      ids,
    })
    return { hs, clock, index, outbox }
  }

  it('seals the Rust PublishedRequest at the canonical path under the canonical AAD, with expiry', async () => {
    const { hs, index, outbox } = await setup()
    const rec = await outbox.publish({
      to: customer.z32,
      amount: '1000',
      method: 'lightning',
      description: 'Invoice #42',
      ttlSecs: 900,
    })
    expect(parseGeneratedId(rec.requestId)).toMatchObject({ prefix: 'req', ms: NOW * 1000, seq: 0 })
    const stored = hs.files.get(merchant.z32)!.get(paymentRequestPath(customer.z32, rec.requestId))!
    const plain = new TextDecoder().decode(
      openSealedBlob(stored, customer.noise, paymentRequestAad(customer.z32, rec.requestId)),
    )
    const o = JSON.parse(plain)
    expect(Object.keys(o)).toEqual(['request', 'published_at', 'active'])
    expect(Object.keys(o.request)).toEqual([
      'request_id',
      'from',
      'to',
      'amount',
      'currency',
      'method',
      'description',
      'due_date',
      'metadata',
      'created_at',
      'expires_at',
    ])
    expect(o.request).toMatchObject({
      amount: '1000',
      currency: 'SAT',
      created_at: NOW,
      expires_at: NOW + 900,
      due_date: null,
    })
    expect(o.request.from).toEqual([...merchant.publicKey])
    expect(o.active).toBe(true)
    expect(index.list()).toEqual([
      { recipient: customer.z32, requestId: rec.requestId, expiresAt: NOW + 900, paid: false },
    ])
  })

  it('refuses bad input and changes nothing', async () => {
    const { hs, index, outbox } = await setup()
    const before = hs.files.get(merchant.z32)?.size ?? 0
    await expect(
      outbox.publish({ to: customer.z32, amount: '0', method: 'lightning' }),
    ).rejects.toMatchObject({ code: 'invalid-request' })
    await expect(
      outbox.publish({ to: merchant.z32, amount: '5', method: 'lightning' }),
    ).rejects.toMatchObject({ code: 'invalid-request' })
    await expect(outbox.publish({ to: 'nonsense', amount: '5', method: 'lightning' })).rejects.toMatchObject({
      code: 'invalid-input',
    })
    await expect(
      outbox.publish({ to: customer.z32, amount: '5', method: 'lightning', ttlSecs: -1 }),
    ).rejects.toMatchObject({ code: 'invalid-input' })
    // A recipient without a /noise record cannot be sealed to.
    await expect(
      outbox.publish({ to: party(3).z32, amount: '5', method: 'lightning' }),
    ).rejects.toMatchObject({ code: 'directory-no-noise-endpoint' })
    expect(hs.files.get(merchant.z32)?.size ?? 0).toBe(before)
    expect(index.list()).toEqual([])
    expect(
      () =>
        new RequestOutbox({
          writer: hs.writer(customer.z32),
          reader: hs,
          identity: merchant.publicKey,
          clock: new ManualClock(0),
        }),
    ).toThrow(/signed in as/)
  })

  it('serves the billing engine port idempotently (same id, same path, overwritten)', async () => {
    const { hs, outbox } = await setup()
    const port = outboxPublisher(outbox)
    const req = {
      requestId: 'req_sub1_p3',
      from: merchant.z32,
      to: customer.z32,
      amount: '1000',
      currency: 'SAT',
      method: 'lightning',
      description: 'Subscription payment: Coffee club',
      createdAt: NOW,
      expiresAt: NOW + 86_400,
      metadata: { subscription_id: 'sub1', period: 3 },
    }
    await port.publish(req)
    await port.publish({ ...req, expiresAt: NOW + 2 * 86_400 })
    const path = paymentRequestPath(customer.z32, 'req_sub1_p3')
    const files = [...hs.files.get(merchant.z32)!.keys()].filter((p) => p.includes('/requests/'))
    expect(files).toEqual([path])
    const o = JSON.parse(
      new TextDecoder().decode(
        openSealedBlob(
          hs.files.get(merchant.z32)!.get(path)!,
          customer.noise,
          paymentRequestAad(customer.z32, 'req_sub1_p3'),
        ),
      ),
    )
    expect(o.request.expires_at).toBe(NOW + 2 * 86_400)
    expect(o.request.metadata).toEqual({ period: 3, subscription_id: 'sub1' })
    await expect(port.publish({ ...req, from: customer.z32 })).rejects.toMatchObject({
      code: 'invalid-input',
    })
    await port.remove(customer.z32, 'req_sub1_p3')
    expect(hs.files.get(merchant.z32)!.has(path)).toBe(false)
  })
})
