/**
 * @module storage/migrations/0001-merchant-ledger
 * The merchant's books: checkouts and their payments, two-sided receipts, payment requests out
 * (outbox) and in (inbox), contacts, the mirror of signed subscription agreements with their local
 * state, one billing period per (subscription, period), the persisted nonce store, the on-chain
 * address index per xpub, and settings.
 *
 * Conventions (every later migration keeps them):
 * - Every `*_at` column is Unix **milliseconds**. Wire seconds are converted at the boundary; the
 *   signed agreement itself is kept verbatim in `subscriptions.signed_json`.
 * - Amounts: `*_sats` INTEGER where the ledger does arithmetic, and the verbatim decimal string
 *   (`amount`) where the value is signed or goes on the wire ("1000.0" must never become "1000").
 * - Public keys are z-base-32 text (52 chars).
 * - STRICT tables: a value of the wrong type is refused instead of silently stored.
 */
import type { Migration } from '../migrate'

export const m0001MerchantLedger: Migration = {
  id: 1,
  name: 'merchant-ledger',
  up: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE contacts (
  pubkey TEXT PRIMARY KEY,
  name TEXT,
  note TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- The next unused derivation index per xpub. Advanced in the same transaction that records the
-- address, so an index is never handed out twice, even across a crash.
CREATE TABLE address_index (
  xpub TEXT PRIMARY KEY,
  next_index INTEGER NOT NULL CHECK (next_index >= 0)
) STRICT;

CREATE TABLE onchain_addresses (
  address TEXT PRIMARY KEY,
  xpub TEXT NOT NULL,
  derivation_index INTEGER NOT NULL CHECK (derivation_index >= 0),
  allocated_at INTEGER NOT NULL,
  UNIQUE (xpub, derivation_index)
) STRICT;

CREATE TABLE checkouts (
  checkout_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('open', 'paid', 'expired', 'cancelled')),
  amount_sats INTEGER NOT NULL CHECK (amount_sats > 0),
  tip_sats INTEGER NOT NULL DEFAULT 0 CHECK (tip_sats >= 0),
  fiat_currency TEXT,
  fiat_amount TEXT,
  fiat_rate TEXT,
  memo TEXT,
  note TEXT,
  onchain_address TEXT UNIQUE REFERENCES onchain_addresses (address),
  lightning_invoice TEXT,
  lightning_payment_hash TEXT UNIQUE,
  received_sats INTEGER NOT NULL DEFAULT 0 CHECK (received_sats >= 0),
  payment_status TEXT NOT NULL DEFAULT 'none'
    CHECK (payment_status IN ('none', 'partial', 'exact', 'over')),
  late_sats INTEGER NOT NULL DEFAULT 0 CHECK (late_sats >= 0),
  payer TEXT,
  receipt_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  paid_at INTEGER,
  expired_at INTEGER,
  cancelled_at INTEGER,
  cancel_reason TEXT
) STRICT;
CREATE INDEX checkouts_open_by_expiry ON checkouts (expires_at) WHERE state = 'open';
CREATE INDEX checkouts_by_created ON checkouts (created_at);

-- Every verified payment seen for a checkout (partial, exact, over, late). One row per proof.
CREATE TABLE checkout_payments (
  checkout_id TEXT NOT NULL REFERENCES checkouts (checkout_id),
  method TEXT NOT NULL CHECK (method IN ('lightning', 'onchain')),
  proof_type TEXT NOT NULL,
  proof_value TEXT NOT NULL,
  amount_sats INTEGER NOT NULL CHECK (amount_sats > 0),
  verified_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
  PRIMARY KEY (checkout_id, proof_type, proof_value)
) STRICT;

CREATE TABLE receipts (
  receipt_id TEXT PRIMARY KEY,
  payer TEXT,
  payee TEXT NOT NULL,
  checkout_id TEXT,
  request_id TEXT,
  subscription_id TEXT,
  method_id TEXT NOT NULL,
  amount TEXT,
  currency TEXT,
  amount_sats INTEGER CHECK (amount_sats IS NULL OR amount_sats >= 0),
  tip_sats INTEGER NOT NULL DEFAULT 0 CHECK (tip_sats >= 0),
  memo TEXT,
  endpoint TEXT,
  proof_type TEXT,
  proof_value TEXT,
  proof_verified_at INTEGER,
  peer_dialect TEXT,
  peer_generation TEXT,
  peer_pattern TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX receipts_by_created ON receipts (created_at, receipt_id);
CREATE INDEX receipts_by_checkout ON receipts (checkout_id) WHERE checkout_id IS NOT NULL;
CREATE INDEX receipts_by_request ON receipts (request_id) WHERE request_id IS NOT NULL;

-- Payment requests this merchant publishes on its homeserver. 'pending' = chosen and stored, not
-- yet confirmed published; 'paid'/'void' rows still on the homeserver have removed_at NULL.
CREATE TABLE requests_out (
  request_id TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('billing', 'proration', 'invoice')),
  subscription_id TEXT,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_sats INTEGER,
  method TEXT NOT NULL,
  description TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'published', 'paid', 'void')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  published_at INTEGER,
  publish_count INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  paid_at INTEGER,
  removed_at INTEGER,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX requests_out_pending ON requests_out (request_id) WHERE state = 'pending';
CREATE INDEX requests_out_to_remove ON requests_out (request_id)
  WHERE state IN ('paid', 'void') AND removed_at IS NULL AND publish_count > 0;

-- Requests other people published for this merchant. Senders cannot be made to delete them, so
-- the inbox deduplicates on (sender, request_id).
CREATE TABLE requests_in (
  sender TEXT NOT NULL,
  request_id TEXT NOT NULL,
  schema TEXT NOT NULL CHECK (schema IN ('rust', 'bitkit')),
  amount TEXT,
  currency TEXT,
  amount_sats INTEGER,
  method TEXT,
  description TEXT,
  created_at INTEGER,
  expires_at INTEGER,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'seen', 'paid', 'declined', 'expired')),
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (sender, request_id)
) STRICT;

