/**
 * @module crypto/noise-hkdf
 * The Noise HKDF (rev 34 §4.3) built from any one-shot HMAC, for the suites and providers that have
 * no dedicated allocation-free path (SHA-256 suites; the noble provider). It reads like the spec:
 * temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01); out_i = HMAC(temp, out_{i-1} ‖ i).
 * Every intermediate (temp, each HMAC result, the `out_{i-1} ‖ i` input) is wiped before it returns.
 */
import { InputError } from '../util/errors'

type Hmac = (key: Uint8Array, data: Uint8Array) => Uint8Array

const ONE = Uint8Array.of(1)

function checkOut(out: Uint8Array | undefined, hashLen: number, what: string): void {
  if (out !== undefined && (!(out instanceof Uint8Array) || out.length !== hashLen))
    throw new InputError(`${what} must be ${hashLen} bytes (Uint8Array)`)
}

/** Noise HKDF over `hmac` (whose output is `hashLen` bytes) into out1..out3; see `CryptoProvider.noiseHkdf`. */
export function noiseHkdfWithHmac(
  hmac: Hmac,
  hashLen: number,
  chainingKey: Uint8Array,
  ikm: Uint8Array,
  out1: Uint8Array,
  out2: Uint8Array,
  out3?: Uint8Array,
): void {
  checkOut(out1, hashLen, 'HKDF output 1')
  checkOut(out2, hashLen, 'HKDF output 2')
  checkOut(out3, hashLen, 'HKDF output 3')
  const temp = hmac(chainingKey, ikm)
  const input = new Uint8Array(hashLen + 1)
  try {
    const o1 = hmac(temp, ONE)
    out1.set(o1)
    o1.fill(0)
    const outs = out3 === undefined ? [out1, out2] : [out1, out2, out3]
    for (let i = 1; i < outs.length; i++) {
      input.set(outs[i - 1]!)
      input[hashLen] = i + 1
      const o = hmac(temp, input)
      outs[i]!.set(o)
      o.fill(0)
    }
  } finally {
    temp.fill(0)
    input.fill(0)
  }
}
