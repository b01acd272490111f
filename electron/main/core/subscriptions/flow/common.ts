/**
 * @module subscriptions/flow/common
 * What both roles share: the party context, opening a sealed record read from someone's homeserver,
 * and a signature fingerprint used as the nonce context.
 */
import { defaultProvider, type CryptoProvider } from '../../crypto'
import type { Clock } from '../../util/clock'
import type { Rng } from '../../util/rng'
import { concatBytes, fromUtf8, toHex } from '../../util/bytes'
import { isSealedBlob, openSealedBlobWithKeys, type RecipientKey, type SealedBlobVersion } from '../../sealed'
import { formatPublicKey, parsePublicKey } from '../../keys/public-key'
import type { PubkyReader, PubkyWriter } from '../../store/types'
import type { SubscriptionSignature } from '../model'
import { FlowError } from './errors'
import { toPaykitError } from '../../util/errors'
import { fetchRecords } from '../../store/records'
import { SEALED_BLOB_MAX_ENVELOPE } from '../../sealed/envelope'
import type { NonceStore } from './nonce-store'

/** Our side of a subscription flow. */
export interface FlowParty {
  /** Our Ed25519 identity secret (seed), used to sign; never written anywhere. */
  secretKey: Uint8Array
  publicKey: Uint8Array
  /** Our X25519 Noise keys to open records sealed to us (current first, then older epochs). */
  noiseKeys: readonly RecipientKey[]
  /** Our current X25519 public key: our own copies of agreements and cancellations are sealed to it. */
  noisePublicKey: Uint8Array
}

export interface FlowContext {
  /** Writes OUR homeserver space (owner = `party.publicKey`). */
  writer: PubkyWriter
  reader: PubkyReader
  party: FlowParty
  nonces: NonceStore
  clock: Clock
  rng?: Rng
  provider?: CryptoProvider
}

export interface Rejection {
  /** Homeserver owner the record was read from. */
  readonly owner: string
  readonly id: string
  readonly code: string
  readonly reason: string
}

export function me(ctx: FlowContext): string {
  return formatPublicKey(ctx.party.publicKey)
}

export function providerOf(ctx: FlowContext): CryptoProvider {
  return ctx.provider ?? defaultProvider()
}

/** Canonical z32 and bytes of a party given as text. */
export function partyKey(text: string): { z32: string; key: Uint8Array } {
  const key = parsePublicKey(text)
  return { z32: formatPublicKey(key), key }
}

/**
 * Polls `dir` on each owner's homeserver and hands every record's bytes to `handle`. A malformed
 * owner key, a failed listing or fetch, or a record `handle` throws on becomes one Rejection with
 * its reason: nothing is thrown, so one hostile homeserver cannot stop a poll of the others.
 */
export async function forEachRecord(
  ctx: FlowContext,
  owners: Iterable<string>,
  dir: string,
  rejected: Rejection[],
  handle: (owner: { z32: string; key: Uint8Array }, id: string, body: Uint8Array) => void | Promise<void>,
): Promise<void> {
  for (const text of new Set(owners)) {
    let owner: { z32: string; key: Uint8Array }
    try {
      owner = partyKey(text)
    } catch (e) {
      const pe = toPaykitError(e)
      rejected.push({ owner: String(text).slice(0, 80), id: '', code: pe.code, reason: pe.message })
      continue
    }
    const fetched = await fetchRecords(ctx.reader, owner.z32, dir, { maxBytes: SEALED_BLOB_MAX_ENVELOPE })
    if (fetched.listError) {
      rejected.push({
        owner: owner.z32,
        id: '',
        code: fetched.listError.code,
        reason: fetched.listError.message,
      })
      continue
    }
    for (const r of fetched.records) {
      if (!r.ok) {
        rejected.push({ owner: owner.z32, id: r.id, code: r.error.code, reason: r.error.message })
        continue
      }
      try {
        await handle(owner, r.id, r.body)
      } catch (e) {
        const pe = toPaykitError(e)
        rejected.push({ owner: owner.z32, id: r.id, code: pe.code, reason: pe.message })
      }
    }
  }
}

/** Opens a record read from a homeserver: must be a Sealed Blob; v1 or v2; any of our keys. */
export function openRecord(
  body: Uint8Array,
  aad: string,
  ctx: FlowContext,
): { text: string; version: SealedBlobVersion } {
  const envelope = fromUtf8(body, 'record')
  if (!isSealedBlob(envelope))
    throw new FlowError('not-sealed', 'record is not a Sealed Blob; plaintext is refused')
  const opened = openSealedBlobWithKeys(envelope, ctx.party.noiseKeys, aad, { provider: providerOf(ctx) })
  return { text: fromUtf8(opened.plaintext, 'record plaintext'), version: opened.version }
}

/** hex SHA-256 over the signatures, in order: identifies one signed record for the nonce store. */
export function signatureFingerprint(
  sigs: readonly SubscriptionSignature[],
  provider: CryptoProvider,
): string {
  return toHex(provider.hash('sha256', concatBytes(...sigs.map((s) => s.signature))))
}
