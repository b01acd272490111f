/**
 * @module receipts/after-commit
 * Ledger events fire only after the data they announce is committed.
 *
 * A module that emits an event right after its own `db.transaction(...)` returns is correct only
 * when that transaction is the outermost one. Nested inside a caller's transaction (the listener's
 * group commit, a checkout settling and writing its receipt) the "commit" of the inner call is a
 * no-op, so the event would fire before the real commit — and a rollback of the outer transaction
 * would leave the UI showing a receipt that does not exist.
 *
 * `transact(db, fn)` is the ledger's transaction: the outermost call opens a queue, `afterCommit`
 * calls made while it runs are queued, and the queue runs in order once the COMMIT has returned;
 * on a rollback (fn threw) the queue is dropped. Outside any transaction, `afterCommit` runs at
 * once. Every transaction of the ledger modules goes through `transact`, so a transaction opened
 * with plain `db.transaction` around ledger code is a programming error and is refused loudly
 * (rolled back) instead of emitting early.
 *
 * (Generic storage machinery: it would sit better in core/storage, which another engineer owns.)
 */
import type { Database } from './db'
import { PaykitError } from '../util/errors'

export class CommitScopeError extends PaykitError<'event-outside-commit-scope'> {}

interface Frame {
  queue: Array<() => void>
}

const frames = new WeakMap<Database, Frame>()

/**
 * Runs `fn` in one IMMEDIATE transaction (joining an enclosing `transact`), then, if this call
 * opened the transaction and it committed, runs the callbacks queued with `afterCommit` in order.
 * A throwing callback does not stop the others or undo the commit (the error is handed to
 * `onCallbackError`, default: ignored — event buses already isolate their listeners).
 */
export function transact<T>(
  db: Database,
  fn: () => T,
  onCallbackError: (error: unknown) => void = () => {},
): T {
  if (frames.has(db)) return db.transaction(fn)
  const frame: Frame = { queue: [] }
  frames.set(db, frame)
  let result: T
  try {
    result = db.transaction(fn)
  } finally {
    // Committed or rolled back: either way this frame is over. On rollback the queue is dropped.
    frames.delete(db)
  }
  for (const cb of frame.queue) {
    try {
      cb()
    } catch (e) {
      onCallbackError(e)
    }
  }
  return result
}

/**
 * Runs `cb` once the current ledger transaction has committed (never, if it rolls back), or now
 * when no transaction is open.
 */
export function afterCommit(db: Database, cb: () => void): void {
  const frame = frames.get(db)
  if (frame) {
    frame.queue.push(cb)
    return
  }
  if (db.inTransaction)
    throw new CommitScopeError(
      'event-outside-commit-scope',
      'a ledger event was raised inside a transaction not opened with transact(); open it with transact() so the event waits for the commit',
    )
  cb()
}
