/**
 * Merchant engine benchmarks.
 *
 * 1. Receipt arrival → persisted → event: 100 payers (in their own process, so their crypto is not
 *    billed to the merchant) on real Noise sessions send RequestReceipts at once to the listener +
 *    ledger (on-disk WAL, synchronous=FULL); latency from each payer's send to the
 *    `receipt:recorded` event, both on the shared wall clock (timeOrigin + now). Baseline: `ReceiptBook.recordConfirmed` alone on the same kind
 *    of database (persist only, no network, no Noise, no intake checks).
 * 2. Event-loop lag of the UI-driving process (this one, `monitorEventLoopDelay`) while the engine
 *    runs in its worker (EngineHost) and a separate flood process opens ~500 IK handshakes per
 *    second against it (rate limits lifted so every handshake is really processed). Baseline: the
 *    same process idle with the worker running.
 * 3. A billing run with the real publisher: RequestOutbox seals each request (Sealed Blob v1) and
 *    PUTs it to the embedded homeserver through the SDK gateway, in a child process (clean RSS, own
 *    gateway). Recipients' `/noise` keys come from a local cache reader (a real merchant's directory
 *    cache after first contact), so the homeserver traffic measured is the PUTs.
 *
 * This file is also the payer, flood and billing child (`--engine-payers`, `--engine-flood`,
 * `--engine-billing` flags). `--engine-receipts` runs section 1 alone.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { HDKey } from '@scure/bip32'
import type { BenchRow } from './types'
import { defaultProvider, nativeProvider } from '../electron/main/core/crypto'
import { openMerchantDb } from '../electron/main/core/storage/schema'
import { ReceiptBook } from '../electron/main/core/receipts/book'
import { CheckoutService } from '../electron/main/core/checkout/service'
import { PersistentAddressAllocator } from '../electron/main/core/checkout/address-allocator'
import { OutboxRepo } from '../electron/main/core/billing/requests-repo'
import { SimulatedLightningNode } from '../electron/main/core/payments/lightning'
import { ReceiptIntake } from '../electron/main/core/listener/intake'
import { PaykitListener } from '../electron/main/core/listener/server'
import { parseWatchOnly, deriveAddress } from '../electron/main/core/methods/watch-only'
import { connectTcp } from '../electron/main/core/noise/tcp'
import type { NoiseSession } from '../electron/main/core/noise/session'
import { encodeMessage } from '../electron/main/core/interactive/messages'
import { EngineHost } from '../electron/main/core/engine/host'
import { systemClock } from '../electron/main/core/util/clock'
import { systemRng } from '../electron/main/core/util/rng'
import { fromHex, toHex, utf8 } from '../electron/main/core/util/bytes'
import { z32Encode } from '../electron/main/core/keys/z32'

const here = fileURLToPath(import.meta.url)

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

// ---------------------------------------------------------------------------------------------
// 1. Receipt latency

export async function receiptLatency(quick: boolean): Promise<BenchRow[]> {
  const PAYERS = 100
  const ROUNDS = quick ? 3 : 10
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-engine-'))
  const db = openMerchantDb(join(dir, 'm.db'))
  const merchantSecret = systemRng(32)
  const merchant = nativeProvider.ed25519PublicKey(merchantSecret)
  const staticSecret = systemRng(32)
  const xpub = HDKey.fromMasterSeed(systemRng(32), { private: 0x04358394, public: 0x043587cf }).derive(
    "m/84'/1'/0'",
  ).publicExtendedKey
  const account = parseWatchOnly(xpub, { network: 'regtest' })
  const allocator = new PersistentAddressAllocator(db, xpub, (_x, i) => deriveAddress(account, i))
  const receipts = new ReceiptBook(db)
  const checkouts = new CheckoutService({
    db,
    clock: systemClock,
    merchant: z32Encode(merchant),
    addresses: allocator,
  })
  const intake = new ReceiptIntake({
    db,
    merchant,
    receipts,
    checkouts,
    outbox: new OutboxRepo(db),
    publishedMethods: () => new Set(['onchain']),
    clock: systemClock,
  })
  const listener = await PaykitListener.start({
    staticSecret,
    identitySecret: merchantSecret,
    intake,
    clock: systemClock,
    // What the engine ships (libsodium where it loads), not the node:crypto provider.
    crypto: defaultProvider(),
    rateLimit: { maxAttempts: 1_000_000 },
    connectionLimit: { maxPerIp: 10_000, maxPerSubnet: 10_000 },
  })
  // Event times on the shared wall clock (timeOrigin + now), comparable with the payer process's.
  const recorded = new Map<string, number>()
  receipts.events.on('receipt:recorded', (e) =>
    recorded.set(e.receiptId, performance.timeOrigin + performance.now()),
  )
  // The payers run in their own process: their crypto must not be billed to the merchant.
  const payers = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      here,
      '--engine-payers',
      String(listener.port),
      toHex(nativeProvider.x25519PublicKey(staticSecret)),
      toHex(merchant),
      String(PAYERS),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let err = ''
  payers.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const lines = createInterface({ input: payers.stdout })
  let waiting: { resolve: (l: string) => void; reject: (e: Error) => void } | undefined
  lines.on('line', (l) => {
    const w = waiting
    waiting = undefined
    w?.resolve(l)
  })
  payers.once('exit', (c) => waiting?.reject(new Error(`payer process exited (${c}): ${err.slice(-1000)}`)))
  const nextLine = (): Promise<string> => new Promise((resolve, reject) => (waiting = { resolve, reject }))
  const latencies: number[] = []
  // Per burst as well: the first burst after start runs the whole receipt path for the first time
  // (interpreted / baseline-compiled code: ~2.5x the CPU of later bursts), and with 10 bursts the
  // overall p99 is decided by that one burst alone. Shown apart, beside the overall rows (which
  // stay the target's measure), so a reader can tell cold start from steady state.
  const firstBurst: number[] = []
  const laterBursts: number[] = []
  try {
    await nextLine() // ready: all sessions open
    for (let round = 0; round < ROUNDS; round++) {
      const ids: string[] = []
      for (let i = 0; i < PAYERS; i++)
        ids.push((await checkouts.create({ amountSats: 1000, methods: ['onchain'] })).checkout_id)
      payers.stdin.write(JSON.stringify({ round, checkouts: ids }) + '\n')
      const sends = JSON.parse(await nextLine()) as Record<string, number>
      for (const [id, t] of Object.entries(sends)) {
        const at = recorded.get(id)
        if (at === undefined) throw new Error(`bench: receipt ${id} was confirmed but no event was seen`)
        latencies.push(at - t)
        if (round === 0) firstBurst.push(at - t)
        else laterBursts.push(at - t)
      }
    }
    payers.stdin.end()
    // Baseline: the durable write alone.
    const base: number[] = []
    const me = z32Encode(merchant)
    for (let i = 0; i < PAYERS * ROUNDS; i++) {
      const t = performance.now()
      receipts.recordConfirmed(
        {
          receiptId: `base_${i}`,
          payer: me,
          payee: me,
          methodId: 'onchain',
          amount: '1000',
          currency: 'SAT',
          amountSats: 1000,
          createdAt: Date.now(),
        },
        Date.now(),
      )
      base.push(performance.now() - t)
    }
    latencies.sort((a, b) => a - b)
    base.sort((a, b) => a - b)
    firstBurst.sort((a, b) => a - b)
    laterBursts.sort((a, b) => a - b)
    const n = latencies.length
    if (n !== PAYERS * ROUNDS) throw new Error(`bench: ${n} of ${PAYERS * ROUNDS} receipts recorded`)
    const p99 = pct(latencies, 99)
    return [
      {
        group: 'engine',
        metric: `receipt send → persisted → event, p50 (${PAYERS} concurrent payers, ${n} receipts)`,
        value: pct(latencies, 50),
        unit: 'ms',
        baseline: { name: 'recordConfirmed alone (one fsync each), p50', value: pct(base, 50) },
      },
      {
        group: 'engine',
        metric: `receipt send → persisted → event, p99 (${PAYERS} concurrent payers)`,
        value: p99,
        unit: 'ms',
        baseline: { name: 'recordConfirmed alone, p99', value: pct(base, 99) },
        target: '<= 25 ms',
        met: p99 <= 25,
      },
      {
        group: 'engine',
        metric: `of which: first burst after start (cold code), p99 (${firstBurst.length} receipts)`,
        value: pct(firstBurst, 99),
        unit: 'ms',
      },
      {
        group: 'engine',
        metric: `of which: later bursts (warm), p99 (${laterBursts.length} receipts)`,
        value: pct(laterBursts, 99),
        unit: 'ms',
      },
    ]
  } finally {
    payers.kill()
    await listener.stop(0)
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The payer process: N sessions; per stdin line, one RequestReceipt each at once; prints send times. */
async function payersChild(port: number, key: string, merchantHex: string, count: number): Promise<void> {
  const merchant = fromHex(merchantHex)
  const remoteStatic = fromHex(key)
  const sessions: { pub: Uint8Array; session: NoiseSession }[] = []
  for (let i = 0; i < count; i++) {
    const secret = systemRng(32)
    const session = await connectTcp({
      host: '127.0.0.1',
      port,
      staticSecret: systemRng(32),
      identity: { ed25519Secret: secret },
      remoteStatic,
      crypto: nativeProvider,
    })
    sessions.push({ pub: nativeProvider.ed25519PublicKey(secret), session })
  }
  process.stdout.write('ready\n')
  const rl = createInterface({ input: process.stdin })
  for await (const line of rl) {
    const { round, checkouts } = JSON.parse(line) as { round: number; checkouts: string[] }
    // Encode and encrypt first, then write all at once: a burst of simultaneous arrivals.
    const texts = sessions.map((p, i) => {
      const receiptId = `rcpt_${round}_${i}_${toHex(systemRng(4))}`
      const text = encodeMessage(
        {
          type: 'RequestReceipt',
          receipt: {
            receiptId,
            payer: p.pub,
            payee: merchant,
            methodId: 'onchain',
            amount: '1000',
            currency: 'SAT',
            createdAt: Math.floor(Date.now() / 1000),
            metadata: { checkout_id: checkouts[i]! },
          },
        },
        'rust',
      )
      return { receiptId, bytes: utf8(text) }
    })
    const replies = sessions.map(
      (p) =>
        new Promise<void>((resolve) => {
          const off = p.session.onMessage(() => {
            off()
            resolve()
          })
        }),
    )
    const sends: Record<string, number> = {}
    sessions.forEach((p, i) => {
      sends[texts[i]!.receiptId] = performance.timeOrigin + performance.now()
      p.session.send(texts[i]!.bytes)
    })
    await Promise.all(replies)
    process.stdout.write(JSON.stringify(sends) + '\n')
  }
  for (const p of sessions) p.session.close()
  process.exit(0)
}

