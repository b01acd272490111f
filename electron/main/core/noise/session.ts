/**
 * @module noise/session
 * Runs a Pubky Noise handshake over a `Carrier` and hands back one `NoiseSession` API, whatever the
 * transport: `send(bytes)`, `onMessage` or `for await`, `close()`, the remote identity and the
 * session id. Framing follows pubky-noise.md §4: the initiator chooses length-prefixed (optionally
 * with the 0.8.0 pattern byte) or raw handshake framing; the responder detects which (§4.6) and
 * answers in kind. Transport messages are always `u32 BE length ‖ ciphertext` (inside the frame on
 * WebSocket).
 *
 * Nothing leaks: every failure path clears the handshake timer, wipes the handshake secrets and
 * destroys the carrier; `close()` wipes the transport keys.
 */
import type { CipherState } from './cipher-state'
import { ChunkQueue, type Carrier } from './carrier'
import { MAX_MESSAGE_LEN, MAX_PLAINTEXT_LEN, PATTERN_BYTES, TAG_LEN, type PubkyPattern } from './constants'
import { NoiseError } from './errors'
import { FrameDecoder, allocFrame, classifyOpening, encodeFrame } from './framing'
import {
  PubkyHandshake,
  type InitiatorOptions,
  type RemoteIdentity,
  type ResponderOptions,
} from './pubky-handshake'
import { toHex } from '../util/bytes'

/** Transport messages carry no associated data. */
const EMPTY = new Uint8Array(0)

export type Framing = 'prefixed' | 'raw'

export interface SessionOptions {
  /** Handshake deadline in ms (default 10 000): on expiry the socket is closed and the handshake rejects with `Timeout`. */
  handshakeTimeoutMs?: number
  /** Closes the session with `Timeout` after this long without traffic either way (default: none). */
  idleTimeoutMs?: number
  /** Most bytes of received plaintext queued for a reader that is not reading (default 16 MiB). */
  maxQueuedBytes?: number
}

export interface InitiatorSessionOptions extends InitiatorOptions, SessionOptions {
  /** Handshake framing (default `prefixed`; `raw` is IK only). */
  framing?: Framing
  /** Send the 0.8.0 pattern byte (default: true unless the pattern is IK with a 1.x generation, or framing is raw). */
  patternByte?: boolean
}

export interface ResponderSessionOptions extends ResponderOptions, SessionOptions {
  /** How long to wait for the rest of a plausible length-prefixed opening before treating it as raw (ms, default 500). */
  openingGraceMs?: number
}

/** The peer, as the handshake established it. */
export interface SessionRemote extends RemoteIdentity {
  /** Becomes true once the first transport message from the peer decrypted (§9 item 3). */
  confirmed: boolean
}

type Listener = (message: Uint8Array) => void

/** A completed Pubky Noise channel. */
export class NoiseSession implements AsyncIterable<Uint8Array> {
  readonly sessionId: Uint8Array
  readonly remote: SessionRemote
  readonly framing: Framing
  readonly #carrier: Carrier
  readonly #send: CipherState | undefined
  readonly #recv: CipherState | undefined
  readonly #decoder = new FrameDecoder(MAX_MESSAGE_LEN)
  readonly #queue: Uint8Array[] = []
  #queuedBytes = 0
  readonly #maxQueued: number
  readonly #listeners = new Set<Listener>()
  readonly #closeListeners = new Set<(error: NoiseError | undefined) => void>()
  #waiter: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: unknown) => void } | undefined
  #closed = false
  #error: NoiseError | undefined
  #idle: NodeJS.Timeout | undefined
  /** performance.now() of the last frame in or out; the idle timer checks it when it fires. */
  #lastActivity = 0
  readonly closed: Promise<NoiseError | undefined>
  #resolveClosed!: (e: NoiseError | undefined) => void

