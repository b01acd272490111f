/**
 * @module billing/subscribers
 * The merchant's actions on subscribers: take in a verified signed agreement, pause, resume,
 * cancel (now or at period end), and change the amount with proration. Each action is one
 * transaction; the billing engine does the publishing on its next run.
 *
 * Signature verification and nonce checks happen before `importAgreement` (core/subscriptions);
 * this module mirrors what was agreed and tracks the local lifecycle.
 */
import { transact } from '../storage/after-commit'
import type { Database } from '../storage/db'
import { Amount } from '../money/amount'
import { z32Encode } from '../keys/z32'
import { frequencyToJson } from '../subscriptions/frequency'
import type { SignedSubscription } from '../subscriptions/model'
import { newId } from '../util/ids'
import { systemRng, type Rng } from '../util/rng'
import { BillingRepo, type SubscriptionRow } from './repo'
import { OutboxRepo } from './requests-repo'
import { calendarSchedule, billingAnchor, type BillingSchedule } from './schedule'
import { scheduleInputOf } from './engine'
import { prorate, ProrationError, type Proration, type RoundingMode } from '../subscriptions/proration'
import { BillingError } from './errors'
import { DEFAULT_POLICY } from './policy'

/** The agreed terms as the ledger mirrors them (times in ms, keys z32, amount verbatim). */
export interface AgreementMirror {
  subscriptionId: string
  subscriber: string
  provider: string
  amount: string
  currency: string
  /** serde JSON text of the frequency. */
  frequency: string
  method: string
  description: string
  maxAmountPerPeriod: string | null
  metadata: string
  createdAt: number
  startsAt: number
  endsAt: number | null
  /** The SignedSubscription JSON exactly as received (the evidence of what was agreed). */
  signedJson: string
}

