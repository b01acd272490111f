// The memo of static-static DH results (noise/static-dh-memo.ts) and how HandshakeState uses it:
// a returning peer's handshake is byte-for-byte the one without the memo; only completed handshakes
// are remembered; a failing handshake that used a hit still pays for the DH (no timing oracle for a
// stranger who names a known payer's key); bounded LRU; a new owner key or wipe() forgets everything.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import type { CryptoProvider } from '../../../electron/main/core/crypto/provider'
import { toHex } from '../../../electron/main/core/util/bytes'
import { fixedRng, systemRng } from '../../../electron/main/core/util/rng'
import { CipherState } from '../../../electron/main/core/noise/cipher-state'
import { HandshakeState } from '../../../electron/main/core/noise/handshake-state'
import { PubkyHandshake } from '../../../electron/main/core/noise/pubky-handshake'
import { StaticDhMemo } from '../../../electron/main/core/noise/static-dh-memo'
import { NoiseError } from '../../../electron/main/core/noise/errors'
import { PROLOGUE, PROTOCOL_NAMES } from '../../../electron/main/core/noise/constants'

const all = providers()

/** Counts X25519 DH calls: a spy at the provider boundary (the memo and the handshake run for real). */
function counting(p: CryptoProvider): { provider: CryptoProvider; dhs: () => number } {
  let n = 0
  const provider: CryptoProvider = {
    ...p,
    x25519(secret, pub) {
      n++
      return p.x25519(secret, pub)
    },
  }
  return { provider, dhs: () => n }
}

const seeded = (n: number): Uint8Array => new Uint8Array(32).map((_, i) => (i * 11 + n * 29 + 3) & 255)

interface Run {
  h: string
  /** What the responder's transport key does to a fixed message: equal bytes = equal keys. */
  sent: string
}

/** One IK handshake with fixed ephemerals, so that two runs must give identical bytes. */
function ik(
  p: CryptoProvider,
  keys: { s: Uint8Array; c: Uint8Array },
  memos: { responder?: StaticDhMemo; initiator?: StaticDhMemo },
  tamper = false,
): Run | NoiseError {
  const sPub = p.x25519PublicKey(keys.s)
  const init = new HandshakeState({
    protocolName: PROTOCOL_NAMES.IK,
    initiator: true,
    prologue: PROLOGUE,
    staticSecret: keys.c,
    remoteStatic: sPub,
    rng: fixedRng(seeded(101)),
    crypto: p,
    ...(memos.initiator ? { staticDhMemo: memos.initiator } : {}),
  })
  const resp = new HandshakeState({
    protocolName: PROTOCOL_NAMES.IK,
    initiator: false,
    prologue: PROLOGUE,
    staticSecret: keys.s,
    rng: fixedRng(seeded(102)),
    crypto: p,
    ...(memos.responder ? { staticDhMemo: memos.responder } : {}),
  })
  const m1 = init.writeMessage(new Uint8Array([1, 2, 3]))
  if (tamper) m1[m1.length - 1]! ^= 1
  try {
    resp.readMessage(m1)
  } catch (e) {
    return e as NoiseError
  }
  init.readMessage(resp.writeMessage())
  const send = resp.transport().send as CipherState
  return {
    h: toHex(resp.getHandshakeHash()),
    sent: toHex(send.encryptWithAd(new Uint8Array(0), new Uint8Array([9]))),
  }
}

