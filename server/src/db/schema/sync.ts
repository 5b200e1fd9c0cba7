import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { users } from './org'

/** The global change counter; one row. `rev` is assigned inside SQLite's single-writer transaction. */
export const syncRev = sqliteTable('sync_rev', {
  id: integer('id').primaryKey(),
  rev: integer('rev').notNull(),
})

/** A device (one Dexie database), bound to one user. `last_seq` moves in the same transaction as a mutation's effects. */
export const syncClients = sqliteTable(
  'sync_clients',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id),
    lastSeq: integer('last_seq').notNull().default(0),
    nextCookie: integer('next_cookie').notNull().default(1),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
  },
  (t) => [index('sync_clients_user_idx').on(t.userId)],
)

/** Result of every processed mutation, so a resend is answered with the stored result. */
export const syncMutations = sqliteTable(
  'sync_mutations',
  {
    clientId: text('client_id').notNull().references(() => syncClients.id),
    seq: integer('seq').notNull(),
    mutationId: text('mutation_id').notNull(),
    name: text('name').notNull(),
    v: integer('v').notNull(),
    status: text('status', { enum: ['applied', 'rejected'] }).notNull(),
    code: text('code'),
    message: text('message'),
    rev: integer('rev'),
    at: text('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.seq] })],
)

/** Mutations that can never apply, kept with their full payload (sync.md principle 4). */
export const quarantine = sqliteTable(
  'quarantine',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id').notNull(),
    userId: text('user_id').notNull(),
    seq: integer('seq').notNull(),
    name: text('name').notNull(),
    v: integer('v').notNull(),
    args: text('args', { mode: 'json' }),
    code: text('code').notNull(),
    message: text('message').notNull(),
    at: text('at').notNull(),
  },
  (t) => [index('quarantine_user_idx').on(t.userId)],
)

/** What a device was told at a pull: the rev it is complete up to, its scope, and an unfinished fill. */
export const syncCookies = sqliteTable(
  'sync_cookies',
  {
    clientId: text('client_id').notNull().references(() => syncClients.id),
    cookieId: integer('cookie_id').notNull(),
    rev: integer('rev').notNull(),
    scopeHash: text('scope_hash').notNull(),
    fill: text('fill', { mode: 'json' }),
    at: text('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.cookieId] })],
)

/** Rep sets by hash, shared by the cookies that saw the same scope. */
export const syncScopes = sqliteTable('sync_scopes', {
  hash: text('hash').primaryKey(),
  repIds: text('rep_ids', { mode: 'json' }).notNull(),
})
