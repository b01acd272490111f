// Pubky Noise identity payloads, parsers and constants: generation detection (§2.5), policy checks
// that are stronger than the reference (role, epoch, hint length, handshake-key equality, expiry with
// skew), bad input for every parser (payload JSON, frames, opening/pattern byte, session ids) giving
// typed errors and never hanging, and pubky-noise-constants.json used as assertions.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import { systemRng } from '../../../electron/main/core/util/rng'
import { toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { ManualClock } from '../../../electron/main/core/util/clock'
import {
  DEFAULT_EXPIRY_SECS,
  MAX_MESSAGE_LEN,
  MAX_PLAINTEXT_LEN,
  MAX_SERVER_HINT_LEN,
  PATTERN_BYTES,
  PROLOGUE,
  PROLOGUE_UTF8,
  PROTOCOL_NAMES,
  PUBKY_PATTERNS,
  TAG_LEN,
  patternFromByte,
} from '../../../electron/main/core/noise/constants'
import { NoiseError } from '../../../electron/main/core/noise/errors'
import { FrameDecoder, classifyOpening, encodeFrame } from '../../../electron/main/core/noise/framing'
import {
  encodeIdentityPayload,
  parseIdentityPayload,
  signIdentityPayload,
  verifyIdentityPayload,
  type Generation,
} from '../../../electron/main/core/noise/identity'
import { PubkyHandshake } from '../../../electron/main/core/noise/pubky-handshake'
import { formatSessionId, parseSessionId } from '../../../electron/main/core/noise/session-id'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

const all = providers()
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(NoiseError)
    expect((e as Error).message.length).toBeGreaterThan(10)
    return (e as NoiseError).code
  }
  return undefined
}

const client = { x: systemRng(32), ed: systemRng(32) }
const server = { x: systemRng(32) }

