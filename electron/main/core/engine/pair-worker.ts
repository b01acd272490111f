/**
 * @module engine/pair-worker
 * Worker-thread entry of "Sign in with Pubky Ring" (`EngineHost.pairRing`). Pairing loads the SDK,
 * which patches `fetch` of the realm it runs in; a worker is its own realm, so the UI process never
 * gets the SDK's cookie jar and the grant's cookie leaves this thread only inside the `RingLink`.
 *
 * Embedded network: runs the embedded node under `dataDir/pubky` for the duration (the same node
 * the engine starts later, so the granted session is in its store) and writes the node-info file a
 * wallet or test uses to find its relay and homeserver. Hosted: the SDK's default link relay.
 */
import { parentPort } from 'node:worker_threads'
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { PubkyGateway } from '../pubky/gateway'
import { startEmbeddedNode, type EmbeddedNode } from '../pubky/embedded-node'
import { RING_CAPABILITIES, RingError } from '../pubky/ring-link'
import { nodeInfoOf, removeNodeInfo, writeNodeInfo } from './node-info-file'
import { toRemoteError, type PairToHost, type HostToPair } from './protocol'

if (!parentPort) throw new Error('engine/pair-worker.ts must run inside a worker thread')
const port = parentPort
const post = (m: PairToHost): void => port.postMessage(m)

let node: EmbeddedNode | undefined
let nodeDir: string | undefined
let cancel: (() => Promise<void>) | undefined
let cancelled = false
let finished = false

async function finish(): Promise<void> {
  if (finished) return
  finished = true
  if (node) {
    removeNodeInfo(nodeDir!, process.pid)
    await node.close().catch(() => {})
  }
  port.close()
}

async function pair(m: Extract<HostToPair, { kind: 'pair' }>): Promise<void> {
  try {
    let gateway: PubkyGateway
    let linkRelay = m.relayUrl
    if (m.network.kind === 'embedded') {
      let attach = m.network.node
      if (!attach) {
        nodeDir = join(m.dataDir, 'pubky')
        mkdirSync(nodeDir, { recursive: true })
        node = await startEmbeddedNode({ dataDir: nodeDir })
        writeNodeInfo(nodeDir, nodeInfoOf(node))
        attach = { ...node }
      }
      linkRelay ??= attach.linkRelayUrl ?? `${attach.homeserverUrl}/link`
      gateway = await PubkyGateway.open({ kind: 'embedded', relayUrl: attach.relayUrl })
    } else {
      gateway = await PubkyGateway.open(
        m.network.testnetHost !== undefined
          ? { kind: 'testnet', host: m.network.testnetHost }
          : { kind: 'mainnet', ...(m.network.relays ? { relays: m.network.relays } : {}) },
      )
    }
    if (cancelled) throw new RingError('ring-cancelled', 'the Pubky Ring sign-in was cancelled')
    const signin = gateway.startRingSignin(
      RING_CAPABILITIES,
      linkRelay,
      m.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {},
    )
    cancel = signin.cancel
    post({ kind: 'url', url: signin.url })
    const link = await signin.approved
    // The grant stays valid: the engine restores it from the link (no signout here).
    post({ kind: 'approved', link: { ...link, capabilities: [...link.capabilities] } })
  } catch (e) {
    post({ kind: 'failed', error: toRemoteError(e) })
  } finally {
    await finish()
  }
}

port.on('message', (m: HostToPair) => {
  if (m.kind === 'pair') void pair(m)
  else if (m.kind === 'cancel') {
    cancelled = true
    // Before the flow started, `pair` sees the flag and ends itself.
    void cancel?.()
  }
})
