// The Noise core as the spec names it: CipherState nonce handling and rekey, SymmetricState HKDF,
// HandshakeState over every pattern table, DH low-order rejection, message caps; and the standard
// cacophony files through both providers (plus a corrupted copy that must fail).
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import { fromHex, toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { fixedRng } from '../../../electron/main/core/util/rng'
import { CipherState } from '../../../electron/main/core/noise/cipher-state'
import { SymmetricState, noiseHkdf } from '../../../electron/main/core/noise/symmetric-state'
import { HandshakeState } from '../../../electron/main/core/noise/handshake-state'
import { PATTERNS } from '../../../electron/main/core/noise/patterns'
import { parseProtocolName } from '../../../electron/main/core/noise/suite'
import { runCacophony, formatReport } from '../../../electron/main/core/noise/cacophony'
import { NoiseError } from '../../../electron/main/core/noise/errors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()
const code = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(NoiseError)
    return (e as NoiseError).code
  }
  return undefined
}
const key = new Uint8Array(32).map((_, i) => i + 1)
const seeded = (n: number): Uint8Array => new Uint8Array(32).map((_, i) => (i * 7 + n * 13 + 1) & 255)

describe('CipherState (§5.1)', () => {
  for (const p of all) {
    it(`${p.name}: nonce layout, counting, failure does not advance, exhaustion, rekey, wipe`, () => {
      const a = new CipherState(p, key)
      const b = new CipherState(p, key)
      const ct = a.encryptWithAd(utf8('ad'), utf8('hello'))
      // nonce 0 = 4 zero bytes ‖ u64 LE 0
      expect(toHex(ct)).toBe(toHex(p.aeadEncrypt(key, new Uint8Array(12), utf8('ad'), utf8('hello'))))
      expect(a.n).toBe(1n)
      const bad = ct.slice()
      bad[0]! ^= 1
      expect(code(() => b.decryptWithAd(utf8('ad'), bad))).toBe('Decrypt')
      expect(b.n).toBe(0n)
      expect(new TextDecoder().decode(b.decryptWithAd(utf8('ad'), ct))).toBe('hello')
      expect(code(() => b.decryptWithAd(utf8('ad'), ct))).toBe('Decrypt') // replay: nonce moved on
      // nonce 2^32 crosses into the high word correctly
      a.setNonce(0x1_0000_0000n)
      const n = new Uint8Array(12)
      n[8] = 1
      expect(toHex(a.encryptWithAd(new Uint8Array(0), utf8('x')))).toBe(
        toHex(p.aeadEncrypt(key, n, new Uint8Array(0), utf8('x'))),
      )
      a.setNonce(2n ** 64n - 2n)
      a.encryptWithAd(new Uint8Array(0), utf8('last'))
      expect(code(() => a.encryptWithAd(new Uint8Array(0), utf8('one too many')))).toBe('NonceExhausted')
      // rekey = first 32 bytes of ENCRYPT(k, 2^64-1, "", zeros)
      const r = new CipherState(p, key)
      r.rekey()
      const expected = p
        .aeadEncrypt(key, new Uint8Array(12).fill(0xff, 4), new Uint8Array(0), new Uint8Array(32))
        .slice(0, 32)
      expect(toHex(r.encryptWithAd(new Uint8Array(0), utf8('k')))).toBe(
        toHex(p.aeadEncrypt(expected, new Uint8Array(12), new Uint8Array(0), utf8('k'))),
      )
      r.wipe()
      expect(r.hasKey()).toBe(false)
      expect(toHex(r.encryptWithAd(new Uint8Array(0), utf8('plain')))).toBe(toHex(utf8('plain')))
      expect(code(() => new CipherState(p, new Uint8Array(31)))).toBe('InvalidKey')
    })
  }
})

