/**
 * @module pkarr/relay-store
 * The relay's packet table in SQLite. Payloads are stored exactly as received (already verified), so
 * a GET serves the signer's bytes unchanged.
 */
import type Libsql from 'libsql'

export interface StoredPacket {
  payload: Uint8Array
  /** When the relay last accepted this packet, ms since the epoch. */
  lastSeenMs: number
}

export const RELAY_SCHEMA = `
CREATE TABLE IF NOT EXISTS pkarr_packets (
  public_key TEXT PRIMARY KEY,
  timestamp_us INTEGER NOT NULL,
  payload BLOB NOT NULL,
  last_seen_ms INTEGER NOT NULL
);`

const toU8 = (v: unknown): Uint8Array =>
  v instanceof Uint8Array ? new Uint8Array(v) : new Uint8Array(v as ArrayBuffer)

export class RelayStore {
  constructor(private readonly db: Libsql.Database) {
    db.exec(RELAY_SCHEMA)
  }

  get(z32: string): StoredPacket | undefined {
    const row = this.db
      .prepare('SELECT payload, last_seen_ms FROM pkarr_packets WHERE public_key = ?')
      .get(z32) as { payload: unknown; last_seen_ms: number } | undefined
    return row ? { payload: toU8(row.payload), lastSeenMs: Number(row.last_seen_ms) } : undefined
  }

  put(z32: string, timestampUs: bigint, payload: Uint8Array, nowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO pkarr_packets (public_key, timestamp_us, payload, last_seen_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT(public_key) DO UPDATE SET timestamp_us = excluded.timestamp_us,
           payload = excluded.payload, last_seen_ms = excluded.last_seen_ms`,
      )
      .run(z32, timestampUs, Buffer.from(payload), nowMs)
  }

  count(): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM pkarr_packets').get() as { n: number }
    return Number(row.n)
  }
}
