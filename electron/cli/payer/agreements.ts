/**
 * @module cli/payer/agreements
 * Our accepted subscription agreements, as the payer keeps them (the signed JSON verbatim, plus the
 * terms autopay decides on), and the provider's cancellations applied to them.
 */
import type { Database } from '../../main/core/storage/db'
import type { SignedSubscription, Subscription } from '../../main/core/subscriptions/model'
import { readSignedSubscription, writeSignedSubscription } from '../../main/core/subscriptions/model'
import { frequencyLabel } from '../../main/core/subscriptions/frequency'
import { formatPublicKey } from '../../main/core/keys/public-key'
import type { AgreementTerms } from './autopay-rules'
import type { PayerSession } from './session'

type AgreementRow = {
  subscription_id: string
  provider: string
  amount: string
  currency: string
  method: string
  frequency: string
  max_amount_per_period: string | null
  description: string
  starts_at: number
  ends_at: number | null
  signed_json: string
  state: 'active' | 'cancelled'
  cancelled_by: string | null
  cancelled_at: number | null
  accepted_at: number
}

export interface StoredAgreement extends AgreementTerms {
  frequency: string
  description: string
  cancelledBy: string | null
  cancelledAt: number | null
  acceptedAt: number
}

const toStored = (r: AgreementRow): StoredAgreement => ({
  subscriptionId: r.subscription_id,
  provider: r.provider,
  amount: r.amount,
  currency: r.currency,
  method: r.method,
  maxAmountPerPeriod: r.max_amount_per_period,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  state: r.state,
  frequency: r.frequency,
  description: r.description,
  cancelledBy: r.cancelled_by,
  cancelledAt: r.cancelled_at,
  acceptedAt: r.accepted_at,
})

/** Stores an accepted agreement (idempotent for the same signed JSON). */
export function saveAgreement(db: Database, a: SignedSubscription, now: number): void {
  const s = a.subscription
  db.run(
    `INSERT INTO agreements (subscription_id, provider, amount, currency, method, frequency, max_amount_per_period,
       description, starts_at, ends_at, signed_json, state, accepted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)
     ON CONFLICT (subscription_id) DO NOTHING`,
    s.subscriptionId,
    formatPublicKey(s.provider),
    s.terms.amount.toString(),
    s.terms.currency,
    s.terms.method,
    frequencyLabel(s.terms.frequency),
    s.terms.maxAmountPerPeriod?.toString() ?? null,
    s.terms.description,
    s.startsAt,
    s.endsAt,
    writeSignedSubscription(a),
    now,
  )
}

export function listAgreements(db: Database): StoredAgreement[] {
  return db.all<AgreementRow>('SELECT * FROM agreements ORDER BY accepted_at, subscription_id').map(toStored)
}

export function getAgreement(
  db: Database,
  id: string,
): { stored: StoredAgreement; subscription: Subscription } | undefined {
  const r = db.get<AgreementRow>('SELECT * FROM agreements WHERE subscription_id = ?', id)
  if (!r) return undefined
  return { stored: toStored(r), subscription: readSignedSubscription(r.signed_json).subscription }
}

export function activeSubscriptions(db: Database): Subscription[] {
  return db
    .all<{ signed_json: string }>("SELECT signed_json FROM agreements WHERE state = 'active'")
    .map((r) => readSignedSubscription(r.signed_json).subscription)
}

/** Marks an agreement cancelled (by us or by the provider). Returns whether it changed. */
export function markCancelled(db: Database, id: string, by: string, atSecs: number): boolean {
  return (
    db.run(
      "UPDATE agreements SET state = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE subscription_id = ? AND state = 'active'",
      by,
      atSecs,
      id,
    ).changes > 0
  )
}

/** Applies cancellations the providers published for our active agreements; returns them. */
export async function applyProviderCancellations(
  session: PayerSession,
): Promise<{ id: string; by: string; reason: string | null }[]> {
  const subs = activeSubscriptions(session.db)
  if (subs.length === 0) return []
  const { discoverCancellations } = await import('../../main/core/subscriptions/flow')
  const found = await discoverCancellations(session.readFlow(), subs)
  const applied: { id: string; by: string; reason: string | null }[] = []
  for (const c of found.cancellations) {
    if (markCancelled(session.db, c.subscription.subscriptionId, c.by, c.cancellation.cancelledAt))
      applied.push({ id: c.subscription.subscriptionId, by: c.by, reason: c.cancellation.reason })
  }
  return applied
}
