/**
 * @module billing/ports
 * What the billing engine needs from the rest of the app, as small interfaces. The real wiring is
 * core/requests (PublishedRequest JSON) + core/sealed (seal to the subscriber's Noise key) + the
 * homeserver PUT/DELETE at `requests/{scope(recipient)}/{request_id}`.
 */

/** One payment request as the merchant publishes it. Times are Unix **seconds** (wire units). */
export interface OutgoingRequest {
  requestId: string
  /** Merchant (provider) z32. */
  from: string
  /** Recipient (subscriber) z32. */
  to: string
  /** Verbatim decimal string, equal to the subscription terms for autopay to accept it. */
  amount: string
  currency: string
  method: string
  description: string | null
  createdAt: number
  expiresAt: number
  /** Free-form context (subscription id, period index) for the request's `metadata`. */
  metadata: Record<string, string | number>
}

/**
 * Publishes requests on the merchant's homeserver. `publish` must be an idempotent PUT to a path
 * that depends only on (recipient, requestId): after a crash the engine publishes the same id again
 * (possibly with a refreshed `expiresAt`) and that must overwrite, never duplicate.
 */
export interface RequestPublisher {
  publish(request: OutgoingRequest): Promise<void>
  /** Deletes the published request; deleting an absent one succeeds. */
  remove(recipient: string, requestId: string): Promise<void>
}
