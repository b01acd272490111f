/**
 * @module methods/proof
 * The method plugins' proof enum (paykit-lib `methods/traits.rs`), internally tagged by `type`:
 *   {"type":"BitcoinTxid","txid","block_height"|null,"confirmations"|null}
 *   {"type":"LightningPreimage","preimage","payment_hash"}
 *   {"type":"Custom","method","data"}
 * A different enum from paykit-interactive's `PaymentProof` (see interactive/proof.ts); neither is
 * sent on the wire by the reference. Whether a proof's content is true (64-hex txid,
 * SHA-256(preimage) = payment_hash) is checked in one place, payments/proof.ts.
 */
import { parseJson, writeJson, type JsonObject, type JsonValue } from '../interactive/json'
import { asObject, get, optInt, reqStr } from '../interactive/shape'
import { ProofError } from '../interactive/proof'

export type MethodProof =
  | {
      readonly type: 'BitcoinTxid'
      readonly txid: string
      readonly blockHeight: number | null
      readonly confirmations: number | null
    }
  | { readonly type: 'LightningPreimage'; readonly preimage: string; readonly paymentHash: string }
  | { readonly type: 'Custom'; readonly method: string; readonly data: JsonValue }

export function methodProofToJson(p: MethodProof): JsonObject {
  switch (p.type) {
    case 'BitcoinTxid':
      return { type: p.type, txid: p.txid, block_height: p.blockHeight, confirmations: p.confirmations }
    case 'LightningPreimage':
      return { type: p.type, preimage: p.preimage, payment_hash: p.paymentHash }
    case 'Custom':
      return { type: p.type, method: p.method, data: p.data }
  }
}

export function methodProofFromJson(v: JsonValue | undefined, path = 'proof'): MethodProof {
  const o = asObject(v, path)
  switch (get(o, 'type')) {
    case 'BitcoinTxid':
      return {
        type: 'BitcoinTxid',
        txid: reqStr(o, 'txid', path, 128),
        blockHeight: optInt(o, 'block_height', path, 0),
        confirmations: optInt(o, 'confirmations', path, 0),
      }
    case 'LightningPreimage':
      return {
        type: 'LightningPreimage',
        preimage: reqStr(o, 'preimage', path, 128),
        paymentHash: reqStr(o, 'payment_hash', path, 128),
      }
    case 'Custom': {
      const data = get(o, 'data')
      if (data === undefined) throw new ProofError('invalid-proof', `${path}.data is missing`)
      return { type: 'Custom', method: reqStr(o, 'method', path, 64), data }
    }
    default:
      throw new ProofError('invalid-proof', `${path}.type must be BitcoinTxid, LightningPreimage or Custom`)
  }
}

export const writeMethodProof = (p: MethodProof): string => writeJson(methodProofToJson(p))
export const readMethodProof = (text: string): MethodProof => methodProofFromJson(parseJson(text))
