/**
 * Noise benchmark: IK handshakes/s for our sodium (libsodium), native and noble providers beside the `noise-handshake`
 * npm package's IK (sodium-native, BLAKE2b, no identity layer) in the same run; transport MB/s on
 * 64 KiB frames beside raw node:crypto ChaCha20-Poly1305 on the same bytes; noble transport MB/s.
 *
 * How the handshake rows are measured, so that both sides get the same treatment:
 * - Two responder rows with identity verification, each beside the same baseline measured the same way:
 *   "first-contact payer": every handshake comes from a distinct payer (a fresh X25519 static key
 *   and, for ours, a fresh Ed25519 identity), on both sides, so no per-payer cache helps either
 *   side (our memo of verified bindings cannot hit: the full Ed25519 verification runs every time);
 *   "returning payer": one payer (kept for the whole run) makes every handshake, on both sides;
 *   ours answers two questions from memos, as the product's listener does: the binding verification
 *   (`noise/binding-memo.ts`) and the static-static DH `ss = DH(s, rs)` (`noise/static-dh-memo.ts`,
 *   one memo per responder side, like one per listener). Everything else still runs: the keygen and
 *   the three DHs with ephemerals (`es`, `ee`, `se`), the payload parse, the hashing. The
 *   first-contact rows use the same memos, which then only miss (new statics every time) and pay
 *   for storing each new payer; they get no help from them. noise-handshake has no such memo.
 *   Initiator rows: that one returning payer makes every handshake, as a wallet keeps its keys; our
 *   initiator is given no DH memo.
 * - Each message is read once, by the side that measures it; msg1 payloads have the same length
 *   on both sides (ours: the signed 1.2.0 identity payload; theirs: that many zero bytes).
 * - Initiator time = write msg1 + read msg2, timed directly; responder time = read msg1 + write
 *   msg2 (+ `result()` for ours). The other side of each handshake runs between the timed parts.
 * - Equal warm-up, then the sides take turns 40 handshakes at a time (the first side rotates), so
 *   a change of load on this shared machine falls on all of them alike; every timing is process
 *   CPU time (user + system, all threads, GC included). The value is the median over blocks of
 *   turns, in handshakes per CPU-second. (Turns of 40 rather than 10: one scavenge of ~1 ms is a
 *   large share of a 3 ms timed section and made the rows jump from run to run.)
 * - The sodium and native rows and the one baseline share a single interleaved run (five sides
 *   taking turns), so the providers are compared under the same load; noble has its own.
 * - Besides the product's rows (Pubky identity payload, binding hash and Ed25519 verification: work
 *   the baseline does not do), a like-for-like pair (plain `Noise_IK_25519_ChaChaPoly_BLAKE2s`
 *   through our HandshakeState, same payload length, no identity).
 *
 * Transport rows: each side encrypts 64 KiB frames the way it would send them (ours: into a freshly
 * allocated wire frame, as `NoiseSession.send` does; raw OpenSSL and bare noble: their own output
 * buffers), after a warm-up, in interleaved blocks of CPU time. The value is the best block (the
 * code's speed when nothing else on this shared machine got in the way; other load only ever slows a
 * block down), the same statistic for every side; the noble median is reported beside it.
 */
import * as nc from 'node:crypto'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { createRequire } from 'node:module'
import { loadSodiumProvider, nativeProvider, nobleProvider } from '../electron/main/core/crypto'
import type { CryptoProvider } from '../electron/main/core/crypto/provider'
import { CipherState } from '../electron/main/core/noise/cipher-state'
import { allocFrame } from '../electron/main/core/noise/framing'
import { HandshakeState } from '../electron/main/core/noise/handshake-state'
import { PubkyHandshake } from '../electron/main/core/noise/pubky-handshake'
import { StaticDhMemo } from '../electron/main/core/noise/static-dh-memo'
import { MAX_PLAINTEXT_LEN, PROLOGUE, PROTOCOL_NAMES, TAG_LEN } from '../electron/main/core/noise/constants'
import { systemRng } from '../electron/main/core/util/rng'
import type { BenchModule, BenchRow } from './types'

const require = createRequire(import.meta.url)

/** Process CPU time (user + system, all threads) in microseconds. */
const cpuNow = (): number => {
  const u = process.cpuUsage()
  return u.user + u.system
}

/**
 * Operations per CPU-second of each side, measured the same way for all: a warm-up of each side,
 * then `blocks` rounds in which every side (first side rotating) runs for ~`blockMs` of CPU time;
 * returns the median and the best block. On this shared 2-core machine wall time mostly measures
 * the other processes, and one long run measures whatever else happened to run then.
 */
