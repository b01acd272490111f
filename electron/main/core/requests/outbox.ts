/**
 * @module requests/outbox
 * Publishing sealed payment requests (paykit-protocol.md §5.3): look up the recipient's `/noise` key,
 * seal the Rust-schema `PublishedRequest` with purpose `request` under the canonical AAD
 * `paykit:v0:request:{path}:{id}`, and PUT it at `requests/{scope(recipient)}/{id}` on OUR homeserver.
 *
 * Stronger than the reference: ids are collision-free (`IdGenerator`, not `req_{secs}`), every
 * request carries an expiry, the request is validated before it is sealed, and what was published is
 * recorded in an `OutboxIndex` so the sweeper can delete it once paid or expired. Deactivating
 * republishes the same request with `active: false` (readers drop it), deleting removes the record.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import type { Clock } from '../util/clock'
import { nowSeconds } from '../util/clock'
import { systemRng, type Rng } from '../util/rng'
import { abytes } from '../util/bytes'
import { InputError } from '../util/errors'
import { Amount } from '../money/amount'
import type { JsonValue } from '../interactive/json'
import { formatPublicKey, parsePublicKey } from '../keys/public-key'
import { sealV1, SEALED_PURPOSE, paymentRequestAad } from '../sealed'
import { paymentRequestPath } from '../directory/paths'
import type { PubkeyRef } from '../directory/scope'
import { requireNoiseKey } from '../directory/noise-endpoint'
import type { PubkyReader, PubkyWriter } from '../store/types'
import { IdGenerator } from './id'
import { writePublishedRequest, type PaymentRequest } from './model'
import type { OutboxIndex } from './outbox-index'
import type { OutgoingRequest, RequestPublisher } from '../billing/ports'

/** Default lifetime of a published request: one day. */
export const DEFAULT_REQUEST_TTL_SECS = 24 * 60 * 60

export interface RequestOutboxOptions {
  /** Writes OUR homeserver space; its owner must be `identity`. */
  writer: PubkyWriter
  /** Reads recipients' `/noise` records. */
  reader: PubkyReader
  /** Our Ed25519 public key (the request's `from`). */
  identity: Uint8Array
  clock: Clock
  rng?: Rng
  ids?: IdGenerator
  index?: OutboxIndex
  provider?: CryptoProvider
  defaultTtlSecs?: number
}

export interface NewPaymentRequest {
  to: PubkeyRef
  amount: Amount | string
  /** Default `SAT`. */
  currency?: string
  method: string
  description?: string | null
  /** Lifetime from now in seconds (default `defaultTtlSecs`); ignored when `expiresAt` is given. */
  ttlSecs?: number
  /** Absolute expiry, Unix seconds. */
  expiresAt?: number
  /** Unix seconds; default now. */
  createdAt?: number
  dueDate?: number | null
  metadata?: JsonValue
  /** A fixed id (idempotent republish, e.g. one per billing period); default a fresh collision-free id. */
  requestId?: string
  invoiceNumber?: string
  notes?: string
  /** The recipient's X25519 key when already known (skips the `/noise` lookup). */
  recipientNoiseKey?: Uint8Array
}

export interface PublishedOutboxRecord {
  readonly requestId: string
  /** Recipient z32. */
  readonly to: string
  readonly path: string
  readonly expiresAt: number | null
  readonly request: PaymentRequest
  /** The exact envelope text PUT. */
  readonly envelope: string
}

function keyBytes(ref: PubkeyRef, what: string): Uint8Array {
  if (ref instanceof Uint8Array) {
    abytes(ref, what, 32)
    // Round-trip through text so a non-point is refused the same way as in text form.
    return parsePublicKey(formatPublicKey(ref))
  }
  return parsePublicKey(ref)
}

export class RequestOutbox {
  private readonly provider: CryptoProvider
  private readonly rng: Rng
  private readonly ids: IdGenerator
  private readonly me: string

  constructor(private readonly options: RequestOutboxOptions) {
    this.provider = options.provider ?? defaultProvider()
    this.rng = options.rng ?? systemRng
    this.ids = options.ids ?? new IdGenerator(options.clock, this.rng)
    this.me = formatPublicKey(keyBytes(options.identity, 'identity'))
    if (options.writer.owner !== this.me) {
      throw new InputError(
        `the writer is signed in as ${options.writer.owner}, not as this identity (${this.me})`,
      )
    }
  }

  /** z32 of the identity this outbox publishes as. */
  get owner(): string {
    return this.me
  }

