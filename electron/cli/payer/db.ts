/**
 * @module cli/payer/db
 * The payer's own SQLite state (`payer.db` in the CLI's Paykit home), through core/storage (WAL,
 * synchronous=FULL, numbered forward-only migrations): merchants we know, accepted subscription
 * agreements, autopay settings, per-peer spending limits with their reservations, and every
 * payment we made or refused — so a request is never paid twice, even across crashes.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Database } from '../../main/core/storage/db'
import { migrate, type Migration } from '../../main/core/storage/migrate'

export const PAYER_DB_FILE = 'payer.db'

const m0001: Migration = {
  id: 1,
  name: 'payer-state',
  up: `
CREATE TABLE merchants (
  pubky TEXT PRIMARY KEY,
  first_seen INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
CREATE TABLE agreements (
  subscription_id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  method TEXT NOT NULL,
  frequency TEXT NOT NULL,
  max_amount_per_period TEXT,
  description TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER,
  signed_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'cancelled')),
  cancelled_by TEXT,
  cancelled_at INTEGER,
  accepted_at INTEGER NOT NULL
);
CREATE INDEX agreements_provider ON agreements (provider, state);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE peer_limits (
  peer TEXT PRIMARY KEY,
  limit_sats INTEGER NOT NULL CHECK (limit_sats >= 0),
  period TEXT NOT NULL CHECK (period IN ('daily', 'weekly', 'monthly')),
  spent_sats INTEGER NOT NULL DEFAULT 0 CHECK (spent_sats >= 0),
  reserved_sats INTEGER NOT NULL DEFAULT 0 CHECK (reserved_sats >= 0),
  last_reset INTEGER NOT NULL
);
CREATE TABLE reservations (
  key TEXT PRIMARY KEY,
  peer TEXT NOT NULL,
  amount_sats INTEGER NOT NULL CHECK (amount_sats > 0),
  state TEXT NOT NULL CHECK (state IN ('reserved', 'committed', 'rolled-back')),
  created_at INTEGER NOT NULL,
  settled_at INTEGER
);
CREATE TABLE payments (
  merchant TEXT NOT NULL,
  receipt_id TEXT NOT NULL,
  request_id TEXT,
  checkout_id TEXT,
  method TEXT NOT NULL,
  amount_sats INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('asked', 'paying', 'paid', 'settled', 'failed')),
  endpoint TEXT,
  proof_type TEXT,
  proof_value TEXT,
  settlement TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (merchant, receipt_id)
);
CREATE UNIQUE INDEX payments_request ON payments (merchant, request_id) WHERE request_id IS NOT NULL;
CREATE TABLE refusals (
  merchant TEXT NOT NULL,
  request_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (merchant, request_id)
);
`,
}

export const PAYER_MIGRATIONS: readonly Migration[] = [m0001]

/** Opens (creating and migrating) the payer database at `path`. */
export function openPayerDb(path: string, now: () => number = Date.now): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const db = Database.open(path)
  try {
    migrate(db, PAYER_MIGRATIONS, now)
  } catch (e) {
    db.close()
    throw e
  }
  return db
}