function rates(
  sides: Record<string, () => void>,
  blocks: number,
  blockMs: number,
): Record<string, { median: number; best: number }> {
  const names = Object.keys(sides)
  const block = (fn: () => void): number => {
    let n = 0
    const t = cpuNow()
    let el = 0
    do {
      fn()
      fn()
      n += 2
      el = cpuNow() - t
    } while (el < blockMs * 1000)
    return (n * 1e6) / el
  }
  for (const k of names) block(sides[k]!)
  const samples: Record<string, number[]> = {}
  for (let b = 0; b < blocks; b++) {
    for (let j = 0; j < names.length; j++) {
      const k = names[(b + j) % names.length]!
      ;(samples[k] ??= []).push(block(sides[k]!))
    }
  }
  const out: Record<string, { median: number; best: number }> = {}
  for (const k of names) out[k] = { median: median(samples[k]!), best: Math.max(...samples[k]!) }
  return out
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
  /** One returning payer makes every handshake. */
  initiator: number
  /** A new payer every handshake. */
  responder: number
  /** One returning payer makes every handshake. */
  responderReturning: number
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
  const samples: Record<string, { i: number[]; r: number[]; rr: number[] }> = {}
  let turn = 0
  for (let b = 0; b < blocks; b++) {
    const acc: Record<string, { i: number; r: number; rr: number; n: number }> = {}
    for (let m = 0; m < micro; m++, turn++) {
      for (let j = 0; j < names.length; j++) {
        const k = names[(turn + j) % names.length]!
        const { pass, n } = sides[k]!
        const a = (acc[k] ??= { i: 0, r: 0, rr: 0, n: 0 })
        // Which of the two passes goes first alternates: where a pass sits in the round measurably
        // moves its numbers (GC work from the pass before lands in it), so both modes get each place
        // equally often.
        const firstContactFirst = ((turn + j) & 1) === 0
        if (firstContactFirst) a.r += pass(n, true).responderUs
        const returning = pass(n, false)
        a.rr += returning.responderUs
        a.i += returning.initiatorUs
        if (!firstContactFirst) a.r += pass(n, true).responderUs
        a.n += n
      }
    }
    for (const k of names) {
      const a = acc[k]!
      const s = (samples[k] ??= { i: [], r: [], rr: [] })
      s.r.push((a.n * 1e6) / a.r)
      s.rr.push((a.n * 1e6) / a.rr)
      s.i.push((a.n * 1e6) / a.i)
    }
  }
  const out: Record<string, Rates> = {}
  for (const k of names) {
    const s = samples[k]!
    out[k] = { initiator: median(s.i), responder: median(s.r), responderReturning: median(s.rr) }
  }
  return out
}

/** The length of our msg1 payload: the payload every other msg1 in the run carries too. */
let identityPayloadLen = 388

/**
 * Keys of payers: n fresh ones, or the side's one returning payer (made once per side, kept for the
 * whole run) n times. Untimed: keys exist before a payer connects.
 */
function payers<T>(make: () => T): (n: number, distinct: boolean) => T[] {
  let returning: T | undefined
  return (n, distinct) => {
    if (distinct) return Array.from({ length: n }, make)
    returning ??= make()
    return new Array<T>(n).fill(returning)
  }
}