/** Builds the mirror from core/subscriptions' parsed agreement (wire seconds → ms). */
export function mirrorOf(signed: SignedSubscription, signedJson: string): AgreementMirror {
  const s = signed.subscription
  return {
    subscriptionId: s.subscriptionId,
    subscriber: z32Encode(s.subscriber),
    provider: z32Encode(s.provider),
    amount: s.terms.amount.toString(),
    currency: s.terms.currency,
    frequency: JSON.stringify(frequencyToJson(s.terms.frequency)),
    method: s.terms.method,
    description: s.terms.description,
    maxAmountPerPeriod: s.terms.maxAmountPerPeriod?.toString() ?? null,
    metadata: JSON.stringify(s.metadata, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    createdAt: s.createdAt * 1000,
    startsAt: s.startsAt * 1000,
    endsAt: s.endsAt === null ? null : s.endsAt * 1000,
    signedJson,
  }
}

/** Whole sats of a SAT-denominated amount string; other currencies are refused (no rate engine here). */
export function satsOf(amount: string, currency: string): number {
  if (currency !== 'SAT') {
    throw new BillingError(
      'invalid-agreement',
      `only SAT-denominated subscriptions can be billed (got ${currency})`,
    )
  }
  const sats = Amount.parse(amount).toIntegerSats()
  if (sats <= 0n || sats > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new BillingError(
      'invalid-agreement',
      `subscription amount ${amount} must be a positive whole number of sats`,
    )
  }
  return Number(sats)
}

export interface SubscriberServiceOptions {
  db: Database
  rng?: Rng
  schedule?: BillingSchedule
  defaultGraceMs?: number
}

/** The reference proration (subscriptions/proration.ts) of a whole-sat plan, with its results in sats. */
export interface SatsProration extends Proration {
  creditSats: bigint
  chargeSats: bigint
  /** charge − credit: positive = the customer owes more, negative = credit to the customer. */
  netSats: bigint
}

/**
 * Prorates a change from `oldSats` to `newSats` at `changeAt` within [periodStart, periodEnd)
 * (all ms; the formula works in whole days of Unix seconds, like the reference). A period the
 * formula cannot split (shorter than a day, e.g. an hourly Custom plan) is `proration-out-of-period`.
 */
export function prorateSats(input: {
  oldSats: bigint
  newSats: bigint
  periodStart: number
  periodEnd: number
  changeAt: number
  rounding: RoundingMode
}): SatsProration {
  let p: Proration
  try {
    p = prorate({
      oldAmount: Amount.of(input.oldSats),
      newAmount: Amount.of(input.newSats),
      periodStart: Math.floor(input.periodStart / 1000),
      periodEnd: Math.floor(input.periodEnd / 1000),
      changeDate: Math.floor(input.changeAt / 1000),
      rounding: input.rounding,
    })
  } catch (e) {
    if (!(e instanceof ProrationError)) throw e
    throw new BillingError('proration-out-of-period', `cannot prorate this period: ${e.message}`, {
      cause: e,
    })
  }
  // Rounded to whole units above, so these are exact integers.
  return {
    ...p,
    creditSats: p.credit.toIntegerSats(),
    chargeSats: p.charge.toIntegerSats(),
    netSats: p.net.toIntegerSats(),
  }
}

export interface AmountChange {
  adjustmentId: string
  kind: 'upgrade' | 'downgrade'
  proration: SatsProration | null
  /** The one-off charge published for an upgrade, when the current period was already billed. */
  requestId: string | null
}

export class SubscriberService {
  readonly repo: BillingRepo
  private readonly outbox: OutboxRepo
  private readonly db: Database
  private readonly rng: Rng
  private readonly schedule: BillingSchedule
  private readonly defaultGraceMs: number

  constructor(options: SubscriberServiceOptions) {
    this.db = options.db
    this.repo = new BillingRepo(options.db)
    this.outbox = new OutboxRepo(options.db)
    this.rng = options.rng ?? systemRng
    this.schedule = options.schedule ?? calendarSchedule
    this.defaultGraceMs = options.defaultGraceMs ?? DEFAULT_POLICY.defaultGraceMs
  }

  private require(id: string): SubscriptionRow {
    const sub = this.repo.getSubscription(id)
    if (!sub) throw new BillingError('unknown-subscription', `no subscription ${id} in this shop's ledger`)
    return sub
  }

  /**
   * Mirrors a verified agreement. Billing starts with the period containing `now` (or the first
   * period, at trial end when there is a trial). Importing the same agreement again is a no-op;
   * a different agreement under an existing id is refused.
   */
  importAgreement(
    mirror: AgreementMirror,
    now: number,
    options: { trialEndsAt?: number | null; graceMs?: number } = {},
  ): { created: boolean } {
    const amountSats = satsOf(mirror.amount, mirror.currency)
    if (mirror.subscriber === mirror.provider) {
      throw new BillingError('invalid-agreement', 'subscriber and provider are the same key')
    }
    if (mirror.endsAt !== null && mirror.endsAt <= mirror.startsAt) {
      throw new BillingError('invalid-agreement', 'the agreement ends before it starts')
    }
    return transact(this.db, () => {
      const existing = this.repo.getSubscription(mirror.subscriptionId)
      if (existing) {
        if (existing.signed_json === mirror.signedJson) return { created: false }
        throw new BillingError(
          'invalid-agreement',
          `subscription ${mirror.subscriptionId} already exists with different signed terms; change it with changeAmount`,
        )
      }
      const row = {
        subscription_id: mirror.subscriptionId,
        subscriber: mirror.subscriber,
        provider: mirror.provider,
        amount: mirror.amount,
        currency: mirror.currency,
        amount_sats: amountSats,
        frequency: mirror.frequency,
        method: mirror.method,
        description: mirror.description,
        max_amount_per_period: mirror.maxAmountPerPeriod,
        metadata: mirror.metadata,
        created_at: mirror.createdAt,
        starts_at: mirror.startsAt,
        ends_at: mirror.endsAt,
        signed_json: mirror.signedJson,
        state: 'active' as const,
        trial_ends_at: options.trialEndsAt ?? null,
        grace_ms: options.graceMs ?? this.defaultGraceMs,
        imported_at: now,
        updated_at: now,
      }
      // Validates the frequency text too (throws a typed error before anything is written).
      const input = scheduleInputOf({ ...row, next_period_index: 0 } as SubscriptionRow)
      const first = Math.max(0, this.schedule.indexAt(input, now))
      this.repo.insertSubscription(row, first)
      return { created: true }
    })
  }

  /** Pauses billing: periods that start while paused are skipped for good (not billed later). */
  pause(id: string, now: number): void {
    transact(this.db, () => {
      const sub = this.require(id)
      if (sub.state === 'paused') return
      if (sub.state !== 'active')
        throw new BillingError('invalid-state', `cannot pause a ${sub.state} subscription`)
      this.db.run(
        `UPDATE subscriptions SET state = 'paused', paused_at = ?, updated_at = ? WHERE subscription_id = ?`,
        now,
        now,
        id,
      )
      this.db.run('INSERT INTO subscription_pauses (subscription_id, paused_at) VALUES (?, ?)', id, now)
    })
  }

  /** Resumes billing from the next period that starts after `now`. */
  resume(id: string, now: number): void {
    transact(this.db, () => {
      const sub = this.require(id)
      if (sub.state === 'active') return
      if (sub.state !== 'paused')
        throw new BillingError('invalid-state', `cannot resume a ${sub.state} subscription`)
      this.db.run(
        'UPDATE subscription_pauses SET resumed_at = ? WHERE subscription_id = ? AND paused_at = ? AND resumed_at IS NULL',
        now,
        id,
        sub.paused_at,
      )
      this.db.run(
        `UPDATE subscriptions SET state = 'active', paused_at = NULL, updated_at = ? WHERE subscription_id = ?`,
        now,
        id,
      )
    })
  }

  /**
   * Cancels. `at-period-end`: no period starting at or after the end of the current one is billed,
   * and the state turns 'cancelled' then (during a trial: at trial end). `now`: cancelled at once,
   * and unpaid requests are voided (the engine deletes them from the homeserver).
   */
  cancel(
    id: string,
    mode: 'now' | 'at-period-end',
    now: number,
    reason: string | null = null,
  ): { cancelAt: number } {
    return transact(this.db, () => {
      const sub = this.require(id)
      if (sub.state === 'cancelled' || sub.state === 'ended') {
        throw new BillingError('invalid-state', `subscription ${id} is already ${sub.state}`)
      }
      if (mode === 'now') {
        this.db.run(
          `UPDATE subscriptions SET state = 'cancelled', cancelled_at = ?, cancel_at = ?, cancel_reason = ?, updated_at = ?
           WHERE subscription_id = ?`,
          now,
          now,
          reason,
          now,
          id,
        )
        this.repo.voidUnpaid(id, 'cancelled', now)
        return { cancelAt: now }
      }
      const input = scheduleInputOf(sub)
      const current = this.schedule.indexAt(input, now)
      const cancelAt = current < 0 ? billingAnchor(input) : this.schedule.periodAt(input, current).end
      this.db.run(
        'UPDATE subscriptions SET cancel_at = ?, cancel_reason = ?, updated_at = ? WHERE subscription_id = ?',
        cancelAt,
        reason,
        now,
        id,
      )
      return { cancelAt }
    })
  }

  /**
   * Applies a re-signed agreement with a new amount (upgrade or downgrade) effective `now`.
   * If the current period was already billed at the old amount, it is prorated by the reference
   * formula: an upgrade's net is published as a one-off charge; a downgrade's net becomes a credit
   * on the subscriber (shown to the merchant; refunds are a separate decision). Later periods are
   * billed at the new amount.
   */
  changeAmount(
    id: string,
    mirror: AgreementMirror,
    now: number,
    rounding: RoundingMode = 'nearest',
  ): AmountChange {
    return transact(this.db, () => {
      const sub = this.require(id)
      if (
        mirror.subscriptionId !== id ||
        mirror.subscriber !== sub.subscriber ||
        mirror.provider !== sub.provider
      ) {
        throw new BillingError(
          'invalid-amount-change',
          'the new agreement is for a different subscription or party',
        )
      }
      if (sub.state !== 'active' && sub.state !== 'paused') {
        throw new BillingError('invalid-state', `cannot change a ${sub.state} subscription`)
      }
      if (mirror.currency !== sub.currency || mirror.frequency !== sub.frequency) {
        throw new BillingError(
          'invalid-amount-change',
          'only the amount may change here (currency and frequency are fixed)',
        )
      }
      const newSats = satsOf(mirror.amount, mirror.currency)
      if (newSats === sub.amount_sats)
        throw new BillingError('invalid-amount-change', 'the new amount equals the current one')
      const kind = newSats > sub.amount_sats ? 'upgrade' : 'downgrade'
      const input = scheduleInputOf(sub)
      const index = this.schedule.indexAt(input, now)
      const billed = index >= 0 ? this.repo.period(id, index) : undefined
      let proration: SatsProration | null = null
      let requestId: string | null = null
      if (billed && billed.state !== 'skipped' && billed.state !== 'void') {
        proration = prorateSats({
          oldSats: BigInt(billed.amount_sats),
          newSats: BigInt(newSats),
          periodStart: billed.period_start,
          periodEnd: billed.period_end,
          changeAt: now,
          rounding,
        })
        if (proration.netSats > 0n) {
          requestId = newId('req', { now: () => now }, this.rng)
          this.outbox.insert(
            {
              request_id: requestId,
              recipient: sub.subscriber,
              kind: 'proration',
              subscription_id: id,
              amount: proration.netSats.toString(),
              currency: sub.currency,
              amount_sats: Number(proration.netSats),
              method: sub.method,
              description: `Plan change (prorated): ${mirror.description}`,
              created_at: now,
            },
            now,
          )
        } else if (proration.netSats < 0n) {
          this.db.run(
            'UPDATE subscriptions SET credit_sats = credit_sats + ? WHERE subscription_id = ?',
            Number(-proration.netSats),
            id,
          )
        }
      }
      const adjustmentId = newId('adj', { now: () => now }, this.rng)
      this.db.run(
        `INSERT INTO subscription_adjustments (adjustment_id, subscription_id, kind, old_amount, new_amount, period_index,
           effective_at, credit_sats, charge_sats, net_sats, request_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        adjustmentId,
        id,
        kind,
        sub.amount,
        mirror.amount,
        Math.max(index, 0),
        now,
        Number(proration?.creditSats ?? 0n),
        Number(proration?.chargeSats ?? 0n),
        Number(proration?.netSats ?? 0n),
        requestId,
        now,
      )
      this.db.run(
        `UPDATE subscriptions SET amount = ?, amount_sats = ?, description = ?, max_amount_per_period = ?, metadata = ?,
           signed_json = ?, updated_at = ? WHERE subscription_id = ?`,
        mirror.amount,
        newSats,
        mirror.description,
        mirror.maxAmountPerPeriod,
        mirror.metadata,
        mirror.signedJson,
        now,
        id,
      )
      return { adjustmentId, kind, proration, requestId }
    })
  }
}