-- Mirror of each signed agreement (terms copied out for queries; signed_json kept verbatim) plus
-- the merchant's local state. 'active' with cancel_at set = cancels at period end.
CREATE TABLE subscriptions (
  subscription_id TEXT PRIMARY KEY,
  subscriber TEXT NOT NULL,
  provider TEXT NOT NULL,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_sats INTEGER NOT NULL CHECK (amount_sats > 0),
  frequency TEXT NOT NULL,
  method TEXT NOT NULL,
  description TEXT NOT NULL,
  max_amount_per_period TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER,
  signed_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'cancelled', 'ended')),
  trial_ends_at INTEGER,
  grace_ms INTEGER NOT NULL CHECK (grace_ms >= 0),
  next_period_index INTEGER NOT NULL DEFAULT 0 CHECK (next_period_index >= 0),
  paused_at INTEGER,
  cancel_at INTEGER,
  cancelled_at INTEGER,
  cancel_reason TEXT,
  ended_at INTEGER,
  end_reason TEXT,
  credit_sats INTEGER NOT NULL DEFAULT 0 CHECK (credit_sats >= 0),
  imported_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX subscriptions_by_state ON subscriptions (state, subscription_id);

CREATE TABLE subscription_pauses (
  subscription_id TEXT NOT NULL REFERENCES subscriptions (subscription_id),
  paused_at INTEGER NOT NULL,
  resumed_at INTEGER,
  PRIMARY KEY (subscription_id, paused_at)
) STRICT;

-- Exactly one row per (subscription, period): the payment request id is chosen and stored here, in
-- the same transaction as the row, before anything is published. 'skipped' = paused at its start.
CREATE TABLE billing_periods (
  subscription_id TEXT NOT NULL REFERENCES subscriptions (subscription_id),
  period_index INTEGER NOT NULL CHECK (period_index >= 0),
  period_start INTEGER NOT NULL,
  period_end INTEGER NOT NULL,
  request_id TEXT UNIQUE REFERENCES requests_out (request_id) DEFERRABLE INITIALLY DEFERRED,
  amount TEXT NOT NULL,
  amount_sats INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'published', 'paid', 'void', 'skipped')),
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  published_at INTEGER,
  reminders_sent INTEGER NOT NULL DEFAULT 0,
  next_reminder_at INTEGER,
  paid_at INTEGER,
  receipt_id TEXT,
  voided_at INTEGER,
  void_reason TEXT,
  UNIQUE (subscription_id, period_index),
  CHECK (state = 'skipped' OR request_id IS NOT NULL)
) STRICT;
CREATE INDEX billing_periods_open ON billing_periods (state, due_at) WHERE state IN ('pending', 'published');
CREATE INDEX billing_periods_reminders ON billing_periods (next_reminder_at) WHERE state = 'published';

CREATE TABLE subscription_adjustments (
  adjustment_id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions (subscription_id),
  kind TEXT NOT NULL CHECK (kind IN ('upgrade', 'downgrade')),
  old_amount TEXT NOT NULL,
  new_amount TEXT NOT NULL,
  period_index INTEGER NOT NULL,
  effective_at INTEGER NOT NULL,
  credit_sats INTEGER NOT NULL,
  charge_sats INTEGER NOT NULL,
  net_sats INTEGER NOT NULL,
  request_id TEXT UNIQUE REFERENCES requests_out (request_id) DEFERRABLE INITIALLY DEFERRED,
  created_at INTEGER NOT NULL
) STRICT;

-- Replay protection that survives a restart (the reference keeps nonces in memory only).
CREATE TABLE nonces (
  nonce TEXT PRIMARY KEY,
  context TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX nonces_by_expiry ON nonces (expires_at);
`,
}
