/**
 * @module storage/db
 * The merchant's SQLite database through `libsql` (N-API, prebuilt, so the same binary loads in Node
 * and in Electron without a rebuild).
 *
 * Durability rule of the product: anything a customer or the ledger depends on is committed before it
 * is acknowledged on the wire. Hence WAL with `synchronous = FULL` (a commit survives power loss, not
 * just a process crash) and `transaction()` as the only way to group writes.
 */
import Libsql from 'libsql'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PaykitError } from '../util/errors'

export class StorageError extends PaykitError<'storage' | 'constraint' | 'schema-too-new'> {}

type Params = unknown[] | [Record<string, unknown>]
type Row = Record<string, unknown>

export interface RunResult {
  changes: number
  lastInsertRowid: number | bigint
}

/** A thin, typed handle over one database file. */
export class Database {
  private readonly raw: Libsql.Database
  private readonly statements = new Map<string, Libsql.Statement<unknown[]>>()

  private constructor(raw: Libsql.Database) {
    this.raw = raw
  }

  /** Opens (creating if needed) the database at `path`, or an in-memory one for `':memory:'`. */
  static open(path: string): Database {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    let raw: Libsql.Database
    try {
      raw = new Libsql(path)
    } catch (e) {
      throw new StorageError('storage', `cannot open the database at ${path}: ${(e as Error).message}`, {
        cause: e,
      })
    }
    const db = new Database(raw)
    // First, so the pragmas below wait for a lock instead of failing: after a crash the next opener
    // recovers the WAL, and another connection (the verifier, a backup) may hold it for a moment.
    db.pragma('busy_timeout = 5000')
    if (path !== ':memory:') db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    return db
  }

  /**
   * libsql panics (aborting the whole process) on any call against a closed handle instead of
   * throwing, so every entry point checks first and throws a typed error.
   */
  private assertOpen(): void {
    if (!this.raw.open) throw new StorageError('storage', 'the database is closed')
  }

  pragma(source: string): unknown {
    this.assertOpen()
    return this.raw.pragma(source)
  }

  exec(sql: string): void {
    this.assertOpen()
    this.raw.exec(sql)
  }

  private prepare(sql: string): Libsql.Statement<unknown[]> {
    this.assertOpen()
    let st = this.statements.get(sql)
    if (!st) {
      st = this.raw.prepare(sql) as Libsql.Statement<unknown[]>
      this.statements.set(sql, st)
    }
    return st
  }

  run(sql: string, ...params: Params): RunResult {
    try {
      const r = this.prepare(sql).run(...params)
      return { changes: r.changes, lastInsertRowid: r.lastInsertRowid }
    } catch (e) {
      throw wrap(e)
    }
  }

  get<T extends Row = Row>(sql: string, ...params: Params): T | undefined {
    const row = this.prepare(sql).get(...params) as Row | undefined
    return row ? (clean(row) as T) : undefined
  }

  all<T extends Row = Row>(sql: string, ...params: Params): T[] {
    return (this.prepare(sql).all(...params) as Row[]).map((r) => clean(r) as T)
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so two writers cannot
   * both read-then-write the same row). Rolls back if `fn` throws. Nested calls join the outer one.
   */
  transaction<T>(fn: () => T): T {
    this.assertOpen()
    if (this.raw.inTransaction) return fn()
    return this.raw.transaction(fn).immediate()
  }

  get inTransaction(): boolean {
    return this.raw.open && this.raw.inTransaction
  }

  get isOpen(): boolean {
    return this.raw.open
  }

  close(): void {
    this.statements.clear()
    if (this.raw.open) this.raw.close()
  }
}

/** libsql adds a `_metadata` field to row objects; callers get plain column values only. */
function clean(row: Row): Row {
  if (!('_metadata' in row)) return row
  const { _metadata: _ignored, ...rest } = row
  return rest
}

function wrap(e: unknown): StorageError {
  const code = (e as { code?: string }).code ?? ''
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new StorageError(
      'constraint',
      `the database refused a duplicate or invalid row: ${(e as Error).message}`,
      {
        cause: e,
      },
    )
  }
  return new StorageError('storage', `database error: ${(e as Error).message}`, { cause: e })
}
