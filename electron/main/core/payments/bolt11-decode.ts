/**
 * @module payments/bolt11-decode
 * A strict BOLT #11 reader for the checks the POS itself makes: which payment hash an invoice
 * commits to, for how much, until when, and *who signed it*. light-bolt11-decoder (installed) reads
 * fields but checks no signature and does not skip wrong-length fields as the spec requires, so
 * the product reads the words itself; the tests cross-check this reader against that library and
 * the spec's example invoices.
 *
 * Reader rules implemented (BOLT #11 "Tagged Fields", "Feature Bits"):
 * - bech32 checksum, no mixed case, no length limit beyond our own 8,000-character cap;
 * - `p`, `h`, `s`, `n` fields with a data_length other than 52, 52, 52, 53 are skipped;
 *   unknown fields are skipped; the first valid field of each type wins;
 * - exactly one usable `p`, and a `d` or `h`;
 * - unknown *even* feature bits fail; known features must have their dependencies; the
 *   payment_secret feature requires an `s` field;
 * - the signature is checked against `n` when present, otherwise the payee key is recovered.
 * Surrounding whitespace and a `lightning:` URI scheme are tolerated (what a QR scan yields).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bech32 } from '@scure/base'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { fromUtf8 } from '../util/bytes'
import {
  DEFAULT_EXPIRY_SECS,
  DEFAULT_MIN_FINAL_CLTV_EXPIRY,
  FEATURE,
  SIGNATURE_WORDS,
  TAG,
  TIMESTAMP_WORDS,
  hasFeature,
  isKnownFeature,
  missingFeatureDependency,
  parseHrp,
  signatureHash,
  wordsToBytes,
  wordsToFeatures,
  wordsToInt,
  type Bolt11Network,
} from './bolt11-format'
import { PaymentError } from './errors'

/** Longer strings are refused before any parsing (real invoices are a few hundred characters). */
export const MAX_INVOICE_CHARS = 8000

export interface DecodedBolt11 {
  /** The invoice in lowercase. */
  invoice: string
  network: Bolt11Network
  /** Null for an "any amount" invoice. */
  amountMsat: bigint | null
  /** Unix seconds. */
  timestamp: number
  paymentHash: Uint8Array
  paymentSecret: Uint8Array | null
  description: string | null
  descriptionHash: Uint8Array | null
  /** The `x` field, or the 3600 s default. */
  expirySecs: number
  /** `timestamp + expirySecs`, Unix seconds: the invoice is unpayable from this second on. */
  expiresAt: number
  /** The `c` field, or the default of 18. */
  minFinalCltvExpiry: number
  /** Feature bit numbers, ascending. */
  features: number[]
  /** 33-byte compressed key of the node that signed the invoice (verified). */
  payeeNodeKey: Uint8Array
  /** Whether the key came from an `n` field (true) or from signature recovery (false). */
  payeeKeyFromField: boolean
  /** 64-byte r || s. */
  signature: Uint8Array
  recoveryId: number
}

/** Fixed data lengths; a field of the same type with another length is skipped (BOLT #11). */
const FIXED_WORDS: Readonly<Record<number, number>> = {
  [TAG.paymentHash]: 52,
  [TAG.descriptionHash]: 52,
  [TAG.paymentSecret]: 52,
  [TAG.payeeNodeKey]: 53,
}

function malformed(message: string, cause?: unknown): PaymentError {
  return new PaymentError('bolt11-malformed', message, cause === undefined ? undefined : { cause })
}

/**
 * Decodes an invoice and verifies its signature. Throws `PaymentError` with a code naming the
 * failed check: `bolt11-too-long`, `bolt11-malformed`, `bolt11-unknown-network`,
 * `bolt11-bad-amount`, `bolt11-missing-field`, `bolt11-unknown-required-feature`,
 * `bolt11-bad-signature`.
 */