describe('SymmetricState (§5.2)', () => {
  for (const p of all) {
    it(`${p.name}: Noise HKDF equals its three-HMAC definition (§4.3); long protocol names are hashed`, () => {
      for (const h of ['blake2s', 'sha256'] as const) {
        const ck = seeded(1)
        const ikm = seeded(2)
        // §4.3 spelled out with HMAC: temp = HMAC(ck, ikm); o1 = HMAC(temp, 1); o_i = HMAC(temp, o_{i-1} ‖ i).
        const temp = p.hmac(h, ck, ikm)
        const h1 = p.hmac(h, temp, Uint8Array.of(1))
        const h2 = p.hmac(h, temp, new Uint8Array([...h1, 2]))
        const h3 = p.hmac(h, temp, new Uint8Array([...h2, 3]))
        const [o1, o2] = noiseHkdf(p, h, ck, ikm, 2)
        expect([toHex(o1!), toHex(o2!)]).toEqual([toHex(h1), toHex(h2)])
        const three = noiseHkdf(p, h, ck, ikm, 3)
        expect(three.map(toHex)).toEqual([h1, h2, h3].map(toHex))
      }
      const long = 'Noise_XXfallback+psk0_25519_ChaChaPoly_BLAKE2s'
      const s = new SymmetricState(p, 'blake2s', long)
      expect(toHex(s.getHandshakeHash())).toBe(toHex(p.hash('blake2s', utf8(long))))
    })

    it(`${p.name}: the cached hash of a long protocol name starts every state alike and is never shared`, () => {
      const name = 'Noise_IK_25519_ChaChaPoly_BLAKE2s' // 33 bytes: hashed, then cached per provider
      const h0 = toHex(p.hash('blake2s', utf8(name)))
      const a = new SymmetricState(p, 'blake2s', name)
      a.mixHash(utf8('changes a only'))
      a.mixKey(seeded(3))
      const b = new SymmetricState(p, 'blake2s', name) // served from the cache
      expect(toHex(b.getHandshakeHash())).toBe(h0)
      expect(toHex(a.getHandshakeHash())).not.toBe(h0)
      // The same name under another hash is its own entry.
      const c = new SymmetricState(p, 'sha256', name)
      expect(toHex(c.getHandshakeHash())).toBe(toHex(p.hash('sha256', utf8(name))))
      // ck starts as h0 in both: equal HKDF outputs prove b's chaining key was not touched by a.
      const fresh = new SymmetricState(p, 'blake2s', name)
      b.mixKey(seeded(4))
      fresh.mixKey(seeded(4))
      const ct = b.encryptAndHash(utf8('x'))
      expect(toHex(fresh.encryptAndHash(utf8('x')))).toBe(toHex(ct))
    })
  }
})

describe('HandshakeState over every pattern table', () => {
  const names = Object.keys(PATTERNS)
  it('has the fundamental patterns', () => expect(names.length).toBe(15))
  for (const p of all) {
    it(`${p.name}: each pattern completes with equal hashes and working transport`, () => {
      let done = 0
      for (const name of names) {
        const pattern = PATTERNS[name]!
        const protocolName = `Noise_${name}_25519_ChaChaPoly_BLAKE2s`
        const si = seeded(3)
        const sr = seeded(4)
        const needsI =
          pattern.initiatorPre.includes('s') ||
          pattern.messages.some((m, i) => i % 2 === 0 && m.includes('s'))
        const needsR =
          pattern.responderPre.includes('s') ||
          pattern.messages.some((m, i) => i % 2 === 1 && m.includes('s'))
        const i = new HandshakeState({
          protocolName,
          initiator: true,
          prologue: utf8('p'),
          ...(needsI ? { staticSecret: si } : {}),
          ...(pattern.responderPre.includes('s') ? { remoteStatic: p.x25519PublicKey(sr) } : {}),
          rng: fixedRng(seeded(5)),
          crypto: p,
        })
        const r = new HandshakeState({
          protocolName,
          initiator: false,
          prologue: utf8('p'),
          ...(needsR ? { staticSecret: sr } : {}),
          ...(pattern.initiatorPre.includes('s') ? { remoteStatic: p.x25519PublicKey(si) } : {}),
          rng: fixedRng(seeded(6)),
          crypto: p,
        })
        while (!i.isComplete) {
          const [w, rd] = i.isMyTurn ? [i, r] : [r, i]
          expect(toHex(rd.readMessage(w.writeMessage(utf8(`m${w.messageIndex}`))))).toBe(
            toHex(utf8(`m${rd.messageIndex - 1}`)),
          )
        }
        expect(r.isComplete).toBe(true)
        expect(toHex(i.getHandshakeHash())).toBe(toHex(r.getHandshakeHash()))
        const ct = i.transport().send!.encryptWithAd(new Uint8Array(0), utf8('t'))
        expect(new TextDecoder().decode(r.transport().recv!.decryptWithAd(new Uint8Array(0), ct))).toBe('t')
        if (needsR && pattern.messages.some((m) => m.includes('s'))) expect(i.remoteStatic).toBeDefined()
        done++
      }
      expect(done).toBe(15)
    })

    it(`${p.name}: low-order peer keys are InvalidPeerKey on every DH; caps and turns are enforced`, () => {
      const protocolName = 'Noise_NN_25519_ChaChaPoly_BLAKE2s'
      const r = new HandshakeState({ protocolName, initiator: false, rng: fixedRng(seeded(1)), crypto: p })
      r.readMessage(new Uint8Array(32)) // e = all-zero point; first DH is in our reply
      expect(code(() => r.writeMessage())).toBe('InvalidPeerKey')
      expect(code(() => r.writeMessage())).toBe('Handshake') // poisoned after a failure
      const ik = new HandshakeState({
        protocolName: 'Noise_IK_25519_ChaChaPoly_BLAKE2s',
        initiator: true,
        staticSecret: seeded(1),
        remoteStatic: new Uint8Array(32),
        rng: fixedRng(seeded(2)),
        crypto: p,
      })
      expect(code(() => ik.writeMessage())).toBe('InvalidPeerKey')
      const fresh = (): HandshakeState => new HandshakeState({ protocolName, initiator: false, crypto: p })
      expect(code(() => fresh().readMessage(new Uint8Array(65536)))).toBe('FrameTooLarge')
      expect(code(() => fresh().readMessage(new Uint8Array(31)))).toBe('Handshake')
      expect(code(() => fresh().writeMessage())).toBe('Handshake') // not our turn
      const i = new HandshakeState({ protocolName, initiator: true, rng: fixedRng(seeded(3)), crypto: p })
      expect(code(() => i.writeMessage(new Uint8Array(65535 - 31)))).toBe('FrameTooLarge')
      expect(
        code(
          () =>
            new HandshakeState({
              protocolName: 'Noise_IK_25519_ChaChaPoly_BLAKE2s',
              initiator: true,
              crypto: p,
            }),
        ),
      ).toBe('InvalidKey')
    })
  }

  it('parses protocol names and refuses what it does not speak', () => {
    expect(parseProtocolName('Noise_IK_25519_ChaChaPoly_SHA256').hash).toBe('sha256')
    // Parsed suites are cached: the same frozen object comes back.
    const ik = parseProtocolName('Noise_IK_25519_ChaChaPoly_BLAKE2s')
    expect(parseProtocolName('Noise_IK_25519_ChaChaPoly_BLAKE2s')).toBe(ik)
    expect(Object.isFrozen(ik)).toBe(true)
    expect(ik.pattern.name).toBe('IK')
    for (const bad of [
      '',
      'Noise_IK_448_ChaChaPoly_BLAKE2s',
      'Noise_IK_25519_AESGCM_BLAKE2s',
      'Noise_IK_25519_ChaChaPoly_BLAKE2b',
      'Noise_NNpsk0_25519_ChaChaPoly_BLAKE2s',
      'Noise_toString_25519_ChaChaPoly_BLAKE2s',
      'Noise_IK_25519_ChaChaPoly_toString',
      'garbage',
    ]) {
      // Refusals are never cached: asking twice refuses twice.
      expect(code(() => parseProtocolName(bad))).toBe('Unsupported')
      expect(code(() => parseProtocolName(bad))).toBe('Unsupported')
    }
  })
})

