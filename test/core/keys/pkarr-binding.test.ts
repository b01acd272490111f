// 0.8.0 pkarr key binding against ../shared/vectors/noise/computed-pkarr.json and the TXT string-format
// vectors, through every provider; freshness on an injected clock; typed errors for malformed records.
import { describe, expect, it } from 'vitest'
import { providers } from '../../../electron/main/core/crypto'
import {
  extractPkarrTimestamp,
  formatPkarrNoiseRecord,
  parsePkarrNoiseRecord,
  pkarrBindingMessage,
  PkarrBindingError,
  pkarrNoiseSubdomain,
  signPkarrKeyBinding,
  verifyPkarrKeyBinding,
  verifyPkarrNoiseRecord,
} from '../../../electron/main/core/keys/pkarr-binding'
import { concatBytes, fromHex, toHex, utf8 } from '../../../electron/main/core/util/bytes'
import { ManualClock } from '../../../electron/main/core/util/clock'
import { InputError } from '../../../electron/main/core/util/errors'
import { loadVectors, vectorsPresent } from '../../helpers/vectors'

/** One entry of a vector file (heterogeneous JSON, typed as the helper types it). */
type Vector = ReturnType<typeof loadVectors>

const all = providers()

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (e instanceof PkarrBindingError || e instanceof InputError) return e.code
    throw new Error(`untyped error: ${String(e)}`)
  }
  return 'no error'
}

describe.skipIf(!vectorsPresent)('computed-pkarr.json and string formats (needs ../shared/vectors)', () => {
  const v = vectorsPresent ? loadVectors('noise/computed-pkarr.json') : { vectors: [] }
  const sf = vectorsPresent ? loadVectors('noise/pubky-noise-repo-string-formats.json') : { vectors: [] }
  const named = (name: string): Vector => sf.vectors.find((x: { name: string }) => x.name === name)

  for (const p of all) {
    it(`${p.name}: binding digest, signature, TXT forms, subdomain`, () => {
      expect(v.vectors).toHaveLength(2)
      for (const c of v.vectors) {
        const sk = fromHex(c.ed25519_secret_hex)
        const edPk = fromHex(c.ed25519_pub_hex)
        const xPk = fromHex(c.x25519_pub_hex)
        expect(toHex(p.ed25519PublicKey(sk))).toBe(c.ed25519_pub_hex)
        expect(toHex(concatBytes(utf8('pubky-noise-pkarr-binding-v1:'), edPk, xPk, utf8(c.device_id)))).toBe(
          c.binding_preimage_hex,
        )
        expect(toHex(pkarrBindingMessage(edPk, xPk, c.device_id, p))).toBe(c.binding_sha256_hex)
        const sig = signPkarrKeyBinding(sk, xPk, c.device_id, p)
        expect(toHex(sig)).toBe(c.signature_hex)
        expect(verifyPkarrKeyBinding(edPk, xPk, sig, c.device_id, p)).toBe(true)
        expect(verifyPkarrKeyBinding(edPk, xPk, sig, `${c.device_id}x`, p)).toBe(false)
        expect(formatPkarrNoiseRecord({ x25519PublicKey: xPk, signature: sig })).toBe(
          c.txt_format_x25519_for_pkarr,
        )
        expect(formatPkarrNoiseRecord({ x25519PublicKey: xPk })).toBe(c.txt_unsigned)
        if (c.txt_with_timestamp) {
          expect(
            formatPkarrNoiseRecord({ x25519PublicKey: xPk, signature: sig, timestamp: 1733356800 }),
          ).toBe(c.txt_with_timestamp)
          const clock = new ManualClock(1733356800 * 1000 + 10 * 86400 * 1000)
          expect(
            verifyPkarrNoiseRecord(c.txt_with_timestamp, {
              ed25519PublicKey: edPk,
              deviceId: c.device_id,
              clock,
              provider: p,
            }),
          ).toEqual(xPk)
        }
        expect(pkarrNoiseSubdomain(c.device_id)).toBe(c.subdomain)
        expect(parsePkarrNoiseRecord(c.txt_format_x25519_for_pkarr)).toEqual({
          x25519PublicKey: xPk,
          signature: sig,
        })
      }
    })
  }

  it('string formats: subdomain, prefixes, parse errors, timestamp extraction', () => {
    for (const [id, expected] of named('pkarr_noise_subdomain').cases)
      expect(pkarrNoiseSubdomain(id)).toBe(expected)
    const pre = named('format_x25519_for_pkarr_prefix')
    const unsigned = formatPkarrNoiseRecord({ x25519PublicKey: fromHex(pre.input_x25519_pk_hex) })
    expect(unsigned.startsWith(pre.starts_with)).toBe(true)
    expect(unsigned).toBe(pre.full_value_computed)
    const ts = named('format_x25519_for_pkarr_with_timestamp')
    const withTs = formatPkarrNoiseRecord({
      x25519PublicKey: fromHex(ts.input_x25519_pk_hex),
      timestamp: ts.timestamp,
    })
    for (const part of ts.contains) expect(withTs).toContain(part)
    expect(withTs).toBe(ts.full_value_computed_unsigned)
    const errs = named('parse_x25519_from_pkarr_errors')
    expect(errs.inputs).toHaveLength(4)
    for (const input of errs.inputs)
      expect(
        codeOf(() => parsePkarrNoiseRecord(input)),
        input,
      ).toBe('invalid-input')
    const ex = named('extract_timestamp_from_pkarr')
    for (const [txt, expected] of ex.cases) expect(extractPkarrTimestamp(txt)).toBe(expected ?? undefined)
  })
})