export function decodeBolt11(invoice: string, crypto: CryptoProvider = defaultProvider()): DecodedBolt11 {
  if (typeof invoice !== 'string') throw malformed('invoice must be a string')
  if (invoice.length > MAX_INVOICE_CHARS) {
    throw new PaymentError(
      'bolt11-too-long',
      `invoice is ${invoice.length} characters; at most ${MAX_INVOICE_CHARS} are accepted`,
    )
  }
  const text = invoice.trim().replace(/^lightning:/i, '')
  let hrp: string
  let words: number[]
  try {
    const decoded = bech32.decode(text as `${string}1${string}`, false)
    hrp = decoded.prefix
    words = Array.from(decoded.words)
  } catch (e) {
    throw malformed(`invoice is not valid bech32: ${e instanceof Error ? e.message : String(e)}`, e)
  }
  if (!hrp.startsWith('ln')) throw malformed('invoice does not start with "ln"')
  const { network, amountMsat } = parseHrp(hrp)
  if (amountMsat === 0n) throw new PaymentError('bolt11-bad-amount', 'invoice amount is zero')
  if (words.length < TIMESTAMP_WORDS + SIGNATURE_WORDS) {
    throw malformed('invoice is too short to hold a timestamp and a signature')
  }

  const dataWords = words.slice(0, words.length - SIGNATURE_WORDS)
  const sigBytes = wordsToBytes(words.slice(words.length - SIGNATURE_WORDS), false)
  const timestamp = wordsToInt(dataWords.slice(0, TIMESTAMP_WORDS))

  const first = new Map<number, number[]>()
  let i = TIMESTAMP_WORDS
  while (i < dataWords.length) {
    if (i + 3 > dataWords.length) throw malformed('a tagged field is cut off before its length')
    const tag = dataWords[i]!
    const len = dataWords[i + 1]! * 32 + dataWords[i + 2]!
    const start = i + 3
    if (start + len > dataWords.length) {
      throw malformed(`tagged field ${tag} claims ${len} words but the invoice ends first`)
    }
    const data = dataWords.slice(start, start + len)
    i = start + len
    const fixed = FIXED_WORDS[tag]
    if (fixed !== undefined && len !== fixed) continue // wrong length: MUST skip
    if (!first.has(tag)) first.set(tag, data)
  }

  const bytesOf = (tag: number): Uint8Array | null => {
    const data = first.get(tag)
    return data === undefined ? null : wordsToBytes(data, false)
  }
  const intOf = (tag: number, fallback: number): number => {
    const data = first.get(tag)
    return data === undefined ? fallback : wordsToInt(data)
  }

  const paymentHash = bytesOf(TAG.paymentHash)
  if (!paymentHash) throw new PaymentError('bolt11-missing-field', 'invoice has no valid payment hash (p)')
  const descriptionBytes = bytesOf(TAG.description)
  let description: string | null = null
  if (descriptionBytes !== null) {
    try {
      description = fromUtf8(descriptionBytes, 'invoice description')
    } catch (e) {
      throw malformed('invoice description (d) is not valid UTF-8', e)
    }
  }
  const descriptionHash = bytesOf(TAG.descriptionHash)
  if (description === null && descriptionHash === null) {
    throw new PaymentError('bolt11-missing-field', 'invoice has neither a description (d) nor its hash (h)')
  }
  const paymentSecret = bytesOf(TAG.paymentSecret)
  const features = wordsToFeatures(first.get(TAG.features) ?? [])
  checkFeatures(features, paymentSecret !== null)
  const expirySecs = intOf(TAG.expiry, DEFAULT_EXPIRY_SECS)
  const minFinalCltvExpiry = intOf(TAG.minFinalCltvExpiry, DEFAULT_MIN_FINAL_CLTV_EXPIRY)

  const recoveryId = sigBytes[64]!
  const signature = sigBytes.subarray(0, 64)
  const digest = signatureHash(hrp, dataWords, crypto)
  const fieldKey = bytesOf(TAG.payeeNodeKey)
  let payeeNodeKey: Uint8Array
  if (fieldKey) {
    // "if a valid n field is provided: MUST use the n field to validate the signature"
    let valid = false
    try {
      valid = secp256k1.verify(signature, digest, fieldKey, { prehash: false, lowS: false })
    } catch {
      valid = false
    }
    if (!valid) {
      throw new PaymentError('bolt11-bad-signature', 'invoice signature does not match its payee key (n)')
    }
    payeeNodeKey = fieldKey
  } else {
    if (recoveryId > 3) {
      throw new PaymentError(
        'bolt11-bad-signature',
        `invoice signature recovery id is ${recoveryId}, not 0-3`,
      )
    }
    try {
      const recoverable = Uint8Array.of(recoveryId, ...signature)
      payeeNodeKey = secp256k1.recoverPublicKey(recoverable, digest, { prehash: false })
    } catch (e) {
      throw new PaymentError('bolt11-bad-signature', 'invoice signature is not recoverable to a payee key', {
        cause: e,
      })
    }
  }

  return {
    invoice: text.toLowerCase(),
    network,
    amountMsat,
    timestamp,
    paymentHash,
    paymentSecret,
    description,
    descriptionHash,
    expirySecs,
    expiresAt: timestamp + expirySecs,
    minFinalCltvExpiry,
    features,
    payeeNodeKey,
    payeeKeyFromField: fieldKey !== null,
    signature: signature.slice(),
    recoveryId,
  }
}

function checkFeatures(features: readonly number[], hasSecretField: boolean): void {
  const unknownRequired = features.filter((b) => b % 2 === 0 && !isKnownFeature(b))
  if (unknownRequired.length > 0) {
    throw new PaymentError(
      'bolt11-unknown-required-feature',
      `invoice requires feature bit ${unknownRequired.join(', ')}, which this POS does not understand`,
    )
  }
  // Transitive dependencies from BOLT #9: payment_secret needs var_onion_optin; basic_mpp needs
  // payment_secret. A vector without them "MUST NOT" be paid.
  const gap = missingFeatureDependency(features)
  if (gap) throw new PaymentError('bolt11-malformed', `invoice sets ${gap.feature} without ${gap.needs}`)
  if (hasFeature(features, FEATURE.paymentSecret) && !hasSecretField) {
    throw new PaymentError('bolt11-missing-field', 'invoice sets payment_secret but has no secret (s) field')
  }
}
