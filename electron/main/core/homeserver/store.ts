/**
 * @module homeserver/store
 * The homeserver's SQLite state: users, sessions, signup tokens, seen AuthToken ids, file entries
 * (content stored inline as BLOBs, so a write and its metadata commit together) and the event log.
 *
 * Paths compare byte-wise (SQLite BINARY collation on UTF-8), the order the reference gets from
 * `COLLATE "C"`. Prefix queries use ranges, not LIKE, so `_` and `%` in paths are plain characters.
 */
import Libsql from 'libsql'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export const HOMESERVER_SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  public_key TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  used_bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
  secret TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  capabilities TEXT NOT NULL,
  created_at_us INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS signup_tokens (
  token TEXT PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  used_by TEXT
);
CREATE TABLE IF NOT EXISTS auth_token_ids (
  id BLOB PRIMARY KEY,
  timestamp_us INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY,
  public_key TEXT NOT NULL,
  path TEXT NOT NULL,
  content BLOB NOT NULL,
  content_hash BLOB NOT NULL,
  content_length INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  modified_at_ms INTEGER NOT NULL,
  UNIQUE (public_key, path)
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  public_key TEXT NOT NULL,
  path TEXT NOT NULL,
  content_hash BLOB
);`

export interface EntryInfo {
  path: string
  contentHash: Uint8Array
  contentLength: number
  contentType: string
  modifiedAtMs: number
}

export interface EventRow {
  id: number
  type: 'PUT' | 'DEL'
  publicKey: string
  path: string
  contentHash: Uint8Array | undefined
}

export interface SessionRow {
  publicKey: string
  capabilities: string
  createdAtUs: bigint
}

const toU8 = (v: unknown): Uint8Array =>
  v instanceof Uint8Array ? new Uint8Array(v) : new Uint8Array(v as ArrayBuffer)

/** Upper bound of the range of strings that start with `prefix` (which ends with '/'). */
export const prefixEnd = (prefix: string): string => `${prefix.slice(0, -1)}0`

type Stmt = Libsql.Statement<unknown[]>

/** Opens the database file `homeserver.db` in `dataDir` (or in memory) with WAL. */
export function openDatabase(
  dataDir: string | undefined,
  durability: 'full' | 'normal' = 'normal',
): Libsql.Database {
  let db: Libsql.Database
  if (dataDir === undefined) db = new Libsql(':memory:')
  else {
    mkdirSync(dataDir, { recursive: true })
    db = new Libsql(join(dataDir, 'homeserver.db'))
    db.exec('PRAGMA journal_mode = WAL')
  }
  db.exec(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
  db.exec('PRAGMA foreign_keys = ON')
  return db
}

export class HomeserverStore {
  private readonly stmts = new Map<string, Stmt>()

  constructor(readonly db: Libsql.Database) {
    db.exec(HOMESERVER_SCHEMA)
  }

  private q(sql: string): Stmt {
    let s = this.stmts.get(sql)
    if (!s) {
      s = this.db.prepare(sql) as Stmt
      this.stmts.set(sql, s)
    }
    return s
  }

  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on throw). */
  tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const out = fn()
      this.db.exec('COMMIT')
      return out
    } catch (e) {
      this.db.exec('ROLLBACK')
      throw e
    }
  }

  // ------------------------------------------------------------ users

  getUser(pk: string): { disabled: boolean; usedBytes: number } | undefined {
    const row = this.q('SELECT disabled, used_bytes FROM users WHERE public_key = ?').get(pk) as
      { disabled: number; used_bytes: number } | undefined
    return row ? { disabled: Number(row.disabled) !== 0, usedBytes: Number(row.used_bytes) } : undefined
  }
  createUser(pk: string, nowMs: number): void {
    this.q('INSERT INTO users (public_key, created_at_ms) VALUES (?, ?)').run(pk, nowMs)
  }
  setDisabled(pk: string, disabled: boolean): boolean {
    return this.q('UPDATE users SET disabled = ? WHERE public_key = ?').run(disabled ? 1 : 0, pk).changes > 0
  }
  countUsers(): { count: number; disabled: number; usedBytes: number } {
    const row = this.q(
      'SELECT COUNT(*) AS n, COALESCE(SUM(disabled), 0) AS d, COALESCE(SUM(used_bytes), 0) AS b FROM users',
    ).get() as { n: number; d: number; b: number }
    return { count: Number(row.n), disabled: Number(row.d), usedBytes: Number(row.b) }
  }

  // ------------------------------------------------------------ sessions

  createSession(secret: string, pk: string, capabilities: string, createdAtUs: bigint): void {
    this.q('INSERT INTO sessions (secret, public_key, capabilities, created_at_us) VALUES (?, ?, ?, ?)').run(
      secret,
      pk,
      capabilities,
      createdAtUs,
    )
  }
  getSession(secret: string): SessionRow | undefined {
    const row = this.q('SELECT public_key, capabilities, created_at_us FROM sessions WHERE secret = ?').get(
      secret,
    ) as { public_key: string; capabilities: string; created_at_us: number | bigint } | undefined
    return row
      ? { publicKey: row.public_key, capabilities: row.capabilities, createdAtUs: BigInt(row.created_at_us) }
      : undefined
  }
  deleteSession(secret: string): void {
    this.q('DELETE FROM sessions WHERE secret = ?').run(secret)
  }

  // ------------------------------------------------------------ signup tokens

  createSignupToken(token: string, nowMs: number): void {
    this.q('INSERT INTO signup_tokens (token, created_at_ms) VALUES (?, ?)').run(token, nowMs)
  }
  getSignupToken(token: string): { usedBy: string | undefined } | undefined {
    const row = this.q('SELECT used_by FROM signup_tokens WHERE token = ?').get(token) as
      { used_by: string | null } | undefined
    return row ? { usedBy: row.used_by ?? undefined } : undefined
  }
  useSignupToken(token: string, pk: string): void {
    this.q('UPDATE signup_tokens SET used_by = ? WHERE token = ?').run(pk, token)
  }
  countSignupTokens(): { count: number; unused: number } {
    const row = this.q(
      'SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN used_by IS NULL THEN 1 ELSE 0 END), 0) AS u FROM signup_tokens',
    ).get() as { n: number; u: number }
    return { count: Number(row.n), unused: Number(row.u) }
  }

  // ------------------------------------------------------------ replay protection

  /** Records a token id; false when it was seen before. Ids older than `olderThanUs` are forgotten. */
  rememberTokenId(id: Uint8Array, timestampUs: bigint, olderThanUs: bigint): boolean {
    this.q('DELETE FROM auth_token_ids WHERE timestamp_us < ?').run(olderThanUs)
    const r = this.q('INSERT OR IGNORE INTO auth_token_ids (id, timestamp_us) VALUES (?, ?)').run(
      Buffer.from(id),
      timestampUs,
    )
    return r.changes > 0
  }

  // ------------------------------------------------------------ entries

  getEntryInfo(pk: string, path: string): EntryInfo | undefined {
    const row = this.q(
      'SELECT content_hash, content_length, content_type, modified_at_ms FROM entries WHERE public_key = ? AND path = ?',
    ).get(pk, path) as
      | { content_hash: unknown; content_length: number; content_type: string; modified_at_ms: number }
      | undefined
    if (!row) return undefined
    return {
      path,
      contentHash: toU8(row.content_hash),
      contentLength: Number(row.content_length),
      contentType: row.content_type,
      modifiedAtMs: Number(row.modified_at_ms),
    }
  }
  /** A file's metadata and bytes in one lookup (the GET path: one query instead of two). */
  getEntry(pk: string, path: string): { info: EntryInfo; content: Uint8Array } | undefined {
    const row = this.q(
      'SELECT content, content_hash, content_length, content_type, modified_at_ms FROM entries WHERE public_key = ? AND path = ?',
    ).get(pk, path) as
      | {
          content: unknown
          content_hash: unknown
          content_length: number
          content_type: string
          modified_at_ms: number
        }
      | undefined
    if (!row) return undefined
    return {
      info: {
        path,
        contentHash: toU8(row.content_hash),
        contentLength: Number(row.content_length),
        contentType: row.content_type,
        modifiedAtMs: Number(row.modified_at_ms),
      },
      content: toU8(row.content),
    }
  }
  getContent(pk: string, path: string): Uint8Array | undefined {
    const row = this.q('SELECT content FROM entries WHERE public_key = ? AND path = ?').get(pk, path) as
      { content: unknown } | undefined
    return row ? toU8(row.content) : undefined
  }

  /** Writes a file, its event and the owner's byte count in one transaction. */
  putEntry(pk: string, info: EntryInfo, content: Uint8Array): void {
    this.tx(() => {
      const old = this.getEntryInfo(pk, info.path)
      this.q(
        `INSERT INTO entries (public_key, path, content, content_hash, content_length, content_type, modified_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(public_key, path) DO UPDATE SET content = excluded.content, content_hash = excluded.content_hash,
           content_length = excluded.content_length, content_type = excluded.content_type,
           modified_at_ms = excluded.modified_at_ms`,
      ).run(
        pk,
        info.path,
        Buffer.from(content.buffer, content.byteOffset, content.length),
        Buffer.from(info.contentHash),
        info.contentLength,
        info.contentType,
        info.modifiedAtMs,
      )
      this.q('UPDATE users SET used_bytes = used_bytes + ? WHERE public_key = ?').run(
        info.contentLength - (old?.contentLength ?? 0),
        pk,
      )
      this.q('INSERT INTO events (type, public_key, path, content_hash) VALUES (?, ?, ?, ?)').run(
        'PUT',
        pk,
        info.path,
        Buffer.from(info.contentHash),
      )
    })
  }

  /** Deletes a file; false when it did not exist. */
  deleteEntry(pk: string, path: string): boolean {
    return this.tx(() => {
      const old = this.getEntryInfo(pk, path)
      if (!old) return false
      this.q('DELETE FROM entries WHERE public_key = ? AND path = ?').run(pk, path)
      this.q('UPDATE users SET used_bytes = used_bytes - ? WHERE public_key = ?').run(old.contentLength, pk)
      this.q('INSERT INTO events (type, public_key, path, content_hash) VALUES (?, ?, ?, NULL)').run(
        'DEL',
        pk,
        path,
      )
      return true
    })
  }

  /** The first path after (or before, when `reverse`) `from` within [lo, hi), or undefined. */
  private nextPath(
    pk: string,
    lo: string,
    hi: string,
    from: string | undefined,
    reverse: boolean,
  ): string | undefined {
    let row: { path: string } | undefined
    if (!reverse) {
      row = (
        from === undefined
          ? this.q(
              'SELECT path FROM entries WHERE public_key = ? AND path >= ? AND path < ? ORDER BY path LIMIT 1',
            ).get(pk, lo, hi)
          : this.q(
              'SELECT path FROM entries WHERE public_key = ? AND path > ? AND path >= ? AND path < ? ORDER BY path LIMIT 1',
            ).get(pk, from, lo, hi)
      ) as { path: string } | undefined
    } else {
      row = (
        from === undefined
          ? this.q(
              'SELECT path FROM entries WHERE public_key = ? AND path >= ? AND path < ? ORDER BY path DESC LIMIT 1',
            ).get(pk, lo, hi)
          : this.q(
              'SELECT path FROM entries WHERE public_key = ? AND path < ? AND path >= ? AND path < ? ORDER BY path DESC LIMIT 1',
            ).get(pk, from, lo, hi)
      ) as { path: string } | undefined
    }
    return row?.path
  }

  hasAnyUnder(pk: string, dir: string): boolean {
    return this.nextPath(pk, dir, prefixEnd(dir), undefined, false) !== undefined
  }

  /** Every file under `dir`, after/before `cursor`, in byte order. */
  listDeep(pk: string, dir: string, limit: number, cursor: string | undefined, reverse: boolean): string[] {
    const hi = prefixEnd(dir)
    const sql = reverse
      ? `SELECT path FROM entries WHERE public_key = ? AND path >= ? AND path < ? ${cursor !== undefined ? 'AND path < ?' : ''} ORDER BY path DESC LIMIT ?`
      : `SELECT path FROM entries WHERE public_key = ? AND path >= ? AND path < ? ${cursor !== undefined ? 'AND path > ?' : ''} ORDER BY path LIMIT ?`
    const args: unknown[] = cursor !== undefined ? [pk, dir, hi, cursor, limit] : [pk, dir, hi, limit]
    return (this.q(sql).all(...args) as Array<{ path: string }>).map((r) => r.path)
  }

  /**
   * First-level children of `dir`: files, and directories with a trailing '/'. Walks the index one
   * child at a time, jumping over each subdirectory, so the cost is O(limit) lookups.
   */
  listShallow(
    pk: string,
    dir: string,
    limit: number,
    cursor: string | undefined,
    reverse: boolean,
  ): string[] {
    const hi = prefixEnd(dir)
    const out: string[] = []
    let lo = dir
    let from = cursor
    while (out.length < limit) {
      const path = this.nextPath(pk, lo, hi, from, reverse)
      if (path === undefined) break
      const rest = path.slice(dir.length)
      const slash = rest.indexOf('/')
      const child = slash < 0 ? path : dir + rest.slice(0, slash + 1)
      const beyondCursor = cursor === undefined || (reverse ? child < cursor : child > cursor)
      if (beyondCursor) out.push(child)
      if (slash < 0 || reverse) {
        // A file, or (descending) a directory: everything still to come sorts before `child`.
        from = slash < 0 ? path : child
      } else {
        // Ascending past a directory: skip every path that starts with `child`.
        lo = prefixEnd(child)
        from = undefined
      }
    }
    return out
  }

  // ------------------------------------------------------------ events

  eventsAfter(cursor: number, limit: number): EventRow[] {
    const rows = this.q(
      'SELECT id, type, public_key, path, content_hash FROM events WHERE id > ? ORDER BY id LIMIT ?',
    ).all(cursor, limit) as Array<{
      id: number
      type: string
      public_key: string
      path: string
      content_hash: unknown
    }>
    return rows.map((r) => ({
      id: Number(r.id),
      type: r.type === 'DEL' ? 'DEL' : 'PUT',
      publicKey: r.public_key,
      path: r.path,
      contentHash: r.content_hash == null ? undefined : toU8(r.content_hash),
    }))
  }

  close(): void {
    this.stmts.clear()
    this.db.close()
  }
}
