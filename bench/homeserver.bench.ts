/**
 * Homeserver throughput: put+get operations per second through the real @synonymdev/pubky SDK beside
 * raw HTTP (node:http, keep-alive, the session cookie) to the same routes with the same bytes,
 * against the same embedded node in the same run.
 *
 * Every client runs in one child process (test/core/homeserver/fixtures/throughput-client.ts; the
 * SDK patches its process's fetch), so the SDK and the baseline pay the same process and socket
 * costs, and they run interleaved round by round so load from other processes hits both alike.
 * Values are the median round. Two diagnostic stacks split the SDK's gap: Node's own fetch (undici,
 * the transport the SDK uses in Node) and that fetch inside the SDK's fetch-cookie wrapper. CPU time
 * per request is reported for the client process and for the homeserver (this process).
 *
 * The put+get rows are what the merchant's app does (its own files through its session). A wallet
 * reads someone else's files through `publicStorage`; that path gets its own row, GETs only.
 *
 * Warm-up: V8 keeps compiling the client's code (undici's fetch, web streams, the cookie jar, the
 * SDK's wasm-bindgen glue, wasm tier-up) for thousands of requests, because each of those functions
 * runs once or twice per request. Profiles of a long-lived client showed compiler threads still busy
 * after 200 warm-up pairs and steady only after ~2,500, so every stack first runs 3,000 untimed
 * pairs (interleaved like the timed rounds); a POS main process runs warm. A row reports the share of
 * client CPU spent on helper threads (compiler, GC) during the timed rounds to show it is steady.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedNode, type EmbeddedNode } from '../electron/main/core/pubky/embedded-node'
import type { RoundResult } from '../test/core/homeserver/fixtures/throughput-client'
import { runThroughputClient } from '../test/core/homeserver/fixtures/run-throughput-client'
import type { BenchRow } from './types'

const BODY = 256
/** Requests in flight for the concurrent rows (both sides alike). */
const CONCURRENCY = 8

type Kind = 'sdk' | 'raw' | 'fetch' | 'cookie-fetch' | 'sdk-public' | 'raw-get'

