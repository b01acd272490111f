/**
 * @module subscriptions/flow/errors
 * Why a subscription record read from a homeserver was refused. Signature failures keep the signing
 * module's codes (`signature-invalid`, `wrong-signer`, `signature-expired`).
 */
import { PaykitError } from '../../util/errors'

export type FlowErrorCode =
  /** The record is not a Sealed Blob (plaintext is refused, as the reference does). */
  | 'not-sealed'
  /** The homeserver owner is not the party who must have written this record (owner binding). */
  | 'wrong-owner'
  /** We are not the party this record names (e.g. a proposal for another subscriber). */
  | 'wrong-party'
  /** The payload's subscription id differs from the id it is stored under. */
  | 'id-mismatch'
  /** A proposal without the provider's signature, or in the unsignable mobile schema: cannot be accepted. */
  | 'proposal-unsigned'
  /** The provider's offer (its signature's `expires_at`) has passed. */
  | 'offer-expired'
  /** The subscriber signed after the provider's offer had expired. */
  | 'accepted-after-offer'
  /** A signature nonce already recorded for a different record. */
  | 'nonce-replayed'
  /** A cancellation for a subscription we do not have with that party. */
  | 'unknown-subscription'
  /** A timestamp too far in the future to be honest. */
  | 'future-timestamp'

export class FlowError extends PaykitError<FlowErrorCode> {}
