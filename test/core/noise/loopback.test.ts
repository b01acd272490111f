// Real loopback sockets (127.0.0.1, port 0), TCP and WebSocket, through one transport factory:
// every pattern (IK, IK-raw, N, NN, XX) and every identity generation (0.8.0, 1.1.0, 1.2.0) in both
// handshake framings (raw is IK-only by design: it carries no pattern selector); messages both ways.
// Then hostile peers: tampered, truncated, oversized and replayed frames; a wrong responder key; a
// payer whose payload key or binding does not match; and a peer that stalls mid-handshake.
import * as net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { nobleProvider, nativeProvider } from '../../../electron/main/core/crypto'
import { systemRng } from '../../../electron/main/core/util/rng'
import { toHex, utf8 } from '../../../electron/main/core/util/bytes'
import {
  PATTERN_BYTES,
  PROLOGUE,
  PROTOCOL_NAMES,
  type PubkyPattern,
} from '../../../electron/main/core/noise/constants'
import { NoiseError } from '../../../electron/main/core/noise/errors'
import { encodeFrame, FrameDecoder } from '../../../electron/main/core/noise/framing'
import { HandshakeState } from '../../../electron/main/core/noise/handshake-state'
import { signIdentityPayload, type Generation } from '../../../electron/main/core/noise/identity'
import type {
  NoiseSession,
  Framing,
  InitiatorSessionOptions,
  ResponderSessionOptions,
} from '../../../electron/main/core/noise/session'
import { NoiseTcpListener, connectTcp } from '../../../electron/main/core/noise/tcp'
import { NoiseWsListener, connectWs } from '../../../electron/main/core/noise/ws'

const crypto = nativeProvider
const text = (b: Uint8Array): string => new TextDecoder().decode(b)
const key = (): Uint8Array => systemRng(32)

const merchant = { staticSecret: key(), ed25519Secret: key() }
const payer = { staticSecret: key(), ed25519Secret: key() }
const merchantPub = crypto.x25519PublicKey(merchant.staticSecret)

interface Listener {
  port: number
  connectionCount: number
  close(): Promise<void>
}

interface Harness {
  sessions: NoiseSession[]
  errors: NoiseError[]
  listener: Listener
  connect(o: InitiatorSessionOptions): Promise<NoiseSession>
  /** A raw socket speaking bytes (TCP) or binary frames (WS) to the listener. */
  raw(): Promise<{
    send(b: Uint8Array): void
    received: Uint8Array[]
    next(): Promise<Uint8Array>
    closed: Promise<void>
    destroy(): void
  }>
}

type Kind = 'tcp' | 'ws'

const open: Harness[] = []
afterEach(async () => {
  for (const h of open.splice(0)) await h.listener.close()
})

async function harness(kind: Kind, extra: Partial<ResponderSessionOptions> = {}): Promise<Harness> {
  const sessions: NoiseSession[] = []
  const errors: NoiseError[] = []
  const waiters: (() => void)[] = []
  const opts = {
    staticSecret: merchant.staticSecret,
    identity: { ed25519Secret: merchant.ed25519Secret },
    crypto,
    handshakeTimeoutMs: 2000,
    onSession: (s: NoiseSession) => {
      sessions.push(s)
      waiters.splice(0).forEach((w) => w())
    },
    onError: (e: NoiseError) => {
      errors.push(e)
      waiters.splice(0).forEach((w) => w())
    },
    ...extra,
  }
  const listener: Listener =
    kind === 'tcp' ? await NoiseTcpListener.listen(opts) : await NoiseWsListener.listen(opts)
  const h: Harness = {
    sessions,
    errors,
    listener,
    connect: (o) =>
      kind === 'tcp'
        ? connectTcp({ host: '127.0.0.1', port: listener.port, crypto, ...o })
        : connectWs({ url: `ws://127.0.0.1:${listener.port}`, crypto, ...o }),
    raw: async () => {
      const received: Uint8Array[] = []
      let wake: (() => void) | undefined
      const push = (b: Uint8Array): void => {
        received.push(b)
        wake?.()
      }
      const next = async (): Promise<Uint8Array> => {
        while (!received.length) await new Promise<void>((r) => (wake = r))
        return received.shift()!
      }
      if (kind === 'tcp') {
        const s = net.connect({ host: '127.0.0.1', port: listener.port })
        await new Promise((r) => s.once('connect', r))
        s.on('data', (b) => push(new Uint8Array(b)))
        s.on('error', () => {})
        const closed = new Promise<void>((r) => s.once('close', () => r()))
        return { send: (b) => s.write(b), received, next, closed, destroy: () => s.destroy() }
      }
      const ws = new WebSocket(`ws://127.0.0.1:${listener.port}`)
      await new Promise((r) => ws.once('open', r))
      ws.on('message', (d: Buffer) => push(new Uint8Array(d)))
      ws.on('error', () => {})
      const closed = new Promise<void>((r) => ws.once('close', () => r()))
      return { send: (b) => ws.send(b), received, next, closed, destroy: () => ws.terminate() }
    },
  }
  ;(h as Harness & { wait: () => Promise<void> }).wait = () => new Promise<void>((r) => waiters.push(r))
  open.push(h)
  return h
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const t = Date.now()
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 5))
  }
}

