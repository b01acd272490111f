// EngineHost: the real PosEngine in a worker thread behind an async proxy. A payer in this
// process pays a checkout through the worker's listener and simulator service; events arrive here;
// stop() leaves no worker or port behind.
import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EngineHost, EngineCallError } from '../../../electron/main/core/engine/host'
import type { EngineEvents } from '../../../electron/main/core/engine/types'
import { SimServiceClient } from '../../../electron/main/core/payments/sim-client'
import { z32Decode } from '../../../electron/main/core/keys/z32'
import { isJsonObject } from '../../../electron/main/core/interactive/json'
import { toHex } from '../../../electron/main/core/util/bytes'
import { systemRng } from '../../../electron/main/core/util/rng'
import { connectPayer, lightningProof, newPayer, receiptFor, requestReceipt } from './payer'

const dir = mkdtempSync(join(tmpdir(), 'pos-host-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const resources = (): string[] =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r === 'Worker' || r === 'MessagePort' || r === 'TCPServerWrap')

describe('EngineHost (worker thread)', () => {
  it('runs the engine in a worker, forwards events, and stop() leaves no handles', async () => {
    const before = resources()
    const secret = new Uint8Array(32).fill(0x52)
    const logs: string[] = []
    const host = await EngineHost.start({
      dataDir: dir,
      identitySecret: secret,
      network: { kind: 'embedded' },
      onLog: (l) => logs.push(l),
    })
    // The caller's secret is wiped as soon as it was handed over.
    expect(secret.every((b) => b === 0)).toBe(true)
    const events: { name: keyof EngineEvents; payload: unknown }[] = []
    for (const name of ['checkout:paid', 'checkout:changed', 'receipt'] as const)
      host.events.on(name, (payload) => events.push({ name, payload }))
    try {
      const me = await host.api.identity()
      expect(me.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const started = await host.api.checkoutStart({ amountSats: 900, memo: 'tea' })
      expect(started.uri).toContain(started.checkout.checkout_id)

      const payer = newPayer()
      const conn = await connectPayer(payer, me)
      const r = receiptFor(payer, z32Decode(me.merchant), {
        receiptId: `rcpt_${toHex(systemRng(8))}`,
        methodId: 'lightning',
        amount: '900',
        metadata: { checkout_id: started.checkout.checkout_id },
      })
      const confirm = await conn.ask(requestReceipt(r, 'rust'))
      const md = confirm.message.type === 'ConfirmReceipt' ? confirm.message.receipt.metadata : null
      expect(isJsonObject(md!)).toBe(true)
      const bolt11 = (md as Record<string, unknown>)['bolt11'] as string
      const paid = await new SimServiceClient(me.simulatorUrl!).pay(bolt11)
      const proof = await conn.ask(
        requestReceipt(
          { ...r, metadata: { payment_proof: lightningProof(paid.preimage, paid.paymentHash) } },
          'rust',
        ),
      )
      expect(proof.message.type).toBe('ConfirmReceipt')
      conn.close()
      for (let i = 0; i < 100 && !events.some((e) => e.name === 'checkout:paid'); i++)
        await new Promise((res) => setTimeout(res, 20))
      const names = events.map((e) => e.name)
      expect(names).toContain('checkout:changed')
      expect(names).toContain('receipt')
      expect(names).toContain('checkout:paid')
      expect((await host.api.checkoutGet(started.checkout.checkout_id))?.state).toBe('paid')
      // Errors keep their code across the thread boundary.
      await expect(host.api.checkoutCancel('chk_none')).rejects.toBeInstanceOf(EngineCallError)
      await expect(host.api.checkoutCancel('chk_none')).rejects.toMatchObject({ code: 'unknown-checkout' })
      expect(logs.some((l) => l.includes('engine.started'))).toBe(true)
    } finally {
      await host.stop()
    }
    await new Promise((res) => setTimeout(res, 50))
    expect(resources()).toEqual(before)
    await expect(host.api.identity()).rejects.toMatchObject({ code: 'engine-exited' })
  })
})
