/**
 * @module interactive/proof
 * Payment proofs (paykit-interactive `proof/mod.rs`, `paykit-protocol.md` §7.6): the wire shape
 * only. Local records, or content for a receipt's `metadata`; the reference never sends them as
 * messages.
 *
 * JSON (`#[serde(flatten)]` of an internally tagged enum, so the tag comes first):
 *   {"proof_type":"bitcoin_txid","txid"[,"block_height"][,"confirmations"][,"vout"],"verified","created_at"[,"verified_at"]}
 *   {"proof_type":"lightning_preimage","preimage","payment_hash","verified","created_at"[,"verified_at"]}
 *   {"proof_type":"custom","method_id","data","verified","created_at"[,"verified_at"]}
 *
 * Reading checks the shape the way serde would (types, integer ranges, `null` optionals read as
 * absent, unknown keys ignored). Whether a proof is *true* (hex, SHA-256(preimage) = payment_hash,
 * the transaction on chain) is payments/proof.ts's job.
 */
import { PaykitError } from '../util/errors'
import { parseJson, writeJson, type JsonObject, type JsonValue } from './json'
import { asObject, get, optInt, reqBool, reqInt, reqStr } from './shape'

export class ProofError extends PaykitError<'invalid-proof'> {}

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

export type LightningPreimageBody = Extract<ProofBody, { kind: 'lightning_preimage' }>

export interface PaymentProof {
  readonly body: ProofBody
  readonly verified: boolean
  readonly createdAt: number
  readonly verifiedAt: number | null
}

const U32_MAX = 0xffff_ffff

/** `vout` is a Rust `u32`: a larger index cannot name an output. */
function optU32(o: JsonObject, key: string, path: string): number | null {
  const v = optInt(o, key, path, 0)
  if (v !== null && v > U32_MAX)
    throw new ProofError('invalid-proof', `${path}.${key} must be at most ${U32_MAX}`)
  return v
}

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
      vout: optU32(o, 'vout', path),
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
