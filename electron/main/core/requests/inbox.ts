/**
 * @module requests/inbox
 * Polling for payment requests addressed to us (paykit-protocol.md §5.4): for each known contact C,
 * list `pubky://C/pub/paykit.app/v0/requests/{scope(me)}/`, fetch each record (capped), require a
 * Sealed Blob (plaintext is refused, as the reference does), open it (v1 or v2) with one of our Noise
 * keys under the canonical AAD rebuilt from OUR key and the listed id, and parse it in the Rust or the
 * mobile schema.
 *
 * Stronger than the reference:
 * - owner binding: the decrypted `from` must be C, the owner of the homeserver it was read from
 *   (`wrong-sender` otherwise: anyone can copy a blob into their own storage and it still opens);
 * - the decrypted `to` must be us, and the payload's `request_id` must equal the listed id;
 * - each (sender, request_id) is delivered once, through the `RequestDedupe` port;
 * - every failure is returned with its code and reason instead of being logged and dropped.
 * Inactive requests (`active: false`) are dropped and counted; the rest are classified active or
 * expired against the injected clock.
 */
import { defaultProvider, type CryptoProvider } from '../crypto'
import type { Clock } from '../util/clock'
import { equalBytes, fromUtf8 } from '../util/bytes'
import { PaykitError, toPaykitError } from '../util/errors'
import { formatPublicKey, parsePublicKey } from '../keys/public-key'
import {
  isSealedBlob,
  openSealedBlobWithKeys,
  paymentRequestAad,
  type RecipientKey,
  type SealedBlobVersion,
} from '../sealed'
import { paymentRequestsDir } from '../directory/paths'
import { fetchRecords } from '../store/records'
import { SEALED_BLOB_MAX_ENVELOPE } from '../sealed/envelope'
import type { PubkyReader } from '../store/types'
import {
  checkRequestSender,
  isRequestExpired,
  readRequest,
  toRequestView,
  type PublishedRequest,
  type RequestView,
} from './model'
import type { RequestDedupe } from './dedupe'

export interface InboxOptions {
  reader: PubkyReader
  /** Our Ed25519 public key (the requests' `to`). */
  identity: Uint8Array
  /** Our X25519 Noise keys (current first; older epochs after it). */
  noiseKeys: readonly RecipientKey[]
  dedupe: RequestDedupe
  clock: Clock
  provider?: CryptoProvider
  /** Most records read per contact per poll (default 200). */
  maxPerContact?: number
}

export type InboxStatus = 'active' | 'expired'

export interface InboxRequest {
  /** The sender's z32 (= the homeserver owner it was read from). */
  readonly sender: string
  readonly requestId: string
  readonly status: InboxStatus
  readonly schema: 'rust' | 'mobile'
  readonly view: RequestView
  /** The full Rust record (items, tax, …) when it came in that schema. */
  readonly published?: PublishedRequest
  readonly sealedVersion: SealedBlobVersion
}

export interface InboxRejection {
  readonly sender: string
  readonly requestId: string
  readonly code: string
  readonly reason: string
}

export interface InboxPollResult {
  /** New requests (each (sender, id) only once across polls). */
  readonly requests: readonly InboxRequest[]
  readonly rejected: readonly InboxRejection[]
  /** Records that were already delivered by an earlier poll. */
  readonly duplicates: number
  /** Records the sender marked `active: false`. */
  readonly inactive: number
  /** Contacts whose directory could not be listed. */
  readonly unreachable: readonly { readonly sender: string; readonly code: string; readonly reason: string }[]
}

export class InboxError extends PaykitError<'not-sealed' | 'wrong-recipient'> {}

interface Opened {
  view: RequestView
  schema: 'rust' | 'mobile'
  published?: PublishedRequest
  version: SealedBlobVersion
}

/** Opens and checks one record read from `sender`'s homeserver. Throws a typed error saying why not. */
export function openInboxRecord(
  body: Uint8Array,
  requestId: string,
  sender: Uint8Array,
  options: Pick<InboxOptions, 'identity' | 'noiseKeys' | 'provider'>,
): Opened {
  const provider = options.provider ?? defaultProvider()
  const text = fromUtf8(body, 'request record')
  if (!isSealedBlob(text)) {
    throw new InboxError('not-sealed', 'record is not a Sealed Blob; plaintext requests are refused')
  }
  const me = formatPublicKey(options.identity)
  const opened = openSealedBlobWithKeys(text, options.noiseKeys, paymentRequestAad(me, requestId, provider), {
    provider,
  })
  const read = readRequest(fromUtf8(opened.plaintext, 'request plaintext'))
  const view = toRequestView(read, requestId)
  if (!equalBytes(view.to, options.identity)) {
    throw new InboxError('wrong-recipient', 'request "to" is not us, although it was sealed to our key')
  }
  checkRequestSender(view, sender)
  return read.schema === 'rust'
    ? { view, schema: 'rust', published: read.published, version: opened.version }
    : { view, schema: 'mobile', version: opened.version }
}

/** Polls every contact once. Never throws for one bad contact or record: see the result's lists. */
export async function pollInbox(
  contacts: readonly string[],
  options: InboxOptions,
): Promise<InboxPollResult> {
  const provider = options.provider ?? defaultProvider()
  const me = formatPublicKey(options.identity)
  const requests: InboxRequest[] = []
  const rejected: InboxRejection[] = []
  const unreachable: { sender: string; code: string; reason: string }[] = []
  let duplicates = 0
  let inactive = 0
  const seenContacts = new Set<string>()

  for (const contact of contacts) {
    let senderKey: Uint8Array
    let sender: string
    try {
      senderKey = parsePublicKey(contact)
      sender = formatPublicKey(senderKey)
    } catch (e) {
      const pe = toPaykitError(e)
      unreachable.push({ sender: String(contact).slice(0, 80), code: pe.code, reason: pe.message })
      continue
    }
    if (sender === me || seenContacts.has(sender)) continue
    seenContacts.add(sender)
    const fetched = await fetchRecords(options.reader, sender, paymentRequestsDir(me, provider), {
      maxEntries: options.maxPerContact ?? 200,
      maxBytes: SEALED_BLOB_MAX_ENVELOPE,
    })
    if (fetched.listError) {
      unreachable.push({ sender, code: fetched.listError.code, reason: fetched.listError.message })
      continue
    }
    for (const r of fetched.records) {
      if (!r.ok) {
        rejected.push({ sender, requestId: r.id, code: r.error.code, reason: r.error.message })
        continue
      }
      let opened: Opened
      try {
        opened = openInboxRecord(r.body, r.id, senderKey, { ...options, provider })
      } catch (e) {
        const pe = toPaykitError(e)
        rejected.push({ sender, requestId: r.id, code: pe.code, reason: pe.message })
        continue
      }
      if (!opened.view.active) {
        inactive++
        continue
      }
      if (!(await options.dedupe.claim(sender, opened.view.requestId, opened.view.expiresAt))) {
        duplicates++
        continue
      }
      requests.push({
        sender,
        requestId: opened.view.requestId,
        status: isRequestExpired(opened.view, options.clock) ? 'expired' : 'active',
        schema: opened.schema,
        view: opened.view,
        ...(opened.published ? { published: opened.published } : {}),
        sealedVersion: opened.version,
      })
    }
  }
  return { requests, rejected, duplicates, inactive, unreachable }
}