describe('static-static DH memo in HandshakeState', () => {
  for (const base of all) {
    it(`${base.name}: a returning peer gets the same handshake bytes with one DH fewer, both roles`, () => {
      const { provider: p, dhs } = counting(base)
      const keys = { s: seeded(1), c: seeded(2) }
      const plain = ik(p, keys, {}) as Run
      const perHandshake = dhs()
      expect(perHandshake).toBe(8) // IK: es, ss on each side, ee and se on each side
      const responder = new StaticDhMemo()
      const initiator = new StaticDhMemo()
      const first = ik(p, keys, { responder, initiator }) as Run
      expect(first).toEqual(plain) // a miss: computed, then remembered once the handshake completed
      expect(dhs()).toBe(2 * perHandshake)
      expect([responder.size, initiator.size, responder.hits]).toEqual([1, 1, 0])
      const again = ik(p, keys, { responder, initiator }) as Run
      expect(again).toEqual(plain)
      expect(dhs()).toBe(3 * perHandshake - 2) // ss answered from each side's memo
      expect([responder.hits, initiator.hits]).toEqual([1, 1])
      // Another payer is a miss and does not disturb the first.
      const other = ik(p, { s: keys.s, c: seeded(3) }, { responder }) as Run
      expect(other.h).not.toBe(plain.h)
      expect(responder.size).toBe(2)
    })

    it(`${base.name}: a failed handshake is never remembered, and one that used a hit still pays for the DH`, () => {
      const { provider: p, dhs } = counting(base)
      const keys = { s: seeded(4), c: seeded(5) }
      const memo = new StaticDhMemo()
      // A miss that fails (msg1 altered after ss): nothing is stored.
      let before = dhs()
      const missFail = ik(p, keys, { responder: memo }, true)
      expect(missFail).toBeInstanceOf(NoiseError)
      expect((missFail as NoiseError).code).toBe('Decrypt')
      const missFailDhs = dhs() - before - 2 // minus the initiator's es and ss
      expect(memo.size).toBe(0)
      // The payer completes once: remembered.
      expect(ik(p, keys, { responder: memo })).not.toBeInstanceOf(NoiseError)
      expect(memo.size).toBe(1)
      // Someone naming that payer's key who cannot complete: the memo hits, then the handshake fails,
      // and the skipped DH is computed anyway, so the failure costs what a miss's failure costs.
      before = dhs()
      const hitFail = ik(p, keys, { responder: memo }, true)
      expect((hitFail as NoiseError).code).toBe('Decrypt')
      expect(memo.hits).toBe(1)
      expect(dhs() - before - 2).toBe(missFailDhs)
      // An abandoned handshake after a hit pays the same way (wipe() on timeout).
      const resp = new HandshakeState({
        protocolName: PROTOCOL_NAMES.IK,
        initiator: false,
        prologue: PROLOGUE,
        staticSecret: keys.s,
        crypto: p,
        staticDhMemo: memo,
      })
      const init = new HandshakeState({
        protocolName: PROTOCOL_NAMES.IK,
        initiator: true,
        prologue: PROLOGUE,
        staticSecret: keys.c,
        remoteStatic: p.x25519PublicKey(keys.s),
        crypto: p,
      })
      resp.readMessage(init.writeMessage())
      expect(memo.hits).toBe(2)
      before = dhs()
      resp.wipe()
      expect(dhs() - before).toBe(1)
      resp.wipe() // only once
      expect(dhs() - before).toBe(1)
    })
  }

  it('through PubkyHandshake: a returning payer completes with the same session on both sides', () => {
    const p = all[0]!
    const serverX = systemRng(32)
    const payer = { x: systemRng(32), ed: systemRng(32) }
    const memo = new StaticDhMemo()
    for (let i = 0; i < 3; i++) {
      const c = PubkyHandshake.initiator({
        generation: '1.2.0',
        staticSecret: payer.x,
        remoteStatic: p.x25519PublicKey(serverX),
        identity: { ed25519Secret: payer.ed },
        crypto: p,
      })
      const s = PubkyHandshake.responder('IK', { staticSecret: serverX, crypto: p, staticDhMemo: memo })
      s.readMessage(c.writeMessage())
      c.readMessage(s.writeMessage())
      expect(toHex(s.result().sessionId)).toBe(toHex(c.result().sessionId))
    }
    expect([memo.size, memo.hits]).toEqual([1, 2])
  })
})

