/**
 * @module payments/bolt11-format
 * The parts of BOLT #11 (lightning/bolts `11-payment-encoding.md`) that the encoder and the decoder
 * share: currency prefixes, the amount in the human-readable part, tag numbers, 5-bit word packing,
 * the feature-bit vector and the hash the signature covers. Keeping them in one place is what makes
 * the two directions agree by construction; the tests then check both against light-bolt11-decoder
 * and the spec's own example invoices.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { concatBytes, utf8 } from '../util/bytes'
import { PaymentError } from './errors'

export type Bolt11Network = 'bitcoin' | 'testnet' | 'signet' | 'regtest'

/** `ln` + the BIP-173 currency prefix. */
export const BOLT11_PREFIX: Readonly<Record<Bolt11Network, string>> = {
  bitcoin: 'lnbc',
  testnet: 'lntb',
  signet: 'lntbs',
  regtest: 'lnbcrt',
}

/** Tagged-field type numbers (the 5-bit value of the tag letter). */
export const TAG = {
  paymentHash: 1, // p
  routeHint: 3, // r
  features: 5, // 9
  expiry: 6, // x
  fallback: 9, // f
  description: 13, // d
  paymentSecret: 16, // s
  payeeNodeKey: 19, // n
  descriptionHash: 23, // h
  minFinalCltvExpiry: 24, // c
  metadata: 27, // m
} as const

/** Defaults a reader applies when the field is absent (BOLT #11 "Tagged Fields"). */
export const DEFAULT_EXPIRY_SECS = 3600
export const DEFAULT_MIN_FINAL_CLTV_EXPIRY = 18

/** Words in the signature: 64-byte r||s plus the recovery id byte = 520 bits. */
export const SIGNATURE_WORDS = 104
/** Words in the timestamp (35 bits). */
export const TIMESTAMP_WORDS = 7
/** A tagged field's data_length is 10 bits. */
export const MAX_FIELD_WORDS = 1023
/** Longest UTF-8 description that fits one `d` field (1023 words hold 639 whole bytes). */
export const MAX_DESCRIPTION_BYTES = 639

export const MSAT_PER_BTC = 100_000_000_000n
/** 21 million BTC: nothing above this is a real amount. */
export const MAX_MSAT = 21_000_000n * MSAT_PER_BTC

/**
 * The shortest amount string for `msat` (BOLT #11: "SHOULD use the shortest representation
 * possible, by using the largest multiplier or omitting the multiplier"). Sub-satoshi amounts come
 * out in `n` or `p`; `p` always ends in 0 because an HTLC cannot carry less than 1 msat.
 */
export function encodeHrpAmount(msat: bigint): string {
  if (msat <= 0n || msat > MAX_MSAT) {
    throw new PaymentError('bolt11-invalid-field', `amount must be 1..${MAX_MSAT} msat, got ${msat}`)
  }
  if (msat % MSAT_PER_BTC === 0n) return String(msat / MSAT_PER_BTC)
  if (msat % 100_000_000n === 0n) return `${msat / 100_000_000n}m`
  if (msat % 100_000n === 0n) return `${msat / 100_000n}u`
  if (msat % 100n === 0n) return `${msat / 100n}n`
  return `${msat * 10n}p`
}

const MULTIPLIER_DIVISOR: Readonly<Record<string, bigint>> = {
  m: 1_000n,
  u: 1_000_000n,
  n: 1_000_000_000n,
  p: 1_000_000_000_000n,
}

// Longest-prefix first, so `lnbcrt` is not read as `lnbc` and `lntbs` not as `lntb`.
const PREFIXES_BY_LENGTH = (Object.entries(BOLT11_PREFIX) as [Bolt11Network, string][]).sort(
  (a, b) => b[1].length - a[1].length,
)