describe.skipIf(!vectorsPresent)('standard cacophony vectors (needs ../shared/vectors)', () => {
  for (const [file, count] of [
    ['noise/standard-cacophony-blake2s.json', 4],
    ['noise/standard-cacophony-sha256.json', 5],
  ] as const) {
    it(`${file}: all pass through ${all.map((p) => p.name).join(' and ')}`, () => {
      const report = runCacophony(loadVectors(file), all)
      expect(report.failed).toBe(0)
      expect(report.skipped).toBe(0)
      expect(report.passed).toBe(count)
      expect(formatReport(report).at(-1)).toBe(`${count} passed, 0 failed, 0 skipped`)
    })
  }

  it('a corrupted copy fails, and an unsupported protocol is skipped, never passed', () => {
    const file = loadVectors('noise/standard-cacophony-blake2s.json')
    const v0 = file.vectors[0]
    const flip = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1)
    const corrupted = {
      vectors: [
        {
          ...v0,
          messages: v0.messages.map((m: { ciphertext: string }, i: number) =>
            i === 3 ? { ...m, ciphertext: flip(m.ciphertext) } : m,
          ),
        },
        { ...file.vectors[1], handshake_hash: flip(file.vectors[1].handshake_hash) },
        { ...file.vectors[2], protocol_name: 'Noise_XXfallback_25519_ChaChaPoly_BLAKE2s' },
        { ...file.vectors[3], resp_static: undefined },
      ],
    }
    const report = runCacophony(corrupted, all)
    expect(report.passed).toBe(0)
    expect(report.failed).toBe(3)
    expect(report.skipped).toBe(1)
    const lines = formatReport(report)
    expect(lines.filter((l) => l.startsWith('FAIL')).length).toBe(3)
    for (const l of lines.filter((x) => x.startsWith('FAIL')))
      for (const p of all) expect(l).toContain(`${p.name}:`)
    expect(lines.at(-1)).toBe('0 passed, 3 failed, 1 skipped')
    expect(() => runCacophony({ nope: 1 }, all)).toThrow(TypeError)
    expect(fromHex('00').length).toBe(1)
  })
})
