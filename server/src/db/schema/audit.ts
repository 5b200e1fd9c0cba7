import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** Append-only audit trail: who changed what, when, old → new. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    at: text('at').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
  },
  (t) => [index('audit_entity_idx').on(t.entityId, t.at)],
)