/** Splits a human-readable part into network and amount (null = "any amount"). */
export function parseHrp(hrp: string): { network: Bolt11Network; amountMsat: bigint | null } {
  const found = PREFIXES_BY_LENGTH.find(([, prefix]) => hrp.startsWith(prefix))
  if (!found) {
    throw new PaymentError(
      'bolt11-unknown-network',
      `invoice prefix "${hrp.slice(0, 12)}" is not lnbc, lntb, lntbs or lnbcrt`,
    )
  }
  const [network, prefix] = found
  const rest = hrp.slice(prefix.length)
  if (rest === '') return { network, amountMsat: null }
  const m = /^([1-9][0-9]{0,19})([munp]?)$/.exec(rest)
  if (!m) {
    throw new PaymentError(
      'bolt11-bad-amount',
      `invoice amount "${rest.slice(0, 24)}" is not a number without leading zeros followed by m, u, n, p or nothing`,
    )
  }
  const value = BigInt(m[1]!)
  const multiplier = m[2]!
  let msat: bigint
  if (multiplier === '') {
    msat = value * MSAT_PER_BTC
  } else {
    const divisor = MULTIPLIER_DIVISOR[multiplier]!
    if (multiplier === 'p' && value % 10n !== 0n) {
      throw new PaymentError(
        'bolt11-bad-amount',
        `invoice amount ${rest} is a fraction of a millisatoshi (a pico amount must end in 0)`,
      )
    }
    msat = (value * MSAT_PER_BTC) / divisor
  }
  if (msat > MAX_MSAT) {
    throw new PaymentError('bolt11-bad-amount', `invoice amount ${rest} is more than 21 million BTC`)
  }
  return { network, amountMsat: msat }
}

/** `n` as exactly `length` big-endian 5-bit words. */
export function intToWordsFixed(n: number, length: number): number[] {
  const out = new Array<number>(length).fill(0)
  let v = n
  for (let i = length - 1; i >= 0; i--) {
    out[i] = v % 32
    v = Math.floor(v / 32)
  }
  if (v !== 0) throw new PaymentError('bolt11-invalid-field', `${n} does not fit in ${length * 5} bits`)
  return out
}

/** `n` as the fewest big-endian 5-bit words ("SHOULD use the minimum data_length possible"). */
export function intToWordsMinimal(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v > 0) {
    out.unshift(v % 32)
    v = Math.floor(v / 32)
  }
  return out
}

/** Big-endian words to an integer; refuses values beyond 2^53 rather than rounding them. */
export function wordsToInt(words: readonly number[]): number {
  let v = 0
  for (const w of words) {
    v = v * 32 + w
    if (!Number.isSafeInteger(v)) {
      throw new PaymentError('bolt11-malformed', 'an integer field of the invoice is larger than 2^53')
    }
  }
  return v
}

/**
 * Regroups 5-bit words into bytes. `pad` appends zero bits up to the next byte (what the signature
 * hash needs); without it, trailing bits that do not fill a byte are dropped (what fixed-size fields
 * such as the 52-word payment hash need: 260 bits = 32 bytes + 4 padding bits).
 */
export function wordsToBytes(words: readonly number[], pad: boolean): Uint8Array {
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const w of words) {
    acc = ((acc << 5) | w) & 0xfff
    bits += 5
    while (bits >= 8) {
      bits -= 8
      out.push((acc >> bits) & 0xff)
    }
  }
  if (pad && bits > 0) out.push((acc << (8 - bits)) & 0xff)
  return Uint8Array.from(out)
}

/** Bytes to 5-bit words, zero-padding the last word. */
export function bytesToWords(bytes: Uint8Array): number[] {
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0x1fff
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out.push((acc >> bits) & 31)
    }
  }
  if (bits > 0) out.push((acc << (5 - bits)) & 31)
  return out
}

