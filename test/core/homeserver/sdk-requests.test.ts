// What the real @synonymdev/pubky SDK sends the embedded node per storage operation: exactly one
// PUT per put and one GET per get on the data routes, no HEADs, retries or re-signins, and pkarr
// lookups only while signing up (the record TTLs keep it from re-resolving per request). The SDK
// runs in its own process (it patches that process's fetch): the bench's throughput client.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { runThroughputClient } from './fixtures/run-throughput-client'

/** One round of `ops` sequential pairs of one client stack against `node`, after `warmPairs` untimed ones. */
const runClient = (
  node: EmbeddedNode,
  kind: 'sdk' | 'sdk-public',
  o: { ops: number; warmPairs: number; rawUserSeed: number },
): Promise<string> =>
  runThroughputClient(
    {
      relay: node.relayUrl,
      homeserver: node.homeserverPublicKey,
      origin: `http://localhost:${node.port}`,
      size: 256,
      rounds: 1,
      concurrency: 1,
      kinds: [kind],
      ...o,
    },
    90_000,
  )

/** Runs `body` against a fresh embedded node that records every request it serves, then closes it. */
async function withRecordingNode(
  body: (node: EmbeddedNode, seen: Array<{ method: string; url: string }>) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-hs-sdkreq-'))
  const seen: Array<{ method: string; url: string }> = []
  const node = await startEmbeddedNode({
    dataDir: dir,
    onRequest: (method, url) => seen.push({ method, url }),
  })
  try {
    await body(node, seen)
  } finally {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('SDK requests per storage operation', () => {
  it('is one PUT per put and one GET per get, with pkarr lookups only at signup', async () => {
    await withRecordingNode(async (node, seen) => {
      const warmPairs = 5
      const ops = 30
      const line = await runClient(node, 'sdk', { ops, warmPairs, rawUserSeed: 0x53 })
      const result = JSON.parse(line) as { ok: boolean; out: { sdk: Array<{ pairs: number }> } }
      expect(result.ok).toBe(true)
      expect(result.out.sdk.map((r) => r.pairs)).toEqual([ops])

      const data = seen.filter((r) => r.url.startsWith('/pub/bench/sdk/'))
      const pairs = warmPairs + ops
      expect(data.filter((r) => r.method === 'PUT')).toHaveLength(pairs)
      expect(data.filter((r) => r.method === 'GET')).toHaveLength(pairs)
      expect(data).toHaveLength(2 * pairs)
      const rest = seen.filter((r) => !r.url.startsWith('/pub/bench/sdk/'))
      // Signups: the SDK's and the throughput client's raw user's; no signin or session refresh.
      expect(rest.filter((r) => r.url.startsWith('/signup')).map((r) => r.method)).toEqual(['POST', 'POST'])
      expect(rest.filter((r) => r.url.startsWith('/session'))).toHaveLength(0)
      // pkarr: the node's own publish at start, then the SDK resolving the homeserver and publishing
      // its user's record while signing up; a constant, not one per operation.
      const pkarr = rest.filter((r) => r.url.startsWith('/pkarr/'))
      expect(pkarr.length).toBeGreaterThanOrEqual(2)
      expect(pkarr.length).toBeLessThanOrEqual(5)
      expect(rest).toHaveLength(2 + pkarr.length)
    })
  }, 120_000)

  // What a wallet does: public reads of another user's files from a Pubky instance of its own,
  // which must resolve that user's homeserver through the relay once and then from its cache.
  it('is one GET per public read, with the reader resolving through the relay only at its first read', async () => {
    await withRecordingNode(async (node, seen) => {
      const warmPairs = 5
      const ops = 30
      const line = await runClient(node, 'sdk-public', { ops, warmPairs, rawUserSeed: 0x54 })
      const result = JSON.parse(line) as {
        ok: boolean
        out: { 'sdk-public': Array<{ pairs: number; cpuMs: number; helperCpuMs?: number }> }
      }
      expect(result.ok).toBe(true)
      const [round] = result.out['sdk-public']
      expect(round?.pairs).toBe(ops)
      // The helper-thread CPU the bench reports is read from /proc on Linux.
      if (process.platform === 'linux') {
        expect(round?.helperCpuMs).toBeGreaterThanOrEqual(0)
        expect(round!.helperCpuMs!).toBeLessThanOrEqual(round!.cpuMs + 50)
      }

      const reads = seen.filter((r) => r.url.startsWith('/pub/bench/read/'))
      // Before timing, each of the 16 files is written once by the SDK user and once by the raw user.
      expect(reads.filter((r) => r.method === 'PUT')).toHaveLength(32)
      const gets = reads.filter((r) => r.method === 'GET')
      expect(gets).toHaveLength(2 * (warmPairs + ops))
      // The first public read resolves the user, then the homeserver, through the relay: the
      // pkarr GETs after the last write are that one resolution, not one per read.
      const lastPut = seen.findLastIndex((r) => r.method === 'PUT' && r.url.startsWith('/pub/'))
      const relayAfter = seen.slice(lastPut + 1).filter((r) => r.url.startsWith('/pkarr/'))
      expect(relayAfter.every((r) => r.method === 'GET')).toBe(true)
      expect(relayAfter.length).toBeGreaterThanOrEqual(1)
      expect(relayAfter.length).toBeLessThanOrEqual(2)
      const firstGet = seen.findIndex((r) => r.method === 'GET' && r.url.startsWith('/pub/bench/read/'))
      expect(seen.slice(firstGet).filter((r) => r.url.startsWith('/pkarr/'))).toHaveLength(0)
    })
  }, 120_000)
})
