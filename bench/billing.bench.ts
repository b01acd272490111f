/**
 * Billing engine throughput: one `runOnce` over N active subscribers, each getting its period row,
 * outbox row, publish and "published" mark (WAL, synchronous=FULL, on disk).
 *
 * The publisher seals each request with the real core/sealed `sealV1` (X25519 + HKDF + ChaCha20-
 * Poly1305) and stores the envelope in memory: the HTTP PUT to the embedded homeserver is NOT in
 * this number (no embedded homeserver server entry exists yet), and the metric names say so.
 * Baseline: the same run with a publisher that does nothing, so the ratio shows the sealing cost.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { x25519 } from '@noble/curves/ed25519.js'
import type { BenchRow } from './types'
import { openMerchantDb } from '../electron/main/core/storage/schema'
import { BillingEngine } from '../electron/main/core/billing/engine'
import { SubscriberService } from '../electron/main/core/billing/subscribers'
import type { OutgoingRequest, RequestPublisher } from '../electron/main/core/billing/ports'
import { sealV1 } from '../electron/main/core/sealed/seal'
import { z32Encode } from '../electron/main/core/keys/z32'

const T0 = Date.UTC(2026, 0, 1)
const MERCHANT = z32Encode(new Uint8Array(32).fill(200))

class SealingPublisher implements RequestPublisher {
  readonly store = new Map<string, string>()
  private readonly recipient = x25519.getPublicKey(new Uint8Array(32).fill(7))
  async publish(r: OutgoingRequest): Promise<void> {
    const path = `/pub/paykit.app/v0/requests/${r.to}/${r.requestId}`
    const plaintext = JSON.stringify({ request: r, published_at: r.createdAt, active: true })
    this.store.set(
      path,
      sealV1(this.recipient, plaintext, `paykit:v0:request:${path}:${r.requestId}`, { purpose: 'request' }),
    )
  }
  async remove(to: string, id: string): Promise<void> {
    this.store.delete(`/pub/paykit.app/v0/requests/${to}/${id}`)
  }
}

const noopPublisher: RequestPublisher = { publish: async () => {}, remove: async () => {} }

async function measure(
  count: number,
  publisher: RequestPublisher,
): Promise<{ seconds: number; peakRssMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-billing-'))
  const db = openMerchantDb(join(dir, 'm.db'))
  try {
    const subs = new SubscriberService({ db })
    const key = new Uint8Array(32)
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        new DataView(key.buffer).setUint32(0, i + 1)
        const id = `sub_${String(i).padStart(7, '0')}`
        subs.importAgreement(
          {
            subscriptionId: id,
            subscriber: z32Encode(key),
            provider: MERCHANT,
            amount: '5000',
            currency: 'SAT',
            frequency: '{"Monthly":{"day_of_month":1}}',
            method: 'lightning',
            description: 'Coffee club',
            maxAmountPerPeriod: null,
            metadata: '{}',
            createdAt: T0,
            startsAt: T0,
            endsAt: null,
            signedJson: `{"id":"${id}"}`,
          },
          T0,
        )
      }
    })
    const engine = new BillingEngine({ db, publisher, merchant: MERCHANT })
    let peak = process.memoryUsage().rss
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    const start = performance.now()
    const summary = await engine.runOnce(T0 + 1000)
    const seconds = (performance.now() - start) / 1000
    clearInterval(timer)
    peak = Math.max(peak, process.memoryUsage().rss)
    if (summary.published !== count) throw new Error(`bench: published ${summary.published} of ${count}`)
    return { seconds, peakRssMb: peak / 2 ** 20 }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const small = quick ? 1_000 : 10_000
  const large = quick ? 5_000 : 100_000
  const base = await measure(small, noopPublisher)
  const ours = await measure(small, new SealingPublisher())
  const big = await measure(large, new SealingPublisher())
  const perSubSmall = ours.seconds / small
  const perSubLarge = big.seconds / large
  return [
    {
      group: 'billing',
      metric: `runOnce, ${small.toLocaleString('en-US')} subscribers (publisher: sealV1 + in-memory store, no HTTP)`,
      value: ours.seconds,
      unit: 's',
      baseline: { name: 'same run, no-op publisher', value: base.seconds },
      ratio: base.seconds / ours.seconds,
      // The 30 s target is for 10,000 subscribers; a quick run measures fewer.
      ...(quick ? {} : { target: '<= 30 s', met: ours.seconds <= 30 }),
    },
    {
      group: 'billing',
      metric: `peak RSS during that run (whole bench process)`,
      value: ours.peakRssMb,
      unit: 'MB',
      target: '<= 300 MB',
      met: ours.peakRssMb <= 300,
    },
    {
      group: 'billing',
      metric: `runOnce, ${large.toLocaleString('en-US')} subscribers (publisher: sealV1 + in-memory store, no HTTP)`,
      value: big.seconds,
      unit: 's',
      // Linear scaling means the same time per subscriber at both sizes.
      baseline: {
        name: `${small.toLocaleString('en-US')}-run time × ${large / small}`,
        value: perSubSmall * large,
      },
      ratio: perSubSmall / perSubLarge,
      target: '>= 0.7x (≈ linear)',
      met: perSubSmall / perSubLarge >= 0.7,
    },
    {
      group: 'billing',
      metric: `peak RSS during the ${large.toLocaleString('en-US')} run`,
      value: big.peakRssMb,
      unit: 'MB',
    },
  ]
}
