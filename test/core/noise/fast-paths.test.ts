// The handshake and transport fast paths keep the slow paths' answers:
// - the compact identity-payload scanner accepts exactly what the general JSON path accepts, with the
//   same result, and rejects the rest with the same error (differential test over mutations);
// - the memo of verified bindings answers only for the exact bytes that verified, never remembers a
//   failure, is per provider and bounded;
// - encrypting into a caller's buffer (provider, CipherState, wire frame) gives the same bytes as the
//   allocating path, and a wrong-sized buffer is a typed error that writes nothing.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import type { CryptoProvider } from '../../../electron/main/core/crypto/provider'
import { PaykitError } from '../../../electron/main/core/util/errors'
import { systemRng } from '../../../electron/main/core/util/rng'
import { toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { BindingMemo, bindingMemoFor } from '../../../electron/main/core/noise/binding-memo'
import { CipherState } from '../../../electron/main/core/noise/cipher-state'
import { MAX_MESSAGE_LEN, PROLOGUE, TAG_LEN } from '../../../electron/main/core/noise/constants'
import { NoiseError } from '../../../electron/main/core/noise/errors'
import { FrameDecoder, allocFrame } from '../../../electron/main/core/noise/framing'
import {
  parseIdentityPayload,
  parseIdentityPayloadGeneral,
  scanCompact,
  signIdentityPayload,
  verifyIdentityPayload,
  type Generation,
  type VerifyOptions,
} from '../../../electron/main/core/noise/identity'
import { PubkyHandshake } from '../../../electron/main/core/noise/pubky-handshake'

const all = providers()

/** The outcome of a parse as comparable data: the payload, or the error's class, code and message. */
function outcome(fn: () => unknown): unknown {
  try {
    const r = fn() as Record<string, unknown>
    return {
      ok: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : v])),
    }
  } catch (e) {
    return { err: [(e as Error).constructor.name, (e as PaykitError<string>).code, (e as Error).message] }
  }
}

function samplePayloads(p: CryptoProvider): Uint8Array[] {
  const base = {
    patternTag: 'IK' as const,
    prologue: PROLOGUE,
    ed25519Secret: systemRng(32),
    localStatic: systemRng(32),
    remoteStatic: systemRng(32),
    role: 'Client' as const,
  }
  const out: Uint8Array[] = []
  for (const generation of ['0.8.0', '1.1.0', '1.2.0'] as Generation[]) {
    out.push(signIdentityPayload(p, { ...base, generation }).bytes)
    if (generation !== '0.8.0') {
      out.push(
        signIdentityPayload(p, { ...base, generation, serverHint: 'till-2', expiresAt: 1_800_000_000 }).bytes,
      )
      out.push(
        signIdentityPayload(p, { ...base, generation, serverHint: 'caf\u00e9 "q"', expiresAt: 0 }).bytes,
      )
    }
  }
  return out
}

