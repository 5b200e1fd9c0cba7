import { desc, eq } from 'drizzle-orm'
import { uuidv7 } from '../../../../shared/ids'
import { auditLog, users } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
import { nowIso, type Clock } from '../../lib/clock'

export function writeAudit(
  db: DbOrTx,
  clock: Clock,
  actorId: string | null,
  action: string,
  entity: string,
  entityId: string,
  before: unknown,
  after: unknown,
): void {
  db.insert(auditLog)
    .values({ id: uuidv7(), at: nowIso(clock), actorId, action, entity, entityId, before: before ?? null, after: after ?? null })
    .run()
}

export function listAudit(db: DbOrTx, filter: { entityId?: string; limit: number }) {
  const q = db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorName: users.name,
      action: auditLog.action,
      entity: auditLog.entity,
      entityId: auditLog.entityId,
      before: auditLog.before,
      after: auditLog.after,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
  const rows = (filter.entityId ? q.where(eq(auditLog.entityId, filter.entityId)) : q).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(filter.limit).all()
  return rows
}
