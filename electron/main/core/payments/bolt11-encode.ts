/**
 * @module payments/bolt11-encode
 * A BOLT #11 invoice writer (lightning/bolts `11-payment-encoding.md`): human-readable part with the
 * shortest amount form, 35-bit timestamp, tagged fields, and a recoverable secp256k1 signature over
 * SHA-256(hrp || data) with the recovery id as the last byte. Signing is RFC 6979 deterministic and
 * low-S (noble's defaults, which match libsecp256k1), so the spec's example invoices are reproduced
 * character for character from their inputs; the tests check that.
 *
 * Field order is fixed: p, d|h, s, n, x, c, 9. The spec examples that carry these fields use this
 * order, and readers accept any order.
 *
 * secp256k1 is not in the `CryptoProvider` port (nothing else in the core needs it), so it comes
 * from @noble/curves directly; SHA-256 goes through the provider.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bech32 } from '@scure/base'
import { defaultProvider, type CryptoProvider } from '../crypto'
import { concatBytes, utf8 } from '../util/bytes'
import {
  BOLT11_PREFIX,
  FEATURE,
  MAX_DESCRIPTION_BYTES,
  MAX_FIELD_WORDS,
  TAG,
  TIMESTAMP_WORDS,
  bytesToWords,
  encodeHrpAmount,
  featuresToWords,
  hasFeature,
  intToWordsFixed,
  intToWordsMinimal,
  signatureHash,
  withFeatureDependencies,
  type Bolt11Network,
} from './bolt11-format'
import { PaymentError } from './errors'

export interface Bolt11Fields {
  network: Bolt11Network
  /** Amount in millisatoshi; leave out for an "any amount" invoice. */
  amountMsat?: bigint
  /** Unix seconds. */
  timestamp: number
  /** SHA-256 of the preimage the payee reveals on payment (32 bytes). */
  paymentHash: Uint8Array
  /** 32 bytes. Required exactly when the payment_secret feature (14/15) is set. */
  paymentSecret?: Uint8Array
  /** Exactly one of `description` and `descriptionHash`. */
  description?: string
  /** SHA-256 of a description carried elsewhere (32 bytes). */
  descriptionHash?: Uint8Array
  /** Seconds after `timestamp` the invoice stays payable; readers assume 3600 when absent. */
  expirySecs?: number
  /** Readers assume 18 when absent. */
  minFinalCltvExpiry?: number
  /**
   * BOLT #9 feature bit numbers (the `9` field); empty or absent means no field. Missing
   * dependencies are added (payment_secret brings var_onion_optin, basic_mpp brings payment_secret).
   */
  features?: readonly number[]
  /** Also write the `n` field (33-byte payee key) so readers need not recover it. */
  includePayeeNodeKey?: boolean
}

const MAX_TIMESTAMP = 2 ** 35 - 1
/** Expiry and CLTV beyond this are nonsense for a POS and only risk integer surprises in readers. */
const MAX_SMALL_INT = 2 ** 32 - 1

function field(tag: number, data: readonly number[]): number[] {
  if (data.length > MAX_FIELD_WORDS) {
    throw new PaymentError('bolt11-invalid-field', `tagged field ${tag} is ${data.length} words (max 1023)`)
  }
  return [tag, data.length >> 5, data.length & 31, ...data]
}

function bytes32(value: Uint8Array | undefined, name: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    throw new PaymentError('bolt11-invalid-field', `${name} must be 32 bytes`)
  }
  return value
}

function smallInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_SMALL_INT) {
    throw new PaymentError('bolt11-invalid-field', `${name} must be an integer in 1..${MAX_SMALL_INT}`)
  }
  return value
}

/** The compressed (33-byte) node key of a secp256k1 node secret. */
export function nodePublicKey(nodeSecretKey: Uint8Array): Uint8Array {
  if (!(nodeSecretKey instanceof Uint8Array) || !secp256k1.utils.isValidSecretKey(nodeSecretKey)) {
    throw new PaymentError('bolt11-invalid-field', 'node secret key must be 32 bytes in 1..n-1 of secp256k1')
  }
  return secp256k1.getPublicKey(nodeSecretKey, true)
}