/** Byte-level mutations of a payload, aimed at the scanner's edges (and some random ones). */
function mutations(bytes: Uint8Array): Uint8Array[] {
  const text = new TextDecoder().decode(bytes)
  const swaps: [string, string][] = [
    ['"role":"Client"', '"role":"Server"'],
    ['"role":"Client"', '"role":"client"'],
    ['"role":"Client"', '"role":["C"]'],
    ['"role":"Client"', '"role":"Cli\\u0065nt"'],
    ['"role":"Client"', '"role": "Client"'],
    ['"role":"Client"', '"role":"Client","role":"Server"'],
    ['"role":"Client"', '"role":"Client","extra":1'],
    ['"role":"Client"', '"role":"Client","__proto__":{"x":1}'],
    ['"role":"Client"', '"role":null'],
    ['"role":"Client"', '"role":true'],
    ['"sig":[', '"sig":[256,'],
    ['"sig":[', '"sig":[01,'],
    ['"sig":[', '"sig":[1.0,'],
    ['"sig":[', '"sig":[-1,'],
    ['"sig":[', '"sig":[1e2,'],
    ['"sig":[', '"sig":[ 1,'],
    ['"sig":[', '"sig":[1000,'],
    ['"sig":[', '"sig":[0,'],
    ['"sig":[', '"sig":[],"s":['],
    ['"server_hint":null', '"server_hint":"x"'],
    ['"server_hint":null', '"server_hint":nul'],
    ['"server_hint":null', '"server_hint":[]'],
    ['"server_hint":null', '"server_hint":123'],
    ['"server_hint":null', '"server_hint":"\t"'],
    ['"epoch":0', '"epoch":1'],
    ['"epoch":0', '"epoch":00'],
    ['"epoch":0', '"epoch":4294967296'],
    ['"epoch":0', '"epoch":"0"'],
    ['"epoch":0', '"epoch":[0]'],
    ['_expires_at":1800000000', '_expires_at":999999999999999'],
    ['_expires_at":1800000000', '_expires_at":1000000000000000'],
    ['_expires_at":1800000000', '_expires_at":9007199254740993'],
    ['_expires_at":1800000000', '_expires_at":18e8'],
    ['expires_at":1800000000', 'expires_at":-1'],
    ['{', ' {'],
    ['{', '\ufeff{'],
  ]
  const out: Uint8Array[] = []
  for (const [a, b] of swaps) if (text.includes(a)) out.push(utf8(text.replace(a, b)))
  out.push(utf8(text + ' '), utf8(text + '}'), utf8(text + 'x'), utf8(text.replace(/}$/, ',}')))
  for (let cut = 1; cut < bytes.length; cut += 17) out.push(bytes.subarray(0, cut))
  const specials = [0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x3a, 0x5c, 0x30, 0x39, 0x6e, 0x20, 0x80, 0xff, 0x00]
  for (let i = 0; i < bytes.length; i += 7) {
    for (const c of [specials[i % specials.length]!, specials[(i + 5) % specials.length]!]) {
      const m = bytes.slice()
      m[i] = c
      out.push(m)
    }
  }
  return out
}

describe('identity payload: the compact scanner agrees with the general JSON path', () => {
  it('same payload or same error for every sample and mutation', () => {
    let compared = 0
    let accepted = 0
    let fastOnes = 0
    for (const sample of samplePayloads(all[0]!)) {
      // What implementations send takes the fast path (a hint with escapes or non-ASCII text, and
      // any whitespace, go to the general one).
      const text = new TextDecoder().decode(sample)
      const plain = /^[\x20-\x7e]*$/.test(text) && !text.includes('\\')
      expect(scanCompact(sample) === undefined).toBe(!plain)
      if (plain) fastOnes++
      expect(scanCompact(utf8(' ' + new TextDecoder().decode(sample)))).toBeUndefined()
      for (const b of [sample, ...mutations(sample)]) {
        const fast = outcome(() => parseIdentityPayload(b))
        expect(fast).toEqual(outcome(() => parseIdentityPayloadGeneral(b)))
        if ((fast as { ok?: unknown }).ok) accepted++
        compared++
      }
    }
    expect(compared).toBeGreaterThan(400)
    expect(fastOnes).toBe(5)
    // Both accepting and rejecting branches were exercised.
    expect(accepted).toBeGreaterThan(10)
    expect(accepted).toBeLessThan(compared)
  })

  it('a deeply nested or huge array value is refused quickly with the Payload code', () => {
    const t = Date.now()
    for (const b of [
      utf8('{"sig":' + '['.repeat(20000) + ']'.repeat(20000) + '}'),
      utf8('{"sig":[' + '1,'.repeat(30000) + '1]}'),
    ]) {
      expect(() => parseIdentityPayload(b)).toThrow(NoiseError)
      try {
        parseIdentityPayload(b)
      } catch (e) {
        expect((e as NoiseError).code).toBe('Payload')
      }
    }
    expect(Date.now() - t).toBeLessThan(2000)
  })
})

/** A provider that counts Ed25519 verifications: instrumentation of a dependency, not of the memo. */
function counting(p: CryptoProvider): { provider: CryptoProvider; verifies: () => number } {
  let n = 0
  const provider: CryptoProvider = {
    ...p,
    ed25519Verify(sig, msg, pk) {
      n++
      return p.ed25519Verify(sig, msg, pk)
    },
  }
  return { provider, verifies: () => n }
}