describe('identity payloads', () => {
  for (const p of all) {
    const clientPub = p.x25519PublicKey(client.x)
    const serverPub = p.x25519PublicKey(server.x)
    const sign = (generation: Generation, extra: Record<string, unknown> = {}) =>
      signIdentityPayload(p, {
        generation,
        patternTag: 'IK',
        prologue: PROLOGUE,
        ed25519Secret: client.ed,
        localStatic: clientPub,
        remoteStatic: serverPub,
        role: 'Client',
        ...extra,
      })
    const verify = (bytes: Uint8Array, over: Record<string, unknown> = {}) =>
      verifyIdentityPayload(p, parseIdentityPayload(bytes), {
        patternTag: 'IK',
        prologue: PROLOGUE,
        signerStatic: clientPub,
        verifierStatic: serverPub,
        expectedRole: 'Client',
        nowSecs: 1_800_000_000,
        skewSecs: 60,
        ...over,
      })

    it(`${p.name}: each generation round-trips, is detected, and verifies; re-encoding is byte-identical`, () => {
      for (const g of ['0.8.0', '1.1.0', '1.2.0'] as const) {
        const extra = g === '0.8.0' ? {} : { serverHint: 'pos-1', expiresAt: 1_800_000_100 }
        const { bytes } = sign(g, extra)
        const parsed = parseIdentityPayload(bytes)
        expect(parsed.generation).toBe(g)
        expect(toHex(encodeIdentityPayload(parsed))).toBe(toHex(bytes))
        expect(() => verify(bytes)).not.toThrow()
      }
    })

    it(`${p.name}: policy and binding failures have their own codes`, () => {
      const v11 = sign('1.1.0', { serverHint: null, expiresAt: 1_800_000_000 })
      expect(codeOf(() => verify(v11.bytes, { nowSecs: 1_800_000_061 }))).toBe('Expired')
      expect(codeOf(() => verify(v11.bytes, { nowSecs: 1_800_000_060 }))).toBeUndefined() // within skew
      expect(codeOf(() => verify(v11.bytes, { expectedRole: 'Server' }))).toBe('Policy')
      expect(codeOf(() => verify(v11.bytes, { accept: ['1.2.0'] }))).toBe('Policy')
      // The payload's X25519 key must be the handshake's (the reference never checks this).
      expect(codeOf(() => verify(v11.bytes, { signerStatic: serverPub }))).toBe('IdentityVerify')
      // 1.2.0 binds the handshake key only through the signature.
      const v12 = sign('1.2.0')
      expect(codeOf(() => verify(v12.bytes, { signerStatic: serverPub }))).toBe('IdentityVerify')
      expect(codeOf(() => verify(v12.bytes, { verifierStatic: clientPub }))).toBe('IdentityVerify')
      // Signed expiry (1.1) cannot be changed; 1.2 expiry is unsigned by design but still enforced.
      const json = JSON.parse(new TextDecoder().decode(v11.bytes))
      json.expires_at = 1_900_000_000
      expect(codeOf(() => verify(utf8(JSON.stringify(json))))).toBe('IdentityVerify')
      json.expires_at = 1_800_000_000
      json.epoch = 1
      expect(codeOf(() => verify(utf8(JSON.stringify(json))))).toBe('Policy')
      const long = sign('1.2.0', { serverHint: 'h' })
      const lj = JSON.parse(new TextDecoder().decode(long.bytes))
      lj.server_hint = 'x'.repeat(MAX_SERVER_HINT_LEN + 1)
      expect(codeOf(() => verify(utf8(JSON.stringify(lj))))).toBe('Policy')
      expect(codeOf(() => sign('1.2.0', { serverHint: 'é'.repeat(129) }))).toBe('Policy') // 258 bytes
      expect(codeOf(() => sign('0.8.0', { serverHint: 'x' }))).toBe('Unsupported')
      expect(codeOf(() => sign('1.1.0', { expiresAt: 2 ** 53 }))).toBe('Policy')
      expect(codeOf(() => sign('1.1.0', { ed25519Secret: new Uint8Array(31) }))).toBe('InvalidKey')
    })
  }

  it('the responder rejects an expired payload during the handshake (Expired) and an IK without identity', () => {
    const p = all[0]!
    const clock = new ManualClock(1_800_000_000_000)
    const serverPub = p.x25519PublicKey(server.x)
    const c = PubkyHandshake.initiator({
      generation: '1.2.0',
      staticSecret: client.x,
      remoteStatic: serverPub,
      identity: { ed25519Secret: client.ed },
      expiresAt: true,
      clock,
      crypto: p,
    })
    const msg1 = c.writeMessage()
    clock.advance((DEFAULT_EXPIRY_SECS + 61) * 1000)
    const s = PubkyHandshake.responder('IK', { staticSecret: server.x, clock, crypto: p })
    expect(codeOf(() => s.readMessage(msg1))).toBe('Expired')
    // IK needs an identity to sign with.
    expect(
      codeOf(() => PubkyHandshake.initiator({ staticSecret: client.x, remoteStatic: serverPub, crypto: p })),
    ).toBe('InvalidKey')
    // An IK msg1 with an empty payload is IK-raw, unless the listener does not allow IK-raw.
    const raw = PubkyHandshake.initiator({
      pattern: 'IK-raw',
      staticSecret: client.x,
      remoteStatic: serverPub,
      crypto: p,
    })
    const m = raw.writeMessage()
    const strict = PubkyHandshake.responder('IK', {
      staticSecret: server.x,
      allowPatterns: ['IK'],
      crypto: p,
    })
    expect(codeOf(() => strict.readMessage(m))).toBe('IdentityVerify')
  })
})

