/**
 * Noise benchmark: IK handshakes/s for our sodium (libsodium), native and noble providers beside the `noise-handshake`
 * npm package's IK (sodium-native, BLAKE2b, no identity layer) in the same run; transport MB/s on
 * 64 KiB frames beside raw node:crypto ChaCha20-Poly1305 on the same bytes; noble transport MB/s.
 *
 * How the handshake rows are measured, so that both sides get the same treatment:
 * - Responder rows: every handshake comes from a distinct payer (a fresh X25519 static key and, for
 *   ours, a fresh Ed25519 identity), on both sides, so no per-payer cache helps either side.
 *   Initiator rows: one payer makes every handshake, as a wallet keeps its keys.
 * - Each message is read once, by the side that measures it; msg1 payloads have the same length
 *   on both sides (ours: the signed 1.2.0 identity payload; theirs: that many zero bytes).
 * - Initiator time = write msg1 + read msg2, timed directly; responder time = read msg1 + write
 *   msg2 (+ `result()` for ours). The other side of each handshake runs between the timed parts.
 * - Equal warm-up, then the sides take turns 10 handshakes at a time (the first side rotates), so
 *   a change of load on this shared machine falls on all of them alike; every timing is process
 *   CPU time (user + system, all threads, GC included). The value is the median over blocks of
 *   turns, in handshakes per CPU-second.
 * - The sodium and native rows and the one baseline share a single interleaved run (five sides
 *   taking turns), so the providers are compared under the same load; noble has its own.
 * - Two responder rows per provider: the product's (Pubky identity payload, binding hash and
 *   Ed25519 verification: work the baseline does not do) and a like-for-like one (plain
 *   `Noise_IK_25519_ChaChaPoly_BLAKE2s` through our HandshakeState, same payload length, no identity).
 */
import * as nc from 'node:crypto'
import { createRequire } from 'node:module'
import { loadSodiumProvider, nativeProvider, nobleProvider } from '../electron/main/core/crypto'
import type { CryptoProvider } from '../electron/main/core/crypto/provider'
import { CipherState } from '../electron/main/core/noise/cipher-state'
import { HandshakeState } from '../electron/main/core/noise/handshake-state'
import { PubkyHandshake } from '../electron/main/core/noise/pubky-handshake'
import { MAX_PLAINTEXT_LEN, PROLOGUE, PROTOCOL_NAMES } from '../electron/main/core/noise/constants'
import { systemRng } from '../electron/main/core/util/rng'
import type { BenchModule, BenchRow } from './types'

const require = createRequire(import.meta.url)

/** Process CPU time (user + system, all threads) in microseconds. */
const cpuNow = (): number => {
  const u = process.cpuUsage()
  return u.user + u.system
}

/**
 * Runs fn repeatedly for ~ms milliseconds of CPU time (after a warm-up) and returns operations per
 * CPU-second: on this shared 2-core machine, wall time mostly measures the other processes.
 */
function rate(ms: number, fn: () => void): number {
  const warm = cpuNow()
  while (cpuNow() - warm < Math.max(ms / 5, 200) * 1000) fn()
  let n = 0
  const t = cpuNow()
  let el = 0
  do {
    for (let i = 0; i < 8; i++) fn()
    n += 8
    el = cpuNow() - t
  } while (el < ms * 1000)
  return (n * 1e6) / el
}

