/**
 * @module payments/proof
 * POS-side checks of the proofs a customer's wallet sends after paying, and the `PaymentProof`
 * JSON of paykit-interactive (`paykit-interactive/src/proof/mod.rs` @3b97922; paykit-protocol.md
 * §7.6).
 *
 * Stronger than the reference (profile decision 4): the reference verifiers only check that the
 * strings are 64 characters long. Here a Lightning proof must hash to the payment hash of the
 * invoice *we* issued (SHA-256(preimage) == payment_hash, byte for byte), and an on-chain proof is
 * looked up on the chain and must pay our address at least the amount due.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { equalBytes, fromHex, toHex } from '../util/bytes'
import { decodeBolt11, type DecodedBolt11 } from './bolt11-decode'
import type { ChainBackend } from './chain'
import { PaymentError, UnderpaidError } from './errors'

const HEX = /^[0-9a-fA-F]*$/

export interface LightningProofOptions {
  crypto?: CryptoProvider
  /**
   * The POS's node key (33 bytes or 66 hex). When given, an invoice signed by any other node is
   * refused with `invoice-unknown-payee`: the proof must be for an invoice we issued.
   */
  payeeNodeKey?: Uint8Array | string
}

export interface LightningProofResult {
  paymentHash: string
  /** Null for an "any amount" invoice. */
  amountMsat: bigint | null
  invoice: DecodedBolt11
}

/**
 * Checks a Lightning proof of payment: decodes and signature-checks the invoice, then requires the
 * preimage to be 32 bytes of hex whose SHA-256 equals the invoice's payment hash. Each failure has
 * its own code: `proof-preimage-malformed` (not a hex string), `proof-preimage-length` (not 32
 * bytes), `proof-preimage-mismatch` (hashes to something else), or the `bolt11-*` code of the
 * invoice check.
 */
export function verifyLightningProof(
  bolt11: string,
  preimageHex: string,
  options: LightningProofOptions = {},
): LightningProofResult {
  const crypto = options.crypto ?? defaultProvider()
  const invoice = decodeBolt11(bolt11, crypto)
  if (options.payeeNodeKey !== undefined) {
    const ours =
      typeof options.payeeNodeKey === 'string'
        ? options.payeeNodeKey.toLowerCase()
        : toHex(options.payeeNodeKey)
    if (toHex(invoice.payeeNodeKey) !== ours) {
      throw new PaymentError(
        'invoice-unknown-payee',
        `invoice was signed by node ${toHex(invoice.payeeNodeKey)}, not by this POS's node`,
      )
    }
  }
  const preimage = parsePreimage(preimageHex)
  const digest = crypto.hash('sha256', preimage)
  if (!equalBytes(digest, invoice.paymentHash)) {
    throw new PaymentError(
      'proof-preimage-mismatch',
      `SHA-256 of the preimage is ${toHex(digest)}, but the invoice's payment hash is ${toHex(invoice.paymentHash)}`,
    )
  }
  return { paymentHash: toHex(invoice.paymentHash), amountMsat: invoice.amountMsat, invoice }
}

function parsePreimage(preimageHex: unknown): Uint8Array {
  if (typeof preimageHex !== 'string' || !HEX.test(preimageHex)) {
    throw new PaymentError('proof-preimage-malformed', 'preimage must be a string of hex digits')
  }
  if (preimageHex.length !== 64) {
    throw new PaymentError(
      'proof-preimage-length',
      `preimage must be 32 bytes (64 hex digits), got ${preimageHex.length} hex digits`,
    )
  }
  return fromHex(preimageHex, 'preimage')
}

export interface OnchainProofOptions {
  /** Refuse with `proof-unconfirmed` below this many confirmations. Default 0 (report only). */
  minConfirmations?: number
}

export interface OnchainProofResult {
  txid: string
  /** `paid` = exactly the amount; `overpaid` = more (the surplus is in `overpaidSats`). */
  status: 'paid' | 'overpaid'
  expectedSats: number
  paidSats: number
  overpaidSats: number
  confirmations: number
  blockHeight: number | null
  /** Indexes of the outputs that pay the address. */
  vouts: number[]
}

/** Bech32 addresses are case-insensitive; base58 ones are not. */
function sameAddress(a: string, b: string): boolean {
  const bech = /^(bc|tb|bcrt)1/i
  return bech.test(a) && bech.test(b) ? a.toLowerCase() === b.toLowerCase() : a === b
}