/**
 * Encodes and signs an invoice with `nodeSecretKey` (32-byte secp256k1 secret). Returns the
 * lowercase bech32 string. Throws `PaymentError` (`bolt11-invalid-field`,
 * `bolt11-description-too-long`) for fields the spec does not allow.
 */
export function encodeBolt11(
  fields: Bolt11Fields,
  nodeSecretKey: Uint8Array,
  crypto: CryptoProvider = defaultProvider(),
): string {
  const prefix = BOLT11_PREFIX[fields.network]
  if (prefix === undefined) {
    throw new PaymentError('bolt11-invalid-field', `network must be bitcoin, testnet, signet or regtest`)
  }
  const hrp = prefix + (fields.amountMsat === undefined ? '' : encodeHrpAmount(fields.amountMsat))
  if (!Number.isInteger(fields.timestamp) || fields.timestamp < 0 || fields.timestamp > MAX_TIMESTAMP) {
    throw new PaymentError('bolt11-invalid-field', 'timestamp must be Unix seconds in 0..2^35-1')
  }

  const features = withFeatureDependencies(fields.features ?? [])
  const secretFeature = hasFeature(features, FEATURE.paymentSecret)
  if (secretFeature !== (fields.paymentSecret !== undefined)) {
    // BOLT #11: "MUST set an s field if and only if the payment_secret feature is set."
    throw new PaymentError(
      'bolt11-invalid-field',
      'a payment secret must be given exactly when the payment_secret feature (14 or 15) is set',
    )
  }
  if ((fields.description === undefined) === (fields.descriptionHash === undefined)) {
    throw new PaymentError('bolt11-invalid-field', 'give exactly one of description and descriptionHash')
  }

  const words: number[] = intToWordsFixed(fields.timestamp, TIMESTAMP_WORDS)
  words.push(...field(TAG.paymentHash, bytesToWords(bytes32(fields.paymentHash, 'payment hash'))))
  if (fields.description !== undefined) {
    if (typeof fields.description !== 'string') {
      throw new PaymentError('bolt11-invalid-field', 'description must be a string')
    }
    const d = utf8(fields.description)
    if (d.length > MAX_DESCRIPTION_BYTES) {
      throw new PaymentError(
        'bolt11-description-too-long',
        `description is ${d.length} UTF-8 bytes; one d field holds ${MAX_DESCRIPTION_BYTES}. ` +
          'Commit to it with descriptionHash instead',
      )
    }
    words.push(...field(TAG.description, bytesToWords(d)))
  } else {
    words.push(
      ...field(TAG.descriptionHash, bytesToWords(bytes32(fields.descriptionHash, 'description hash'))),
    )
  }
  if (fields.paymentSecret !== undefined) {
    words.push(...field(TAG.paymentSecret, bytesToWords(bytes32(fields.paymentSecret, 'payment secret'))))
  }
  if (fields.includePayeeNodeKey) {
    words.push(...field(TAG.payeeNodeKey, bytesToWords(nodePublicKey(nodeSecretKey))))
  }
  if (fields.expirySecs !== undefined) {
    words.push(...field(TAG.expiry, intToWordsMinimal(smallInt(fields.expirySecs, 'expiry'))))
  }
  if (fields.minFinalCltvExpiry !== undefined) {
    const c = smallInt(fields.minFinalCltvExpiry, 'min_final_cltv_expiry')
    words.push(...field(TAG.minFinalCltvExpiry, intToWordsMinimal(c)))
  }
  if (features.length > 0) words.push(...field(TAG.features, featuresToWords(features)))

  nodePublicKey(nodeSecretKey) // validates the key with a clear error before signing
  const digest = signatureHash(hrp, words, crypto)
  // noble's 'recovered' format is recid || r || s; BOLT #11 wants r || s || recid.
  const sig = secp256k1.sign(digest, nodeSecretKey, { prehash: false, format: 'recovered', lowS: true })
  const signature = concatBytes(sig.subarray(1), sig.subarray(0, 1))
  words.push(...bytesToWords(signature))
  return bech32.encode(hrp, words, false)
}
