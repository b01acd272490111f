/**
 * @module billing/nonce-store
 * The persisted nonce store (the reference keeps nonces in a HashMap, so replay protection ends at
 * every restart). It is the engine's one nonce store:
 * - `checkAndMark` is one INSERT … ON CONFLICT DO NOTHING: atomic, so two concurrent verifications of
 *   the same signature cannot both succeed;
 * - it also implements core/subscriptions/flow's `NonceStore` port (`get`/`put` with the *context*
 *   a nonce was first seen in), so the subscription flow's `recordNonces` verdicts (new / same /
 *   replay) run against the same table. A nonce kept "forever" (an agreement's: its signatures stay
 *   verifiable after their 7-day expiry) is stored with `expires_at` = `FOREVER_MS`.
 * Expired rows are swept by `cleanup`.
 */
import { transact } from '../storage/after-commit'
import type { Database } from '../storage/db'
import type { NonceStore } from '../subscriptions/flow/nonce-store'
import { InputError } from '../util/errors'

/** The largest JS Date (ms): the `expires_at` of a nonce that never expires. */
export const FOREVER_MS = 8_640_000_000_000_000

const NONCE_RE = /^[0-9a-f]{64}$/

function checkNonce(nonceHex: string): void {
  if (!NONCE_RE.test(nonceHex)) throw new InputError('nonce must be 32 bytes as 64 lowercase hex digits')
}

export class PersistentNonceStore implements NonceStore {
  /** `now` stamps `seen_at` for `put` (the flow port carries no clock). */
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records `nonceHex` (64 lowercase hex) until `expiresAt` (ms). Returns false if it was already
   * recorded and has not expired: the caller must then reject the message as a replay.
   */
  checkAndMark(nonceHex: string, expiresAt: number, now: number, context = 'subscription'): boolean {
    checkNonce(nonceHex)
    return transact(this.db, () => {
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

  /** Flow port: the context `nonceHex` was recorded with, unless absent or expired at `nowMs`. */
  get(nonceHex: string, nowMs: number): string | undefined {
    checkNonce(nonceHex)
    return this.db.get<{ context: string }>(
      'SELECT context FROM nonces WHERE nonce = ? AND expires_at > ?',
      nonceHex,
      nowMs,
    )?.context
  }

  /**
   * Flow port: records `nonceHex` under `context` (`expiresAtMs` null = forever). An expired row is
   * replaced; a live row is left as it is (`recordNonces` only puts nonces `get` reported missing).
   */
  put(nonceHex: string, context: string, expiresAtMs: number | null): void {
    checkNonce(nonceHex)
    const now = this.now()
    transact(this.db, () => {
      this.db.run('DELETE FROM nonces WHERE nonce = ? AND expires_at <= ?', nonceHex, now)
      this.db.run(
        'INSERT INTO nonces (nonce, context, expires_at, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (nonce) DO NOTHING',
        nonceHex,
        context,
        expiresAtMs ?? FOREVER_MS,
        now,
      )
    })
  }

  /** Deletes entries that expired at or before `before`; returns how many. */
  cleanup(before: number): number {
    return this.db.run('DELETE FROM nonces WHERE expires_at <= ?', before).changes
  }
}
