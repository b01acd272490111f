// The sweeper deletes paid and expired published requests from the real embedded homeserver, on an
// injected clock; orphans (requests an index forgot) are found by their dated ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { publishNoiseEndpoint } from '../../../electron/main/core/directory/noise-endpoint'
import { RequestOutbox } from '../../../electron/main/core/requests/outbox'
import { MemoryOutboxIndex } from '../../../electron/main/core/requests/outbox-index'
import { sweepRequests } from '../../../electron/main/core/requests/sweeper'
import { startNetwork, type TestIdentity, type TestNetwork } from '../store/network'

const NOW = 1_790_000_000

describe('request sweeper against the embedded homeserver', () => {
  let net: TestNetwork
  let merchant: TestIdentity
  let customer: TestIdentity
  beforeAll(async () => {
    net = await startNetwork()
    merchant = await net.identity(0x51)
    customer = await net.identity(0x52)
    await publishNoiseEndpoint(customer.writer, {
      host: 'localhost',
      port: 1,
      publicKey: customer.noise.publicKey,
    })
  })
  afterAll(async () => net?.close())

  const exists = async (path: string): Promise<boolean> =>
    (await net.httpReader.get(merchant.z32, path)) !== null

  it('removes paid and expired requests (after the grace period), keeps the rest, and retries nothing twice', async () => {
    const clock = new ManualClock(NOW * 1000)
    const index = new MemoryOutboxIndex()
    const outbox = new RequestOutbox({
      writer: merchant.writer,
      reader: net.reader,
      identity: merchant.publicKey,
      clock,
      index,
    })
    const paid = await outbox.publish({ to: customer.z32, amount: '100', method: 'lightning', ttlSecs: 3600 })
    const short = await outbox.publish({ to: customer.z32, amount: '200', method: 'lightning', ttlSecs: 60 })
    const long = await outbox.publish({ to: customer.z32, amount: '300', method: 'lightning', ttlSecs: 3600 })
    await outbox.markPaid(customer.z32, paid.requestId)

    clock.advance(90_000) // short expired 30 s ago; grace is 60 s
    let report = await sweepRequests({ writer: merchant.writer, index, clock, graceSecs: 60 })
    expect(report.removed).toEqual([{ recipient: customer.z32, requestId: paid.requestId, reason: 'paid' }])
    expect(await exists(paid.path)).toBe(false)
    expect(await exists(short.path)).toBe(true)

    clock.advance(60_000)
    report = await sweepRequests({ writer: merchant.writer, index, clock, graceSecs: 60 })
    expect(report.removed).toEqual([
      { recipient: customer.z32, requestId: short.requestId, reason: 'expired' },
    ])
    expect(report.failed).toEqual([])
    expect(await exists(short.path)).toBe(false)
    expect(await exists(long.path)).toBe(true)
    expect(index.list().map((e) => e.requestId)).toEqual([long.requestId])

    report = await sweepRequests({ writer: merchant.writer, index, clock, graceSecs: 60 })
    expect(report.removed).toEqual([])
  })

  it('deletes orphans older than the limit that the index does not know; leaves undatable ids alone', async () => {
    const clock = new ManualClock(NOW * 1000)
    const lost = new MemoryOutboxIndex() // an index that will be "lost"
    const outbox = new RequestOutbox({
      writer: merchant.writer,
      reader: net.reader,
      identity: merchant.publicKey,
      clock,
      index: lost,
    })
    const old = await outbox.publish({ to: customer.z32, amount: '1', method: 'lightning', ttlSecs: 60 })
    const custom = await outbox.publish({
      to: customer.z32,
      amount: '2',
      method: 'lightning',
      ttlSecs: 60,
      requestId: 'invoice-42',
    })
    clock.advance(2 * 86_400_000)
    const fresh = await outbox.publish({ to: customer.z32, amount: '3', method: 'lightning', ttlSecs: 60 })
    const report = await sweepRequests({
      writer: merchant.writer,
      index: new MemoryOutboxIndex(),
      clock,
      reader: net.httpReader,
      orphanMaxAgeSecs: 86_400,
    })
    expect(report.orphansRemoved).toContain(old.path)
    expect(report.orphansRemoved).not.toContain(fresh.path)
    expect(await exists(old.path)).toBe(false)
    expect(await exists(fresh.path)).toBe(true)
    expect(await exists(custom.path)).toBe(true)
  })
})