/** Ours, as the product runs it: Pubky IK with a 1.2.0 identity payload, a listener's DH memo. */
function ourPubkyIk(p: CryptoProvider): Pass {
  const serverX = systemRng(32)
  const serverPub = p.x25519PublicKey(serverX)
  const staticDhMemo = new StaticDhMemo()
  const payerKeys = payers(() => {
    const x = systemRng(32)
    const ed = systemRng(32)
    return { x, xPub: p.x25519PublicKey(x), ed, edPub: p.ed25519PublicKey(ed) }
  })
  return (n, distinct) => {
    const keys = payerKeys(n, distinct)
    const clients = new Array<PubkyHandshake>(n)
    const msg1 = new Array<Uint8Array>(n)
    const msg2 = new Array<Uint8Array>(n)
    let initiatorUs = cpuUs(() => {
      for (let i = 0; i < n; i++) {
        const c = keys[i]!
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
          staticDhMemo,
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
  const staticKeys = payers(() => {
    const x = systemRng(32)
    return { x, xPub: p.x25519PublicKey(x) }
  })
  return (n, distinct) => {
    const payload = new Uint8Array(payloadLen())
    const statics = staticKeys(n, distinct)
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
  const staticKeys = payers(() => (new Noise('IK', true) as unknown as { s: unknown }).s)
  return (n, distinct) => {
    const payload = new Uint8Array(payloadLen())
    const statics = staticKeys(n, distinct)
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

/** Ours, as `NoiseSession.send` sends a message: encrypted straight into a fresh wire frame. */
function transport(p: CryptoProvider, frame: Uint8Array): () => void {
  const a = new CipherState(p, systemRng(32))
  const empty = new Uint8Array(0)
  return () => {
    const wire = allocFrame(frame.length + TAG_LEN)
    a.encryptWithAdInto(empty, frame, wire.subarray(4))
  }
}

/** Raw OpenSSL ChaCha20-Poly1305 on the same bytes, output in its own buffers. */
function rawOpenSsl(frame: Uint8Array): () => void {
  const key = systemRng(32)
  const nonce = new Uint8Array(12)
  const view = new DataView(nonce.buffer)
  let n = 0
  return () => {
    view.setUint32(4, n++, true)
    const c = nc.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    c.update(frame)
    c.final()
    c.getAuthTag()
  }
}

/** noble's ChaCha20-Poly1305 called directly on the same bytes (allocating its output). */
function bareNoble(frame: Uint8Array): () => void {
  const key = systemRng(32)
  const nonce = new Uint8Array(12)
  const view = new DataView(nonce.buffer)
  let n = 0
  return () => {
    view.setUint32(4, n++, true)
    chacha20poly1305(key, nonce).encrypt(frame)
  }
}

const BASELINE = 'noise-handshake IK (sodium)'

export const run: BenchModule['run'] = async ({ quick }) => {
  const rows: BenchRow[] = []
  // 64 KiB frames: one Noise message carries at most 65519 bytes of plaintext.
  // Transport first, on a quiet heap (the handshake runs below allocate a lot). All transport sides
  // take turns in the same blocks, so each ratio compares sides under the same load.
  const frame = systemRng(MAX_PLAINTEXT_LEN)
  const sodium = loadSodiumProvider()
  const mbs = rates(
    {
      native: transport(nativeProvider, frame),
      noble: transport(nobleProvider, frame),
      ...(sodium ? { sodium: transport(sodium, frame) } : {}),
      raw: rawOpenSsl(frame),
      bareNoble: bareNoble(frame),
    },
    quick ? 9 : 21,
    quick ? 40 : 120,
  )
  const blockNote = `best of ${quick ? 9 : 21} blocks`
  const toMBs = (opsPerSec: number): number => (opsPerSec * frame.length) / 1e6
  const raw = toMBs(mbs['raw']!.best)
  for (const name of sodium ? ['native', 'sodium'] : ['native']) {
    const ours = toMBs(mbs[name]!.best)
    rows.push({
      group: 'noise',
      metric: `transport encrypt MB/s, 64 KiB frames into the wire frame, ${blockNote} (${name})`,
      value: ours,
      unit: 'MB/s',
      baseline: { name: 'raw node:crypto chacha20-poly1305', value: raw },
      ratio: ours / raw,
      target: '>= 0.5x',
      met: ours / raw >= 0.5,
    })
  }
  const noble = toMBs(mbs['noble']!.best)
  rows.push({
    group: 'noise',
    metric: `transport encrypt MB/s, 64 KiB frames into the wire frame, ${blockNote} (noble)`,
    value: noble,
    unit: 'MB/s',
    // For scale only: the target is absolute.
    baseline: { name: 'bare @noble/ciphers chacha20poly1305', value: toMBs(mbs['bareNoble']!.best) },
    ratio: noble / toMBs(mbs['bareNoble']!.best),
    target: '>= 100 MB/s',
    met: noble >= 100,
  })
  rows.push({
    group: 'noise',
    metric: 'transport encrypt MB/s, 64 KiB frames, median block: load-sensitive, for reference (noble)',
    value: toMBs(mbs['noble']!.median),
    unit: 'MB/s',
    baseline: { name: 'bare @noble/ciphers chacha20poly1305', value: toMBs(mbs['bareNoble']!.median) },
    ratio: mbs['noble']!.median / mbs['bareNoble']!.median,
  })

  // Sodium and native: both of our sides per provider and the one baseline, interleaved 40
  // handshakes at a time (all five sides take turns, so they share the machine's load alike).
  const blocks = quick ? 9 : 21
  const micro = quick ? 3 : 8
  const PASS = 40
  const fast = interleave(
    {
      ...(sodium
        ? {
            sodiumPubky: { pass: ourPubkyIk(sodium), n: PASS },
            sodiumPlain: { pass: ourPlainIk(sodium, () => identityPayloadLen), n: PASS },
          }
        : {}),
      pubky: { pass: ourPubkyIk(nativeProvider), n: PASS },
      plain: { pass: ourPlainIk(nativeProvider, () => identityPayloadLen), n: PASS },
      theirs: { pass: theirIk(() => identityPayloadLen), n: PASS },
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
      metric: `IK responder handshakes/s with identity verification, first-contact payer (new identity and static key every handshake: the memos cannot hit) (${name})`,
      value: pubky.responder,
      unit: 'hs/s',
      baseline: { name: `${BASELINE}, a new payer every handshake`, value: theirs.responder },
      ratio: pubky.responder / theirs.responder,
      ...(target ? { target, met: pubky.responder / theirs.responder >= 1 } : {}),
    })
    rows.push({
      group: 'noise',
      metric: `IK responder handshakes/s with identity verification, returning payer (memo hits: verified binding and static-static DH ss) (${name})`,
      value: pubky.responderReturning,
      unit: 'hs/s',
      baseline: { name: `${BASELINE}, the same payer every handshake`, value: theirs.responderReturning },
      ratio: pubky.responderReturning / theirs.responderReturning,
      ...(target ? { target, met: pubky.responderReturning / theirs.responderReturning >= 1 } : {}),
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
      metric: `like-for-like: IK responder handshakes/s, plain Noise_IK_25519_ChaChaPoly_BLAKE2s, no identity layer, a new payer every handshake (${name})`,
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