async function firstMessage(s: NoiseSession): Promise<Uint8Array> {
  const it = s[Symbol.asyncIterator]()
  const r = await it.next()
  return r.value as Uint8Array
}

interface Case {
  pattern: PubkyPattern
  generation?: Generation
  framing: Framing
  patternByte?: boolean
}

const cases: Case[] = []
for (const generation of ['0.8.0', '1.1.0', '1.2.0'] as const) {
  cases.push({ pattern: 'IK', generation, framing: 'prefixed', patternByte: true })
  cases.push({ pattern: 'IK', generation, framing: 'prefixed', patternByte: false })
  cases.push({ pattern: 'IK', generation, framing: 'raw' })
  cases.push({ pattern: 'XX', generation, framing: 'prefixed' })
}
for (const pattern of ['IK-raw', 'N', 'NN'] as const) cases.push({ pattern, framing: 'prefixed' })

for (const kind of ['tcp', 'ws'] as const) {
  describe(`${kind} loopback`, () => {
    for (const c of cases) {
      const label = `${c.pattern} ${c.generation ?? ''} ${c.framing}${c.patternByte === false ? ' (no pattern byte)' : ''}`
      it(`${label}: handshake, remote identity, messages both ways`, async () => {
        const h = await harness(
          kind,
          c.pattern === 'XX' && c.generation ? { xxGeneration: c.generation } : {},
        )
        const client = await h.connect({
          pattern: c.pattern,
          ...(c.generation ? { generation: c.generation } : {}),
          framing: c.framing,
          ...(c.patternByte !== undefined ? { patternByte: c.patternByte } : {}),
          ...(c.pattern !== 'N' && c.pattern !== 'NN' ? { staticSecret: payer.staticSecret } : {}),
          ...(c.pattern !== 'NN' && c.pattern !== 'XX' ? { remoteStatic: merchantPub } : {}),
          identity: { ed25519Secret: payer.ed25519Secret },
        })
        await until(() => h.sessions.length === 1)
        const server = h.sessions[0]!
        expect(client.sessionIdHex).toBe(server.sessionIdHex)
        expect(server.framing).toBe(c.framing)
        expect(server.remote.pattern).toBe(c.pattern)
        const signs = c.pattern === 'IK' || (c.pattern === 'XX' && c.generation !== '0.8.0')
        if (signs) {
          expect(toHex(server.remote.ed25519Pub!)).toBe(toHex(crypto.ed25519PublicKey(payer.ed25519Secret)))
          expect(server.remote.generation).toBe(c.generation)
        } else expect(server.remote.ed25519Pub).toBeUndefined()
        if (c.pattern === 'XX' && c.generation !== '0.8.0')
          expect(toHex(client.remote.ed25519Pub!)).toBe(
            toHex(crypto.ed25519PublicKey(merchant.ed25519Secret)),
          )
        if (c.pattern !== 'NN' && c.pattern !== 'N')
          expect(toHex(server.remote.x25519Static!)).toBe(toHex(crypto.x25519PublicKey(payer.staticSecret)))

        client.send(utf8('{"type":"RequestReceipt"}'))
        client.send(new Uint8Array(65519).fill(7)) // the largest message one Noise frame carries
        const it = server[Symbol.asyncIterator]()
        expect(text((await it.next()).value!)).toBe('{"type":"RequestReceipt"}')
        expect((await it.next()).value!.length).toBe(65519)
        expect(server.remote.confirmed).toBe(true)
        if (c.pattern === 'N') {
          expect(() => server.send(utf8('no'))).toThrow(expect.objectContaining({ code: 'Policy' }))
        } else {
          const got: string[] = []
          client.onMessage((m) => got.push(text(m)))
          server.send(utf8('ack'))
          server.send(utf8('ack2'))
          await until(() => got.length === 2)
          expect(got).toEqual(['ack', 'ack2'])
        }
        expect(() => client.send(new Uint8Array(65520))).toThrow(
          expect.objectContaining({ code: 'FrameTooLarge' }),
        )
        client.close()
        expect(await server.closed).toBeUndefined()
        await until(() => h.listener.connectionCount === 0)
        expect(h.errors).toEqual([])
      })
    }

    /** A raw client that completes an IK 1.2.0 handshake by hand and returns its transport ciphers. */
    async function handRolledClient(h: Harness) {
      const r = await h.raw()
      const hs = new HandshakeState({
        protocolName: PROTOCOL_NAMES.IK,
        initiator: true,
        prologue: PROLOGUE,
        staticSecret: payer.staticSecret,
        remoteStatic: merchantPub,
        crypto,
      })
      const payload = signIdentityPayload(crypto, {
        generation: '1.2.0',
        patternTag: 'IK',
        prologue: PROLOGUE,
        ed25519Secret: payer.ed25519Secret,
        localStatic: crypto.x25519PublicKey(payer.staticSecret),
        remoteStatic: merchantPub,
        role: 'Client',
      })
      r.send(encodeFrame(hs.writeMessage(payload.bytes)))
      const dec = new FrameDecoder()
      let frames: Uint8Array[] = []
      while (!frames.length) frames = dec.push(await r.next())
      hs.readMessage(frames[0]!)
      await until(() => h.sessions.length === 1)
      return { r, t: hs.transport(), server: h.sessions[0]! }
    }

    it('tampered, truncated, replayed and oversized transport frames close the session with typed errors', async () => {
      const h = await harness(kind)
      const expectClose = async (
        send: (x: Awaited<ReturnType<typeof handRolledClient>>) => void,
        want: string,
      ) => {
        h.sessions.length = 0
        const x = await handRolledClient(h)
        send(x)
        const err = await x.server.closed
        expect(err?.code).toBe(want)
        await x.r.closed
      }
      const empty = new Uint8Array(0)
      await expectClose(({ r, t }) => {
        const ct = t.send!.encryptWithAd(empty, utf8('pay 1000 sat'))
        ct[3]! ^= 0x40
        r.send(encodeFrame(ct))
      }, 'Decrypt')
      await expectClose(({ r, t }) => {
        const ct = t.send!.encryptWithAd(empty, utf8('pay 1000 sat'))
        r.send(encodeFrame(ct.subarray(0, ct.length - 5)))
      }, 'Decrypt')
      await expectClose(({ r, t }) => {
        const frame = encodeFrame(t.send!.encryptWithAd(empty, utf8('once')))
        r.send(frame)
        r.send(frame)
      }, 'Decrypt')
      await expectClose(({ r }) => {
        const head = new Uint8Array(4)
        new DataView(head.buffer).setUint32(0, 70000)
        r.send(head)
      }, 'FrameTooLarge')
      await until(() => h.listener.connectionCount === 0)
    })

    it('a replayed msg1 never yields a session that the replayer can use', async () => {
      const h = await harness(kind)
      const x = await handRolledClient(h)
      // The replayer has msg1 but not the payer's ephemeral: it cannot read msg2 or send valid transport.
      x.r.destroy()
      expect(h.sessions.length).toBe(1)
      await until(() => h.listener.connectionCount === 0)
    })

    it('wrong responder key: the merchant cannot decrypt msg1 (Decrypt), the payer sees Closed', async () => {
      const h = await harness(kind)
      const wrong = crypto.x25519PublicKey(key())
      const err = await h
        .connect({
          pattern: 'IK',
          staticSecret: payer.staticSecret,
          remoteStatic: wrong,
          identity: { ed25519Secret: payer.ed25519Secret },
        })
        .then(
          () => undefined,
          (e: NoiseError) => e,
        )
      expect(err?.code).toBe('Closed')
      await until(() => h.errors.length === 1)
      expect(h.errors[0]!.code).toBe('Decrypt')
      await until(() => h.listener.connectionCount === 0)
    })

    for (const generation of ['0.8.0', '1.1.0', '1.2.0'] as const) {
      it(`${generation}: a payer whose payload key or binding does not match is IdentityVerify`, async () => {
        const h = await harness(kind)
        const attempt = async (mutate: 'other-ed-key' | 'other-x25519') => {
          const r = await h.raw()
          const hs = new HandshakeState({
            protocolName: PROTOCOL_NAMES.IK,
            initiator: true,
            prologue: PROLOGUE,
            staticSecret: payer.staticSecret,
            remoteStatic: merchantPub,
            crypto,
          })
          const other = key()
          const signed = signIdentityPayload(crypto, {
            generation,
            patternTag: 'IK',
            prologue: PROLOGUE,
            ed25519Secret: payer.ed25519Secret,
            // other-ed-key: claim someone else's Ed25519 key over our signature.
            ...(mutate === 'other-ed-key' ? { ed25519Public: crypto.ed25519PublicKey(other) } : {}),
            // other-x25519: a payload (validly signed) for a different X25519 static than the handshake's.
            localStatic:
              mutate === 'other-x25519'
                ? crypto.x25519PublicKey(other)
                : crypto.x25519PublicKey(payer.staticSecret),
            remoteStatic: merchantPub,
            role: 'Client',
          })
          r.send(encodeFrame(hs.writeMessage(signed.bytes), PATTERN_BYTES.IK))
          await r.closed
        }
        await attempt('other-ed-key')
        await until(() => h.errors.length === 1)
        expect(h.errors[0]!.code).toBe('IdentityVerify')
        await attempt('other-x25519')
        await until(() => h.errors.length === 2)
        expect(h.errors[1]!.code).toBe('IdentityVerify')
        expect(h.sessions.length).toBe(0)
        await until(() => h.listener.connectionCount === 0)
      })
    }

    it('a peer that stalls mid-handshake hits the timeout and every socket is released', async () => {
      const h = await harness(kind, { handshakeTimeoutMs: 150, xxGeneration: '1.2.0' })
      // XX: the peer sends a valid msg1, receives msg2, then never sends msg3.
      const r = await h.raw()
      const hs = new HandshakeState({
        protocolName: PROTOCOL_NAMES.XX,
        initiator: true,
        prologue: PROLOGUE,
        staticSecret: payer.staticSecret,
        crypto,
      })
      r.send(encodeFrame(hs.writeMessage(), PATTERN_BYTES.XX))
      expect((await r.next()).length).toBeGreaterThan(96) // msg2 arrived: we are mid-handshake
      await r.closed
      await until(() => h.errors.length === 1)
      expect(h.errors[0]!.code).toBe('Timeout')
      await until(() => h.listener.connectionCount === 0)
      const r2 = await h.raw() // connects and sends nothing at all
      await r2.closed
      await until(() => h.errors.length === 2)
      expect(h.errors[1]!.code).toBe('Timeout')
      if (kind === 'tcp') {
        // A plausible length prefix whose bytes never come: still the timeout, never a hang.
        const r3 = await h.raw()
        const head = new Uint8Array(10)
        new DataView(head.buffer).setUint32(0, 200)
        r3.send(head)
        await r3.closed
        await until(() => h.errors.length === 3)
        expect(h.errors[2]!.code).toBe('Timeout')
      }
      await until(() => h.listener.connectionCount === 0)
      expect(h.sessions.length).toBe(0)
    })

    it('the initiator times out against a responder that never answers, and releases its socket', async () => {
      let conns = 0
      const sockets = new Set<net.Socket>()
      const silent =
        kind === 'tcp'
          ? net.createServer((s) => {
              conns++
              sockets.add(s)
              s.resume() // read and discard, so the peer's close is seen
              s.on('close', () => sockets.delete(s))
            })
          : undefined
      let port: number
      let wss: import('ws').WebSocketServer | undefined
      if (silent) {
        await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
        port = (silent.address() as net.AddressInfo).port
      } else {
        const { WebSocketServer } = await import('ws')
        wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
        await new Promise((r) => wss!.once('listening', r))
        wss.on('connection', () => conns++)
        port = (wss.address() as net.AddressInfo).port
      }
      const opts = { pattern: 'NN' as const, handshakeTimeoutMs: 150, crypto }
      const err = await (
        kind === 'tcp'
          ? connectTcp({ host: '127.0.0.1', port, ...opts })
          : connectWs({ url: `ws://127.0.0.1:${port}`, ...opts })
      ).then(
        () => undefined,
        (e: NoiseError) => e,
      )
      expect(err?.code).toBe('Timeout')
      expect(conns).toBe(1)
      if (silent) {
        await until(() => sockets.size === 0)
        await new Promise((r) => silent.close(r))
      } else {
        await until(() => wss!.clients.size === 0)
        await new Promise((r) => wss!.close(r))
      }
    })

    it('an idle session closes with Timeout', async () => {
      const h = await harness(kind, { idleTimeoutMs: 100 })
      const client = await h.connect({ pattern: 'NN' })
      await until(() => h.sessions.length === 1)
      expect((await h.sessions[0]!.closed)?.code).toBe('Timeout')
      expect(await client.closed).toBeUndefined()
      await expect(firstMessage(client)).resolves.toBeUndefined()
      await until(() => h.listener.connectionCount === 0)
    })

    it('traffic keeps a session past its idle period; it closes once the traffic stops', async () => {
      const h = await harness(kind, { idleTimeoutMs: 150 })
      const client = await h.connect({ pattern: 'NN' })
      await until(() => h.sessions.length === 1)
      const server = h.sessions[0]!
      const opened = performance.now()
      // A message every 50 ms for 450 ms: three idle periods, never 150 ms of silence.
      for (let i = 0; i < 9; i++) {
        client.send(Uint8Array.of(i))
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(server.isClosed).toBe(false)
      const quietFrom = performance.now()
      expect((await server.closed)?.code).toBe('Timeout')
      const closedAt = performance.now()
      expect(quietFrom - opened).toBeGreaterThanOrEqual(400)
      // Closed after at least one idle period of silence (the last message may land up to ~50 ms
      // before quietFrom), and not long after two.
      expect(closedAt - quietFrom).toBeGreaterThanOrEqual(90)
      expect(closedAt - quietFrom).toBeLessThan(1000)
    })

    it('a listener restricted to IK refuses other patterns (Policy) and the noble provider interoperates', async () => {
      const h = await harness(kind, { allowPatterns: ['IK'] })
      const err = await h.connect({ pattern: 'NN' }).then(
        () => undefined,
        (e: NoiseError) => e,
      )
      expect(err?.code).toBe('Closed') // the listener hung up on us
      await until(() => h.errors.length === 1)
      expect(h.errors[0]!.code).toBe('Policy')
      const s = await h.connect({
        pattern: 'IK',
        generation: '1.1.0',
        staticSecret: payer.staticSecret,
        remoteStatic: merchantPub,
        identity: { ed25519Secret: payer.ed25519Secret },
        crypto: nobleProvider,
      })
      await until(() => h.sessions.length === 1)
      expect(s.sessionIdHex).toBe(h.sessions[0]!.sessionIdHex)
      s.close()
    })
  })
}
