// A Ring-linked till end to end inside the engine: EngineHost.pairRing runs the pubkyauth flow in
// its own worker (the embedded node under dataDir/pubky), the Ring stand-in (a separate process on
// the real SDK Signer) approves, and the engine runs on the grant with no identity key: it
// publishes /noise with its patterns, takes an IK payment, refuses XX and subscription proposals
// (needs-identity-key), survives a restart, and reports a forgotten session as ring-session-expired.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EngineHost, EngineCallError } from '../../../electron/main/core/engine/host'
import type { RingLink } from '../../../electron/main/core/pubky/ring-link'
import { HttpPubkyReader } from '../../../electron/main/core/store/http-reader'
import { offeredPatterns, readNoiseEndpoint } from '../../../electron/main/core/directory/noise-endpoint'
import { readNoiseKeyBindings } from '../../../electron/main/core/directory/key-binding'
import { connectTcp } from '../../../electron/main/core/noise/tcp'
import { nativeProvider } from '../../../electron/main/core/crypto/native'
import { SimServiceClient } from '../../../electron/main/core/payments/sim-client'
import { isJsonObject } from '../../../electron/main/core/interactive/json'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { fromHex, toHex } from '../../../electron/main/core/util/bytes'
import { systemClock } from '../../../electron/main/core/util/clock'
import { systemRng } from '../../../electron/main/core/util/rng'
import { approveWithRing } from '../pubky/ring-helpers'
import { connectPayer, lightningProof, newPayer, receiptFor, requestReceipt } from './payer'

