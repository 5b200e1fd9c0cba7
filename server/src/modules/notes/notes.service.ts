import { and, asc, desc, eq, gt, isNotNull, isNull, lt, or, type SQL } from 'drizzle-orm'
import { customerDisplayName } from '../../../../shared/labels'
import { followUpBucket, type FollowUpItem, type FollowUpQuery, type NoteRow } from '../../../../shared/schemas'
import { customers, notes } from '../../db/schema'
import { forbidden } from '../../lib/errors'
import type { DbOrTx } from '../../lib/tx'
import { scopeCondition } from '../customers/customers.service'
import { orgSnapshot } from '../scope/hierarchy'
import type { Actor } from '../scope/scope.service'

export function noteRow(db: DbOrTx, r: typeof notes.$inferSelect): NoteRow {
  return {
    id: r.id,
    customerId: r.customerId,
    kind: r.kind,
    direction: r.direction,
    occurredAt: r.occurredAt,
    durationMinutes: r.durationMinutes,
    subject: r.subject,
    text: r.text,
    followUpOn: r.followUpOn,
    assigneeId: r.assigneeId,
    followUpDoneAt: r.followUpDoneAt,
    authorId: r.authorId,
    authorName: orgSnapshot(db).users.get(r.authorId)?.name ?? '',
    ownerRepId: r.ownerRepId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}

/** A customer's notes that are not deleted, newest first (by when the call, visit or memo happened). */
export function customerNotes(db: DbOrTx, customerId: string): NoteRow[] {
  return db
    .select()
    .from(notes)
    .where(and(eq(notes.customerId, customerId), isNull(notes.deletedAt)))
    .orderBy(desc(notes.occurredAt), desc(notes.id))
    .all()
    .map((r) => noteRow(db, r))
}

/** The list is for working through, not an archive: a larger backlog is paged by working it off. */
const FOLLOW_UP_LIMIT = 1000

/**
 * "Wiedervorlagen": open follow-ups (not done, note and customer not deleted) of customers in the
 * caller's read scope, overdue first, by date. `me`: assigned to the caller, or written by them
 * without an assignee; `all` (back office, admin): every open follow-up in their scope.
 */
export function listFollowUps(db: DbOrTx, actor: Actor, today: string, q: FollowUpQuery): FollowUpItem[] {
  if (q.assignee === 'all' && actor.role === 'rep') throw forbidden()
  const scope = scopeCondition(db, actor, today)
  if (scope === false) return []
  const conditions: (SQL | undefined)[] = [isNotNull(notes.followUpOn), isNull(notes.followUpDoneAt), isNull(notes.deletedAt), isNull(customers.deletedAt), scope]
  if (q.assignee === 'me') conditions.push(or(eq(notes.assigneeId, actor.id), and(isNull(notes.assigneeId), eq(notes.authorId, actor.id))))
  if (q.bucket === 'overdue') conditions.push(lt(notes.followUpOn, today))
  else if (q.bucket === 'today') conditions.push(eq(notes.followUpOn, today))
  else if (q.bucket === 'upcoming') conditions.push(gt(notes.followUpOn, today))
  return db
    .select({ n: notes, c: { customerNo: customers.customerNo, kind: customers.kind, title: customers.title, firstName: customers.firstName, lastName: customers.lastName } })
    .from(notes)
    .innerJoin(customers, eq(customers.id, notes.customerId))
    .where(and(...conditions))
    .orderBy(asc(notes.followUpOn), asc(notes.occurredAt), asc(notes.id))
    .limit(FOLLOW_UP_LIMIT)
    .all()
    .map(({ n, c }) => ({ ...noteRow(db, n), customerName: customerDisplayName(c), customerNo: c.customerNo, bucket: followUpBucket(n.followUpOn!, today) }))
}