describe('bad input for every parser: typed errors, no hang', () => {
  it('identity payload JSON', () => {
    const good = JSON.parse(
      new TextDecoder().decode(
        signIdentityPayload(all[0]!, {
          generation: '1.2.0',
          patternTag: 'IK',
          prologue: PROLOGUE,
          ed25519Secret: client.ed,
          localStatic: new Uint8Array(32).fill(1),
          role: 'Client',
        }).bytes,
      ),
    )
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0xff, 0xfe),
      utf8('not json'),
      utf8('[]'),
      utf8('null'),
      utf8('"str"'),
      utf8('{'),
      utf8('{}'),
      utf8('{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}'),
      utf8(JSON.stringify({ ...good, ed25519_pub: good.ed25519_pub.slice(1) })),
      utf8(JSON.stringify({ ...good, ed25519_pub: [...good.ed25519_pub.slice(1), 256] })),
      utf8(JSON.stringify({ ...good, ed25519_pub: [...good.ed25519_pub.slice(1), -1] })),
      utf8(JSON.stringify({ ...good, ed25519_pub: [...good.ed25519_pub.slice(1), 1.5] })),
      utf8(JSON.stringify({ ...good, ed25519_pub: [...good.ed25519_pub.slice(1), '1'] })),
      utf8(JSON.stringify({ ...good, sig: good.sig.slice(1) })),
      utf8(JSON.stringify({ ...good, role: 'client' })),
      utf8(JSON.stringify({ ...good, server_hint: 7 })),
      utf8(JSON.stringify({ ...good, hint_expires_at: -1 })),
      utf8(JSON.stringify({ ...good, hint_expires_at: 2 ** 64 })),
      utf8(JSON.stringify({ ...good, epoch: 0 })), // epoch without noise_x25519_pub
      utf8(JSON.stringify({ ...good, noise_x25519_pub: good.ed25519_pub })), // hint without epoch
      utf8(
        JSON.stringify({ ...good, noise_x25519_pub: good.ed25519_pub, epoch: 2 ** 32, server_hint: null }),
      ),
      utf8(JSON.stringify({ ...good, __proto__: { role: 'Client' }, role: undefined })),
    ]
    for (const b of bad) expect(codeOf(() => parseIdentityPayload(b))).toBe('Payload')
    // lenient like serde: order and unknown fields do not matter
    const reordered = { sig: good.sig, extra: { deep: [1] }, role: good.role, ed25519_pub: good.ed25519_pub }
    expect(parseIdentityPayload(utf8(JSON.stringify(reordered))).generation).toBe('1.2.0')
  })

  it('frames: oversized lengths are refused before buffering; split and coalesced input decode', () => {
    expect(codeOf(() => encodeFrame(new Uint8Array(MAX_MESSAGE_LEN + 1)))).toBe('FrameTooLarge')
    const d = new FrameDecoder()
    const head = new Uint8Array(4)
    new DataView(head.buffer).setUint32(0, MAX_MESSAGE_LEN + 1)
    expect(codeOf(() => d.push(head))).toBe('FrameTooLarge')
    expect(d.buffered).toBe(0)
    new DataView(head.buffer).setUint32(0, 0xffffffff)
    expect(codeOf(() => new FrameDecoder().push(head))).toBe('FrameTooLarge')
    const two = new Uint8Array([...encodeFrame(utf8('ab')), ...encodeFrame(utf8('cde'))])
    const dec = new FrameDecoder()
    const out: string[] = []
    for (const byte of two)
      for (const f of dec.push(Uint8Array.of(byte))) out.push(new TextDecoder().decode(f))
    expect(out).toEqual(['ab', 'cde'])
    expect(dec.push(two).length).toBe(2)
    expect(dec.push(new Uint8Array(3))).toEqual([])
  })

  it('opening classification and the pattern byte (§4.6)', () => {
    const msg1 = systemRng(120)
    const prefixed = encodeFrame(msg1)
    const withByte = (p: keyof typeof PATTERN_BYTES, m: Uint8Array) => encodeFrame(m, PATTERN_BYTES[p])
    expect(classifyOpening(prefixed, true)).toMatchObject({
      kind: 'prefixed',
      pattern: 'IK',
      patternByte: false,
    })
    expect(classifyOpening(prefixed, false)).toMatchObject({ kind: 'prefixed', pattern: 'IK' })
    for (const p of PUBKY_PATTERNS) {
      const m = systemRng(p === 'N' ? 48 : p === 'NN' || p === 'XX' ? 32 : 96)
      const o = classifyOpening(withByte(p, m), false)
      expect(o).toMatchObject({ kind: 'prefixed', pattern: p, patternByte: true })
      if (o.kind === 'prefixed') expect(toHex(o.msg1)).toBe(toHex(m))
    }
    // A 0x00 pattern byte with a long IK msg1 must not be read as a short no-byte prefix.
    const big = systemRng(20_000)
    expect(classifyOpening(withByte('IK', big), false)).toMatchObject({ kind: 'prefixed', patternByte: true })
    expect(classifyOpening(prefixed.subarray(0, 50), false)).toMatchObject({
      kind: 'incomplete',
      needed: 124,
    })
    expect(classifyOpening(prefixed.subarray(0, 50), true).kind).toBe('raw')
    // Raw: a random ephemeral key practically never looks like a length prefix.
    const raw = systemRng(600)
    raw[0] = 0x80
    expect(classifyOpening(raw, true)).toMatchObject({ kind: 'raw', pattern: 'IK' })
    expect(classifyOpening(raw, false)).toMatchObject({ kind: 'raw' })
    expect(classifyOpening(new Uint8Array(0), false).kind).toBe('incomplete')
    expect(classifyOpening(Uint8Array.of(0), true).kind).toBe('raw')
    for (let i = 0; i < 300; i++) {
      const junk = systemRng(1 + (i % 70))
      expect(['raw', 'incomplete', 'prefixed']).toContain(classifyOpening(junk, i % 2 === 0).kind)
    }
    for (const b of [5, 6, 255]) expect(patternFromByte(b)).toBeUndefined()
  })

  it('session ids (pubky-noise-repo-string-formats.json entries when present)', () => {
    const cases = vectorsPresent
      ? // eslint-disable-next-line @typescript-eslint/no-explicit-any -- vector JSON
        loadVectors('noise/pubky-noise-repo-string-formats.json').vectors.filter((v: any) =>
          v.name.startsWith('session_id'),
        )
      : []
    let n = 0
    for (const c of cases) {
      if (c.inputs) {
        for (const bad of c.inputs) {
          expect(codeOf(() => parseSessionId(bad))).toBe('InvalidKey')
          n++
        }
      } else {
        expect(formatSessionId(parseSessionId(c.input))).toBe(c.to_string)
        n++
      }
    }
    if (vectorsPresent) expect(n).toBe(5)
    expect(codeOf(() => formatSessionId(new Uint8Array(31)))).toBe('InvalidKey')
  })
})