interface ClientRun {
  rounds: Record<Kind, RoundResult[]>
  /** Homeserver CPU (this process) per request over the whole client run, ms. */
  serverCpuMsPerRequest: number
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Operations per second of the median round (each pair is two operations: a PUT and a GET). */
const opsPerSec = (rs: RoundResult[]): number => median(rs.map((r) => (r.pairs * 2 * 1000) / r.wallMs))
/** Client CPU ms per request of the median round. */
const cpuPerRequest = (rs: RoundResult[]): number => median(rs.map((r) => r.cpuMs / (r.pairs * 2)))
/** Share of client CPU on threads other than the main one over all timed rounds, or undefined. */
function helperShare(rounds: Record<Kind, RoundResult[]>): number | undefined {
  let helper = 0
  let all = 0
  for (const rs of Object.values(rounds)) {
    for (const r of rs) {
      if (r.helperCpuMs === undefined) return undefined
      helper += r.helperCpuMs
      all += r.cpuMs
    }
  }
  return all > 0 ? helper / all : undefined
}

async function runClient(
  node: EmbeddedNode,
  opts: {
    ops: number
    rounds: number
    warmPairs: number
    concurrency: number
    kinds: Kind[]
    rawUserSeed: number
  },
): Promise<ClientRun> {
  const args = {
    relay: node.relayUrl,
    homeserver: node.homeserverPublicKey,
    // The SDK reaches the embedded homeserver through its pkarr record's `localhost` target.
    origin: `http://localhost:${node.port}`,
    size: BODY,
    ...opts,
  }
  const cpu0 = process.cpuUsage()
  const out = await runThroughputClient(args, 600_000)
  const cpu = process.cpuUsage(cpu0)
  const parsed = JSON.parse(out) as { ok: boolean; out: Record<Kind, RoundResult[]> }
  if (!parsed.ok) throw new Error(`throughput client failed: ${out}`)
  const requests = opts.kinds.length * (opts.warmPairs + opts.rounds * opts.ops) * 2
  return { rounds: parsed.out, serverCpuMsPerRequest: (cpu.user + cpu.system) / 1000 / requests }
}

export async function run({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-bench-hs-'))
  const node = await startEmbeddedNode({ dataDir: dir })
  try {
    // Many short rounds, interleaved: load from other processes changes within seconds, and short
    // rounds let every client stack see the same load.
    const rounds = quick ? 4 : 10
    const ops = quick ? 40 : 100
    // Untimed pairs per client stack first, the same for every stack (see the header).
    const warmPairs = quick ? 400 : 3000
    const seq = await runClient(node, {
      ops,
      rounds,
      warmPairs,
      concurrency: 1,
      kinds: ['sdk', 'raw', 'fetch', 'cookie-fetch', 'sdk-public', 'raw-get'],
      rawUserSeed: 0x41,
    })
    const par = await runClient(node, {
      ops,
      rounds,
      warmPairs,
      concurrency: CONCURRENCY,
      kinds: ['sdk', 'raw'],
      rawUserSeed: 0x42,
    })
    const rows: BenchRow[] = []
    for (const [label, r] of [
      ['sequential', seq],
      [`${CONCURRENCY} in flight`, par],
    ] as const) {
      const sdk = opsPerSec(r.rounds.sdk)
      const raw = opsPerSec(r.rounds.raw)
      rows.push(
        {
          group: 'homeserver',
          metric: `put+get ops/s through @synonymdev/pubky (${BODY} B values, ${label}, median of ${rounds} rounds)`,
          value: sdk,
          unit: 'ops/s',
          target: '>= 1,000 ops/s',
          met: sdk >= 1000,
        },
        {
          group: 'homeserver',
          metric: `SDK put+get ops/s vs raw HTTP with the session cookie (${label})`,
          value: sdk,
          unit: 'ops/s',
          baseline: { name: 'raw node:http', value: raw },
          ratio: sdk / raw,
          target: '>= 0.5x',
          met: sdk / raw >= 0.5,
        },
      )
    }
    const pub = opsPerSec(seq.rounds['sdk-public'])
    const rawGet = opsPerSec(seq.rounds['raw-get'])
    rows.push({
      group: 'homeserver',
      metric:
        "wallet read: GET ops/s through the SDK's publicStorage, another user's 256 B files (sequential)",
      value: pub,
      unit: 'ops/s',
      baseline: { name: 'raw node:http GET', value: rawGet },
      ratio: pub / rawGet,
    })
    const raw = opsPerSec(seq.rounds.raw)
    for (const [kind, name] of [
      ['fetch', "Node's fetch (undici), the SDK's transport"],
      ['cookie-fetch', "Node's fetch inside the SDK's fetch-cookie wrapper"],
    ] as const) {
      const v = opsPerSec(seq.rounds[kind])
      rows.push({
        group: 'homeserver',
        metric: `diagnostic: put+get ops/s through ${name}, no SDK (sequential)`,
        value: v,
        unit: 'ops/s',
        baseline: { name: 'raw node:http', value: raw },
        ratio: v / raw,
      })
    }
    const sdkCpu = cpuPerRequest(seq.rounds.sdk)
    const rawCpu = cpuPerRequest(seq.rounds.raw)
    const cookieCpu = cpuPerRequest(seq.rounds['cookie-fetch'])
    rows.push(
      {
        group: 'homeserver',
        metric: 'diagnostic: client CPU per request, SDK (sequential; lower is better)',
        value: sdkCpu,
        unit: 'ms',
        baseline: { name: 'raw node:http', value: rawCpu },
        ratio: rawCpu / sdkCpu,
      },
      {
        group: 'homeserver',
        metric:
          'diagnostic: client CPU per request inside the SDK: SDK minus its fetch-cookie transport (sequential)',
        value: sdkCpu - cookieCpu,
        unit: 'ms',
        baseline: { name: 'fetch-cookie + fetch', value: cookieCpu },
      },
      {
        group: 'homeserver',
        metric: 'diagnostic: homeserver CPU per request (all sequential clients)',
        value: seq.serverCpuMsPerRequest,
        unit: 'ms',
      },
    )
    const helpers = helperShare(seq.rounds)
    if (helpers !== undefined) {
      rows.push({
        group: 'homeserver',
        metric:
          'diagnostic: client CPU on helper threads (V8 compiler, GC) during the timed sequential rounds',
        value: helpers * 100,
        unit: '%',
      })
    }
    return rows
  } finally {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
