/**
 * @module cli/payer/channel
 * The payer's Noise connection to a merchant (the initiator side of core/noise, over TCP or
 * WebSocket), speaking one interactive dialect: send a message, wait for the next reply.
 *
 * The dialect-C (flat) `request_receipt` has no metadata field in the mobile code, but a checkout
 * reference and a payment proof travel in receipt metadata; the merchant's flat reader takes a
 * `metadata` key (listener/intake.ts), so we add it, keys kept sorted as that dialect writes them.
 */
import { connectTcp, type TcpConnectOptions } from '../../main/core/noise/tcp'
import { connectWs } from '../../main/core/noise/ws'
import type { NoiseSession, Framing, SessionRemote } from '../../main/core/noise/session'
import type { PubkyPattern } from '../../main/core/noise/constants'
import type { Generation } from '../../main/core/noise/identity'
import type { NoiseEndpoint } from '../../main/core/directory/noise-endpoint'
import {
  decodeMessage,
  encodeMessage,
  type DecodedMessage,
  type Dialect,
  type Message,
} from '../../main/core/interactive/messages'
import { isJsonObject, parseJson, sortKeysDeep, writeJson } from '../../main/core/interactive/json'
import type { Clock } from '../../main/core/util/clock'
import type { Rng } from '../../main/core/util/rng'
import { utf8 } from '../../main/core/util/bytes'
import { CliError } from '../errors'

export interface ChannelOptions {
  pattern: PubkyPattern
  generation: Generation
  framing?: Framing
  transport: 'tcp' | 'ws'
  dialect: Dialect
  handshakeTimeoutMs?: number
}

export interface ChannelKeys {
  /** Our Ed25519 identity secret (IK, XX 1.x sign with it). */
  identitySecret: Uint8Array
  /** Our X25519 static secret (IK, IK-raw, XX). */
  staticSecret: Uint8Array
}

/** Encodes `msg` in `dialect`; a flat RequestReceipt also carries the receipt metadata. */
export function encodeForDialect(msg: Message, dialect: Dialect): string {
  const text = encodeMessage(msg, dialect)
  if (dialect !== 'mobile-flat' || msg.type !== 'RequestReceipt') return text
  const m = msg.receipt.metadata
  if (!isJsonObject(m) || Object.keys(m).length === 0) return text
  const o = parseJson(text)
  if (!isJsonObject(o)) return text
  return writeJson(sortKeysDeep({ ...o, metadata: m }))
}

/** The WebSocket port a merchant publishes in its `/noise` metadata (`{"ws_port":N}`), if any. */
export function wsPortOf(noise: NoiseEndpoint): number | null {
  if (noise.metadata === undefined) return null
  try {
    const m = parseJson(noise.metadata, { maxLength: 4096, maxDepth: 4 })
    const p = isJsonObject(m) ? m['ws_port'] : undefined
    const n = typeof p === 'bigint' ? Number(p) : p
    return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536 ? n : null
  } catch {
    return null
  }
}

export class MerchantChannel {
  private readonly inbox: Uint8Array[] = []
  private readonly waiters: ((m: Uint8Array | Error) => void)[] = []
  private closedError: Error | undefined

  private constructor(
    readonly session: NoiseSession,
    readonly options: ChannelOptions,
    readonly address: string,
  ) {
    session.onMessage((m) => {
      const w = this.waiters.shift()
      if (w) w(m)
      else this.inbox.push(m)
    })
    session.onClose((e) => {
      this.closedError = new CliError(
        'cli-runtime',
        `the merchant closed the connection${e ? `: ${e.message}` : ''}`,
        'Try again; if it keeps happening the merchant may be refusing this pattern or generation.',
      )
      for (const w of this.waiters.splice(0)) w(this.closedError)
    })
  }

  /** Dials the merchant's `/noise` endpoint and runs the handshake. */
  static async open(
    noise: NoiseEndpoint,
    keys: ChannelKeys,
    o: ChannelOptions,
    clock: Clock,
    rng: Rng,
  ): Promise<MerchantChannel> {
    if (noise.pending)
      throw new CliError(
        'cli-state',
        'the merchant published a placeholder Noise endpoint (not listening)',
        'Ask the merchant to open the POS, then try again.',
      )
    const common: Omit<TcpConnectOptions, 'host' | 'port'> = {
      pattern: o.pattern,
      generation: o.generation,
      clock,
      rng,
      handshakeTimeoutMs: o.handshakeTimeoutMs ?? 10_000,
      ...(o.pattern === 'N' || o.pattern === 'NN' ? {} : { staticSecret: keys.staticSecret }),
      ...(o.pattern === 'IK' || (o.pattern === 'XX' && o.generation !== '0.8.0')
        ? { identity: { ed25519Secret: keys.identitySecret } }
        : {}),
      ...(o.pattern === 'NN' || o.pattern === 'XX' ? {} : { remoteStatic: noise.publicKey }),
      ...(o.generation !== '0.8.0' ? { expiresAt: true as const } : {}),
    }
    let session: NoiseSession
    let address: string
    if (o.transport === 'ws') {
      const wsPort = wsPortOf(noise)
      if (wsPort === null)
        throw new CliError(
          'cli-state',
          'the merchant publishes no WebSocket port (ws_port in its /noise metadata)',
          'Use --transport tcp.',
        )
      address = `ws://${noise.host}:${wsPort}`
      session = await connectWs({ url: address, ...(o.framing ? { framing: o.framing } : {}), ...common })
    } else {
      address = `${noise.host}:${noise.port}`
      session = await connectTcp({
        host: noise.host,
        port: noise.port,
        ...(o.framing ? { framing: o.framing } : {}),
        ...common,
      })
    }
    return new MerchantChannel(session, o, address)
  }

  get remote(): SessionRemote {
    return this.session.remote
  }

  get isClosed(): boolean {
    return this.session.isClosed
  }

  /** Sends one message (no reply expected). */
  send(msg: Message): void {
    this.session.send(utf8(encodeForDialect(msg, this.options.dialect)))
  }

  /** Sends `msg` and resolves with the next message from the merchant. */
  async ask(msg: Message, timeoutMs = 30_000): Promise<DecodedMessage> {
    if (this.closedError) throw this.closedError
    this.send(msg)
    const bytes = await this.next(timeoutMs)
    let text: string
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      throw new CliError('cli-runtime', 'the merchant answered with bytes that are not UTF-8 text')
    }
    return decodeMessage(text)
  }

  private next(timeoutMs: number): Promise<Uint8Array> {
    const m = this.inbox.shift()
    if (m) return Promise.resolve(m)
    if (this.closedError) return Promise.reject(this.closedError)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w)
        if (i >= 0) this.waiters.splice(i, 1)
        reject(
          new CliError(
            'cli-runtime',
            `the merchant did not answer within ${Math.round(timeoutMs / 1000)} s`,
            'Check that the POS is running and try again.',
          ),
        )
      }, timeoutMs)
      const w = (x: Uint8Array | Error): void => {
        clearTimeout(timer)
        if (x instanceof Error) reject(x)
        else resolve(x)
      }
      this.waiters.push(w)
    })
  }

  close(): void {
    this.session.close()
  }
}