describe.skipIf(!vectorsPresent)('pubky-noise-constants.json as assertions (needs ../shared/vectors)', () => {
  const k = vectorsPresent ? loadVectors('noise/pubky-noise-constants.json') : {}
  it('prologue, protocol names, pattern bytes, limits', () => {
    expect(PROLOGUE_UTF8).toBe(k.prologue.utf8)
    expect(toHex(PROLOGUE)).toBe(k.prologue.hex)
    expect(PROLOGUE.length).toBe(k.prologue.length)
    for (const p of PUBKY_PATTERNS) {
      expect(PROTOCOL_NAMES[p]).toBe(k.noise_protocol_names[p].name)
      expect(PATTERN_BYTES[p]).toBe(k.pattern_negotiation_bytes_0_8_0[p])
    }
    expect(MAX_MESSAGE_LEN).toBe(k.limits.snow_MAXMSGLEN)
    expect(TAG_LEN).toBe(k.limits.snow_TAGLEN)
    expect(MAX_PLAINTEXT_LEN).toBe(k.limits.max_transport_plaintext_per_noise_message)
    expect(MAX_SERVER_HINT_LEN).toBe(k.limits['MAX_SERVER_HINT_LEN_1.x'])
    expect(DEFAULT_EXPIRY_SECS).toBe(k.limits.DEFAULT_HANDSHAKE_EXPIRY_SECS)
    expect(k.binding_domain_strings['0.8.0'].prefix).toBe('pubky-noise-bind:v2')
    expect(k.binding_domain_strings['1.0.0-1.1.x'].prefix).toBe('pubky-noise-bind:v1')
    expect(k.binding_domain_strings['1.2.0'].prefix).toBe('pubky-noise-binding/v1')
  })
})
