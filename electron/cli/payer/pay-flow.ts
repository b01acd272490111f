/**
 * @module cli/payer/pay-flow
 * One Paykit payment with a receipt (paykit-protocol.md §7.4, and the proof submission defined by
 * the merchant's listener/intake.ts):
 *
 *   RequestReceipt(provisional) → ConfirmReceipt: the receipt_id, payer and payee must echo ours,
 *     method/amount/currency must be unchanged, and the endpoint it carries is checked before any
 *     money moves (BOLT11 signature, network, amount = what we agreed, not expired; address network)
 *   pay through the simulator (BOLT11 → preimage, checked: SHA-256(preimage) = payment hash;
 *     address → txid)
 *   RequestReceipt again, same receipt_id, metadata.payment_proof = a §7.6 PaymentProof
 *     → ConfirmReceipt whose metadata.settlement says paid / overpaid / partial / late.
 *
 * Every step is written to the payer database before the next one (asked → paying → paid →
 * settled), so a payment that left is never made twice: a rerun for a receipt already `paid`
 * only resubmits its proof, and one caught mid-payment (`paying`) is paid again only on
 * Lightning, where the invoice itself refuses a second payment.
 */
import { decodeBolt11 } from '../../main/core/payments/bolt11-decode'
import { validateOnchainAddress } from '../../main/core/methods/onchain'
import type { Network } from '../../main/core/methods/errors'
import type { SimServiceClient } from '../../main/core/payments/sim-client'
import { proofToJson, type PaymentProof } from '../../main/core/interactive/proof'
import { checkConfirmation, type Receipt } from '../../main/core/interactive/receipt'
import { isJsonObject, writeJson, type JsonObject } from '../../main/core/interactive/json'
import type { DecodedMessage } from '../../main/core/interactive/messages'
import { defaultProvider } from '../../main/core/crypto'
import { fromHex, toHex } from '../../main/core/util/bytes'
import { nowSeconds, type Clock } from '../../main/core/util/clock'
import type { Database } from '../../main/core/storage/db'
import { CliError } from '../errors'
import type { MerchantChannel } from './channel'

export interface PaymentSpec {
  receiptId: string
  merchant: string
  merchantKey: Uint8Array
  payerKey: Uint8Array
  methodId: 'lightning' | 'onchain'
  /** Exactly as it will be compared (decimal text). */
  amount: string
  currency: string
  /** What we agreed to pay, in whole sats. */
  sats: number
  metadata: JsonObject
  checkoutId?: string
  requestId?: string
}

export interface PaymentOutcome {
  receiptId: string
  confirmed: Receipt
  endpoint: string
  proof: { type: 'lightning_preimage' | 'bitcoin_txid'; value: string; paymentHash?: string }
  settlement: JsonObject
  /** True when this run moved money (false: an earlier run had paid; only the proof was sent). */
  paidNow: boolean
}

/** A merchant `Error` reply, with its wire code kept for `--json`. */
export class MerchantRefusal extends CliError {
  constructor(
    readonly wireCode: string,
    message: string,
    hint?: string,
  ) {
    super('cli-runtime', `the merchant refused: ${wireCode}: ${message}`, hint, { originalCode: wireCode })
  }
}

const HINTS: Readonly<Record<string, string>> = {
  UNAUTHENTICATED:
    'This merchant issues receipts only to a payer the handshake authenticates: use --pattern ik (the default).',
  UNKNOWN_REFERENCE:
    'This merchant issues receipts only for its own checkouts and payment requests: scan its checkout QR, or pay its published method directly with --anonymous (no receipt).',
  CHECKOUT_EXPIRED: 'Ask the cashier for a new checkout.',
  RATE_LIMITED: 'Wait a minute and try again.',
}

function expectConfirm(reply: DecodedMessage, what: string): Receipt {
  const m = reply.message
  if (m.type === 'Error') throw new MerchantRefusal(m.code, m.message, HINTS[m.code])
  if (m.type !== 'ConfirmReceipt')
    throw new CliError('cli-runtime', `the merchant answered ${what} with ${m.type}, not ConfirmReceipt`)
  return m.receipt
}

function meta(r: Receipt): JsonObject {
  return isJsonObject(r.metadata) ? r.metadata : {}
}

function strOf(o: JsonObject, key: string): string | undefined {
  const v = o[key]
  return typeof v === 'string' && v.length > 0 ? v : undefined
}

const BOLT11_NET: Readonly<Record<Network, string>> = {
  mainnet: 'bitcoin',
  testnet: 'testnet',
  signet: 'signet',
  regtest: 'regtest',
}