  /** Builds, seals and publishes a new request; returns what was written. */
  async publish(input: NewPaymentRequest): Promise<PublishedOutboxRecord> {
    const to = keyBytes(input.to, 'recipient')
    const createdAt = input.createdAt ?? nowSeconds(this.options.clock)
    const ttl = input.ttlSecs ?? this.options.defaultTtlSecs ?? DEFAULT_REQUEST_TTL_SECS
    if (input.expiresAt === undefined && (!Number.isSafeInteger(ttl) || ttl <= 0)) {
      throw new InputError('ttlSecs must be a positive whole number of seconds')
    }
    const request: PaymentRequest = {
      requestId: input.requestId ?? this.ids.next('req'),
      from: this.options.identity,
      to,
      amount: typeof input.amount === 'string' ? Amount.parse(input.amount) : input.amount,
      currency: input.currency ?? 'SAT',
      method: input.method,
      description: input.description ?? null,
      dueDate: input.dueDate ?? null,
      metadata: input.metadata ?? {},
      createdAt,
      expiresAt: input.expiresAt ?? createdAt + ttl,
      ...(input.invoiceNumber !== undefined ? { invoiceNumber: input.invoiceNumber } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
    }
    return this.write(request, true, input.recipientNoiseKey)
  }

  /** Republishes `request` with `active: false`: readers drop it (the reference's deactivation). */
  deactivate(request: PaymentRequest, recipientNoiseKey?: Uint8Array): Promise<PublishedOutboxRecord> {
    return this.write(request, false, recipientNoiseKey)
  }

  /** Deletes a published request and forgets it. Deleting an absent one succeeds. */
  async remove(to: PubkeyRef, requestId: string): Promise<void> {
    const recipient = formatPublicKey(keyBytes(to, 'recipient'))
    await this.options.writer.delete(paymentRequestPath(recipient, requestId, this.provider))
    await this.options.index?.remove(recipient, requestId)
  }

  /** Marks a request paid in the index (the sweeper deletes it). */
  async markPaid(to: PubkeyRef, requestId: string): Promise<void> {
    await this.options.index?.markPaid(formatPublicKey(keyBytes(to, 'recipient')), requestId)
  }

  private async write(
    request: PaymentRequest,
    active: boolean,
    recipientNoiseKey: Uint8Array | undefined,
  ): Promise<PublishedOutboxRecord> {
    const recipient = formatPublicKey(request.to)
    if (formatPublicKey(request.from) !== this.me)
      throw new InputError('request "from" must be this identity')
    // Validates the request (ids, amount, parties, expiry order) before anything is sealed.
    const plaintext = writePublishedRequest({ request, publishedAt: nowSeconds(this.options.clock), active })
    const noiseKey = recipientNoiseKey ?? (await requireNoiseKey(this.options.reader, recipient))
    const path = paymentRequestPath(recipient, request.requestId, this.provider)
    const envelope = sealV1(
      noiseKey,
      plaintext,
      paymentRequestAad(recipient, request.requestId, this.provider),
      {
        purpose: SEALED_PURPOSE.request,
        rng: this.rng,
        provider: this.provider,
      },
    )
    await this.options.writer.put(path, envelope)
    await this.options.index?.put({
      recipient,
      requestId: request.requestId,
      expiresAt: request.expiresAt,
      paid: false,
    })
    return {
      requestId: request.requestId,
      to: recipient,
      path,
      expiresAt: request.expiresAt,
      request,
      envelope,
    }
  }
}

/**
 * The billing engine's `RequestPublisher` port over an outbox: the same request id always lands on
 * the same path, so a republish after a crash overwrites rather than duplicates.
 */
export function outboxPublisher(outbox: RequestOutbox): RequestPublisher {
  return {
    async publish(r: OutgoingRequest): Promise<void> {
      if (formatPublicKey(parsePublicKey(r.from)) !== outbox.owner) {
        throw new InputError(
          `request ${r.requestId} is from ${r.from}, but this outbox publishes as ${outbox.owner}`,
        )
      }
      await outbox.publish({
        requestId: r.requestId,
        to: r.to,
        amount: r.amount,
        currency: r.currency,
        method: r.method,
        description: r.description,
        createdAt: r.createdAt,
        expiresAt: r.expiresAt,
        metadata: { ...r.metadata },
      })
    },
    remove: (recipient, requestId) => outbox.remove(recipient, requestId),
  }
}
