/**
 * @module storage/migrate
 * Numbered, forward-only migrations. Each runs in its own transaction together with its bookkeeping
 * row, so a crash mid-migration leaves the database at the previous version, never half-migrated.
 * A database written by a newer build is refused rather than silently misread.
 */
import { Database, StorageError } from './db'

export interface Migration {
  /** Strictly increasing, starting at 1. */
  id: number
  name: string
  up: string
}

export function migrate(
  db: Database,
  migrations: readonly Migration[],
  now: () => number = Date.now,
): number {
  for (let i = 0; i < migrations.length; i++) {
    if (migrations[i]!.id !== i + 1) throw new StorageError('storage', `migration ids must be 1..N in order`)
  }
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  )
  const current = db.get<{ v: number | null }>('SELECT MAX(id) AS v FROM schema_migrations')?.v ?? 0
  if (current > migrations.length) {
    throw new StorageError(
      'schema-too-new',
      `this database is at schema version ${current}, newer than this build supports (${migrations.length}); update Paykit POS`,
    )
  }
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(m.up)
      db.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', m.id, m.name, now())
    })
  }
  return migrations.length
}