/** Microseconds of process CPU time spent in fn. */
function cpuUs(fn: () => void): number {
  const t = cpuNow()
  fn()
  return cpuNow() - t
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * n complete handshakes; returns the CPU µs of each role's timed part. With `distinctPayers` every
 * handshake comes from a new payer (the responder's real load: a merchant's listener meets many
 * payers); without, one payer makes them all (the initiator's real load: a wallet keeps its keys).
 */
type Pass = (n: number, distinctPayers: boolean) => { initiatorUs: number; responderUs: number }

interface Rates {
  initiator: number
  responder: number
}

/**
 * Runs the sides interleaved at a fine grain after an equal warm-up: each block is `micro` rounds,
 * and every round runs a small pass of each side in turn (the first side rotates), so any change
 * of load on this shared machine falls on all sides alike. A side's rate in a block is its
 * handshakes over its CPU time in that block; the result is the median over blocks.
 */
function interleave(
  sides: Record<string, { pass: Pass; n: number }>,
  blocks: number,
  micro: number,
): Record<string, Rates> {
  const names = Object.keys(sides)
  for (let w = 0; w < 3; w++) {
    for (const k of names) {
      const { pass, n } = sides[k]!
      pass(n, true)
      pass(n, false)
    }
  }
  const samples: Record<string, { i: number[]; r: number[] }> = {}
  let turn = 0
  for (let b = 0; b < blocks; b++) {
    const acc: Record<string, { i: number; r: number; n: number }> = {}
    for (let m = 0; m < micro; m++, turn++) {
      for (let j = 0; j < names.length; j++) {
        const k = names[(turn + j) % names.length]!
        const { pass, n } = sides[k]!
        const a = (acc[k] ??= { i: 0, r: 0, n: 0 })
        a.r += pass(n, true).responderUs
        a.i += pass(n, false).initiatorUs
        a.n += n
      }
    }
    for (const k of names) {
      const a = acc[k]!
      const s = (samples[k] ??= { i: [], r: [] })
      s.r.push((a.n * 1e6) / a.r)
      s.i.push((a.n * 1e6) / a.i)
    }
  }
  const out: Record<string, Rates> = {}
  for (const k of names) out[k] = { initiator: median(samples[k]!.i), responder: median(samples[k]!.r) }
  return out
}

/** The length of our msg1 payload: the payload every other msg1 in the run carries too. */
let identityPayloadLen = 388

/** Keys of payers: n fresh ones, or one repeated n times. Untimed: keys exist before a payer connects. */
function payerKeys<T>(n: number, distinct: boolean, make: () => T): T[] {
  if (distinct) return Array.from({ length: n }, make)
  const one = make()
  return new Array<T>(n).fill(one)
}

/** Ours, as the product runs it: Pubky IK with a 1.2.0 identity payload. */
function ourPubkyIk(p: CryptoProvider): Pass {
  const serverX = systemRng(32)
  const serverPub = p.x25519PublicKey(serverX)
  return (n, distinct) => {
    const payers = payerKeys(n, distinct, () => {
      const x = systemRng(32)
      const ed = systemRng(32)
      return { x, xPub: p.x25519PublicKey(x), ed, edPub: p.ed25519PublicKey(ed) }
    })
    const clients = new Array<PubkyHandshake>(n)
    const msg1 = new Array<Uint8Array>(n)
    const msg2 = new Array<Uint8Array>(n)
    let initiatorUs = cpuUs(() => {
      for (let i = 0; i < n; i++) {
        const c = payers[i]!
        clients[i] = PubkyHandshake.initiator({
          generation: '1.2.0',
          staticSecret: c.x,
          staticPublic: c.xPub,
          remoteStatic: serverPub,
          identity: { ed25519Secret: c.ed, ed25519Public: c.edPub },
          crypto: p,
        })
        msg1[i] = clients[i]!.writeMessage()
      }
    })
    identityPayloadLen = msg1[0]!.length - 32 - 48 - 16
    const responderUs = cpuUs(() => {
      for (let i = 0; i < n; i++) {
        const s = PubkyHandshake.responder('IK', {
          staticSecret: serverX,
          staticPublic: serverPub,
          crypto: p,
        })
        s.readMessage(msg1[i]!) // parses the payload and verifies the Ed25519 binding
        msg2[i] = s.writeMessage()
        s.result()
      }
    })
    initiatorUs += cpuUs(() => {
      for (let i = 0; i < n; i++) {
        clients[i]!.readMessage(msg2[i]!)
        clients[i]!.result()
      }
    })
    return { initiatorUs, responderUs }
  }
}

/** Ours without the identity layer: plain Noise_IK_25519_ChaChaPoly_BLAKE2s, same payload length. */
function ourPlainIk(p: CryptoProvider, payloadLen: () => number): Pass {
  const protocolName = PROTOCOL_NAMES.IK
  const serverX = systemRng(32)
  const serverPub = p.x25519PublicKey(serverX)
  return (n, distinct) => {
    const payload = new Uint8Array(payloadLen())
    const statics = payerKeys(n, distinct, () => {
      const x = systemRng(32)
      return { x, xPub: p.x25519PublicKey(x) }
    })
    const clients = new Array<HandshakeState>(n)
    const msg1 = new Array<Uint8Array>(n)
    const msg2 = new Array<Uint8Array>(n)
    let initiatorUs = cpuUs(() => {
      for (let i = 0; i < n; i++) {
        clients[i] = new HandshakeState({
          protocolName,
          initiator: true,
          prologue: PROLOGUE,
          staticSecret: statics[i]!.x,
          staticPublic: statics[i]!.xPub,
          remoteStatic: serverPub,
          crypto: p,
        })
        msg1[i] = clients[i]!.writeMessage(payload)
      }
    })
    const responderUs = cpuUs(() => {
      for (let i = 0; i < n; i++) {
        const s = new HandshakeState({
          protocolName,
          initiator: false,
          prologue: PROLOGUE,
          staticSecret: serverX,
          staticPublic: serverPub,
          crypto: p,
        })
        s.readMessage(msg1[i]!)
        msg2[i] = s.writeMessage()
        s.transport()
      }
    })
    initiatorUs += cpuUs(() => {
      for (let i = 0; i < n; i++) {
        clients[i]!.readMessage(msg2[i]!)
        clients[i]!.transport()
      }
    })
    return { initiatorUs, responderUs }
  }
}

interface TheirNoise {
  s: { publicKey: Uint8Array }
  initialise(prologue: Uint8Array, remoteStatic?: Uint8Array): void
  send(payload?: Uint8Array): Uint8Array
  recv(msg: Uint8Array): Uint8Array
}
type TheirNoiseCtor = new (pattern: string, initiator: boolean, keypair?: unknown) => TheirNoise

/** noise-handshake's IK; `payloadLen()` is read per pass so that it matches ours. */
function theirIk(payloadLen: () => number): Pass {
  // CommonJS devDependency, loaded through createRequire.
  const Noise = require('noise-handshake') as TheirNoiseCtor
  const server = new Noise('IK', false)
  const serverKeys = (server as unknown as { s: unknown }).s
  return (n, distinct) => {
    const payload = new Uint8Array(payloadLen())
    const statics = payerKeys(n, distinct, () => (new Noise('IK', true) as unknown as { s: unknown }).s)
    const clients = new Array<TheirNoise>(n)
    const msg1 = new Array<Uint8Array>(n)
    const msg2 = new Array<Uint8Array>(n)
    let initiatorUs = cpuUs(() => {
      for (let i = 0; i < n; i++) {
        const c = new Noise('IK', true, statics[i])
        c.initialise(PROLOGUE, server.s.publicKey)
        clients[i] = c
        msg1[i] = c.send(payload)
      }
    })
    const responderUs = cpuUs(() => {
      for (let i = 0; i < n; i++) {
        const s = new Noise('IK', false, serverKeys)
        s.initialise(PROLOGUE)
        s.recv(msg1[i]!)
        msg2[i] = s.send()
      }
    })
    initiatorUs += cpuUs(() => {
      for (let i = 0; i < n; i++) clients[i]!.recv(msg2[i]!)
    })
    return { initiatorUs, responderUs }
  }
}

function transport(p: CryptoProvider, ms: number, frame: Uint8Array): number {
  const a = new CipherState(p, systemRng(32))
  const empty = new Uint8Array(0)
  return (rate(ms, () => a.encryptWithAd(empty, frame)) * frame.length) / 1e6
}

function rawOpenSsl(ms: number, frame: Uint8Array): number {
  const key = systemRng(32)
  const nonce = new Uint8Array(12)
  let n = 0
  return (
    (rate(ms, () => {
      new DataView(nonce.buffer).setUint32(4, n++, true)
      const c = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
      c.update(frame)
      c.final()
      c.getAuthTag()
    }) *
      frame.length) /
    1e6
  )
}

const BASELINE = 'noise-handshake IK (sodium)'

export const run: BenchModule['run'] = async ({ quick }) => {
  const ms = quick ? 400 : 2000
  const rows: BenchRow[] = []
  // 64 KiB frames: one Noise message carries at most 65519 bytes of plaintext.
  // Transport first, on a quiet heap (the handshake runs below allocate a lot).
  const frame = systemRng(MAX_PLAINTEXT_LEN)
  const ours = transport(nativeProvider, ms, frame)
  const raw = rawOpenSsl(ms, frame)
  rows.push({
    group: 'noise',
    metric: 'transport encrypt MB/s, 64 KiB frames (native)',
    value: ours,
    unit: 'MB/s',
    baseline: { name: 'raw node:crypto chacha20-poly1305', value: raw },
    ratio: ours / raw,
    target: '>= 0.5x',
    met: ours / raw >= 0.5,
  })
  const noble = transport(nobleProvider, ms, frame)
  rows.push({
    group: 'noise',
    metric: 'transport encrypt MB/s, 64 KiB frames (noble)',
    value: noble,
    unit: 'MB/s',
    target: '>= 100 MB/s',
    met: noble >= 100,
  })

  const sodium = loadSodiumProvider()
  if (sodium) {
    const mbs = transport(sodium, ms, frame)
    const rawAgain = rawOpenSsl(ms, frame)
    rows.push({
      group: 'noise',
      metric: 'transport encrypt MB/s, 64 KiB frames (sodium)',
      value: mbs,
      unit: 'MB/s',
      baseline: { name: 'raw node:crypto chacha20-poly1305', value: rawAgain },
      ratio: mbs / rawAgain,
      target: '>= 0.5x',
      met: mbs / rawAgain >= 0.5,
    })
  }

  // Sodium and native: both of our rows per provider and the one baseline, interleaved 10
  // handshakes at a time (all five sides take turns, so they share the machine's load alike).
  const blocks = quick ? 9 : 21
  const micro = quick ? 12 : 30
  const fast = interleave(
    {
      ...(sodium
        ? {
            sodiumPubky: { pass: ourPubkyIk(sodium), n: 10 },
            sodiumPlain: { pass: ourPlainIk(sodium, () => identityPayloadLen), n: 10 },
          }
        : {}),
      pubky: { pass: ourPubkyIk(nativeProvider), n: 10 },
      plain: { pass: ourPlainIk(nativeProvider, () => identityPayloadLen), n: 10 },
      theirs: { pass: theirIk(() => identityPayloadLen), n: 10 },
    },
    blocks,
    micro,
  )
  const native: Record<string, Rates> = {
    pubky: fast['pubky']!,
    plain: fast['plain']!,
    theirs: fast['theirs']!,
  }
  const sodiumRates: Record<string, Rates> | undefined = sodium
    ? { pubky: fast['sodiumPubky']!, plain: fast['sodiumPlain']!, theirs: fast['theirs']! }
    : undefined
  // Noble is ~20x slower: 2 handshakes per turn, fewer blocks, its own interleaved baseline.
  const nobleRates = interleave(
    {
      pubky: { pass: ourPubkyIk(nobleProvider), n: 2 },
      plain: { pass: ourPlainIk(nobleProvider, () => identityPayloadLen), n: 2 },
      theirs: { pass: theirIk(() => identityPayloadLen), n: 2 },
    },
    quick ? 3 : 7,
    quick ? 6 : 12,
  )
  const results: [string, Record<string, Rates>][] = [
    ...(sodiumRates ? [['sodium', sodiumRates] as [string, Record<string, Rates>]] : []),
    ['native', native],
    ['noble', nobleRates],
  ]
  for (const [name, r] of results) {
    const theirs = r['theirs']!
    const pubky = r['pubky']!
    const plain = r['plain']!
    // The target applies to the fast providers (sodium is the default where it loads).
    const target = name === 'noble' ? undefined : '>= 1.0x'
    rows.push({
      group: 'noise',
      metric: `IK responder handshakes/s with identity verification (${name})`,
      value: pubky.responder,
      unit: 'hs/s',
      baseline: { name: BASELINE, value: theirs.responder },
      ratio: pubky.responder / theirs.responder,
      ...(target ? { target, met: pubky.responder / theirs.responder >= 1 } : {}),
    })
    rows.push({
      group: 'noise',
      metric: `IK initiator handshakes/s with identity signing (${name})`,
      value: pubky.initiator,
      unit: 'hs/s',
      baseline: { name: BASELINE, value: theirs.initiator },
      ratio: pubky.initiator / theirs.initiator,
    })
    rows.push({
      group: 'noise',
      metric: `like-for-like: IK responder handshakes/s, plain Noise_IK_25519_ChaChaPoly_BLAKE2s, no identity layer (${name})`,
      value: plain.responder,
      unit: 'hs/s',
      baseline: { name: BASELINE, value: theirs.responder },
      ratio: plain.responder / theirs.responder,
    })
    rows.push({
      group: 'noise',
      metric: `like-for-like: IK initiator handshakes/s, plain Noise_IK_25519_ChaChaPoly_BLAKE2s (${name})`,
      value: plain.initiator,
      unit: 'hs/s',
      baseline: { name: BASELINE, value: theirs.initiator },
      ratio: plain.initiator / theirs.initiator,
    })
  }
  return rows
}
