/**
 * @module interactive/proof
 * Payment proofs (paykit-interactive `proof/mod.rs`, `paykit-protocol.md` §7.6). Local records,
 * or content for a receipt's `metadata`; the reference never sends them as messages.
 *
 * JSON (`#[serde(flatten)]` of an internally tagged enum, so the tag comes first):
 *   {"proof_type":"bitcoin_txid","txid"[,"block_height"][,"confirmations"][,"vout"],"verified","created_at"[,"verified_at"]}
 *   {"proof_type":"lightning_preimage","preimage","payment_hash","verified","created_at"[,"verified_at"]}
 *   {"proof_type":"custom","method_id","data","verified","created_at"[,"verified_at"]}
 *
 * Stronger than the reference (which only checks 64-hex lengths): a Lightning proof verifies only
 * if SHA-256(preimage) = payment_hash (`verifyLightningPreimage`).
 */
import type { CryptoProvider } from '../crypto/provider'
import { defaultProvider } from '../crypto/index'
import { PaykitError } from '../util/errors'
import { equalBytes, fromHex } from '../util/bytes'
import { parseJson, writeJson, type JsonObject, type JsonValue } from './json'
import { asObject, get, optInt, reqBool, reqInt, reqStr } from './shape'

export class ProofError extends PaykitError<'invalid-proof' | 'preimage-mismatch'> {}

export type ProofBody =
  | {
      readonly kind: 'bitcoin_txid'
      readonly txid: string
      readonly blockHeight: number | null
      readonly confirmations: number | null
      readonly vout: number | null
    }
  | { readonly kind: 'lightning_preimage'; readonly preimage: string; readonly paymentHash: string }
  | { readonly kind: 'custom'; readonly methodId: string; readonly data: JsonValue }

export interface PaymentProof {
  readonly body: ProofBody
  readonly verified: boolean
  readonly createdAt: number
  readonly verifiedAt: number | null
}

const HEX64 = /^[0-9a-fA-F]{64}$/

export function proofToJson(p: PaymentProof): JsonObject {
  const o: JsonObject = { proof_type: p.body.kind }
  const b = p.body
  switch (b.kind) {
    case 'bitcoin_txid':
      o['txid'] = b.txid
      if (b.blockHeight !== null) o['block_height'] = b.blockHeight
      if (b.confirmations !== null) o['confirmations'] = b.confirmations
      if (b.vout !== null) o['vout'] = b.vout
      break
    case 'lightning_preimage':
      o['preimage'] = b.preimage
      o['payment_hash'] = b.paymentHash
      break
    case 'custom':
      o['method_id'] = b.methodId
      o['data'] = b.data
      break
  }
  o['verified'] = p.verified
  o['created_at'] = p.createdAt
  if (p.verifiedAt !== null) o['verified_at'] = p.verifiedAt
  return o
}

export function proofFromJson(v: JsonValue | undefined, path = 'proof'): PaymentProof {
  const o = asObject(v, path)
  const kind = get(o, 'proof_type')
  let body: ProofBody
  if (kind === 'bitcoin_txid') {
    body = {
      kind,
      txid: reqStr(o, 'txid', path, 128),
      blockHeight: optInt(o, 'block_height', path, 0),
      confirmations: optInt(o, 'confirmations', path, 0),
      vout: optInt(o, 'vout', path, 0),
    }
  } else if (kind === 'lightning_preimage') {
    body = {
      kind,
      preimage: reqStr(o, 'preimage', path, 128),
      paymentHash: reqStr(o, 'payment_hash', path, 128),
    }
  } else if (kind === 'custom') {
    const data = get(o, 'data')
    if (data === undefined) throw new ProofError('invalid-proof', `${path}.data is missing`)
    body = { kind, methodId: reqStr(o, 'method_id', path, 64), data }
  } else {
    throw new ProofError(
      'invalid-proof',
      `${path}.proof_type must be bitcoin_txid, lightning_preimage or custom`,
    )
  }
  return {
    body,
    verified: reqBool(o, 'verified', path),
    createdAt: reqInt(o, 'created_at', path),
    verifiedAt: optInt(o, 'verified_at', path),
  }
}

export const writeProof = (p: PaymentProof): string => writeJson(proofToJson(p))
export const readProof = (text: string): PaymentProof => proofFromJson(parseJson(text))

/** A txid must be 64 hex characters (the reference's whole check; "pending" is not a txid). */
export function checkTxid(txid: string): void {
  if (!HEX64.test(txid)) throw new ProofError('invalid-proof', 'txid must be 64 hex characters')
}

/** SHA-256(preimage) must equal the payment hash (both 64 hex). */
export function verifyLightningPreimage(
  preimageHex: string,
  paymentHashHex: string,
  provider: CryptoProvider = defaultProvider(),
): void {
  if (!HEX64.test(preimageHex)) throw new ProofError('invalid-proof', 'preimage must be 64 hex characters')
  if (!HEX64.test(paymentHashHex))
    throw new ProofError('invalid-proof', 'payment_hash must be 64 hex characters')
  const digest = provider.hash('sha256', fromHex(preimageHex, 'preimage'))
  if (!equalBytes(digest, fromHex(paymentHashHex, 'payment_hash'))) {
    throw new ProofError('preimage-mismatch', 'SHA-256 of the preimage is not the payment hash')
  }
}

/** Checks a proof's content (not its `verified` flag, which is the holder's claim). */
export function checkProof(p: PaymentProof, provider: CryptoProvider = defaultProvider()): void {
  switch (p.body.kind) {
    case 'bitcoin_txid':
      return checkTxid(p.body.txid)
    case 'lightning_preimage':
      return verifyLightningPreimage(p.body.preimage, p.body.paymentHash, provider)
    case 'custom':
      return
  }
}