describe('memo of verified bindings', () => {
  for (const base of all) {
    it(`${base.name}: a success is remembered for exactly those bytes; a failure never is`, () => {
      const { provider: p, verifies } = counting(base)
      const ed = systemRng(32)
      const clientPub = p.x25519PublicKey(systemRng(32))
      const serverPub = p.x25519PublicKey(systemRng(32))
      const memo = new BindingMemo(8)
      const opts: VerifyOptions = {
        patternTag: 'IK',
        prologue: PROLOGUE,
        signerStatic: clientPub,
        verifierStatic: serverPub,
        expectedRole: 'Client',
        nowSecs: 1_800_000_000,
        skewSecs: 60,
        memo,
      }
      for (const generation of ['0.8.0', '1.1.0', '1.2.0'] as Generation[]) {
        const { bytes } = signIdentityPayload(p, {
          generation,
          patternTag: 'IK',
          prologue: PROLOGUE,
          ed25519Secret: ed,
          localStatic: clientPub,
          remoteStatic: serverPub,
          role: 'Client',
        })
        const before = verifies()
        verifyIdentityPayload(p, parseIdentityPayload(bytes), opts)
        expect(verifies()).toBe(before + 1)
        const hits = memo.hits
        verifyIdentityPayload(p, parseIdentityPayload(bytes), opts)
        expect(verifies()).toBe(before + 1) // answered by the memo
        expect(memo.hits).toBe(hits + 1)
        // Same signature bytes, different binding (the handshake proved another key): verified, fails.
        expect(() =>
          verifyIdentityPayload(p, parseIdentityPayload(bytes), { ...opts, verifierStatic: clientPub }),
        ).toThrow(expect.objectContaining({ code: 'IdentityVerify' }))
        expect(verifies()).toBe(before + 2)
        // A tampered signature fails every time it is presented: nothing is remembered.
        const bad = parseIdentityPayload(bytes)
        const tampered = { ...bad, sig: bad.sig.slice() }
        tampered.sig[5]! ^= 1
        const size = memo.size
        for (let k = 0; k < 3; k++) {
          expect(() => verifyIdentityPayload(p, tampered, opts)).toThrow(
            expect.objectContaining({ code: 'IdentityVerify' }),
          )
        }
        expect(verifies()).toBe(before + 5)
        expect(memo.size).toBe(size)
      }
    })
  }

  it('is bounded, keeps the most recently used, and is per provider; null turns it off', () => {
    const memo = new BindingMemo(3)
    const pk = (i: number): Uint8Array => new Uint8Array(32).fill(i)
    const sig = new Uint8Array(64).fill(9)
    const pre = utf8('preimage')
    for (let i = 1; i <= 3; i++) memo.addVerified('1.2.0', pk(i), sig, pre)
    expect(memo.has('1.2.0', pk(1), sig, pre)).toBe(true) // 1 is now the most recent
    memo.addVerified('1.2.0', pk(4), sig, pre) // evicts 2, the least recently used
    expect(memo.size).toBe(3)
    expect(memo.has('1.2.0', pk(2), sig, pre)).toBe(false)
    expect(memo.has('1.2.0', pk(1), sig, pre)).toBe(true)
    expect(memo.has('1.2.0', pk(4), sig, pre)).toBe(true)
    // Any differing byte or generation is a miss; wrong-length keys are never stored.
    expect(memo.has('1.1.0', pk(1), sig, pre)).toBe(false)
    expect(memo.has('1.2.0', pk(1), sig, utf8('preimagE'))).toBe(false)
    memo.addVerified('1.2.0', new Uint8Array(31), sig, pre)
    expect(memo.size).toBe(3)
    expect(new BindingMemo(0).size).toBe(0)
    expect(() => new BindingMemo(-1)).toThrow(RangeError)
    if (all.length > 1) expect(bindingMemoFor(all[0]!)).not.toBe(bindingMemoFor(all[1]!))
    expect(bindingMemoFor(all[0]!)).toBe(bindingMemoFor(all[0]!))
  })

  it('a returning payer handshakes again through the memo; bindingMemo: null verifies every time', () => {
    const { provider: p, verifies } = counting(all[0]!)
    const serverX = systemRng(32)
    const serverPub = p.x25519PublicKey(serverX)
    const payer = { x: systemRng(32), ed: systemRng(32) }
    const once = (memo: BindingMemo | null): string => {
      const c = PubkyHandshake.initiator({
        generation: '1.2.0',
        staticSecret: payer.x,
        remoteStatic: serverPub,
        identity: { ed25519Secret: payer.ed },
        crypto: p,
      })
      const s = PubkyHandshake.responder('IK', { staticSecret: serverX, crypto: p, bindingMemo: memo })
      s.readMessage(c.writeMessage())
      c.readMessage(s.writeMessage())
      const r = s.result()
      expect(toHex(r.sessionId)).toBe(toHex(c.result().sessionId))
      return toHex(r.remote.ed25519Pub!)
    }
    const memo = new BindingMemo()
    const id = once(memo)
    const n = verifies()
    expect(once(memo)).toBe(id)
    expect(once(memo)).toBe(id)
    expect(verifies()).toBe(n)
    expect(memo.hits).toBe(2)
    once(null)
    once(null)
    expect(verifies()).toBe(n + 2)
  })
})

