/**
 * @module noise/ws
 * Pubky Noise over WebSocket (the `ws` package), as paykit-demo-web frames it: one binary frame per
 * handshake message (raw, or length-prefixed when the initiator chose that) and, after the handshake,
 * `u32 BE length ‖ ciphertext` inside each frame (split frames are tolerated). Text frames are a
 * protocol error.
 */
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import type { Carrier } from './carrier'
import { NoiseError } from './errors'
import { NoiseSession, runInitiator, runResponder, type InitiatorSessionOptions } from './session'
import type { TcpListenOptions } from './tcp'
import { StaticDhMemo } from './static-dh-memo'

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) {
    const b = Buffer.concat(data)
    return new Uint8Array(b.buffer, b.byteOffset, b.length)
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.length)
}

/** Wraps an open WebSocket. */
export function wsCarrier(ws: WebSocket, remoteAddress: string): Carrier {
  let onData: (c: Uint8Array) => void = () => {}
  let onEnd: (e?: Error) => void = () => {}
  let ended = false
  const finish = (e?: Error): void => {
    if (ended) return
    ended = true
    onEnd(e)
  }
  ws.binaryType = 'nodebuffer'
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      finish(
        new NoiseError('Frame', 'the peer sent a text WebSocket frame; Pubky Noise uses binary frames only'),
      )
      ws.terminate()
      return
    }
    onData(toBytes(data))
  })
  ws.on('error', (e) => finish(e))
  ws.on('close', () => finish())
  return {
    kind: 'message',
    remoteAddress,
    send: (bytes) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true })
    },
    close: () => {
      ws.close(1000)
      setTimeout(() => ws.terminate(), 1000).unref()
    },
    destroy: () => ws.terminate(),
    attach: (d, e) => {
      onData = d
      onEnd = e
      if (ended) queueMicrotask(() => e())
    },
  }
}

export interface WsConnectOptions extends InitiatorSessionOptions {
  /** e.g. `ws://127.0.0.1:1234`. */
  url: string
}

/** Opens a WebSocket and runs the initiator handshake (default framing: raw for IK, as the web demo; else prefixed). */
export function connectWs(o: WsConnectOptions): Promise<NoiseSession> {
  return new Promise<NoiseSession>((resolve, reject) => {
    const ws = new WebSocket(o.url, { maxPayload: 1 << 20 })
    const timeoutMs = o.handshakeTimeoutMs ?? 10_000
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new NoiseError('Timeout', `could not open ${o.url} within ${timeoutMs} ms`))
    }, timeoutMs)
    const onError = (e: Error): void => {
      clearTimeout(timer)
      ws.terminate()
      reject(new NoiseError('Closed', `cannot open ${o.url}: ${e.message}`, { cause: e }))
    }
    ws.once('error', onError)
    ws.once('open', () => {
      clearTimeout(timer)
      ws.off('error', onError)
      // The web demo sends IK handshakes raw; other patterns need the pattern byte, hence a prefix.
      const raw = (o.pattern ?? 'IK') === 'IK' && o.patternByte !== true
      runInitiator(wsCarrier(ws, o.url), { framing: raw ? 'raw' : 'prefixed', ...o }).then(resolve, reject)
    })
  })
}

/** The merchant's WebSocket listener. */
export class NoiseWsListener {
  readonly #server: WebSocketServer
  /** The memo of returning payers' `ss` this listener made and wipes on close (none if the caller passed one). */
  readonly #ownMemo: StaticDhMemo | undefined

  private constructor(server: WebSocketServer, ownMemo: StaticDhMemo | undefined) {
    this.#server = server
    this.#ownMemo = ownMemo
  }

  /**
   * Starts listening. Unless `staticDhMemo` is given (then the caller owns and wipes it), the
   * listener keeps its own memo of returning payers' static-static DH results and wipes it on close.
   */
  static listen(o: TcpListenOptions): Promise<NoiseWsListener> {
    const ownMemo = o.staticDhMemo ? undefined : new StaticDhMemo()
    const opts: TcpListenOptions = ownMemo ? { ...o, staticDhMemo: ownMemo } : o
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({
        host: o.host ?? '127.0.0.1',
        port: o.port ?? 0,
        // A frame holds one Noise message (≤ 65535) plus at most a 5-byte prefix.
        maxPayload: 65535 + 5,
      })
      const listener = new NoiseWsListener(server, ownMemo)
      server.on('connection', (ws, req) => {
        if (server.clients.size > (o.maxConnections ?? 1000)) {
          ws.terminate()
          return
        }
        const address = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`
        const carrier = wsCarrier(ws, address)
        runResponder(carrier, opts).then(
          (session) => o.onSession(session),
          (e: NoiseError) => o.onError?.(e, address),
        )
      })
      server.once('error', reject)
      server.once('listening', () => {
        server.off('error', reject)
        resolve(listener)
      })
    })
  }

  get port(): number {
    const a = this.#server.address()
    return a === null || typeof a === 'string' ? 0 : a.port
  }

  /** Open connections right now. */
  get connectionCount(): number {
    return this.#server.clients.size
  }

  /** Stops accepting, closes every connection and wipes the listener's own DH memo. */
  close(): Promise<void> {
    for (const c of this.#server.clients) c.terminate()
    this.#ownMemo?.wipe()
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }
}