// ---------------------------------------------------------------------------------------------
// 2. UI event-loop lag during a handshake flood on the engine worker

function runChild(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', here, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    p.stdout.on('data', (d: Buffer) => (out += d.toString()))
    p.stderr.on('data', (d: Buffer) => (err += d.toString()))
    p.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0) return reject(new Error(`bench child ${args[0]} failed (${code}): ${err.slice(-2000)}`))
      try {
        resolve(JSON.parse(line) as Record<string, number>)
      } catch {
        reject(new Error(`bench child ${args[0]} printed no result: ${out.slice(-500)} ${err.slice(-500)}`))
      }
    })
  })
}

async function floodLag(quick: boolean): Promise<BenchRow[]> {
  const seconds = quick ? 2 : 8
  const rate = 500
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-flood-'))
  const host = await EngineHost.start({
    dataDir: dir,
    identitySecret: systemRng(32),
    network: { kind: 'embedded' },
    listener: {
      rateLimit: { maxAttempts: 1_000_000 },
      connectionLimit: { maxTotal: 100_000, maxPerIp: 100_000, maxPerSubnet: 100_000 },
    },
  })
  try {
    const me = await host.api.identity()
    const measure = async (ms: number, during?: Promise<Record<string, number>>) => {
      const h = monitorEventLoopDelay({ resolution: 10 })
      h.enable()
      // The UI keeps asking the engine for status, as a dashboard would.
      const poll = setInterval(() => void host.api.listenerStatus(), 100)
      const result = during ? await during : await new Promise<null>((r) => setTimeout(() => r(null), ms))
      clearInterval(poll)
      h.disable()
      return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, result }
    }
    const idle = await measure(seconds * 500)
    const flood = await measure(
      0,
      runChild(['--engine-flood', me.host, String(me.port), me.noisePubkey, String(rate), String(seconds)]),
    )
    const done = flood.result!
    const achieved = (done['completed'] ?? 0) / (done['seconds'] ?? 1)
    return [
      {
        group: 'engine',
        metric: `UI event-loop lag p99 while the engine worker absorbs a handshake flood (${Math.round(achieved)}/s achieved, target rate ${rate}/s)`,
        value: flood.p99,
        unit: 'ms',
        baseline: { name: 'same process, worker idle', value: idle.p99 },
        target: '<= 20 ms',
        met: flood.p99 <= 20,
      },
      {
        group: 'engine',
        metric: 'handshakes completed per second by the engine worker during the flood',
        value: achieved,
        unit: '/s',
      },
    ]
  } finally {
    await host.stop(0)
    rmSync(dir, { recursive: true, force: true })
  }
}

