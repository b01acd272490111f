/**
 * @module engine/main-embedded
 * A demo merchant on the embedded homeserver, runnable from a terminal:
 *
 *   npx tsx electron/main/core/engine/main-embedded.ts --data-dir D [--port N] [--amount SATS]
 *                                                      [--demo-pay] [--once]
 *                                                      [--test-clock [--control-port N]]
 *
 * Starts `PosEngine` (embedded homeserver + relay, simulated Lightning node and chain), prints the
 * merchant's pubky, where payers connect, the published methods and a test sale's checkout QR with
 * its BOLT11 and on-chain address. `--demo-pay` plays a Paykit wallet in this process (Noise IK,
 * RequestReceipt, pays on the simulator, proves it) so the whole loop can be watched. `--once`
 * stops after printing; otherwise the merchant runs until Ctrl-C. The identity secret is kept in
 * `D/identity.key` (mode 0600) so the same merchant comes back on the next run.
 *
 * `--test-clock` (TEST ONLY) runs the engine on its test clock and opens the loopback control
 * endpoint (engine/test-control.ts; `--control-port`, default any free port) to call the engine API
 * and move time. Without the flag there is no control endpoint and the clock cannot be moved.
 */
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { PosEngine, loadOrCreateSecretFile } from './pos-engine'
import { startTestControl, type TestControl } from './test-control'
import { createLogger } from '../observe/logger'
import { connectTcp } from '../noise/tcp'
import { decodeMessage, encodeMessage } from '../interactive/messages'
import { isJsonObject } from '../interactive/json'
import { SimServiceClient } from '../payments/sim-client'
import { fromHex, toHex, utf8 } from '../util/bytes'
import { systemRng } from '../util/rng'
import { z32Decode } from '../keys/z32'
import { defaultProvider } from '../crypto'
import type { NoiseSession } from '../noise/session'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`)
/** This is a terminal program: its output is the point (stdout, not the logger). */
const say = (line: string): void => void process.stdout.write(line + '\n')

function ask(session: NoiseSession, text: string): Promise<ReturnType<typeof decodeMessage>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the merchant did not answer')), 10_000)
    const off = session.onMessage((m) => {
      clearTimeout(timer)
      off()
      resolve(decodeMessage(new TextDecoder().decode(m)))
    })
    session.send(utf8(text))
  })
}

/** Plays a Paykit wallet: receipt request, simulated payment, proof. */
async function demoPay(engine: PosEngine, checkoutId: string, amountSats: number): Promise<void> {
  const me = await engine.identity()
  const crypto = defaultProvider()
  const wallet = systemRng(32)
  const session = await connectTcp({
    host: me.host,
    port: me.port,
    staticSecret: systemRng(32),
    identity: { ed25519Secret: wallet },
    remoteStatic: fromHex(me.noisePubkey),
  })
  const receipt = {
    receiptId: `rcpt_demo_${toHex(systemRng(6))}`,
    payer: crypto.ed25519PublicKey(wallet),
    payee: z32Decode(me.merchant),
    methodId: 'lightning',
    amount: String(amountSats),
    currency: 'SAT',
    createdAt: Math.floor(Date.now() / 1000),
    metadata: { order: { order_id: checkoutId } },
  }
  const confirm = await ask(session, encodeMessage({ type: 'RequestReceipt', receipt }, 'rust'))
  if (confirm.message.type !== 'ConfirmReceipt' || !isJsonObject(confirm.message.receipt.metadata))
    throw new Error(`the merchant refused: ${JSON.stringify(confirm.message)}`)
  const bolt11 = confirm.message.receipt.metadata['bolt11'] as string
  say(`wallet: got ConfirmReceipt ${receipt.receiptId}; paying ${bolt11.slice(0, 40)}…`)
  const paid = await new SimServiceClient(me.simulatorUrl!).pay(bolt11)
  const proof = {
    proof_type: 'lightning_preimage',
    preimage: paid.preimage,
    payment_hash: paid.paymentHash,
    verified: false,
    created_at: Math.floor(Date.now() / 1000),
  }
  const settled = await ask(
    session,
    encodeMessage(
      { type: 'RequestReceipt', receipt: { ...receipt, metadata: { payment_proof: proof } } },
      'rust',
    ),
  )
  const md = settled.message.type === 'ConfirmReceipt' ? settled.message.receipt.metadata : null
  const status = isJsonObject(md) && isJsonObject(md['settlement']) ? md['settlement']['status'] : 'refused'
  say(`wallet: proof sent; merchant says ${String(status)}`)
  session.close()
}

async function main(): Promise<void> {
  const dataDir = arg('data-dir')
  if (!dataDir) {
    console.error(
      'usage: main-embedded.ts --data-dir DIR [--port N] [--amount SATS] [--demo-pay] [--once] [--test-clock [--control-port N]]',
    )
    process.exit(2)
  }
  mkdirSync(dataDir, { recursive: true })
  const amount = Number(arg('amount') ?? 2100)
  const engine = new PosEngine({
    dataDir,
    identitySecret: loadOrCreateSecretFile(join(dataDir, 'identity.key')),
    network: { kind: 'embedded' },
    listener: { port: Number(arg('port') ?? 0), wsPort: 0 },
    logger: createLogger({ level: flag('verbose') ? 'debug' : 'warn' }),
    ...(flag('test-clock') ? { testClock: {} } : {}),
  })
  await engine.start()
  let control: TestControl | undefined
  if (flag('test-clock')) {
    control = await startTestControl(engine, { port: Number(arg('control-port') ?? 0) })
    say(`control:      ${control.url} (TEST CLOCK: time can be moved)`)
  }
  engine.events.on('checkout:paid', (p) =>
    say(`event: checkout ${p.checkoutId} paid (${p.receivedSats} sat)`),
  )
  const me = await engine.identity()
  say(`merchant:     pk:${me.merchant}`)
  say(`homeserver:   ${me.homeserver}`)
  say(`noise:        ${me.host}:${me.port} (ws ${me.wsPort ?? '-'}) key ${me.noisePubkey}`)
  say(`simulator:    ${me.simulatorUrl ?? '-'} (${me.chainNetwork})`)
  for (const m of await engine.directoryMethods())
    say(`method:       ${m.methodId} = ${m.endpoint.slice(0, 60)}${m.endpoint.length > 60 ? '…' : ''}`)
  const sale = await engine.checkoutStart({ amountSats: amount, memo: 'Test sale' })
  say(`checkout:     ${sale.checkout.checkout_id} (${amount} sat)`)
  say(`checkout QR:  ${sale.uri}`)
  say(`bolt11:       ${sale.checkout.lightning_invoice ?? '-'}`)
  say(`on-chain:     ${sale.checkout.onchain_address ?? '-'}`)
  if (flag('demo-pay')) await demoPay(engine, sale.checkout.checkout_id, amount)
  const stop = async (): Promise<void> => {
    await control?.close()
    await engine.stop()
    say('stopped')
  }
  if (flag('once')) return stop()
  say('running; Ctrl-C to stop')
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await stop()
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : e)
  process.exit(1)
})