describe('encrypting into a caller buffer', () => {
  const key = new Uint8Array(32).map((_, i) => i * 3)
  const nonce = new Uint8Array(12).fill(4)
  const aad = utf8('ad')
  for (const p of all) {
    it(`${p.name}: aeadEncrypt(…, output) gives the allocating path's bytes; a wrong size writes nothing`, () => {
      for (const len of [0, 1, 63, 64, 1000, 65519]) {
        const pt = new Uint8Array(len).map((_, i) => i & 0xff)
        const expected = toHex(p.aeadEncrypt(key, nonce, aad, pt))
        // A view at an offset, as a wire frame body is.
        const frame = new Uint8Array(4 + len + 16).fill(0xaa)
        const out = p.aeadEncrypt(key, nonce, aad, pt, frame.subarray(4))
        expect(toHex(out)).toBe(expected)
        expect(toHex(frame.subarray(4))).toBe(expected)
        expect(toHex(frame.subarray(0, 4))).toBe('aaaaaaaa')
        expect(p.aeadDecrypt(key, nonce, aad, frame.subarray(4))).toEqual(pt)
      }
      const pt = utf8('sixteen bytes!!!')
      for (const wrong of [new Uint8Array(pt.length), new Uint8Array(pt.length + 17)]) {
        wrong.fill(7)
        expect(() => p.aeadEncrypt(key, nonce, aad, pt, wrong)).toThrow(
          expect.objectContaining({ code: 'invalid-input' }),
        )
        expect(wrong.every((b) => b === 7)).toBe(true)
      }
    })

    it(`${p.name}: CipherState.encryptWithAdInto matches encryptWithAd, nonce for nonce`, () => {
      const a = new CipherState(p, key)
      const b = new CipherState(p, key)
      const r = new CipherState(p, key)
      for (const len of [0, 5, 4096]) {
        const pt = systemRng(len)
        const wire = allocFrame(len + TAG_LEN)
        a.encryptWithAdInto(aad, pt, wire.subarray(4))
        const ct = b.encryptWithAd(aad, pt)
        expect(toHex(wire.subarray(4))).toBe(toHex(ct))
        const frames = new FrameDecoder().push(wire)
        expect(frames.length).toBe(1)
        expect(r.decryptWithAd(aad, frames[0]!)).toEqual(pt)
      }
      expect(a.n).toBe(3n)
      const wrong = new Uint8Array(9)
      expect(() => a.encryptWithAdInto(aad, new Uint8Array(9), wrong)).toThrow(
        expect.objectContaining({ code: 'Frame' }),
      )
      expect(a.n).toBe(3n) // the nonce did not move
      // Without a key (§5.1) the plaintext is copied as is.
      const none = new CipherState(p)
      expect(toHex(none.encryptWithAdInto(aad, utf8('hi'), new Uint8Array(2)))).toBe(toHex(utf8('hi')))
    })
  }

  it('allocFrame writes the u32 BE header and refuses lengths over the Noise limit', () => {
    const f = allocFrame(300)
    expect(f.length).toBe(304)
    expect(toHex(f.subarray(0, 4))).toBe('0000012c')
    for (const bad of [MAX_MESSAGE_LEN + 1, -1, 1.5, Number.NaN]) {
      expect(() => allocFrame(bad)).toThrow(expect.objectContaining({ code: 'FrameTooLarge' }))
    }
    expect(allocFrame(MAX_MESSAGE_LEN).length).toBe(MAX_MESSAGE_LEN + 4)
  })
})
