/**
 * @module listener/server
 * The merchant's Noise server (paykit-protocol.md §7.7 "server mode"), over TCP and WebSocket.
 *
 * Per connection, before any cryptography: the handshake rate limiter (10 per IP per 60 s) and the
 * connection limiter (1000 total, 10 per IP, 50 per /24 or /64) from `limits.ts`; a refused
 * connection is dropped at once and counted. Then core/noise's responder runs the handshake with a
 * deadline, detecting the pattern byte, the framing (length-prefixed or raw, answered in kind) and
 * the identity generation (0.8.0, 1.1.0, 1.2.0) itself. A completed session gets an idle timeout
 * and a `SessionDispatcher` (dispatch.ts).
 *
 * Shutdown is ordered: stop accepting, refuse new work, let in-flight messages finish (bounded),
 * close the sessions, destroy what is left.
 *
 * Metrics (core/observe Metrics): `listener.handshake{result,pattern,generation,transport}`,
 * `listener.handshake_failed{code,transport}`, `listener.rejected{reason}`, histograms
 * `listener.handshake_ms`, `listener.encrypt_ms`, `listener.session_ms`, `listener.intake_ms`.
 */
import * as net from 'node:net'
import { WebSocketServer } from 'ws'
import type { IncomingMessage } from 'node:http'
import { socketCarrier } from '../noise/tcp'
import { wsCarrier } from '../noise/ws'
import { runResponder, type NoiseSession } from '../noise/session'
import { StaticDhMemo } from '../noise/static-dh-memo'
import type { NoiseError } from '../noise/errors'
import type { Carrier } from '../noise/carrier'
import type { Generation } from '../noise/identity'
import { PUBKY_PATTERNS, type PubkyPattern } from '../noise/constants'
import type { CryptoProvider } from '../crypto/provider'
import type { Logger } from '../observe/logger'
import { Metrics } from '../observe/metrics'
import type { Clock } from '../util/clock'
import type { Rng } from '../util/rng'
import { z32Encode } from '../keys/z32'
import {
  ConnectionLimiter,
  HandshakeRateLimiter,
  type ConnectionLimitOptions,
  type RateLimitOptions,
} from './limits'
import { SessionDispatcher } from './dispatch'
import type { ReceiptIntake } from './intake'
import { runSelfCheck, type SelfCheckResult } from './self-check'
import { defaultProvider } from '../crypto'

export interface ListenerOptions {
  /** Our X25519 static secret (borrowed: the caller owns and wipes it). */
  staticSecret: Uint8Array
  /** Our Ed25519 secret, for XX 1.x server payloads (borrowed). */
  identitySecret?: Uint8Array
  intake: ReceiptIntake
  clock: Clock
  rng?: Rng
  crypto?: CryptoProvider
  logger?: Logger
  metrics?: Metrics
  host?: string
  /** TCP port (0 = any free port). */
  port?: number
  /** WebSocket port; leave out for no WebSocket listener, 0 = any free port. */
  wsPort?: number
  handshakeTimeoutMs?: number
  idleTimeoutMs?: number
  maxMessageBytes?: number
  rateLimit?: Partial<RateLimitOptions>
  connectionLimit?: Partial<ConnectionLimitOptions>
  allowPatterns?: readonly PubkyPattern[]
  acceptGenerations?: readonly Generation[]
  /**
   * Prove the listener answers before `start` resolves (default true): see listener/self-check.ts.
   * The result is in `status().selfCheck`; a failed check is logged, not thrown.
   */
  selfCheck?: boolean
}

export interface ListenerStatus {
  accepting: boolean
  host: string
  port: number
  wsPort: number | null
  sessions: number
  connections: number
  /** Handshakes done / failed since start. */
  handshakes: { ok: number; failed: number }
  /** The Noise patterns this listener answers (a Ring-linked till answers fewer). */
  patterns: readonly PubkyPattern[]
  /** The start-up self-check (a loopback receipt request answered end to end), or null if not run. */
  selfCheck: SelfCheckResult | null
}

type Transport = 'tcp' | 'ws'

function ipOf(address: string | undefined): string {
  return address ?? 'unknown'
}

