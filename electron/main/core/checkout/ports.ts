/**
 * @module checkout/ports
 * The payment endpoints a checkout needs, as ports. Real wiring: `InvoiceProvider` = the Lightning
 * backend (core/payments' node client or simulator); `AddressDeriver` = core/methods' xpub
 * derivation (BIP84 receive chain).
 */

export interface LightningInvoice {
  bolt11: string
  /** Lowercase hex SHA-256 payment hash: the preimage proof is checked against it. */
  paymentHash: string
  /** When the invoice stops being payable (ms). */
  expiresAt: number
}

export interface InvoiceProvider {
  create(request: {
    amountSats: number
    memo: string | null
    expirySeconds: number
  }): Promise<LightningInvoice>
}

/** Derives the receive address at `index` of `xpub`. Pure and deterministic. */
export type AddressDeriver = (xpub: string, index: number) => string

/** Hands out on-chain addresses that are never handed out again. */
export interface AddressAllocator {
  next(now: number): { address: string; index: number }
}