/** Checks the confirmation against what we asked; returns the endpoint to pay. */
export function checkConfirmed(
  asked: Receipt,
  confirmed: Receipt,
  spec: Pick<PaymentSpec, 'methodId' | 'sats'>,
  network: Network,
  clock: Clock,
): { endpoint: string; paymentHash?: string; amountSats?: number } {
  try {
    checkConfirmation(asked, confirmed)
  } catch (e) {
    throw new CliError(
      'cli-runtime',
      `the merchant's confirmation does not match: ${(e as Error).message}`,
      'Nothing was paid.',
    )
  }
  if (
    confirmed.methodId !== asked.methodId ||
    confirmed.amount !== asked.amount ||
    confirmed.currency !== asked.currency
  )
    throw new CliError(
      'cli-runtime',
      `the merchant confirmed ${confirmed.amount ?? '?'} ${confirmed.currency ?? '?'} by ${confirmed.methodId}, not the ${asked.amount} ${asked.currency} by ${asked.methodId} we asked for`,
      'Nothing was paid.',
    )
  const m = meta(confirmed)
  if (spec.methodId === 'lightning') {
    const bolt11 = strOf(m, 'bolt11') ?? strOf(m, 'endpoint')
    if (!bolt11)
      throw new CliError(
        'cli-runtime',
        'the confirmation carries no BOLT11 invoice to pay',
        'Nothing was paid.',
      )
    let inv: ReturnType<typeof decodeBolt11>
    try {
      inv = decodeBolt11(bolt11)
    } catch (e) {
      throw new CliError(
        'cli-runtime',
        `the merchant's invoice is not valid: ${(e as Error).message}`,
        'Nothing was paid.',
      )
    }
    if (inv.network !== BOLT11_NET[network])
      throw new CliError(
        'cli-runtime',
        `the invoice is for ${inv.network}, not ${network}`,
        'Nothing was paid.',
      )
    if (inv.amountMsat !== null && inv.amountMsat !== BigInt(spec.sats) * 1000n)
      throw new CliError(
        'cli-runtime',
        `the invoice asks ${inv.amountMsat / 1000n} sat but the receipt is for ${spec.sats} sat`,
        'Nothing was paid.',
      )
    if (nowSeconds(clock) >= inv.expiresAt)
      throw new CliError('cli-runtime', 'the invoice has expired', 'Nothing was paid; start again.')
    return {
      endpoint: bolt11,
      paymentHash: toHex(inv.paymentHash),
      ...(inv.amountMsat === null ? { amountSats: spec.sats } : {}),
    }
  }
  const address = strOf(m, 'address') ?? strOf(m, 'endpoint')
  if (!address)
    throw new CliError('cli-runtime', 'the confirmation carries no address to pay', 'Nothing was paid.')
  try {
    validateOnchainAddress(address, network)
  } catch (e) {
    throw new CliError(
      'cli-runtime',
      `the merchant's address is not valid: ${(e as Error).message}`,
      'Nothing was paid.',
    )
  }
  return { endpoint: address }
}

type PaymentRow = {
  state: 'asked' | 'paying' | 'paid' | 'settled' | 'failed'
  endpoint: string | null
  proof_type: string | null
  proof_value: string | null
}

/** The payer's record of a receipt, if any. */
export function paymentRow(db: Database, merchant: string, receiptId: string): PaymentRow | undefined {
  return db.get<PaymentRow>(
    'SELECT state, endpoint, proof_type, proof_value FROM payments WHERE merchant = ? AND receipt_id = ?',
    merchant,
    receiptId,
  )
}

function setState(
  db: Database,
  key: { merchant: string; receiptId: string },
  now: number,
  fields: Record<string, string | number | null>,
): void {
  const keys = Object.keys(fields)
  db.run(
    `UPDATE payments SET ${keys.map((k) => `${k} = ?`).join(', ')}, updated_at = ? WHERE merchant = ? AND receipt_id = ?`,
    ...keys.map((k) => fields[k]!),
    now,
    key.merchant,
    key.receiptId,
  )
}