const dir = mkdtempSync(join(tmpdir(), 'pos-ring-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const nodeInfoFile = join(dir, 'pubky', 'paykit-node.json')
const nodeInfo = (): { relayUrl: string; homeserverPublicKey: string; homeserverUrl: string } =>
  JSON.parse(readFileSync(nodeInfoFile, 'utf8')) as never

const quiet = { billingIntervalMs: 0, inboxIntervalMs: 0, sweepIntervalMs: 0, subscriberSyncIntervalMs: 0 }
const ringSecretHex = Buffer.alloc(32, 0x3d).toString('hex')
const deviceSecret = systemRng(32)

describe('Ring-linked till (EngineHost.pairRing + engine ring mode)', () => {
  let link: RingLink
  let ringUser: string
  let noisePubkey: string

  it('pairs through the embedded node: QR URL, node-info for the wallet, approval gives a RingLink', async () => {
    const pairing = await EngineHost.pairRing({ dataDir: dir, network: { kind: 'embedded' } })
    expect(pairing.url).toMatch(/^pubkyauth:\/\/signin\?/)
    // While pairing, the embedded node says where it is (the phone/test finds relay + homeserver).
    const info = nodeInfo()
    const ring = await approveWithRing({
      relay: info.relayUrl,
      homeserver: info.homeserverPublicKey,
      url: pairing.url,
      secretHex: ringSecretHex,
    })
    link = await pairing.approved
    ringUser = ring.publicKey
    expect(link.publicKey).toBe(ring.publicKey)
    expect(link.capabilities).toEqual(['/pub/paykit.app/v0/:rw'])
    expect(link.sessionCookie.startsWith(`${ring.publicKey}=`)).toBe(true)
    // The pairing worker stopped its node and removed the node-info file.
    for (let i = 0; i < 100 && existsSync(nodeInfoFile); i++) await new Promise((r) => setTimeout(r, 50))
    expect(existsSync(nodeInfoFile)).toBe(false)
  }, 90_000)

  it('refuses a start with both identities or neither, before any worker runs', async () => {
    await expect(EngineHost.start({ dataDir: dir, network: { kind: 'embedded' } })).rejects.toMatchObject({
      code: 'invalid-input',
    })
    await expect(
      EngineHost.start({
        dataDir: dir,
        network: { kind: 'embedded' },
        identitySecret: new Uint8Array(32).fill(1),
        ring: { link, deviceSecret: new Uint8Array(32).fill(2) },
      }),
    ).rejects.toMatchObject({ code: 'invalid-input' })
    await expect(
      EngineHost.start({
        dataDir: dir,
        network: { kind: 'embedded' },
        ring: { link: { ...link, cookieUrl: 'ftp://x/' }, deviceSecret: new Uint8Array(32).fill(2) },
      }),
    ).rejects.toMatchObject({ code: 'ring-invalid-link' })
  })

  it('runs on the grant: identityKind ring, /noise with patterns and no key binding, IK payment, XX refused, needs-identity-key', async () => {
    const given = deviceSecret.slice()
    const host = await EngineHost.start({
      dataDir: dir,
      network: { kind: 'embedded' },
      ring: { link, deviceSecret: given },
      ...quiet,
    })
    expect(given.every((b) => b === 0)).toBe(true)
    try {
      const me = await host.api.identity()
      expect(me.identityKind).toBe('ring')
      expect(me.merchant).toBe(ringUser)
      noisePubkey = me.noisePubkey
      // What Settings shows: the patterns the listener really answers (no XX/NN without the shop key).
      expect((await host.api.listenerStatus()).patterns).toEqual(['IK', 'IK-raw', 'N'])

      const info = nodeInfo()
      const reader = new HttpPubkyReader({ homeserverUrl: () => info.homeserverUrl })
      const noise = await readNoiseEndpoint(reader, ringUser)
      expect(noise && toHex(noise.publicKey)).toBe(me.noisePubkey)
      expect(offeredPatterns(noise!)).toEqual(['IK', 'IK-raw', 'N'])
      const bindings = await readNoiseKeyBindings(reader, ringUser, {
        clock: systemClock,
        provider: nativeProvider,
      })
      expect(bindings.verified).toHaveLength(0)
      expect((await host.api.directoryMethods()).map((m) => m.methodId).sort()).toEqual([
        'lightning',
        'onchain',
      ])

      // IK: the payer signs; the till answers without any identity key of its own.
      const started = await host.api.checkoutStart({ amountSats: 700, memo: 'ring tea' })
      const payer = newPayer()
      const conn = await connectPayer(payer, me)
      const r = receiptFor(payer, z32Decode(me.merchant), {
        receiptId: `rcpt_${toHex(systemRng(8))}`,
        methodId: 'lightning',
        amount: '700',
        metadata: { checkout_id: started.checkout.checkout_id },
      })
      const confirm = await conn.ask(requestReceipt(r, 'rust'))
      expect(confirm.message.type).toBe('ConfirmReceipt')
      const md = confirm.message.type === 'ConfirmReceipt' ? confirm.message.receipt.metadata : null
      expect(isJsonObject(md!)).toBe(true)
      const paid = await new SimServiceClient(me.simulatorUrl!).pay(
        (md as Record<string, unknown>)['bolt11'] as string,
      )
      const proof = await conn.ask(
        requestReceipt(
          { ...r, metadata: { payment_proof: lightningProof(paid.preimage, paid.paymentHash) } },
          'rust',
        ),
      )
      expect(proof.message.type).toBe('ConfirmReceipt')
      conn.close()
      for (let i = 0; i < 100; i++) {
        if ((await host.api.checkoutGet(started.checkout.checkout_id))?.state === 'paid') break
        await new Promise((res) => setTimeout(res, 20))
      }
      expect((await host.api.checkoutGet(started.checkout.checkout_id))?.state).toBe('paid')
      expect((await host.api.receiptsGet(r.receiptId))?.payer).toBe(payer.z32)

      // XX would need the till to sign an identity payload: refused (the handshake fails there).
      const failedBefore = (await host.api.listenerStatus()).handshakes.failed
      await expect(
        connectTcp({
          host: me.host,
          port: me.port,
          framing: 'prefixed',
          pattern: 'XX',
          generation: '1.2.0',
          staticSecret: payer.x25519Secret,
          identity: { ed25519Secret: payer.ed25519Secret },
          expiresAt: true,
          crypto: nativeProvider,
          clock: systemClock,
          handshakeTimeoutMs: 3_000,
        }),
      ).rejects.toMatchObject({ name: 'NoiseError' })
      for (let i = 0; i < 50 && (await host.api.listenerStatus()).handshakes.failed === failedBefore; i++)
        await new Promise((res) => setTimeout(res, 20))
      expect((await host.api.listenerStatus()).handshakes.failed).toBe(failedBefore + 1)

      const refused = host.api.subscribersPropose({
        subscriber: payer.z32,
        amountSats: 1000,
        frequency: 'monthly:1',
        method: 'lightning',
        description: 'plan',
      })
      await expect(refused).rejects.toBeInstanceOf(EngineCallError)
      await expect(refused).rejects.toMatchObject({ code: 'needs-identity-key' })
      await expect(refused).rejects.toThrow(/stays in Pubky Ring.*recovery phrase to propose plans/)
      expect(await host.api.subscribersList()).toHaveLength(0)
    } finally {
      await host.stop()
    }
  }, 90_000)

  it('survives a restart (fresh worker realm, restarted node): same merchant, same Noise key, /noise back', async () => {
    const host = await EngineHost.start({
      dataDir: dir,
      network: { kind: 'embedded' },
      ring: { link, deviceSecret: deviceSecret.slice() },
      ...quiet,
    })
    try {
      const me = await host.api.identity()
      expect(me.identityKind).toBe('ring')
      expect(me.merchant).toBe(ringUser)
      expect(me.noisePubkey).toBe(noisePubkey)
      const info = nodeInfo()
      const noise = await readNoiseEndpoint(
        new HttpPubkyReader({ homeserverUrl: () => info.homeserverUrl }),
        ringUser,
      )
      expect(noise?.port).toBe(me.port)
      expect(fromHex(me.noisePubkey)).toEqual(noise?.publicKey)
    } finally {
      await host.stop()
    }
  }, 90_000)

  it('a session the homeserver does not know: start rejects with ring-session-expired', async () => {
    const forged: RingLink = { ...link, sessionCookie: `${link.publicKey}=${'Q'.repeat(26)}` }
    const start = EngineHost.start({
      dataDir: dir,
      network: { kind: 'embedded' },
      ring: { link: forged, deviceSecret: deviceSecret.slice() },
      ...quiet,
    })
    await expect(start).rejects.toMatchObject({ code: 'ring-session-expired' })
    await expect(start).rejects.toThrow(/Pair this till with Pubky Ring again/)
  }, 90_000)

  it('a pairing can be cancelled, and times out with ring-timeout', async () => {
    const cancelled = await EngineHost.pairRing({ dataDir: dir, network: { kind: 'embedded' } })
    await cancelled.cancel()
    await expect(cancelled.approved).rejects.toMatchObject({ code: 'ring-cancelled' })
    const timed = await EngineHost.pairRing({ dataDir: dir, network: { kind: 'embedded' }, timeoutMs: 300 })
    await expect(timed.approved).rejects.toMatchObject({ code: 'ring-timeout' })
  }, 90_000)
})