/** The merchant's listener: admission control, handshakes, message loops. */
export class PaykitListener {
  readonly metrics: Metrics
  private readonly o: ListenerOptions
  private readonly rate: HandshakeRateLimiter
  private readonly conns: ConnectionLimiter
  private tcp: net.Server | undefined
  private wss: WebSocketServer | undefined
  private readonly sockets = new Set<net.Socket>()
  private readonly dispatchers = new Set<SessionDispatcher>()
  private accepting = false
  private stopping = false
  private ok = 0
  private failed = 0
  private unwatch: (() => void) | undefined
  /** Set while the start-up self-check waits for its own loopback connection (see `start`). */
  private probeExpected = false
  private selfCheckResult: SelfCheckResult | null = null
  private probeDispatcher: SessionDispatcher | undefined
  /**
   * ss = DH(our static, payer static) for payers who connected before (noise/static-dh-memo.ts):
   * a returning payer's IK handshake skips one X25519. Secret-bearing; wiped when the listener stops.
   */
  private readonly dhMemo = new StaticDhMemo()

  private constructor(o: ListenerOptions) {
    this.o = o
    this.metrics = o.metrics ?? new Metrics()
    this.rate = new HandshakeRateLimiter(o.clock, o.rateLimit)
    this.conns = new ConnectionLimiter(o.connectionLimit)
  }

  /** Binds the TCP (and optionally WebSocket) listener and starts accepting. */
  static async start(o: ListenerOptions): Promise<PaykitListener> {
    const l = new PaykitListener(o)
    await l.bindTcp()
    if (o.wsPort !== undefined) {
      try {
        await l.bindWs(o.wsPort)
      } catch (e) {
        await l.stop(0)
        throw e
      }
    }
    if (o.selfCheck !== false) await l.runSelfCheck()
    l.accepting = true
    // Intake may commit a batch early once every session is waiting on it (intake.ts).
    l.unwatch = o.intake.watchSessions(() => l.dispatchers.size)
    return l
  }

  /**
   * Before the listener accepts anyone, one loopback connection is let in as the self-check's
   * probe: not subject to the per-IP limits (it must not use up a customer's handshake budget on
   * 127.0.0.1), not counted as a customer handshake, and its messages not metered or logged as a
   * customer's. Everything else about it is the production path.
   */
  private async runSelfCheck(): Promise<void> {
    const crypto = this.o.crypto ?? defaultProvider()
    const generations = this.o.acceptGenerations
    this.probeExpected = true
    try {
      this.selfCheckResult = await runSelfCheck(
        {
          host: this.host,
          port: this.port,
          remoteStatic: crypto.x25519PublicKey(this.o.staticSecret),
          merchant: this.o.intake.merchant,
          crypto,
          generation: generations && !generations.includes('0.8.0') ? generations[0]! : '0.8.0',
          ...(this.o.rng ? { rng: this.o.rng } : {}),
        },
        () => this.o.clock.now(),
      )
    } finally {
      this.probeExpected = false
      // Closed here rather than when the probe's FIN arrives: until then it would count as a
      // session intake waits on (`watchSessions`) once the listener is open.
      const probe = this.probeDispatcher
      this.probeDispatcher = undefined
      if (probe) {
        this.dispatchers.delete(probe)
        probe.session.close()
      }
    }
    const r = this.selfCheckResult
    if (r.ok) this.o.logger?.info('listener.self-check', { ok: true, ms: Math.round(r.ms) })
    else this.o.logger?.error('listener.self-check-failed', { detail: r.detail })
    this.metrics.inc('listener.self_check', { result: r.ok ? 'ok' : 'failed' })
  }

  /** The self-check's own connection: the one loopback connection expected while it runs. */
  private takeProbe(ip: string): boolean {
    if (!this.probeExpected || this.accepting || this.stopping) return false
    if (ip !== '127.0.0.1' && ip !== '::1' && ip !== '::ffff:127.0.0.1' && ip !== this.host) return false
    this.probeExpected = false
    return true
  }

  get host(): string {
    return this.o.host ?? '127.0.0.1'
  }