describe('verification and freshness (injected clock)', () => {
  const sk = new Uint8Array(32).fill(9)
  const p = all[0]!
  const edPk = p.ed25519PublicKey(sk)
  const xPk = new Uint8Array(32).fill(0x33)
  const sig = signPkarrKeyBinding(sk, xPk, 'device-a', p)
  const t0 = 1_750_000_000
  const clock = new ManualClock(t0 * 1000)
  const opts = { ed25519PublicKey: edPk, deviceId: 'device-a', clock }
  const rec = (timestamp?: number, signature: Uint8Array | undefined = sig): string =>
    formatPkarrNoiseRecord({
      x25519PublicKey: xPk,
      ...(signature ? { signature } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
    })

  it('accepts fresh records and small forward skew', () => {
    expect(verifyPkarrNoiseRecord(rec(t0), opts)).toEqual(xPk)
    expect(verifyPkarrNoiseRecord(rec(t0 - 30 * 86400), opts)).toEqual(xPk)
    expect(verifyPkarrNoiseRecord(rec(t0 + 300), opts)).toEqual(xPk)
    expect(verifyPkarrNoiseRecord(rec(), { ...opts, requireTimestamp: false })).toEqual(xPk)
  })
  it('refuses stale, future, unsigned, untimed and mis-signed records with their codes', () => {
    expect(codeOf(() => verifyPkarrNoiseRecord(rec(t0 - 30 * 86400 - 1), opts))).toBe('pkarr-stale')
    expect(codeOf(() => verifyPkarrNoiseRecord(rec(t0 - 3601), { ...opts, maxAgeSeconds: 3600 }))).toBe(
      'pkarr-stale',
    )
    expect(codeOf(() => verifyPkarrNoiseRecord(rec(t0 + 301), opts))).toBe('pkarr-future')
    expect(codeOf(() => verifyPkarrNoiseRecord(rec(t0, null as unknown as undefined), opts))).toBe(
      'pkarr-no-signature',
    )
    expect(codeOf(() => verifyPkarrNoiseRecord(rec(), opts))).toBe('pkarr-no-timestamp')
    expect(codeOf(() => verifyPkarrNoiseRecord(rec(t0), { ...opts, deviceId: 'device-b' }))).toBe(
      'pkarr-bad-signature',
    )
    const other = p.ed25519PublicKey(new Uint8Array(32).fill(8))
    expect(codeOf(() => verifyPkarrNoiseRecord(rec(t0), { ...opts, ed25519PublicKey: other }))).toBe(
      'pkarr-bad-signature',
    )
    expect(
      codeOf(() => verifyPkarrNoiseRecord(rec(t0), { ...opts, ed25519PublicKey: new Uint8Array(32) })),
    ).toBe('invalid-input')
  })
  it('malformed records are InputErrors naming the problem', () => {
    const k = formatPkarrNoiseRecord({ x25519PublicKey: xPk }).slice('v=1;'.length)
    const cases: [unknown, RegExp][] = [
      ['', /missing the v= field/],
      [`${k}`, /missing the v= field/],
      [`v=2;${k}`, /unsupported version/],
      [`v=1;v=1;${k}`, /v= field twice/],
      ['v=1;k=AAAA', /3 bytes; it must be 32/],
      ['v=1;k=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /not padded standard base64/],
      [`v=1;${k};sig=AAAA`, /sig= is 3 bytes/],
      [`v=1;${k};ts=-5`, /ts= must be unix seconds/],
      [`v=1;${k};ts=12x`, /ts= must be unix seconds/],
      [`v=1;${k};` + 'x'.repeat(2000), /limit is 1024/],
      [42, /must be text/],
    ]
    for (const [txt, msg] of cases) {
      expect(() => parsePkarrNoiseRecord(txt as string)).toThrow(InputError)
      expect(() => parsePkarrNoiseRecord(txt as string)).toThrow(msg)
    }
    expect(parsePkarrNoiseRecord(`v=1;${k};junk;future=field`).x25519PublicKey).toEqual(xPk)
    expect(verifyPkarrKeyBinding(edPk, xPk, new Uint8Array(10), 'device-a')).toBe(false)
    expect(verifyPkarrKeyBinding(edPk, 'x' as unknown as Uint8Array, sig, 'device-a')).toBe(false)
    expect(() => formatPkarrNoiseRecord({ x25519PublicKey: xPk, timestamp: -1 })).toThrow(InputError)
    expect(() => pkarrNoiseSubdomain('')).toThrow(InputError)
  })
})
