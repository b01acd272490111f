/**
 * @module subscriptions/flow/cancellation
 * Cancelling a subscription, either side (paykit-protocol.md §6.4 step 5):
 *
 * - `cancelSubscription`: writes `{"cancelled_at","reason","subscription_id"}` sealed to each party
 *   at `cancellations/{party}/{id}` on OUR homeserver (purpose `subscription_cancellation`): one copy
 *   to our own key, one to the other party's `/noise` key.
 * - `discoverCancellations`: reads each counterparty's homeserver at `cancellations/{our z32}/` (the
 *   reference reads only its own). The record carries no sender field, so owner binding is done
 *   against our own books: a cancellation is accepted only for a subscription we know, whose other
 *   party is the owner of the homeserver it was read from.
 */
import { equalBytes } from '../../util/bytes'
import { nowSeconds } from '../../util/clock'
import { sealV1, SEALED_PURPOSE, subscriptionCancellationAad } from '../../sealed'
import { formatPublicKey } from '../../keys/public-key'
import { subscriptionCancellationPath, subscriptionCancellationsDir } from '../../directory/paths'
import { requireNoiseKey } from '../../directory/noise-endpoint'
import { readCancellation, writeCancellation, type Cancellation, type Subscription } from '../model'
import { FlowError } from './errors'
import { forEachRecord, me, openRecord, providerOf, type FlowContext, type Rejection } from './common'

/** Largest lead of `cancelled_at` over our clock accepted (clock skew). */
export const MAX_CANCELLATION_SKEW_SECS = 300

function counterparty(ctx: FlowContext, sub: Subscription): Uint8Array {
  if (equalBytes(sub.provider, ctx.party.publicKey)) return sub.subscriber
  if (equalBytes(sub.subscriber, ctx.party.publicKey)) return sub.provider
  throw new FlowError('wrong-party', `we are not a party of subscription ${sub.subscriptionId}`)
}

export interface CancelOptions {
  reason?: string | null
  counterpartyNoiseKey?: Uint8Array
}

export interface CancellationWritten {
  readonly cancellation: Cancellation
  readonly paths: readonly string[]
}

/** Publishes our cancellation of `subscription` to both parties. */
export async function cancelSubscription(
  ctx: FlowContext,
  subscription: Subscription,
  options: CancelOptions = {},
): Promise<CancellationWritten> {
  const provider = providerOf(ctx)
  const other = formatPublicKey(counterparty(ctx, subscription))
  const cancellation: Cancellation = {
    cancelledAt: nowSeconds(ctx.clock),
    reason: options.reason ?? null,
    subscriptionId: subscription.subscriptionId,
  }
  const plaintext = writeCancellation(cancellation)
  const theirKey = options.counterpartyNoiseKey ?? (await requireNoiseKey(ctx.reader, other))
  const paths: string[] = []
  for (const [party, key] of [
    [me(ctx), ctx.party.noisePublicKey],
    [other, theirKey],
  ] as const) {
    const path = subscriptionCancellationPath(party, subscription.subscriptionId)
    const envelope = sealV1(key, plaintext, subscriptionCancellationAad(party, subscription.subscriptionId), {
      purpose: SEALED_PURPOSE.subscriptionCancellation,
      provider,
      ...(ctx.rng ? { rng: ctx.rng } : {}),
    })
    await ctx.writer.put(path, envelope)
    paths.push(path)
  }
  return { cancellation, paths }
}

export interface DiscoveredCancellation {
  readonly subscription: Subscription
  readonly cancellation: Cancellation
  /** z32 of the party who cancelled (the homeserver owner). */
  readonly by: string
}

export interface CancellationsResult {
  readonly cancellations: readonly DiscoveredCancellation[]
  readonly rejected: readonly Rejection[]
}

/**
 * Polls the counterparty of each of `subscriptions` for cancellations addressed to us. Records for
 * subscription ids we do not have with that counterparty are rejected as `unknown-subscription`.
 */
export async function discoverCancellations(
  ctx: FlowContext,
  subscriptions: readonly Subscription[],
): Promise<CancellationsResult> {
  const cancellations: DiscoveredCancellation[] = []
  const rejected: Rejection[] = []
  const byParty = new Map<string, Map<string, Subscription>>()
  for (const s of subscriptions) {
    const other = formatPublicKey(counterparty(ctx, s))
    let m = byParty.get(other)
    if (!m) byParty.set(other, (m = new Map()))
    m.set(s.subscriptionId, s)
  }
  const dir = subscriptionCancellationsDir(me(ctx))
  const now = nowSeconds(ctx.clock)
  await forEachRecord(ctx, byParty.keys(), dir, rejected, (party, id, body) => {
    const owner = party.z32
    const subs = byParty.get(owner)
    const sub = subs?.get(id)
    if (sub === undefined) {
      throw new FlowError('unknown-subscription', `no subscription "${id.slice(0, 80)}" with ${owner}`)
    }
    const { text } = openRecord(body, subscriptionCancellationAad(me(ctx), id), ctx)
    const cancellation = readCancellation(text)
    if (cancellation.subscriptionId !== id) {
      throw new FlowError(
        'id-mismatch',
        `cancellation is for "${cancellation.subscriptionId}" but stored as "${id}"`,
      )
    }
    if (cancellation.cancelledAt > now + MAX_CANCELLATION_SKEW_SECS) {
      throw new FlowError('future-timestamp', `cancelled_at ${cancellation.cancelledAt} is in the future`)
    }
    cancellations.push({ subscription: sub, cancellation, by: owner })
  })
  return { cancellations, rejected }
}
