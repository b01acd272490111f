/**
 * @module storage/migrations/0002-engine-durability
 * What the engine used to keep in memory or in side files, moved into the ledger so a restart
 * loses nothing:
 * - `outbox_index`: every payment request we published and have not yet deleted from our homeserver
 *   (the sweeper's work list; requests/outbox-index.ts `DbOutboxIndex`). Back-filled from
 *   `requests_out` rows that were published and not yet removed.
 * - `request_dedupe`: (sender, request_id) pairs the inbox has delivered (requests/dedupe.ts
 *   `DbRequestDedupe`), back-filled from `requests_in`.
 * - `subscription_proposals`: proposals we published, so the engine knows whose homeserver to poll
 *   for the agreement (engine subscriber sync) and can withdraw the proposal once accepted.
 *
 * The nonce store already lives in `nonces` (0001); agreements' nonces, kept forever, use
 * `expires_at` = 8640000000000000 (the largest JS Date), see billing/nonce-store.ts.
 */
import type { Migration } from '../migrate'

export const m0002EngineDurability: Migration = {
  id: 2,
  name: 'engine-durability',
  up: `
CREATE TABLE outbox_index (
  recipient TEXT NOT NULL,
  request_id TEXT NOT NULL,
  -- Unix SECONDS (the wire's unit: this mirrors the published record's expires_at); NULL = never.
  expires_at_secs INTEGER,
  paid INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (recipient, request_id)
) STRICT;

INSERT OR IGNORE INTO outbox_index (recipient, request_id, expires_at_secs, paid, updated_at)
  SELECT recipient, request_id,
         -- ms per the ledger convention; earlier engine builds wrote invoice rows in seconds.
         CASE WHEN expires_at IS NULL THEN NULL WHEN expires_at > 100000000000 THEN expires_at / 1000
              ELSE expires_at END,
         CASE WHEN state IN ('paid', 'void') THEN 1 ELSE 0 END,
         updated_at
  FROM requests_out
  WHERE publish_count > 0 AND removed_at IS NULL;

CREATE TABLE request_dedupe (
  sender TEXT NOT NULL,
  request_id TEXT NOT NULL,
  -- Unix SECONDS; NULL = never expires.
  expires_at_secs INTEGER,
  claimed_at INTEGER NOT NULL,
  PRIMARY KEY (sender, request_id)
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO request_dedupe (sender, request_id, expires_at_secs, claimed_at)
  -- Expiry unknown for old rows (NULL): they are simply never pruned.
  SELECT sender, request_id, NULL, received_at
  FROM requests_in;

CREATE TABLE subscription_proposals (
  subscription_id TEXT PRIMARY KEY,
  subscriber TEXT NOT NULL,
  path TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'expired', 'withdrawn')),
  offer_expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX subscription_proposals_open ON subscription_proposals (subscriber) WHERE state = 'proposed';
`,
}