/**
 * Checks an on-chain proof of payment against the chain: the txid is 64 hex digits, the
 * transaction exists, and its outputs to `expectedAddress` add up to at least `expectedSats`.
 * A partial payment throws `UnderpaidError` (`proof-underpaid`) with the numbers; an overpayment is
 * accepted and reported. Other codes: `proof-txid-malformed`, `proof-tx-not-found`,
 * `proof-wrong-address` (nothing paid to the address), `proof-unconfirmed`.
 */
export async function verifyOnchainProof(
  txid: string,
  expectedAddress: string,
  expectedSats: number,
  chain: ChainBackend,
  options: OnchainProofOptions = {},
): Promise<OnchainProofResult> {
  if (typeof txid !== 'string' || txid.length !== 64 || !HEX.test(txid)) {
    throw new PaymentError('proof-txid-malformed', 'txid must be 64 hex digits')
  }
  if (!Number.isSafeInteger(expectedSats) || expectedSats < 1) {
    throw new PaymentError('chain-bad-amount', 'expected amount must be a whole number of sats above 0')
  }
  const minConfirmations = options.minConfirmations ?? 0
  const tx = await chain.lookupTx(txid.toLowerCase())
  if (!tx)
    throw new PaymentError(
      'proof-tx-not-found',
      `transaction ${txid.toLowerCase()} is not known to the chain`,
    )
  const vouts: number[] = []
  let paidSats = 0
  tx.outputs.forEach((o, index) => {
    if (sameAddress(o.address, expectedAddress)) {
      vouts.push(index)
      paidSats += o.sats
    }
  })
  if (vouts.length === 0) {
    throw new PaymentError(
      'proof-wrong-address',
      `transaction ${tx.txid} has no output to ${expectedAddress}; it pays ${tx.outputs.length} other output(s)`,
    )
  }
  if (paidSats < expectedSats) throw new UnderpaidError(expectedSats, paidSats, tx.confirmations)
  if (tx.confirmations < minConfirmations) {
    throw new PaymentError(
      'proof-unconfirmed',
      `transaction ${tx.txid} has ${tx.confirmations} confirmation(s); ${minConfirmations} are required`,
    )
  }
  return {
    txid: tx.txid,
    status: paidSats === expectedSats ? 'paid' : 'overpaid',
    expectedSats,
    paidSats,
    overpaidSats: paidSats - expectedSats,
    confirmations: tx.confirmations,
    blockHeight: tx.blockHeight,
    vouts,
  }
}

// ---------------------------------------------------------------------------------------------
// PaymentProof JSON (serde: `#[serde(flatten)]` of an enum tagged by `proof_type`).

interface ProofCommon {
  verified: boolean
  /** Unix seconds. */
  created_at: number
  verified_at?: number
}

export interface BitcoinTxidProof extends ProofCommon {
  proof_type: 'bitcoin_txid'
  txid: string
  block_height?: number
  confirmations?: number
  vout?: number
}

export interface LightningPreimageProof extends ProofCommon {
  proof_type: 'lightning_preimage'
  preimage: string
  payment_hash: string
}

export interface CustomProof extends ProofCommon {
  proof_type: 'custom'
  method_id: string
  data: unknown
}

export type PaymentProof = BitcoinTxidProof | LightningPreimageProof | CustomProof

/** Input larger than this is refused before `JSON.parse`. */
export const MAX_PROOF_JSON = 65_536
const U32_MAX = 0xffff_ffff

function invalid(message: string): PaymentError {
  return new PaymentError('proof-json-invalid', message)
}

function str(obj: Record<string, unknown>, key: string): string {
  const v = obj[key]
  if (typeof v !== 'string') throw invalid(`PaymentProof field "${key}" must be a string`)
  return v
}

function int(obj: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = obj[key]
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw invalid(`PaymentProof field "${key}" must be an integer in ${min}..${max}`)
  }
  return v
}

function optInt(obj: Record<string, unknown>, key: string, max: number): number | undefined {
  // serde reads `null` for an Option as None, as well as a missing key.
  return obj[key] === undefined || obj[key] === null ? undefined : int(obj, key, 0, max)
}

