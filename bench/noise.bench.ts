/**
 * Noise benchmark: IK handshakes/s (initiator; responder with identity verification) for our native
 * and noble providers beside the `noise-handshake` npm package's IK (sodium, BLAKE2b, no identity
 * layer) in the same run; transport MB/s on 64 KiB frames beside raw node:crypto ChaCha20-Poly1305
 * on the same bytes; noble transport MB/s.
 */
import * as nc from 'node:crypto'
import { createRequire } from 'node:module'
import { nativeProvider, nobleProvider } from '../electron/main/core/crypto'
import type { CryptoProvider } from '../electron/main/core/crypto/provider'
import { CipherState } from '../electron/main/core/noise/cipher-state'
import { PubkyHandshake } from '../electron/main/core/noise/pubky-handshake'
import { MAX_PLAINTEXT_LEN } from '../electron/main/core/noise/constants'
import { systemRng } from '../electron/main/core/util/rng'
import type { BenchModule, BenchRow } from './types'

const require = createRequire(import.meta.url)

/** Runs fn repeatedly for ~ms milliseconds (after a warm-up) and returns operations per second. */
function rate(ms: number, fn: () => void): number {
  const warm = performance.now()
  while (performance.now() - warm < Math.max(ms / 5, 200)) fn()
  let n = 0
  const t = performance.now()
  let el = 0
  do {
    for (let i = 0; i < 8; i++) fn()
    n += 8
    el = performance.now() - t
  } while (el < ms)
  return (n * 1000) / el
}

/** Times fn over every item of a pool (after warming up on the first tenth) and returns items per second. */
function poolRate<T>(pool: T[], fn: (item: T) => void): number {
  const warm = Math.floor(pool.length / 10)
  for (let i = 0; i < warm; i++) fn(pool[i]!)
  const t = performance.now()
  for (let i = warm; i < pool.length; i++) fn(pool[i]!)
  return ((pool.length - warm) * 1000) / (performance.now() - t)
}

interface Keys {
  clientX: Uint8Array
  serverX: Uint8Array
  serverPub: Uint8Array
  clientEd: Uint8Array
  clientEdPub: Uint8Array
}

function makeKeys(p: CryptoProvider): Keys {
  const clientX = systemRng(32)
  const serverX = systemRng(32)
  const clientEd = systemRng(32)
  return {
    clientX,
    serverX,
    serverPub: p.x25519PublicKey(serverX),
    clientEd,
    clientEdPub: p.ed25519PublicKey(clientEd),
  }
}

function ourIk(
  p: CryptoProvider,
  k: Keys,
  ms: number,
  poolSize: number,
): { initiator: number; responder: number } {
  const clientXPub = p.x25519PublicKey(k.clientX)
  const start = () =>
    PubkyHandshake.initiator({
      generation: '1.2.0',
      staticSecret: k.clientX,
      staticPublic: clientXPub,
      remoteStatic: k.serverPub,
      identity: { ed25519Secret: k.clientEd, ed25519Public: k.clientEdPub },
      crypto: p,
    })
  // Distinct msg1s (fresh ephemerals, as real payers send) so the responder bench times only its work.
  const pool: Uint8Array[] = []
  for (let i = 0; i < poolSize; i++) pool.push(start().writeMessage())
  const responder = poolRate(pool, (msg1) => {
    const s = PubkyHandshake.responder('IK', {
      staticSecret: k.serverX,
      staticPublic: k.serverPub,
      crypto: p,
    })
    s.readMessage(msg1) // includes payload parsing and the Ed25519 binding verification
    s.writeMessage()
    s.result()
  })
  // The initiator: write msg1 (signs), then read msg2. A fixed msg2 does not decrypt for a fresh
  // ephemeral, so time write + the DHs of msg2 by completing against a live responder and subtract it.
  const initiatorWrite = rate(ms, () => start().writeMessage())
  const both = rate(ms, () => {
    const c = start()
    const s = PubkyHandshake.responder('IK', {
      staticSecret: k.serverX,
      staticPublic: k.serverPub,
      crypto: p,
    })
    s.readMessage(c.writeMessage())
    c.readMessage(s.writeMessage())
    c.result()
  })
  // time(initiator) = time(both) - time(responder)
  const initiator = 1 / (1 / both - 1 / responder)
  return { initiator: Math.min(initiator, initiatorWrite), responder }
}

function theirIk(ms: number, poolSize: number): { initiator: number; responder: number } {
  // CommonJS devDependency, loaded through createRequire.
  const Noise = require('noise-handshake') as new (
    pattern: string,
    initiator: boolean,
    keypair?: unknown,
  ) => {
    s: { publicKey: Uint8Array }
    initialise(prologue: Uint8Array, remoteStatic?: Uint8Array): void
    send(payload?: Uint8Array): Uint8Array
    recv(msg: Uint8Array): Uint8Array
  }
  const server = new Noise('IK', false)
  const prologue = new TextEncoder().encode('pubky-noise-v1')
  const client = new Noise('IK', true)
  // Distinct msg1s: the package zeroes buffers in place, so one message cannot be read twice.
  const pool: Uint8Array[] = []
  for (let i = 0; i < poolSize; i++) {
    const c = new Noise('IK', true, (client as unknown as { s: unknown }).s)
    c.initialise(prologue, server.s.publicKey)
    pool.push(c.send(new Uint8Array(388)).slice()) // 388 bytes: the size of a 1.2.0 identity payload
  }
  const responder = poolRate(pool, (msg1) => {
    const s = new Noise('IK', false, server.s)
    s.initialise(prologue)
    s.recv(msg1)
    s.send()
  })
  const both = rate(ms, () => {
    const c = new Noise('IK', true, (client as unknown as { s: unknown }).s)
    c.initialise(prologue, server.s.publicKey)
    const s = new Noise('IK', false, server.s)
    s.initialise(prologue)
    s.recv(c.send(new Uint8Array(388)))
    c.recv(s.send())
  })
  return { initiator: 1 / (1 / both - 1 / responder), responder }
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
  const poolSize = quick ? 2000 : 10000
  const theirs = theirIk(ms, poolSize)
  for (const p of [nativeProvider, nobleProvider]) {
    const ours = ourIk(
      p,
      makeKeys(p),
      p.name === 'noble' ? ms / 2 : ms,
      p.name === 'noble' ? poolSize / 10 : poolSize,
    )
    const target = p.name === 'native' ? '>= 1.0x' : undefined
    rows.push({
      group: 'noise',
      metric: `IK responder handshakes/s with identity verification (${p.name})`,
      value: ours.responder,
      unit: 'hs/s',
      baseline: { name: 'noise-handshake IK (sodium)', value: theirs.responder },
      ratio: ours.responder / theirs.responder,
      ...(target ? { target, met: ours.responder / theirs.responder >= 1 } : {}),
    })
    rows.push({
      group: 'noise',
      metric: `IK initiator handshakes/s with identity signing (${p.name})`,
      value: ours.initiator,
      unit: 'hs/s',
      baseline: { name: 'noise-handshake IK (sodium)', value: theirs.initiator },
      ratio: ours.initiator / theirs.initiator,
    })
  }
  return rows
}
