/**
 * @module listener/dispatch
 * The message loop of one Noise session: decode any of the three dialects (paykit-protocol.md
 * §7.3), dispatch, answer in the request's dialect. Messages of a session are handled strictly in
 * order (one at a time), as the reference peers expect replies in order.
 *
 * Bad input — not UTF-8, not JSON, not a known shape, over the size cap, a message type the
 * merchant does not take, or a receipt that fails a check — gets a typed `Error` reply in the
 * peer's dialect (dialect A/B `Error{code,message}`, dialect C `error{code,message,timestamp}`),
 * is logged by code only (never the message text: it may carry a preimage), and changes nothing.
 * When the text cannot be decoded at all, the dialect is guessed from its opening bytes, defaulting
 * to dialect A as Appendix C says to emit toward Rust peers.
 */
import type { NoiseSession } from '../noise/session'
import { NoiseError } from '../noise/errors'
import { decodeMessage, encodeMessage, type Dialect, type Message } from '../interactive/messages'
import type { Logger } from '../observe/logger'
import type { Metrics } from '../observe/metrics'
import { nowSeconds, type Clock } from '../util/clock'
import { PaykitError } from '../util/errors'
import { utf8 } from '../util/bytes'
import { ListenerError, type WireErrorCode } from './errors'
import type { PeerContext, ReceiptIntake } from './intake'

/** Default cap on one application message: a receipt with generous metadata fits in 16 KiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024
/** Messages waiting behind the one being handled; more and the peer is flooding: the session closes. */
export const MAX_QUEUED_MESSAGES = 32

export interface DispatchOptions {
  intake: ReceiptIntake
  clock: Clock
  logger?: Logger
  metrics?: Metrics
  maxMessageBytes?: number
  /** True once the listener is stopping: new requests get `SHUTTING_DOWN`. */
  stopping?: () => boolean
}

/** Guesses the dialect of text we could not decode (for the Error reply). */
export function guessDialect(text: string): Dialect {
  const head = text.slice(0, 512)
  const t = /"type"\s*:\s*"([A-Za-z_]{1,40})"/.exec(head)
  if (t && /^[a-z_]+$/.test(t[1]!)) return 'mobile-flat'
  if (/^\s*\{\s*"payload"/.test(head)) return 'mobile-builder'
  return 'rust'
}

/** An Error message in `dialect`. */
export function errorReply(code: WireErrorCode, message: string, dialect: Dialect, clock: Clock): string {
  const msg: Message =
    dialect === 'mobile-flat'
      ? { type: 'Error', code, message: message.slice(0, 1000), timestamp: nowSeconds(clock) }
      : { type: 'Error', code, message: message.slice(0, 1000) }
  return encodeMessage(msg, dialect)
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Serves one session until it closes. Returns a function that resolves when in-flight work is done. */
export class SessionDispatcher {
  private chain: Promise<void> = Promise.resolve()
  private queued = 0
  readonly startedAt: number

  constructor(
    readonly session: NoiseSession,
    private readonly peer: Omit<PeerContext, 'dialect'>,
    private readonly o: DispatchOptions,
  ) {
    this.startedAt = performance.now()
    session.onMessage((bytes) => this.enqueue(bytes))
  }

  /** Resolves once every received message has been answered. */
  idle(): Promise<void> {
    return this.chain
  }

  private enqueue(bytes: Uint8Array): void {
    if (this.queued >= MAX_QUEUED_MESSAGES) {
      this.o.metrics?.inc('listener.flood_closed')
      this.o.logger?.warn('listener.flood', { peer: this.peer.remoteAddress, queued: this.queued })
      this.session.close()
      return
    }
    this.queued++
    this.chain = this.chain
      .then(() => this.handle(bytes))
      .catch((e: unknown) => {
        this.o.logger?.error('listener.dispatch-failed', { error: e })
      })
      .finally(() => {
        this.queued--
      })
  }

  private send(text: string): void {
    if (this.session.isClosed) return
    const start = performance.now()
    try {
      this.session.send(utf8(text))
      this.o.metrics?.observe('listener.encrypt_ms', performance.now() - start)
    } catch (e) {
      // A one-way (N) session cannot answer; a closed one cannot either. Nothing else to do.
      this.o.logger?.debug('listener.reply-dropped', { code: e instanceof NoiseError ? e.code : 'unknown' })
    }
  }

  private refuse(code: WireErrorCode, message: string, dialect: Dialect): void {
    this.o.metrics?.inc('listener.error_reply', { code })
    this.o.logger?.info('listener.refused', {
      code,
      dialect,
      peer: this.peer.remoteAddress,
      pattern: this.peer.pattern,
    })
    this.send(errorReply(code, message, dialect, this.o.clock))
  }

  private async handle(bytes: Uint8Array): Promise<void> {
    const max = this.o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    if (bytes.length > max) {
      const head = new TextDecoder().decode(bytes.subarray(0, 512))
      return this.refuse(
        'TOO_LARGE',
        `a message may be at most ${max} bytes; this one is ${bytes.length}`,
        guessDialect(head),
      )
    }
    let text: string
    try {
      text = fatalUtf8.decode(bytes)
    } catch {
      return this.refuse('MALFORMED', 'the message is not UTF-8 JSON', 'rust')
    }
    let decoded: ReturnType<typeof decodeMessage>
    try {
      // The session's authenticated identity and our own key are valid points already: a receipt
      // naming them (as every honest one does) skips their curve decode.
      decoded = decodeMessage(text, { knownKeys: [this.peer.identity, this.o.intake.merchant] })
    } catch (e) {
      const code =
        e instanceof PaykitError && e.code === 'unknown-message' ? 'UNSUPPORTED_MESSAGE' : 'MALFORMED'
      return this.refuse(code, (e as Error).message, guessDialect(text))
    }
    const { dialect, message } = decoded
    this.o.metrics?.inc('listener.message', { type: message.type, dialect })
    switch (message.type) {
      case 'RequestReceipt': {
        if (this.o.stopping?.())
          return this.refuse('SHUTTING_DOWN', 'the merchant is closing; try again shortly', dialect)
        const start = performance.now()
        try {
          const reply = await this.o.intake.handle(message.receipt, { ...this.peer, dialect })
          this.o.metrics?.observe('listener.intake_ms', performance.now() - start)
          this.send(
            encodeMessage(
              {
                type: 'ConfirmReceipt',
                receipt: reply.receipt,
                confirmedAt: reply.confirmedAt,
                signature: null,
              },
              dialect,
            ),
          )
        } catch (e) {
          if (e instanceof ListenerError) return this.refuse(e.code, e.message, dialect)
          this.o.logger?.error('listener.intake-failed', { error: e })
          return this.refuse('INTERNAL', 'the merchant could not record this receipt; try again', dialect)
        }
        return
      }
      case 'Ping':
        return this.send(encodeMessage({ type: 'Pong' }, dialect))
      case 'Ack':
      case 'Pong':
        return
      case 'Error':
        this.o.logger?.info('listener.peer-error', { code: message.code, peer: this.peer.remoteAddress })
        return
      default:
        return this.refuse(
          'UNSUPPORTED_MESSAGE',
          `the merchant does not take ${message.type} messages; send RequestReceipt`,
          dialect,
        )
    }
  }
}
