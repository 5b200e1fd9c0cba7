import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle')

/**
 * Opens the database with the pragmas sync.md requires: WAL, synchronous=FULL (an acknowledged
 * mutation survives power loss), foreign keys, busy timeout. `file` ':memory:' serves tests.
 */
export function openDb(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Freed pages are zeroed: pseudonymised personal data must not linger in the file.
  sqlite.pragma('secure_delete = ON')
  return drizzle(sqlite, { schema }) as Db
}

/**
 * Copies the WAL into the database file and truncates it: old page images (e.g. a name just
 * pseudonymised) otherwise stay in `-wal` until overwritten. Raw SQLite pragma, one place.
 */
export function checkpointTruncate(db: Db): void {
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
}

/** Applies the committed migrations in server/drizzle; already applied ones are skipped. */
export function migrateDb(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
}

export function openMigratedDb(file: string): Db {
  const db = openDb(file)
  migrateDb(db)
  return db
}
