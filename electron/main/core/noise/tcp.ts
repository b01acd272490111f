/**
 * @module noise/tcp
 * Pubky Noise over TCP (node:net), as paykit-interactive speaks it: `connectTcp` for the initiator,
 * `NoiseTcpListener` for the merchant's responder. Both give a `NoiseSession`.
 */
import * as net from 'node:net'
import type { Carrier } from './carrier'
import { NoiseError } from './errors'
import { StaticDhMemo } from './static-dh-memo'
import {
  NoiseSession,
  runInitiator,
  runResponder,
  type InitiatorSessionOptions,
  type ResponderSessionOptions,
} from './session'

/** Wraps a connected socket. Handlers can be replaced (handshake → session). */
export function socketCarrier(socket: net.Socket): Carrier {
  let onData: (c: Uint8Array) => void = () => {}
  let onEnd: (e?: Error) => void = () => {}
  let ended = false
  const finish = (e?: Error): void => {
    if (ended) return
    ended = true
    onEnd(e)
  }
  socket.on('data', (b: Buffer) => onData(new Uint8Array(b.buffer, b.byteOffset, b.length)))
  socket.on('error', (e) => finish(e))
  socket.on('close', () => finish())
  socket.on('end', () => socket.end())
  socket.setNoDelay(true)
  return {
    kind: 'stream',
    remoteAddress: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
    send: (bytes) => {
      if (!socket.destroyed) socket.write(bytes)
    },
    close: () => {
      socket.end()
      // A peer that never closes its side must not keep the socket open.
      setTimeout(() => socket.destroy(), 1000).unref()
    },
    destroy: () => socket.destroy(),
    attach: (d, e) => {
      onData = d
      onEnd = e
      if (ended) queueMicrotask(() => e())
    },
  }
}

export interface TcpConnectOptions extends InitiatorSessionOptions {
  host: string
  port: number
}

/** Connects and runs the initiator handshake. Rejects with `Closed` if the connection fails, `Timeout` on the deadline. */
export function connectTcp(o: TcpConnectOptions): Promise<NoiseSession> {
  return new Promise<NoiseSession>((resolve, reject) => {
    const socket = net.connect({ host: o.host, port: o.port })
    const timeoutMs = o.handshakeTimeoutMs ?? 10_000
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new NoiseError('Timeout', `could not connect to ${o.host}:${o.port} within ${timeoutMs} ms`))
    }, timeoutMs)
    const onError = (e: Error): void => {
      clearTimeout(timer)
      socket.destroy()
      reject(new NoiseError('Closed', `cannot connect to ${o.host}:${o.port}: ${e.message}`, { cause: e }))
    }
    socket.once('error', onError)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.off('error', onError)
      runInitiator(socketCarrier(socket), o).then(resolve, reject)
    })
  })
}

export interface TcpListenOptions extends ResponderSessionOptions {
  host?: string
  /** 0 (default) picks a free port. */
  port?: number
  /** Called with each session whose handshake succeeded. */
  onSession: (session: NoiseSession) => void
  /** Called when a connection's handshake fails (typed NoiseError). */
  onError?: (error: NoiseError, remoteAddress: string) => void
  /** Most simultaneous connections (default 1000, as paykit-interactive's ConnectionLimiter). */
  maxConnections?: number
}

/** The merchant's TCP listener: accepts, detects framing and pattern, handshakes, hands over sessions. */
export class NoiseTcpListener {
  readonly #server: net.Server
  readonly #sockets = new Set<net.Socket>()
  /** The memo of returning payers' `ss` this listener made and wipes on close (none if the caller passed one). */
  readonly #ownMemo: StaticDhMemo | undefined

  private constructor(server: net.Server, ownMemo: StaticDhMemo | undefined) {
    this.#server = server
    this.#ownMemo = ownMemo
  }

  /**
   * Starts listening. Unless `staticDhMemo` is given (then the caller owns and wipes it), the
   * listener keeps its own memo of returning payers' static-static DH results and wipes it on close.
   */
  static listen(o: TcpListenOptions): Promise<NoiseTcpListener> {
    const server = net.createServer()
    server.maxConnections = o.maxConnections ?? 1000
    const ownMemo = o.staticDhMemo ? undefined : new StaticDhMemo()
    const opts: TcpListenOptions = ownMemo ? { ...o, staticDhMemo: ownMemo } : o
    const listener = new NoiseTcpListener(server, ownMemo)
    server.on('connection', (socket) => {
      listener.#sockets.add(socket)
      socket.once('close', () => listener.#sockets.delete(socket))
      const carrier = socketCarrier(socket)
      runResponder(carrier, opts).then(
        (session) => o.onSession(session),
        (e: NoiseError) => o.onError?.(e, carrier.remoteAddress),
      )
    })
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve(listener)
      })
    })
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port
  }

  /** Open connections right now (handshaking or in session). */
  get connectionCount(): number {
    return this.#sockets.size
  }

  /** Stops accepting, destroys every open connection and wipes the listener's own DH memo. */
  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    this.#ownMemo?.wipe()
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }
}