describe('StaticDhMemo', () => {
  const pub = (n: number): Uint8Array => new Uint8Array(32).fill(n)
  const shared = (n: number): Uint8Array => new Uint8Array(32).fill(100 + n)
  const read = (m: StaticDhMemo, owner: Uint8Array, peer: Uint8Array): string | undefined => {
    const out = new Uint8Array(32)
    return m.read(owner, peer, out) ? toHex(out) : undefined
  }

  it('is a bounded LRU: the least recently used entry goes first; reads refresh recency', () => {
    const m = new StaticDhMemo(2)
    const me = pub(1)
    m.remember(me, pub(10), shared(10))
    m.remember(me, pub(11), shared(11))
    expect(read(m, me, pub(10))).toBe(toHex(shared(10))) // 10 is now the most recent
    m.remember(me, pub(12), shared(12)) // evicts 11
    expect(m.size).toBe(2)
    expect(read(m, me, pub(11))).toBeUndefined()
    expect(read(m, me, pub(10))).toBe(toHex(shared(10)))
    expect(read(m, me, pub(12))).toBe(toHex(shared(12)))
    // Replacing an entry keeps the size.
    m.remember(me, pub(12), shared(13))
    expect([m.size, read(m, me, pub(12))]).toEqual([2, toHex(shared(13))])
  })

  it('keeps copies: the caller wiping its buffers changes nothing inside', () => {
    const m = new StaticDhMemo()
    const s = shared(1)
    m.remember(pub(1), pub(2), s)
    s.fill(0)
    const out = new Uint8Array(32)
    expect(m.read(pub(1), pub(2), out)).toBe(true)
    out.fill(0)
    expect(read(m, pub(1), pub(2))).toBe(toHex(shared(1)))
  })

  it('serves one static key: another owner misses, and storing for a new owner wipes the old entries', () => {
    const m = new StaticDhMemo()
    m.remember(pub(1), pub(2), shared(2))
    m.remember(pub(1), pub(3), shared(3))
    expect(read(m, pub(9), pub(2))).toBeUndefined()
    m.remember(pub(9), pub(2), shared(4))
    expect(m.size).toBe(1)
    expect(read(m, pub(1), pub(3))).toBeUndefined()
    expect(read(m, pub(9), pub(2))).toBe(toHex(shared(4)))
  })

  it('wipe() forgets everything; bad sizes and capacity 0 store nothing; bad capacity is RangeError', () => {
    const m = new StaticDhMemo()
    m.remember(pub(1), pub(2), shared(2))
    expect(read(m, pub(1), pub(2))).toBeDefined()
    m.wipe()
    expect([m.size, m.hits]).toEqual([0, 0])
    expect(read(m, pub(1), pub(2))).toBeUndefined()
    m.remember(pub(1), new Uint8Array(31), shared(2))
    m.remember(pub(1), pub(2), new Uint8Array(16))
    expect(m.size).toBe(0)
    const zero = new StaticDhMemo(0)
    zero.remember(pub(1), pub(2), shared(2))
    expect(zero.size).toBe(0)
    expect(() => new StaticDhMemo(-1)).toThrow(RangeError)
    expect(() => new StaticDhMemo(1.5)).toThrow(RangeError)
    m.remember(pub(1), pub(2), shared(2))
    expect(m.read(pub(1), pub(2), new Uint8Array(16))).toBe(false)
  })
})

describe('CipherState nonce bytes', () => {
  for (const p of all) {
    it(`${p.name}: every byte of the 64-bit counter lands where §12.3 puts it (4 zero bytes, u64 LE)`, () => {
      const key = seeded(7)
      const cs = new CipherState(p, key)
      cs.setNonce(0x0807060504030201n)
      const nonce = Uint8Array.of(0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8)
      const ad = new Uint8Array(0)
      expect(toHex(cs.encryptWithAd(ad, Uint8Array.of(42)))).toBe(
        toHex(p.aeadEncrypt(key, nonce, ad, Uint8Array.of(42))),
      )
      cs.setNonce(0xfffffffe_fffffffen)
      const high = Uint8Array.of(0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff)
      expect(toHex(cs.encryptWithAd(ad, Uint8Array.of(42)))).toBe(
        toHex(p.aeadEncrypt(key, high, ad, Uint8Array.of(42))),
      )
      expect(cs.n).toBe(0xfffffffe_ffffffffn)
    })
  }
})
