/**
 * @module billing/nonce-store
 * The persisted nonce store (the reference keeps nonces in a HashMap, so replay protection ends at
 * every restart). `checkAndMark` is one INSERT … ON CONFLICT DO NOTHING: atomic, so two concurrent
 * verifications of the same signature cannot both succeed. Expired rows are swept by `cleanup`.
 */
import type { Database } from '../storage/db'
import { InputError } from '../util/errors'

export class PersistentNonceStore {
  constructor(private readonly db: Database) {}

  /**
   * Records `nonceHex` (64 lowercase hex) until `expiresAt` (ms). Returns false if it was already
   * recorded and has not expired: the caller must then reject the message as a replay.
   */
  checkAndMark(nonceHex: string, expiresAt: number, now: number, context = 'subscription'): boolean {
    if (!/^[0-9a-f]{64}$/.test(nonceHex))
      throw new InputError('nonce must be 32 bytes as 64 lowercase hex digits')
    return this.db.transaction(() => {
      // An expired entry no longer protects anything; replace it rather than refuse forever.
      this.db.run('DELETE FROM nonces WHERE nonce = ? AND expires_at <= ?', nonceHex, now)
      return (
        this.db.run(
          'INSERT INTO nonces (nonce, context, expires_at, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING',
          nonceHex,
          context,
          expiresAt,
          now,
        ).changes === 1
      )
    })
  }

  has(nonceHex: string, now: number): boolean {
    return (
      this.db.get('SELECT 1 AS x FROM nonces WHERE nonce = ? AND expires_at > ?', nonceHex, now) !== undefined
    )
  }

  /** Deletes entries that expired at or before `before`; returns how many. */
  cleanup(before: number): number {
    return this.db.run('DELETE FROM nonces WHERE expires_at <= ?', before).changes
  }
}
