/**
 * @module payments/proof
 * POS-side verification of the proofs a customer's wallet sends after paying: the one place that
 * decides whether a `PaymentProof` (paykit-interactive `proof/mod.rs` @3b97922; paykit-protocol.md
 * §7.6) is true. Its JSON shape is read and written by interactive/proof.ts; `parsePaymentProof`
 * is the intake that turns any shape failure into this module's `proof-json-invalid`.
 *
 * Stronger than the reference (profile decision 4): the reference verifiers only check that the
 * strings are 64 characters long. Here a Lightning proof must hash to the payment hash of the
 * invoice *we* issued (SHA-256(preimage) == payment_hash, byte for byte), and an on-chain proof is
 * looked up on the chain and must pay our address at least the amount due.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import { equalBytes, fromHex, toHex } from '../util/bytes'
import { toPaykitError } from '../util/errors'
import { parseJson, type JsonValue } from '../interactive/json'
import { proofFromJson, type LightningPreimageBody, type PaymentProof } from '../interactive/proof'
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
  checkPreimage(preimageHex, invoice.paymentHash, crypto)
  return { paymentHash: toHex(invoice.paymentHash), amountMsat: invoice.amountMsat, invoice }
}

/**
 * The one preimage check: 32 bytes of hex (`proof-preimage-malformed`, `proof-preimage-length`)
 * whose SHA-256 is the payment hash (`proof-preimage-mismatch`). The hash comes from a decoded
 * invoice (bytes) or from a proof record (hex, read after the preimage:
 * `proof-payment-hash-malformed`).
 */
function checkPreimage(preimageHex: unknown, paymentHash: Uint8Array | string, crypto: CryptoProvider): void {
  const preimage = parseHex32(preimageHex, 'preimage', 'proof-preimage-malformed', 'proof-preimage-length')
  const hash =
    typeof paymentHash === 'string'
      ? parseHex32(
          paymentHash,
          'payment_hash',
          'proof-payment-hash-malformed',
          'proof-payment-hash-malformed',
        )
      : paymentHash
  const digest = crypto.hash('sha256', preimage)
  if (!equalBytes(digest, hash)) {
    throw new PaymentError(
      'proof-preimage-mismatch',
      `SHA-256 of the preimage is ${toHex(digest)}, but the payment hash is ${toHex(hash)}`,
    )
  }
}

function parseHex32(
  text: unknown,
  what: string,
  malformed: 'proof-preimage-malformed' | 'proof-payment-hash-malformed' | 'proof-txid-malformed',
  length: 'proof-preimage-length' | 'proof-payment-hash-malformed' | 'proof-txid-malformed',
): Uint8Array {
  if (typeof text !== 'string' || !HEX.test(text)) {
    throw new PaymentError(malformed, `${what} must be a string of hex digits`)
  }
  if (text.length !== 64) {
    throw new PaymentError(length, `${what} must be 32 bytes (64 hex digits), got ${text.length} hex digits`)
  }
  return fromHex(text, what)
}

/**
 * Checks a preimage against a payment hash given as hex (when there is no invoice at hand, e.g. a
 * proof read from a receipt). Codes as `verifyLightningProof`, plus `proof-payment-hash-malformed`.
 */
export function verifyLightningPreimage(
  preimageHex: string,
  paymentHashHex: string,
  crypto: CryptoProvider = defaultProvider(),
): void {
  checkPreimage(preimageHex, paymentHashHex, crypto)
}

/**
 * Checks what a proof can show by itself, without the chain or the invoice: a `bitcoin_txid` must
 * name a txid (64 hex digits), a `lightning_preimage` must hash to its own `payment_hash`. Custom
 * proofs carry nothing checkable. The `verified` flag is the holder's claim and is not trusted.
 */
export function checkProof(proof: PaymentProof, crypto: CryptoProvider = defaultProvider()): void {
  const b = proof.body
  switch (b.kind) {
    case 'bitcoin_txid':
      parseHex32(b.txid, 'txid', 'proof-txid-malformed', 'proof-txid-malformed')
      return
    case 'lightning_preimage':
      return verifyLightningPreimage(b.preimage, b.paymentHash, crypto)
    case 'custom':
      return
  }
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
  parseHex32(txid, 'txid', 'proof-txid-malformed', 'proof-txid-malformed')
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

/** Input larger than this is refused before parsing. */
export const MAX_PROOF_JSON = 65_536

/**
 * Reads a PaymentProof a wallet sent (JSON text, or a value already parsed) through the one codec,
 * interactive/proof.ts. Any shape failure is `proof-json-invalid`, the cause keeping the detail.
 */
export function parsePaymentProof(input: unknown): PaymentProof {
  try {
    // A value that is not JSON-shaped fails the field-by-field type checks of the reader.
    const value =
      typeof input === 'string' ? parseJson(input, { maxLength: MAX_PROOF_JSON }) : (input as JsonValue)
    return proofFromJson(value)
  } catch (e) {
    const cause = toPaykitError(e)
    throw new PaymentError('proof-json-invalid', `PaymentProof is not valid: ${cause.message}`, { cause })
  }
}

/**
 * Verifies a `lightning_preimage` PaymentProof against the invoice we issued: the proof's
 * `payment_hash` must name that invoice (`proof-payment-hash-mismatch`), then the preimage check of
 * `verifyLightningProof` applies.
 */
export function verifyLightningPaymentProof(
  proof: LightningPreimageBody,
  bolt11: string,
  options: LightningProofOptions = {},
): LightningProofResult {
  const invoice = decodeBolt11(bolt11, options.crypto ?? defaultProvider())
  if (proof.paymentHash.toLowerCase() !== toHex(invoice.paymentHash)) {
    throw new PaymentError(
      'proof-payment-hash-mismatch',
      `proof is for payment hash ${proof.paymentHash.slice(0, 64)}, but the invoice's is ${toHex(invoice.paymentHash)}`,
    )
  }
  return verifyLightningProof(bolt11, proof.preimage, options)
}