  get port(): number {
    return (this.tcp?.address() as net.AddressInfo | null)?.port ?? 0
  }

  get wsPort(): number | null {
    const a = this.wss?.address()
    return a && typeof a !== 'string' ? a.port : null
  }

  status(): ListenerStatus {
    return {
      accepting: this.accepting,
      host: this.host,
      port: this.port,
      wsPort: this.wsPort,
      sessions: this.dispatchers.size,
      connections: this.conns.active,
      handshakes: { ok: this.ok, failed: this.failed },
      patterns: [...(this.o.allowPatterns ?? PUBKY_PATTERNS)],
      selfCheck: this.selfCheckResult,
    }
  }

  /** Rate and connection limits; returns the slot's release, or null (already counted and logged). */
  private admit(ip: string, transport: Transport): (() => void) | null {
    if (!this.accepting || this.stopping) {
      this.metrics.inc('listener.rejected', { reason: 'stopping', transport })
      return null
    }
    if (!this.rate.tryAcquire(ip)) {
      this.metrics.inc('listener.rejected', { reason: 'rate', transport })
      this.o.logger?.warn('listener.rate-limited', { ip, transport })
      return null
    }
    const release = this.conns.tryAcquire(ip)
    if (!release) {
      this.metrics.inc('listener.rejected', { reason: 'connections', transport })
      this.o.logger?.warn('listener.connection-limited', { ip, transport })
      return null
    }
    return release
  }

  private bindTcp(): Promise<void> {
    const server = net.createServer({ pauseOnConnect: false })
    this.tcp = server
    server.on('connection', (socket) => {
      if (this.takeProbe(ipOf(socket.remoteAddress))) {
        this.sockets.add(socket)
        socket.once('close', () => this.sockets.delete(socket))
        this.handshake(socketCarrier(socket), 'tcp', true)
        return
      }
      const release = this.admit(ipOf(socket.remoteAddress), 'tcp')
      if (!release) {
        socket.destroy()
        return
      }
      this.sockets.add(socket)
      socket.once('close', () => {
        this.sockets.delete(socket)
        release()
      })
      this.handshake(socketCarrier(socket), 'tcp')
    })
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.o.port ?? 0, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  }