  /** @internal built by `runInitiator` / `runResponder`. */
  constructor(
    carrier: Carrier,
    result: {
      sessionId: Uint8Array
      remote: RemoteIdentity
      send: CipherState | undefined
      recv: CipherState | undefined
    },
    framing: Framing,
    leftover: Uint8Array,
    options: SessionOptions,
  ) {
    this.#carrier = carrier
    this.sessionId = result.sessionId
    this.remote = { ...result.remote, confirmed: false }
    this.#send = result.send
    this.#recv = result.recv
    this.framing = framing
    this.#maxQueued = options.maxQueuedBytes ?? 16 * 2 ** 20
    this.closed = new Promise((r) => (this.#resolveClosed = r))
    if (options.idleTimeoutMs !== undefined) this.#armIdle(options.idleTimeoutMs, options.idleTimeoutMs)
    carrier.attach(
      (chunk) => this.#onData(chunk),
      (e) =>
        this.#fail(
          e instanceof NoiseError
            ? e
            : e
              ? new NoiseError('Closed', `the connection failed: ${e.message}`, { cause: e })
              : undefined,
        ),
    )
    if (leftover.length) queueMicrotask(() => this.#onData(leftover))
  }

  /** Lowercase hex of the session id (SessionId's display form). */
  get sessionIdHex(): string {
    return toHex(this.sessionId)
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /**
   * Activity only stamps the time: re-inserting a Node timer on every frame cost 10-25 µs per
   * message under load. When the timer fires it closes the session only if nothing moved for the
   * whole period, and otherwise re-arms for what is left of it.
   */
  #touch(): void {
    this.#lastActivity = performance.now()
  }

  #armIdle(ms: number, wait: number): void {
    if (this.#lastActivity === 0) this.#lastActivity = performance.now()
    this.#idle = setTimeout(() => {
      if (this.#closed) return
      const quiet = performance.now() - this.#lastActivity
      if (quiet >= ms)
        this.#fail(new NoiseError('Timeout', `no traffic for ${ms} ms; the session was closed`))
      else this.#armIdle(ms, ms - quiet)
    }, wait)
  }

  /** Encrypts and sends one message (≤ 65519 bytes: one Noise transport message). */
  send(message: Uint8Array): void {
    if (this.#closed) throw this.#error ?? new NoiseError('Closed', 'the Noise session is closed')
    if (!(message instanceof Uint8Array)) throw new NoiseError('Frame', 'send() takes bytes (Uint8Array)')
    if (!this.#send)
      throw new NoiseError('Policy', 'this side of a one-way (N) session can only receive, not send')
    if (message.length > MAX_PLAINTEXT_LEN) {
      throw new NoiseError(
        'FrameTooLarge',
        `a message is ${message.length} bytes; one Noise message carries at most ${MAX_PLAINTEXT_LEN}. Split it`,
      )
    }
    // Encrypt straight into the wire frame: one 64 KiB buffer per message, no copy.
    const frame = allocFrame(message.length + TAG_LEN)
    this.#send.encryptWithAdInto(EMPTY, message, frame.subarray(4))
    this.#carrier.send(frame)
    this.#touch()
  }

  /** Delivers every following message to `listener` instead of the iterator; returns an unsubscribe. */
  onMessage(listener: Listener): () => void {
    this.#listeners.add(listener)
    while (this.#queue.length) this.#deliver(this.#queue.shift()!)
    this.#queuedBytes = 0
    return () => this.#listeners.delete(listener)
  }

  /** Called once when the session ends: `undefined` for a normal close, else the error. */
  onClose(listener: (error: NoiseError | undefined) => void): () => void {
    if (this.#closed) queueMicrotask(() => listener(this.#error))
    else this.#closeListeners.add(listener)
    return () => this.#closeListeners.delete(listener)
  }

  #deliver(m: Uint8Array): void {
    for (const l of this.#listeners) l(m)
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closed) return
    this.#touch()
    try {
      for (const frame of this.#decoder.push(chunk)) {
        if (!this.#recv) throw new NoiseError('Policy', 'the peer sent data on a one-way (N) session')
        const pt = this.#recv.decryptWithAd(EMPTY, frame)
        this.remote.confirmed = true
        if (this.#listeners.size) this.#deliver(pt)
        else if (this.#waiter) {
          const w = this.#waiter
          this.#waiter = undefined
          w.resolve({ value: pt, done: false })
        } else {
          this.#queuedBytes += pt.length
          if (this.#queuedBytes > this.#maxQueued)
            throw new NoiseError(
              'Policy',
              'more unread messages than the queue allows; read faster or raise maxQueuedBytes',
            )
          this.#queue.push(pt)
        }
        if (this.#closed) return
      }
    } catch (e) {
      this.#fail(e instanceof NoiseError ? e : new NoiseError('Decrypt', String(e), { cause: e }))
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => {
        const m = this.#queue.shift()
        if (m) {
          this.#queuedBytes -= m.length
          return Promise.resolve({ value: m, done: false })
        }
        if (this.#closed) {
          return this.#error ? Promise.reject(this.#error) : Promise.resolve({ value: undefined, done: true })
        }
        return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }))
      },
      return: () => {
        this.close()
        return Promise.resolve({ value: undefined, done: true })
      },
    }
  }

  #fail(error: NoiseError | undefined): void {
    if (this.#closed) return
    this.#closed = true
    this.#error = error
    if (this.#idle) clearTimeout(this.#idle)
    this.#send?.wipe()
    this.#recv?.wipe()
    if (error) this.#carrier.destroy()
    else this.#carrier.close()
    const w = this.#waiter
    this.#waiter = undefined
    if (w) {
      if (error) w.reject(error)
      else w.resolve({ value: undefined, done: true })
    }
    for (const l of this.#closeListeners) l(error)
    this.#closeListeners.clear()
    this.#resolveClosed(error)
  }

  /** Closes the connection and wipes the transport keys. Idempotent. */
  close(): void {
    this.#fail(undefined)
  }
}

/** Collects carrier data during the handshake. */
function attachQueue(carrier: Carrier): ChunkQueue {
  const q = new ChunkQueue()
  carrier.attach(
    (c) => q.push(c),
    (e) =>
      q.end(
        e instanceof NoiseError
          ? e
          : new NoiseError(
              'Closed',
              `the connection closed during the handshake${e ? `: ${e.message}` : ''}`,
              {
                ...(e ? { cause: e } : {}),
              },
            ),
      ),
  )
  return q
}

/** Reads one handshake message in the given framing. */
async function readHandshakeMessage(
  carrier: Carrier,
  q: ChunkQueue,
  decoder: FrameDecoder,
  framing: Framing,
  rawLength?: number,
): Promise<Uint8Array> {
  for (;;) {
    if (carrier.kind === 'message') {
      const frame = q.shift()
      if (frame) {
        if (framing === 'raw') return frame
        const frames = decoder.push(frame)
        if (frames.length !== 1 || decoder.buffered !== 0)
          throw new NoiseError('Frame', 'a length-prefixed handshake frame does not hold exactly one message')
        return frames[0]!
      }
    } else if (framing === 'prefixed') {
      const frames = q.length ? decoder.push(q.takeAll()) : []
      if (frames.length) {
        // Anything after the first frame belongs to what follows; put it back in order.
        const after = [...frames.slice(1).map((f) => encodeFrame(f)), decoder.drain()]
        for (const a of after) if (a.length) q.push(a)
        return frames[0]!
      }
    } else if (rawLength !== undefined ? q.length >= rawLength : q.length > 0) {
      return rawLength !== undefined ? q.take(rawLength) : q.takeAll()
    }
    await q.waitMore()
  }
}

function withTimeout<T>(
  carrier: Carrier,
  ms: number,
  work: (q: ChunkQueue) => Promise<T>,
  onFail: () => void,
): Promise<T> {
  const q = attachQueue(carrier)
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const e = new NoiseError(
        'Timeout',
        `the Noise handshake did not finish within ${ms} ms; the connection was closed`,
      )
      q.end(e)
      onFail()
      carrier.destroy()
      reject(e)
    }, ms)
    work(q).then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(timer)
        onFail()
        carrier.destroy()
        reject(e instanceof NoiseError ? e : new NoiseError('Handshake', String(e), { cause: e }))
      },
    )
  })
}

/** Runs the initiator side over a connected carrier and returns the session. */
export function runInitiator(carrier: Carrier, o: InitiatorSessionOptions): Promise<NoiseSession> {
  const pattern: PubkyPattern = o.pattern ?? 'IK'
  const framing: Framing = o.framing ?? 'prefixed'
  const generation = o.generation ?? '0.8.0'
  const patternByte =
    framing === 'raw' ? false : (o.patternByte ?? !(pattern === 'IK' && generation !== '0.8.0'))
  let hs: PubkyHandshake | undefined
  return withTimeout(
    carrier,
    o.handshakeTimeoutMs ?? 10_000,
    async (q) => {
      if (framing === 'raw' && pattern !== 'IK')
        throw new NoiseError(
          'Policy',
          `raw handshake framing carries no pattern selector, so it is IK only (not ${pattern})`,
        )
      if (!patternByte && pattern !== 'IK')
        throw new NoiseError('Policy', `without the pattern byte a responder assumes IK; ${pattern} needs it`)
      hs = PubkyHandshake.initiator(o)
      const decoder = new FrameDecoder(MAX_MESSAGE_LEN)
      let first = true
      while (!hs.isComplete) {
        if (hs.isMyTurn) {
          const msg = hs.writeMessage()
          const out =
            framing === 'raw'
              ? msg
              : encodeFrame(msg, first && patternByte ? PATTERN_BYTES[pattern] : undefined)
          first = false
          carrier.send(out)
        } else {
          // IK msg2 carries an empty payload in every generation: exactly 48 bytes when raw on a stream.
          hs.readMessage(
            await readHandshakeMessage(carrier, q, decoder, framing, framing === 'raw' ? 48 : undefined),
          )
        }
      }
      const r = hs.result()
      const leftover = concat(decoder.drain(), q.takeAll())
      return new NoiseSession(carrier, r, framing, leftover, o)
    },
    () => hs?.wipe(),
  )
}

/** Runs the responder side: detects pattern byte and framing (§4.6), answers in kind. */
export function runResponder(carrier: Carrier, o: ResponderSessionOptions): Promise<NoiseSession> {
  let hs: PubkyHandshake | undefined
  return withTimeout(
    carrier,
    o.handshakeTimeoutMs ?? 10_000,
    async (q) => {
      // Opening: classify the first bytes.
      let opening = classifyOpening(new Uint8Array(0), false)
      if (carrier.kind === 'message') {
        while (q.chunkCount === 0) await q.waitMore()
        opening = classifyOpening(q.shift()!, true)
      } else {
        for (;;) {
          if (q.length) opening = classifyOpening(q.peekAll(), false)
          if (opening.kind !== 'incomplete') break
          const more = await q.waitMore(q.length ? (o.openingGraceMs ?? 500) : undefined)
          if (!more) {
            opening = classifyOpening(q.peekAll(), true)
            break
          }
        }
        q.takeAll()
      }
      if (opening.kind === 'incomplete')
        throw new NoiseError('Frame', 'the connection opened with too few bytes')
      const framing: Framing = opening.kind === 'raw' ? 'raw' : 'prefixed'
      hs = PubkyHandshake.responder(opening.pattern, o)
      hs.readMessage(opening.msg1)
      const decoder = new FrameDecoder(MAX_MESSAGE_LEN)
      if (opening.kind === 'prefixed' && opening.rest.length) q.push(opening.rest)
      while (!hs.isComplete) {
        if (hs.isMyTurn) {
          const msg = hs.writeMessage()
          carrier.send(framing === 'raw' ? msg : encodeFrame(msg))
        } else {
          hs.readMessage(await readHandshakeMessage(carrier, q, decoder, framing))
        }
      }
      const leftover = concat(decoder.drain(), q.takeAll())
      return new NoiseSession(carrier, hs.result(), framing, leftover, o)
    },
    () => hs?.wipe(),
  )
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (!a.length) return b
  if (!b.length) return a
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
