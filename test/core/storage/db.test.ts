import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database, StorageError } from '../../../electron/main/core/storage/db'
import { migrate, type Migration } from '../../../electron/main/core/storage/migrate'

const m1: Migration = {
  id: 1,
  name: 'items',
  up: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT UNIQUE)',
}
const m2: Migration = { id: 2, name: 'price', up: 'ALTER TABLE items ADD COLUMN price INTEGER' }

describe('storage', () => {
  it('uses WAL with full sync on files, and persists across reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-db-'))
    try {
      const path = join(dir, 'pos.db')
      let db = Database.open(path)
      expect(db.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }])
      expect(db.pragma('synchronous')).toEqual([{ synchronous: 2 }])
      migrate(db, [m1])
      db.run('INSERT INTO items (name) VALUES (?)', 'coffee')
      db.close()
      db = Database.open(path)
      expect(migrate(db, [m1, m2])).toBe(2)
      expect(db.all('SELECT name, price FROM items')).toEqual([{ name: 'coffee', price: null }])
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rolls a failed transaction back completely', () => {
    const db = Database.open(':memory:')
    migrate(db, [m1])
    expect(() =>
      db.transaction(() => {
        db.run('INSERT INTO items (name) VALUES (?)', 'a')
        db.run('INSERT INTO items (name) VALUES (?)', 'a')
      }),
    ).toThrow(StorageError)
    expect(db.get('SELECT COUNT(*) AS n FROM items')).toEqual({ n: 0 })
  })

  it('maps constraint violations to a typed error', () => {
    const db = Database.open(':memory:')
    migrate(db, [m1])
    db.run('INSERT INTO items (name) VALUES (?)', 'a')
    try {
      db.run('INSERT INTO items (name) VALUES (?)', 'a')
      expect.unreachable()
    } catch (e) {
      expect((e as StorageError).code).toBe('constraint')
    }
  })

  it('refuses a database newer than the build', () => {
    const db = Database.open(':memory:')
    migrate(db, [m1, m2])
    expect(() => migrate(db, [m1])).toThrow(/newer than this build/)
  })

  it('leaves the version unchanged when a migration fails', () => {
    const db = Database.open(':memory:')
    migrate(db, [m1])
    const bad: Migration = { id: 2, name: 'bad', up: 'ALTER TABLE nope ADD COLUMN x INTEGER' }
    expect(() => migrate(db, [m1, bad])).toThrow()
    expect(db.get('SELECT MAX(id) AS v FROM schema_migrations')).toEqual({ v: 1 })
  })

  it('throws a typed error (instead of aborting the process) after close', () => {
    const db = Database.open(':memory:')
    db.close()
    expect(db.isOpen).toBe(false)
    expect(() => db.get('SELECT 1')).toThrow(/database is closed/)
    expect(() => db.transaction(() => 1)).toThrow(StorageError)
    expect(db.inTransaction).toBe(false)
  })
})
