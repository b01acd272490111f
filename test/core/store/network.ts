/**
 * Integration harness: the real embedded homeserver (startEmbeddedNode) in this process, the real
 * SDK through the colleague's PubkyGateway, and identities signed up through its real signup flow.
 * Each test file gets its own node (the gateway is bound to one network per process).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { deriveX25519ForDeviceEpoch, type X25519KeyPair } from '../../../electron/main/core/keys/device-key'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { startEmbeddedNode, type EmbeddedNode } from '../../../electron/main/core/pubky/embedded-node'
import { PubkyGateway } from '../../../electron/main/core/pubky/gateway'
import { GatewayReader, GatewayWriter } from '../../../electron/main/core/store/gateway-store'
import { HttpPubkyReader } from '../../../electron/main/core/store/http-reader'
import type { PubkyWriter } from '../../../electron/main/core/store/types'

export interface TestIdentity {
  secretKey: Uint8Array
  publicKey: Uint8Array
  z32: string
  noise: X25519KeyPair
  writer: PubkyWriter
}

export interface TestNetwork {
  node: EmbeddedNode
  gateway: PubkyGateway
  /** The product reader (SDK, pkarr resolution). */
  reader: GatewayReader
  /** The capped node:http reader against the embedded node's URL. */
  httpReader: HttpPubkyReader
  /** Signs up a fresh identity (secret = 32 × seed) on the node. */
  identity(seed: number): Promise<TestIdentity>
  close(): Promise<void>
}

export async function startNetwork(): Promise<TestNetwork> {
  const dir = mkdtempSync(join(tmpdir(), 'paykit-records-'))
  const node = await startEmbeddedNode({ dataDir: dir })
  const gateway = await PubkyGateway.open({ kind: 'embedded', relayUrl: node.relayUrl })
  return {
    node,
    gateway,
    reader: new GatewayReader(gateway),
    httpReader: new HttpPubkyReader({ homeserverUrl: () => node.homeserverUrl }),
    async identity(seed: number): Promise<TestIdentity> {
      const secretKey = new Uint8Array(32).fill(seed)
      const publicKey = nativeProvider.ed25519PublicKey(secretKey)
      const z32 = await gateway.signup(secretKey, node.homeserverPublicKey)
      if (z32 !== z32Encode(publicKey)) throw new Error('gateway returned another z32')
      const noise = deriveX25519ForDeviceEpoch(secretKey, `device-${seed}-0123456789ab`, 0)
      return { secretKey, publicKey, z32, noise, writer: new GatewayWriter(gateway, z32) }
    },
    async close() {
      await node.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