/**
 * Parses a PaymentProof from JSON text or an already-parsed value. Checks the shape (types and
 * integer ranges) the way serde would; the *content* (hex, hashes, the chain) is for the verify
 * functions. Unknown keys are ignored, as serde does without `deny_unknown_fields`.
 */
export function parsePaymentProof(input: string | unknown): PaymentProof {
  let value: unknown = input
  if (typeof input === 'string') {
    if (input.length > MAX_PROOF_JSON) throw invalid(`PaymentProof JSON is over ${MAX_PROOF_JSON} characters`)
    try {
      value = JSON.parse(input)
    } catch {
      throw invalid('PaymentProof is not valid JSON')
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('PaymentProof must be a JSON object')
  }
  const obj = value as Record<string, unknown>
  const verified = obj['verified']
  if (typeof verified !== 'boolean') throw invalid('PaymentProof field "verified" must be true or false')
  const verifiedAt = optInt(obj, 'verified_at', Number.MAX_SAFE_INTEGER)
  const common: ProofCommon = {
    verified,
    created_at: int(obj, 'created_at', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    ...(verifiedAt === undefined ? {} : { verified_at: verifiedAt }),
  }
  const type = obj['proof_type']
  switch (type) {
    case 'bitcoin_txid': {
      const blockHeight = optInt(obj, 'block_height', Number.MAX_SAFE_INTEGER)
      const confirmations = optInt(obj, 'confirmations', Number.MAX_SAFE_INTEGER)
      const vout = optInt(obj, 'vout', U32_MAX)
      return {
        proof_type: 'bitcoin_txid',
        txid: str(obj, 'txid'),
        ...(blockHeight === undefined ? {} : { block_height: blockHeight }),
        ...(confirmations === undefined ? {} : { confirmations }),
        ...(vout === undefined ? {} : { vout }),
        ...common,
      }
    }
    case 'lightning_preimage':
      return {
        proof_type: 'lightning_preimage',
        preimage: str(obj, 'preimage'),
        payment_hash: str(obj, 'payment_hash'),
        ...common,
      }
    case 'custom':
      if (!('data' in obj)) throw invalid('PaymentProof field "data" is missing')
      return { proof_type: 'custom', method_id: str(obj, 'method_id'), data: obj['data'], ...common }
    default:
      throw invalid(
        `PaymentProof "proof_type" must be bitcoin_txid, lightning_preimage or custom, got ${JSON.stringify(type)?.slice(0, 40)}`,
      )
  }
}

/** Compact JSON in serde's field order: proof_type, the variant's fields, verified, created_at, verified_at. */
export function formatPaymentProof(proof: PaymentProof): string {
  const out: Record<string, unknown> = { proof_type: proof.proof_type }
  switch (proof.proof_type) {
    case 'bitcoin_txid':
      out['txid'] = proof.txid
      if (proof.block_height !== undefined) out['block_height'] = proof.block_height
      if (proof.confirmations !== undefined) out['confirmations'] = proof.confirmations
      if (proof.vout !== undefined) out['vout'] = proof.vout
      break
    case 'lightning_preimage':
      out['preimage'] = proof.preimage
      out['payment_hash'] = proof.payment_hash
      break
    case 'custom':
      out['method_id'] = proof.method_id
      out['data'] = proof.data
      break
  }
  out['verified'] = proof.verified
  out['created_at'] = proof.created_at
  if (proof.verified_at !== undefined) out['verified_at'] = proof.verified_at
  return JSON.stringify(out)
}

/**
 * Verifies a `lightning_preimage` PaymentProof against the invoice we issued: the proof's
 * `payment_hash` must name that invoice (`proof-payment-hash-mismatch`), then the preimage check of
 * `verifyLightningProof` applies.
 */
export function verifyLightningPaymentProof(
  proof: LightningPreimageProof,
  bolt11: string,
  options: LightningProofOptions = {},
): LightningProofResult {
  const invoice = decodeBolt11(bolt11, options.crypto ?? defaultProvider())
  if (proof.payment_hash.toLowerCase() !== toHex(invoice.paymentHash)) {
    throw new PaymentError(
      'proof-payment-hash-mismatch',
      `proof is for payment hash ${proof.payment_hash.slice(0, 64)}, but the invoice's is ${toHex(invoice.paymentHash)}`,
    )
  }
  return verifyLightningProof(bolt11, proof.preimage, options)
}