/** The feature vector as words: bit 0 is the least significant bit of the last word. */
export function featuresToWords(bits: readonly number[]): number[] {
  if (bits.length === 0) return []
  const max = Math.max(...bits)
  const words = new Array<number>(Math.floor(max / 5) + 1).fill(0)
  for (const b of bits) {
    if (!Number.isInteger(b) || b < 0 || b > 5000) {
      throw new PaymentError('bolt11-invalid-field', `feature bit ${b} is not an integer in 0..5000`)
    }
    const index = words.length - 1 - Math.floor(b / 5)
    words[index] = words[index]! | (1 << (b % 5))
  }
  return words
}

/** The set bit numbers of a feature vector, ascending. */
export function wordsToFeatures(words: readonly number[]): number[] {
  const out: number[] = []
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i]!
    const base = (words.length - 1 - i) * 5
    for (let j = 0; j < 5; j++) if (w & (1 << j)) out.push(base + j)
  }
  return out
}

/** BOLT #9 feature bits this code knows in an invoice (even = required, odd = optional). */
export const FEATURE = {
  varOnionOptin: 8,
  paymentSecret: 14,
  basicMpp: 16,
  paymentMetadata: 48,
} as const

const KNOWN_FEATURE_PAIRS: readonly number[] = Object.values(FEATURE)

/** True when `bit` (required or optional form) belongs to a feature we know. */
export function isKnownFeature(bit: number): boolean {
  return KNOWN_FEATURE_PAIRS.includes(bit & ~1)
}

/** True when the vector sets `feature` in either its required or its optional form. */
export function hasFeature(bits: readonly number[], feature: number): boolean {
  return bits.includes(feature) || bits.includes(feature + 1)
}

/**
 * BOLT #9 dependencies among the features we know, as [feature, the feature it needs] (even bits).
 * The encoder completes them and the decoder refuses an invoice that lacks one, so the two
 * directions cannot disagree.
 */
const FEATURE_DEPENDENCIES: readonly (readonly [number, number])[] = [
  [FEATURE.paymentSecret, FEATURE.varOnionOptin],
  [FEATURE.basicMpp, FEATURE.paymentSecret],
]

const FEATURE_NAMES: Readonly<Record<number, string>> = {
  [FEATURE.varOnionOptin]: 'var_onion_optin',
  [FEATURE.paymentSecret]: 'payment_secret',
  [FEATURE.basicMpp]: 'basic_mpp',
  [FEATURE.paymentMetadata]: 'payment_metadata',
}

/** The first dependency `bits` sets without what it needs, by name, or null when all are met. */
export function missingFeatureDependency(bits: readonly number[]): { feature: string; needs: string } | null {
  for (const [feature, needs] of FEATURE_DEPENDENCIES) {
    if (hasFeature(bits, feature) && !hasFeature(bits, needs)) {
      return { feature: FEATURE_NAMES[feature]!, needs: FEATURE_NAMES[needs]! }
    }
  }
  return null
}

/**
 * `bits` with every missing dependency added ("MUST set all transitive feature dependencies"), in
 * the same form as the feature that needs it: required (even) for a required feature, else
 * optional. Sorted and without duplicates.
 */
export function withFeatureDependencies(bits: readonly number[]): number[] {
  const out = new Set(bits)
  // Walk the table until nothing changes (dependencies are transitive: basic_mpp → … → var_onion_optin).
  for (let changed = true; changed;) {
    changed = false
    for (const [feature, needs] of FEATURE_DEPENDENCIES) {
      const required = out.has(feature)
      if ((required || out.has(feature + 1)) && !out.has(needs) && !out.has(needs + 1)) {
        out.add(required ? needs : needs + 1)
        changed = true
      }
    }
  }
  return [...out].sort((a, b) => a - b)
}

/**
 * The 32-byte message the signature covers: SHA-256 of the human-readable part as UTF-8 followed by
 * the data part (timestamp and tagged fields, not the signature) zero-padded to a whole byte.
 */
export function signatureHash(
  hrp: string,
  dataWords: readonly number[],
  crypto: CryptoProvider = defaultProvider(),
): Uint8Array {
  return crypto.hash('sha256', concatBytes(utf8(hrp), wordsToBytes(dataWords, true)))
}
