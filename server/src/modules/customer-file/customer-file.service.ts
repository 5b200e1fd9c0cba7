import { and, desc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { consentWarnings, type CustomerFile, type Timeline, type TimelineItem, type TimelineQuery } from '../../../../shared/schemas'
import { consents, customerFieldHistory, customerRelations, notes } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import type { DbOrTx } from '../../lib/tx'
import { consentRow } from '../consents/consents.service'
import { customerRecord, type CustomerRecord } from '../customers/customers.service'
import { customerRelationRows, relationViews } from '../household/household.service'
import { customerNotes, noteRow } from '../notes/notes.service'
import { orgSnapshot } from '../scope/hierarchy'
import { repScope, scopeIncludes, type Actor } from '../scope/scope.service'
import { getSettings } from '../settings/settings.service'

/** The customer if the actor may read it; otherwise it does not exist for them (404). */
function readableCustomer(db: DbOrTx, actor: Actor, date: string, id: string): CustomerRecord {
  const c = customerRecord(db, id)
  if (!c || c.deletedAt || !scopeIncludes(repScope(db, actor, date), c.ownerRepId)) throw notFound()
  return c
}

function customerConsents(db: DbOrTx, customerId: string) {
  return db
    .select()
    .from(consents)
    .where(and(eq(consents.customerId, customerId), isNull(consents.deletedAt)))
    .orderBy(desc(consents.givenOn), desc(consents.createdAt), desc(consents.id))
    .all()
    .map(consentRow)
}

/** Household, consents with the warnings of the organisation's required ones, and notes, for back office and online views. */
export function getCustomerFile(db: DbOrTx, actor: Actor, date: string, id: string): CustomerFile {
  const c = readableCustomer(db, actor, date, id)
  const consentRows = customerConsents(db, c.id)
  return {
    relations: relationViews(db, actor, date, customerRelationRows(db, c.id)),
    consents: consentRows,
    consentWarnings: consentWarnings(consentRows, getSettings(db).requiredConsents),
    notes: customerNotes(db, c.id),
  }
}

// ------------------------------------------------------------------ timeline

interface Cursor {
  at: string
  id: string
}

interface SourceCtx {
  db: DbOrTx
  actor: Actor
  date: string
  customer: CustomerRecord
  userName(id: string | null): string | null
}

/**
 * One kind of event: at most `limit` items older than `before`, newest first. Contracts and
 * documents join the timeline as further sources.
 */
type TimelineSource = (s: SourceCtx, before: Cursor | null, limit: number) => TimelineItem[]

/** Items are ordered by (at, id) descending; ids are ASCII, so SQLite and JavaScript compare them alike. */
function olderThan(at: SQLiteColumn | SQL, id: SQL, before: Cursor | null): SQL | undefined {
  return before ? sql`(${at} < ${before.at} OR (${at} = ${before.at} AND ${id} < ${before.id}))` : undefined
}
const isOlder = (item: Cursor, before: Cursor | null) => !before || item.at < before.at || (item.at === before.at && item.id < before.id)
const newestFirst = (a: Cursor, b: Cursor) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

const created: TimelineSource = (s, before) => {
  const c = s.customer
  const item: TimelineItem = { kind: 'created', id: `created:${c.id}`, at: c.createdAt, userName: s.userName(c.createdBy), customerNo: c.customerNo }
  return isOlder(item, before) ? [item] : []
}

const noteItems: TimelineSource = (s, before, limit) => {
  const key = sql`'note:' || ${notes.id}`
  return s.db
    .select()
    .from(notes)
    .where(and(eq(notes.customerId, s.customer.id), isNull(notes.deletedAt), olderThan(notes.occurredAt, key, before)))
    .orderBy(desc(notes.occurredAt), desc(notes.id))
    .limit(limit)
    .all()
    .map((n): TimelineItem => ({ kind: 'note', id: `note:${n.id}`, at: n.occurredAt, userName: s.userName(n.authorId), note: noteRow(s.db, n) }))
}

/** Field history; a relation's removal and a consent's withdrawal are shown as those events instead. */
const changes: TimelineSource = (s, before, limit) => {
  const h = customerFieldHistory
  const key = sql`'change:' || ${h.id}`
  return s.db
    .select()
    .from(h)
    .where(
      and(
        eq(h.customerId, s.customer.id),
        sql`NOT ((${h.entity} = 'relation' AND ${h.field} = 'removed') OR (${h.entity} = 'consent' AND ${h.field} = 'withdrawnOn'))`,
        olderThan(h.at, key, before),
      ),
    )
    .orderBy(desc(h.at), desc(h.id))
    .limit(limit)
    .all()
    .map((r): TimelineItem => ({
      kind: 'change',
      id: `change:${r.id}`,
      at: r.at,
      userName: s.userName(r.userId),
      entity: r.entity,
      entityId: r.entityId,
      field: r.field,
      oldValue: r.oldValue,
      newValue: r.newValue,
      overwritten: r.overwritten,
    }))
}

const consentsGiven: TimelineSource = (s, before, limit) => {
  const key = sql`'consent-given:' || ${consents.id}`
  return s.db
    .select()
    .from(consents)
    .where(and(eq(consents.customerId, s.customer.id), isNull(consents.deletedAt), olderThan(consents.createdAt, key, before)))
    .orderBy(desc(consents.createdAt), desc(consents.id))
    .limit(limit)
    .all()
    .map((r): TimelineItem => ({ kind: 'consent', event: 'given', id: `consent-given:${r.id}`, at: r.createdAt, userName: s.userName(r.createdBy), date: r.givenOn, consent: consentRow(r) }))
}

/** Recorded when the history says so; rows withdrawn before the history existed fall back to their last update. */
const consentsWithdrawn: TimelineSource = (s, before, limit) => {
  const h = customerFieldHistory
  const at = sql<string>`coalesce(${h.at}, ${consents.updatedAt})`
  const key = sql`'consent-withdrawn:' || ${consents.id}`
  return s.db
    .select({ c: consents, at, userId: h.userId })
    .from(consents)
    .leftJoin(h, and(eq(h.entity, 'consent'), eq(h.entityId, consents.id), eq(h.field, 'withdrawnOn')))
    .where(and(eq(consents.customerId, s.customer.id), isNull(consents.deletedAt), isNotNull(consents.withdrawnOn), olderThan(at, key, before)))
    .orderBy(desc(at), desc(consents.id))
    .limit(limit)
    .all()
    .map((r): TimelineItem => ({ kind: 'consent', event: 'withdrawn', id: `consent-withdrawn:${r.c.id}`, at: r.at, userName: s.userName(r.userId), date: r.c.withdrawnOn!, consent: consentRow(r.c) }))
}

const relationsAdded: TimelineSource = (s, before, limit) => {
  const key = sql`'relation-added:' || ${customerRelations.id}`
  const rows = s.db
    .select()
    .from(customerRelations)
    .where(and(eq(customerRelations.customerId, s.customer.id), olderThan(customerRelations.createdAt, key, before)))
    .orderBy(desc(customerRelations.createdAt), desc(customerRelations.id))
    .limit(limit)
    .all()
  const views = relationViews(s.db, s.actor, s.date, rows)
  return rows.map((r, i): TimelineItem => ({ kind: 'relation', event: 'added', id: `relation-added:${r.id}`, at: r.createdAt, userName: s.userName(r.createdBy), relation: views[i]! }))
}

const relationsRemoved: TimelineSource = (s, before, limit) => {
  const h = customerFieldHistory
  const key = sql`'relation-removed:' || ${customerRelations.id}`
  const rows = s.db
    .select({ r: customerRelations, userId: h.userId })
    .from(customerRelations)
    .leftJoin(h, and(eq(h.entity, 'relation'), eq(h.entityId, customerRelations.id), eq(h.field, 'removed')))
    .where(and(eq(customerRelations.customerId, s.customer.id), isNotNull(customerRelations.deletedAt), olderThan(customerRelations.deletedAt, key, before)))
    .orderBy(desc(customerRelations.deletedAt), desc(customerRelations.id))
    .limit(limit)
    .all()
  const views = relationViews(s.db, s.actor, s.date, rows.map((x) => x.r))
  return rows.map((x, i): TimelineItem => ({ kind: 'relation', event: 'removed', id: `relation-removed:${x.r.id}`, at: x.r.deletedAt!, userName: s.userName(x.userId), relation: views[i]! }))
}

const TIMELINE_SOURCES: TimelineSource[] = [created, noteItems, changes, consentsGiven, consentsWithdrawn, relationsAdded, relationsRemoved]

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url')
function decodeCursor(v: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as unknown[]
    if (typeof at === 'string' && typeof id === 'string') return { at, id }
  } catch {
    // falls through to the validation error
  }
  throw new AppError(400, 'VALIDATION', 'Ungültige Position in der Zeitleiste.')
}

/**
 * A customer's timeline, newest first, paged by a cursor: every source yields its newest
 * `limit + 1` items older than the cursor, so the merged page is exact and says whether more follow.
 */
export function getTimeline(db: DbOrTx, actor: Actor, date: string, id: string, q: TimelineQuery): Timeline {
  const customer = readableCustomer(db, actor, date, id)
  const before = q.before ? decodeCursor(q.before) : null
  const users = orgSnapshot(db).users
  const s: SourceCtx = { db, actor, date, customer, userName: (uid) => (uid ? (users.get(uid)?.name ?? null) : null) }
  const items = TIMELINE_SOURCES.flatMap((source) => source(s, before, q.limit + 1)).sort(newestFirst)
  const page = items.slice(0, q.limit)
  return { items: page, nextBefore: items.length > q.limit ? encodeCursor(page[page.length - 1]!) : null }
}