async function floodChild(
  host: string,
  port: number,
  key: string,
  rate: number,
  seconds: number,
): Promise<void> {
  const remoteStatic = fromHex(key)
  const identity = { ed25519Secret: systemRng(32) }
  const staticSecret = systemRng(32)
  let completed = 0
  let failed = 0
  let inflight = 0
  const start = performance.now()
  const tickMs = 20
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000))
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (performance.now() - start >= seconds * 1000) {
        clearInterval(t)
        resolve()
        return
      }
      for (let i = 0; i < perTick && inflight < 400; i++) {
        inflight++
        connectTcp({
          host,
          port,
          remoteStatic,
          identity,
          staticSecret,
          crypto: nativeProvider,
          handshakeTimeoutMs: 5_000,
        })
          .then(
            (s) => {
              completed++
              s.close()
            },
            () => failed++,
          )
          .finally(() => inflight--)
      }
    }, tickMs)
  })
  const elapsed = (performance.now() - start) / 1000
  process.stdout.write(JSON.stringify({ completed, failed, seconds: elapsed }) + '\n')
  process.exit(0)
}

// ---------------------------------------------------------------------------------------------
// 3. Billing run with the real publisher (child process)

async function billingChild(count: number): Promise<void> {
  const { startEmbeddedNode } = await import('../electron/main/core/pubky/embedded-node')
  const { PubkyGateway } = await import('../electron/main/core/pubky/gateway')
  const { GatewayWriter } = await import('../electron/main/core/store/gateway-store')
  const { RequestOutbox, outboxPublisher } = await import('../electron/main/core/requests/outbox')
  const { formatNoiseEndpointRecord } = await import('../electron/main/core/directory')
  const { BillingEngine } = await import('../electron/main/core/billing/engine')
  const { SubscriberService } = await import('../electron/main/core/billing/subscribers')
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-billing-real-'))
  const node = await startEmbeddedNode({ dataDir: join(dir, 'node'), durability: 'normal' })
  try {
    const gateway = await PubkyGateway.open({ kind: 'embedded', relayUrl: node.relayUrl })
    const secret = systemRng(32)
    const merchantPub = nativeProvider.ed25519PublicKey(secret)
    const merchant = await gateway.signup(secret, node.homeserverPublicKey)
    const writer = new GatewayWriter(gateway, merchant)
    const noiseRecord = utf8(
      formatNoiseEndpointRecord({
        host: '127.0.0.1',
        port: 1,
        publicKey: nativeProvider.x25519PublicKey(systemRng(32)),
      }),
    )
    // Directory cache: every subscriber's /noise answered locally (see the module comment).
    const cacheReader = {
      get: async () => noiseRecord,
      list: async () => ({ entries: [], truncated: false, malformed: 0 }),
    }
    const outbox = new RequestOutbox({
      writer,
      reader: cacheReader,
      identity: merchantPub,
      clock: systemClock,
    })
    const db = openMerchantDb(join(dir, 'm.db'))
    const subs = new SubscriberService({ db })
    // Anchored on the plan's billing day (the 1st of this month), so period 0 is a whole cycle that
    // is billed now: a start between billing days would make period 0 a free stub.
    const today = new Date()
    const T0 = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1)
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const id = `sub_${String(i).padStart(7, '0')}`
        subs.importAgreement(
          {
            subscriptionId: id,
            subscriber: z32Encode(nativeProvider.ed25519PublicKey(systemRng(32))),
            provider: merchant,
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
    const engine = new BillingEngine({ db, publisher: outboxPublisher(outbox), merchant })
    let peak = process.memoryUsage().rss
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
    const start = performance.now()
    const summary = await engine.runOnce(Date.now())
    const seconds = (performance.now() - start) / 1000
    clearInterval(timer)
    peak = Math.max(peak, process.memoryUsage().rss)
    db.close()
    process.stdout.write(
      JSON.stringify({
        seconds,
        peakRssMb: peak / 2 ** 20,
        published: summary.published,
        failed: summary.publishFailed,
      }) + '\n',
    )
  } finally {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  }
  process.exit(0)
}

async function billingReal(quick: boolean): Promise<BenchRow[]> {
  const sizes = quick ? [1_000] : [10_000, 100_000]
  const rows: BenchRow[] = []
  for (const n of sizes) {
    const r = await runChild(['--engine-billing', String(n)])
    if (r['published'] !== n)
      throw new Error(`bench: published ${r['published']} of ${n} (${r['failed']} failed)`)
    const target = n === 10_000
    rows.push(
      {
        group: 'engine',
        metric: `billing run, ${n.toLocaleString('en-US')} subscribers, real publisher (seal + PUT to embedded homeserver)`,
        value: r['seconds']!,
        unit: 's',
        ...(target ? { target: '<= 30 s', met: r['seconds']! <= 30 } : {}),
      },
      {
        group: 'engine',
        metric: `peak RSS of that billing process (${n.toLocaleString('en-US')} subscribers)`,
        value: r['peakRssMb']!,
        unit: 'MB',
        ...(target ? { target: '<= 300 MB', met: r['peakRssMb']! <= 300 } : {}),
      },
    )
  }
  return rows
}

// ---------------------------------------------------------------------------------------------
// 4. Autopay receipts: BOLT11 issued on the receipt path vs pre-issued (ReceiptIntake.prepareInvoices)

/** A burst of autopay Lightning receipts through intake + ledger (on disk), in this process. */
async function autopayBurst(prepare: boolean, n: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-bench-autopay-'))
  const db = openMerchantDb(join(dir, 'm.db'))
  try {
    const merchant = nativeProvider.ed25519PublicKey(systemRng(32))
    const node = new SimulatedLightningNode({ nodeSecretKey: systemRng(32), crypto: nativeProvider })
    const outbox = new OutboxRepo(db)
    const intake = new ReceiptIntake({
      db,
      merchant,
      receipts: new ReceiptBook(db),
      checkouts: new CheckoutService({ db, clock: systemClock, merchant: z32Encode(merchant) }),
      outbox,
      lightning: node,
      publishedMethods: () => new Set(['lightning']),
      clock: systemClock,
    })
    const payers = Array.from({ length: n }, () => {
      const secret = systemRng(32)
      return nativeProvider.ed25519PublicKey(secret)
    })
    const now = Date.now()
    payers.forEach((p, i) => {
      outbox.insert(
        {
          request_id: `req_${i}`,
          recipient: z32Encode(p),
          kind: 'billing',
          subscription_id: null,
          amount: '2500',
          currency: 'SAT',
          amount_sats: 2500,
          method: 'lightning',
          description: 'Plan',
          created_at: now,
        },
        now,
      )
      outbox.markPublished(`req_${i}`, Math.floor(now / 1000) + 3600, now)
    })
    if (prepare) await intake.prepareInvoices(payers.map((_, i) => `req_${i}`))
    const lat: number[] = []
    await Promise.all(
      payers.map((p, i) => {
        const t = performance.now()
        return intake
          .handle(
            {
              receiptId: `autopay_req_${i}`,
              payer: p,
              payee: merchant,
              methodId: 'lightning',
              amount: '2500',
              currency: 'SAT',
              createdAt: Math.floor(now / 1000),
              metadata: {},
            },
            { identity: p, dialect: 'rust', generation: '0.8.0', pattern: 'IK', remoteAddress: 'bench' },
          )
          .then(() => lat.push(performance.now() - t))
      }),
    )
    node.close()
    return lat.sort((a, b) => a - b)
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function autopayLatency(quick: boolean): Promise<BenchRow[]> {
  const n = 100
  const rounds = quick ? 2 : 5
  const issued: number[] = []
  const prepared: number[] = []
  for (let i = 0; i < rounds; i++) {
    issued.push(...(await autopayBurst(false, n)))
    prepared.push(...(await autopayBurst(true, n)))
  }
  issued.sort((a, b) => a - b)
  prepared.sort((a, b) => a - b)
  return [
    {
      group: 'engine',
      metric: `autopay Lightning receipt → persisted, p99 (${n} at once, invoices pre-issued)`,
      value: pct(prepared, 99),
      unit: 'ms',
      baseline: { name: 'invoice signed on the receipt path, p99', value: pct(issued, 99) },
    },
  ]
}

export async function run({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  // `npx tsx bench/run.ts engine --engine-receipts`: the receipt-latency section alone (the others
  // take minutes), for iterating on the receipt path.
  if (process.argv.includes('--engine-receipts')) return receiptLatency(quick)
  return [
    ...(await receiptLatency(quick)),
    ...(await autopayLatency(quick)),
    ...(await floodLag(quick)),
    ...(await billingReal(quick)),
  ]
}

export { autopayLatency }

const [flag, ...rest] = process.argv.slice(2)
if (flag === '--engine-flood')
  void floodChild(rest[0]!, Number(rest[1]), rest[2]!, Number(rest[3]), Number(rest[4]))
else if (flag === '--engine-billing') void billingChild(Number(rest[0]))
else if (flag === '--engine-payers') void payersChild(Number(rest[0]), rest[1]!, rest[2]!, Number(rest[3]))