  private bindWs(port: number): Promise<void> {
    const releases = new WeakMap<IncomingMessage, () => void>()
    const wss = new WebSocketServer({
      host: this.host,
      port,
      // One frame holds one Noise message (≤ 65535) plus at most a 5-byte prefix.
      maxPayload: 65535 + 5,
      verifyClient: (info, done) => {
        const release = this.admit(ipOf(info.req.socket.remoteAddress), 'ws')
        if (!release) return done(false, 429, 'Too Many Requests')
        releases.set(info.req, release)
        // Idempotent release on the socket's close covers a failed upgrade as well as a normal end.
        info.req.socket.once('close', release)
        done(true)
      },
    })
    this.wss = wss
    wss.on('connection', (ws, req) => {
      const address = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`
      ws.once('close', () => releases.get(req)?.())
      this.handshake(wsCarrier(ws, address), 'ws')
    })
    return new Promise((resolve, reject) => {
      wss.once('error', reject)
      wss.once('listening', () => {
        wss.off('error', reject)
        resolve()
      })
    })
  }

  private handshake(carrier: Carrier, transport: Transport, probe = false): void {
    const start = performance.now()
    runResponder(carrier, {
      staticSecret: this.o.staticSecret,
      staticDhMemo: this.dhMemo,
      ...(this.o.identitySecret ? { identity: { ed25519Secret: this.o.identitySecret } } : {}),
      ...(this.o.crypto ? { crypto: this.o.crypto } : {}),
      ...(this.o.rng ? { rng: this.o.rng } : {}),
      clock: this.o.clock,
      handshakeTimeoutMs: this.o.handshakeTimeoutMs ?? 10_000,
      idleTimeoutMs: this.o.idleTimeoutMs ?? 120_000,
      ...(this.o.allowPatterns ? { allowPatterns: this.o.allowPatterns } : {}),
      ...(this.o.acceptGenerations ? { acceptGenerations: this.o.acceptGenerations } : {}),
    }).then(
      (session) =>
        probe
          ? this.onProbeSession(session)
          : this.onSession(session, transport, performance.now() - start, carrier.remoteAddress),
      (e: NoiseError) => {
        if (probe) return // the self-check reports it
        this.failed++
        this.metrics.inc('listener.handshake_failed', { code: e.code ?? 'unknown', transport })
        this.o.logger?.info('listener.handshake-failed', {
          code: e.code,
          peer: carrier.remoteAddress,
          transport,
        })
      },
    )
  }

  /** The self-check's session: the production dispatcher, without customer metrics or logs. */
  private onProbeSession(session: NoiseSession): void {
    const r = session.remote
    const d = new SessionDispatcher(
      session,
      {
        identity: r.ed25519Pub,
        ...(r.ed25519Pub ? { identityZ32: z32Encode(r.ed25519Pub) } : {}),
        generation: r.generation ?? null,
        pattern: r.pattern,
        remoteAddress: 'self-check',
        bindingChecks: new Map(),
      },
      { intake: this.o.intake, clock: this.o.clock, stopping: () => this.stopping },
    )
    this.dispatchers.add(d)
    this.probeDispatcher = d
    session.onClose(() => this.dispatchers.delete(d))
  }

  private onSession(session: NoiseSession, transport: Transport, ms: number, remoteAddress: string): void {
    const r = session.remote
    const generation = r.generation ?? 'none'
    this.ok++
    this.metrics.inc('listener.handshake', { result: 'ok', pattern: r.pattern, generation, transport })
    this.metrics.observe('listener.handshake_ms', ms, { pattern: r.pattern })
    if (this.stopping) {
      session.close()
      return
    }
    // Spelled once per session (logs, and every receipt's payer column), not once per receipt.
    const payer = r.ed25519Pub ? z32Encode(r.ed25519Pub) : null
    const d = new SessionDispatcher(
      session,
      {
        identity: r.ed25519Pub,
        ...(payer !== null ? { identityZ32: payer } : {}),
        generation: r.generation ?? null,
        pattern: r.pattern,
        remoteAddress,
        ...(r.x25519Static ? { x25519Static: r.x25519Static } : {}),
        bindingChecks: new Map(),
      },
      {
        intake: this.o.intake,
        clock: this.o.clock,
        metrics: this.metrics,
        stopping: () => this.stopping,
        ...(this.o.logger ? { logger: this.o.logger } : {}),
        ...(this.o.maxMessageBytes !== undefined ? { maxMessageBytes: this.o.maxMessageBytes } : {}),
      },
    )
    this.dispatchers.add(d)
    this.o.logger?.info('listener.session', {
      peer: remoteAddress,
      payer,
      pattern: r.pattern,
      generation,
      framing: session.framing,
      transport,
    })
    session.onClose((e) => {
      this.dispatchers.delete(d)
      this.metrics.observe('listener.session_ms', performance.now() - d.startedAt, { transport })
      if (e) this.metrics.inc('listener.session_error', { code: e.code })
    })
  }

  /**
   * Ordered stop: stop accepting, let in-flight messages finish for up to `drainMs`, close every
   * session, destroy remaining connections (handshakes in progress included), release the ports.
   */
  async stop(drainMs = 5_000): Promise<void> {
    this.accepting = false
    this.stopping = true
    this.unwatch?.()
    this.unwatch = undefined
    const closedTcp = this.tcp
      ? new Promise<void>((resolve) => this.tcp!.close(() => resolve()))
      : Promise.resolve()
    const closedWs = this.wss
      ? new Promise<void>((resolve) => this.wss!.close(() => resolve()))
      : Promise.resolve()
    const busy = [...this.dispatchers].map((d) => d.idle())
    if (busy.length && drainMs > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.allSettled(busy),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs))),
      ])
      clearTimeout(timer)
    }
    for (const d of [...this.dispatchers]) d.session.close()
    for (const s of this.sockets) s.destroy()
    for (const c of this.wss?.clients ?? []) c.terminate()
    await Promise.all([closedTcp, closedWs])
    this.dhMemo.wipe()
  }
}
