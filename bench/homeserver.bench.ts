/**
 * Homeserver throughput: put+get operations per second through the real @synonymdev/pubky SDK (in a
 * child process that times itself, since the SDK patches its process's fetch) beside raw HTTP to the
 * same routes with the session cookie (node:http, keep-alive), against the same embedded node in
 * the same run.
 */
import * as http from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedNode } from '../electron/main/core/pubky/embedded-node'
import { authToken, user } from '../test/core/homeserver/helpers'
import { runSdk } from '../test/core/pubky/run-sdk'
import type { BenchRow } from './types'

const BODY = 256

function rawOps(base: string, tenant: string, cookie: string, ops: number): Promise<number> {
  const u = new URL(base)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const body = new Uint8Array(BODY).fill(0x61)
  const one = (method: string, path: string, payload?: Uint8Array): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          method,
          path,
          agent,
          headers: {
            'pubky-host': tenant,
            cookie,
            ...(payload ? { 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          let n = 0
          res.on('data', (c: Buffer) => (n += c.length))
          res.on('end', () =>
            res.statusCode === 201 || res.statusCode === 200
              ? resolve(n)
              : reject(new Error(`HTTP ${res.statusCode}`)),
          )
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  return (async () => {
    for (let i = 0; i < 20; i++) {
      await one('PUT', `/pub/raw/warm${i}`, body)
      await one('GET', `/pub/raw/warm${i}`)
    }
    const t0 = performance.now()
    for (let i = 0; i < ops; i++) {
      await one('PUT', `/pub/raw/k${i}`, body)
      if ((await one('GET', `/pub/raw/k${i}`)) !== BODY) throw new Error('raw read back the wrong length')
    }
    const ms = performance.now() - t0
    agent.destroy()
    return (ops * 2 * 1000) / ms
  })()
}

export async function run({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-bench-hs-'))
  const node = await startEmbeddedNode({ dataDir: dir })
  try {
    const ops = quick ? 200 : 2000
    const sdk = await runSdk<{ opsPerSec: number }>(
      { scenario: 'bench', relay: node.relayUrl, homeserver: node.homeserverPublicKey, ops, size: BODY },
      300_000,
    )
    if (!sdk.ok) throw new Error(`SDK bench failed: ${JSON.stringify(sdk.error)} ${sdk.stderr}`)
    const u = user(0x42)
    const signup = await fetchSignup(node.homeserverUrl, authToken(u))
    const raw = await rawOps(node.homeserverUrl, u.z32, signup, ops)
    const ratio = sdk.out.opsPerSec / raw
    return [
      {
        group: 'homeserver',
        metric: `put+get ops/s through @synonymdev/pubky (${BODY} B values, sequential)`,
        value: sdk.out.opsPerSec,
        unit: 'ops/s',
        target: '>= 1,000 ops/s',
        met: sdk.out.opsPerSec >= 1000,
      },
      {
        group: 'homeserver',
        metric: 'SDK put+get ops/s vs raw HTTP with the session cookie',
        value: sdk.out.opsPerSec,
        unit: 'ops/s',
        baseline: { name: 'raw node:http', value: raw },
        ratio,
        target: '>= 0.5x',
        met: ratio >= 0.5,
      },
    ]
  } finally {
    await node.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Raw signup; returns the `name=value` session cookie. */
function fetchSignup(base: string, token: Uint8Array): Promise<string> {
  const u = new URL(base)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: '/signup',
        agent: false,
        headers: { 'content-length': String(token.length) },
      },
      (res) => {
        res.resume()
        const cookie = res.headers['set-cookie']?.[0]?.split(';')[0]
        res.on('end', () =>
          res.statusCode === 200 && cookie
            ? resolve(cookie)
            : reject(new Error(`signup HTTP ${res.statusCode}`)),
        )
      },
    )
    req.on('error', reject)
    req.end(token)
  })
}
