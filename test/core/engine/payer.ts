/**
 * A test payer built directly from core/noise initiators and core/interactive encoders (the CLI
 * payer comes later): connects over TCP or WebSocket with a chosen identity generation and
 * framing, sends one application message and reads the reply.
 */
import { connectTcp } from '../../../electron/main/core/noise/tcp'
import { connectWs } from '../../../electron/main/core/noise/ws'
import type { NoiseSession, Framing } from '../../../electron/main/core/noise/session'
import type { Generation } from '../../../electron/main/core/noise/identity'
import { nativeProvider } from '../../../electron/main/core/crypto'
import { fromHex, utf8 } from '../../../electron/main/core/util/bytes'
import { z32Encode } from '../../../electron/main/core/keys/z32'
import { systemRng } from '../../../electron/main/core/util/rng'
import { systemClock, type Clock } from '../../../electron/main/core/util/clock'
import {
  decodeMessage,
  encodeMessage,
  type DecodedMessage,
  type Dialect,
} from '../../../electron/main/core/interactive/messages'
import type { Receipt } from '../../../electron/main/core/interactive/receipt'
import type { JsonValue } from '../../../electron/main/core/interactive/json'

export interface PayerKeys {
  ed25519Secret: Uint8Array
  ed25519Public: Uint8Array
  x25519Secret: Uint8Array
  z32: string
}

export function newPayer(seed?: number): PayerKeys {
  const ed25519Secret = seed === undefined ? systemRng(32) : new Uint8Array(32).fill(seed)
  const ed25519Public = nativeProvider.ed25519PublicKey(ed25519Secret)
  return { ed25519Secret, ed25519Public, x25519Secret: systemRng(32), z32: z32Encode(ed25519Public) }
}

export interface ConnectTo {
  host: string
  port: number
  wsPort?: number | null
  noisePubkey: string
}

export interface PayerConnection {
  session: NoiseSession
  /** Sends raw text and waits for the next reply (decoded, with its dialect). */
  ask(text: string, timeoutMs?: number): Promise<DecodedMessage>
  sendBytes(b: Uint8Array): void
  close(): void
}

export async function connectPayer(
  payer: PayerKeys,
  to: ConnectTo,
  o: { transport?: 'tcp' | 'ws'; generation?: Generation; framing?: Framing; clock?: Clock } = {},
): Promise<PayerConnection> {
  const common = {
    staticSecret: payer.x25519Secret,
    identity: { ed25519Secret: payer.ed25519Secret },
    remoteStatic: fromHex(to.noisePubkey),
    generation: o.generation ?? '0.8.0',
    crypto: nativeProvider,
    clock: o.clock ?? systemClock,
    handshakeTimeoutMs: 5_000,
    ...(o.generation && o.generation !== '0.8.0' ? { expiresAt: true as const } : {}),
  }
  const session =
    (o.transport ?? 'tcp') === 'tcp'
      ? await connectTcp({ host: to.host, port: to.port, framing: o.framing ?? 'prefixed', ...common })
      : await connectWs({
          url: `ws://${to.host}:${to.wsPort ?? 0}`,
          ...(o.framing ? { framing: o.framing } : {}),
          ...common,
        })
  const inbox: Uint8Array[] = []
  const waiters: ((m: Uint8Array) => void)[] = []
  session.onMessage((m) => {
    const w = waiters.shift()
    if (w) w(m)
    else inbox.push(m)
  })
  const next = (timeoutMs: number): Promise<Uint8Array> => {
    const m = inbox.shift()
    if (m) return Promise.resolve(m)
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no reply from the merchant')), timeoutMs)
      waiters.push((x) => {
        clearTimeout(t)
        resolve(x)
      })
    })
  }
  return {
    session,
    async ask(text, timeoutMs = 5_000) {
      session.send(utf8(text))
      return decodeMessage(new TextDecoder().decode(await next(timeoutMs)))
    },
    sendBytes: (b) => session.send(b),
    close: () => session.close(),
  }
}

/** A RequestReceipt in `dialect`. Dialect C (flat) gets the metadata key added (our reader takes it). */
export function requestReceipt(receipt: Receipt, dialect: Dialect): string {
  const text = encodeMessage({ type: 'RequestReceipt', receipt }, dialect)
  if (dialect !== 'mobile-flat') return text
  const o = JSON.parse(text) as Record<string, unknown>
  o['metadata'] = receipt.metadata
  return JSON.stringify(o)
}

export function receiptFor(
  payer: PayerKeys,
  merchant: Uint8Array,
  o: {
    receiptId: string
    methodId: string
    amount: string | null
    currency?: string | null
    metadata?: JsonValue
    createdAt?: number
  },
): Receipt {
  return {
    receiptId: o.receiptId,
    payer: payer.ed25519Public,
    payee: merchant,
    methodId: o.methodId,
    amount: o.amount,
    currency: o.currency === undefined ? 'SAT' : o.currency,
    createdAt: o.createdAt ?? Math.floor(Date.now() / 1000),
    metadata: o.metadata ?? {},
  }
}

export function lightningProof(preimage: string, paymentHash: string): JsonValue {
  return {
    proof_type: 'lightning_preimage',
    preimage,
    payment_hash: paymentHash,
    verified: false,
    created_at: Math.floor(Date.now() / 1000),
  }
}

export function txidProof(txid: string): JsonValue {
  return { proof_type: 'bitcoin_txid', txid, verified: false, created_at: Math.floor(Date.now() / 1000) }
}