/** Runs the whole payment over `channel`. Throws `CliError`/`MerchantRefusal`; the row says how far it got. */
export async function payWithReceipt(
  channel: Pick<MerchantChannel, 'ask'>,
  spec: PaymentSpec,
  deps: { db: Database; sim: Pick<SimServiceClient, 'pay' | 'send'>; network: Network; clock: Clock },
): Promise<PaymentOutcome> {
  const { db, sim, clock } = deps
  const now = (): number => clock.now()
  const createdAt = nowSeconds(clock)
  db.run(
    `INSERT INTO payments (receipt_id, merchant, request_id, checkout_id, method, amount_sats, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'asked', ?, ?) ON CONFLICT (merchant, receipt_id) DO NOTHING`,
    spec.receiptId,
    spec.merchant,
    spec.requestId ?? null,
    spec.checkoutId ?? null,
    spec.methodId,
    spec.sats,
    now(),
    now(),
  )
  const receipt: Receipt = {
    receiptId: spec.receiptId,
    payer: spec.payerKey,
    payee: spec.merchantKey,
    methodId: spec.methodId,
    amount: spec.amount,
    currency: spec.currency,
    createdAt,
    metadata: spec.metadata,
  }
  let confirmed: Receipt
  try {
    confirmed = expectConfirm(await channel.ask({ type: 'RequestReceipt', receipt }), 'our receipt request')
  } catch (e) {
    if (paymentRow(db, spec.merchant, spec.receiptId)?.state === 'asked')
      setState(db, spec, now(), { state: 'failed', error: (e as Error).message.slice(0, 500) })
    throw e
  }
  const checked = (() => {
    try {
      return checkConfirmed(receipt, confirmed, spec, deps.network, clock)
    } catch (e) {
      if (paymentRow(db, spec.merchant, spec.receiptId)?.state === 'asked')
        setState(db, spec, now(), { state: 'failed', error: (e as Error).message.slice(0, 500) })
      throw e
    }
  })()

  let row = paymentRow(db, spec.merchant, spec.receiptId)!
  if (
    row.endpoint !== null &&
    row.endpoint !== checked.endpoint &&
    row.state !== 'asked' &&
    row.state !== 'failed'
  )
    throw new CliError(
      'cli-runtime',
      `receipt ${spec.receiptId} was confirmed earlier with another endpoint; refusing to pay a second one`,
      'Check the payment with the merchant.',
    )
  let proof: PaymentOutcome['proof']
  let paidNow = false
  if (row.state === 'paid' || row.state === 'settled') {
    proof = {
      type: row.proof_type as 'lightning_preimage' | 'bitcoin_txid',
      value: row.proof_value!,
      ...(checked.paymentHash ? { paymentHash: checked.paymentHash } : {}),
    }
  } else {
    if (row.state === 'paying' && spec.methodId === 'onchain')
      throw new CliError(
        'cli-runtime',
        `an earlier run may already have sent coins for ${spec.receiptId} (it stopped mid-payment)`,
        'Check your wallet for a transaction to the address; it is not sent again automatically.',
      )
    db.transaction(() =>
      setState(db, spec, now(), { state: 'paying', endpoint: checked.endpoint, error: null }),
    )
    if (spec.methodId === 'lightning') {
      const paid = await sim.pay(checked.endpoint, checked.amountSats)
      const hash = toHex(defaultProvider().hash('sha256', fromHex(paid.preimage)))
      if (hash !== checked.paymentHash)
        throw new CliError(
          'cli-runtime',
          'the preimage we got back does not hash to the invoice payment hash',
        )
      proof = { type: 'lightning_preimage', value: paid.preimage, paymentHash: hash }
    } else {
      const txid = await sim.send(checked.endpoint, spec.sats)
      proof = { type: 'bitcoin_txid', value: txid }
    }
    paidNow = true
    setState(db, spec, now(), { state: 'paid', proof_type: proof.type, proof_value: proof.value })
  }

  const p: PaymentProof = {
    body:
      proof.type === 'lightning_preimage'
        ? { kind: 'lightning_preimage', preimage: proof.value, paymentHash: proof.paymentHash ?? '' }
        : { kind: 'bitcoin_txid', txid: proof.value, blockHeight: null, confirmations: null, vout: null },
    verified: false,
    createdAt: nowSeconds(clock),
    verifiedAt: null,
  }
  const proofReceipt: Receipt = { ...receipt, metadata: { ...spec.metadata, payment_proof: proofToJson(p) } }
  const settledReceipt = expectConfirm(
    await channel.ask({ type: 'RequestReceipt', receipt: proofReceipt }),
    'our payment proof',
  )
  if (settledReceipt.receiptId !== spec.receiptId)
    throw new CliError('cli-runtime', 'Receipt ID mismatch in the merchant answer to our proof')
  const s = meta(settledReceipt)['settlement']
  const settlement: JsonObject = isJsonObject(s) ? s : {}
  row = paymentRow(db, spec.merchant, spec.receiptId)!
  const status = typeof settlement['status'] === 'string' ? settlement['status'] : 'unknown'
  setState(db, spec, now(), {
    state: status === 'paid' || status === 'overpaid' ? 'settled' : 'paid',
    settlement: writeJson(settlement),
  })
  return { receiptId: spec.receiptId, confirmed, endpoint: checked.endpoint, proof, settlement, paidNow }
}
