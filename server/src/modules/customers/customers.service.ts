import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import type { CustomerDetail, CustomerRow } from '../../../../shared/schemas'
import { customerFieldHistory, customers, users } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
import { notFound } from '../../lib/errors'
import { repScope, scopeIncludes, type Actor } from '../scope/scope.service'
import { buildMatch, searchCustomerIds } from './customer-search.service'

/** The customer as pull sends it and the API answers it. */
export function customerRow(c: typeof customers.$inferSelect): CustomerRow {
  return {
    id: c.id,
    customerNo: c.customerNo,
    kind: c.kind,
    status: c.status,
    salutation: c.salutation,
    title: c.title,
    firstName: c.firstName,
    lastName: c.lastName,
    birthName: c.birthName,
    birthDate: c.birthDate,
    nationality: c.nationality,
    maritalStatus: c.maritalStatus,
    occupation: c.occupation,
    employer: c.employer,
    addresses: c.addresses,
    phones: c.phones,
    emails: c.emails,
    bankAccounts: c.bankAccounts,
    tags: c.tags,
    remarks: c.remarks,
    ownerRepId: c.ownerRepId,
    branchId: c.branchId,
    restrictedAt: c.restrictedAt,
    pseudonymisedAt: c.pseudonymisedAt,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }
}

const toListItem = (r: { c: typeof customers.$inferSelect; ownerName: string }) => ({ ...customerRow(r.c), ownerName: r.ownerName })

/** SQL condition "owner is in the actor's read scope"; undefined when the actor sees everything, false when nothing. */
export function scopeCondition(db: DbOrTx, actor: Actor, date: string): SQL | undefined | false {
  const scope = repScope(db, actor, date)
  if (scope.all) return undefined
  if (scope.repIds.size === 0) return false
  return sql`${customers.ownerRepId} IN (SELECT value FROM json_each(${JSON.stringify([...scope.repIds])}))`
}

/** Server-paged customer list for back office and admin (and reps online): scope first, then full-text and phonetic search. */
export function listCustomers(db: DbOrTx, actor: Actor, date: string, q: { q?: string; page: number; pageSize: number }) {
  const cond = scopeCondition(db, actor, date)
  if (cond === false) return { items: [] as (CustomerRow & { ownerName: string })[], total: 0 }
  const match = q.q ? buildMatch(q.q) : null
  if (match) {
    const scope = repScope(db, actor, date)
    const { ids, total, totalCapped } = searchCustomerIds(db, match, scope, q.pageSize, (q.page - 1) * q.pageSize)
    if (!ids.length) return { items: [], total, totalCapped }
    // Looked up by id, the scope checked once more per row (an SQL scope condition here would walk the owner index).
    const byId = new Map(
      db
        .select({ c: customers, ownerName: users.name })
        .from(customers)
        .innerJoin(users, eq(users.id, customers.ownerRepId))
        .where(and(inArray(customers.id, ids), isNull(customers.deletedAt)))
        .all()
        .filter((r) => scopeIncludes(scope, r.c.ownerRepId))
        .map((r) => [r.c.id, r]),
    )
    const rows = ids.map((id) => byId.get(id)!).filter(Boolean)
    return { items: rows.map(toListItem), total, totalCapped }
  }
  const where = and(isNull(customers.deletedAt), cond)
  const total = db.select({ n: sql<number>`count(*)` }).from(customers).where(where).get()?.n ?? 0
  const rows = db
    .select({ c: customers, ownerName: users.name })
    .from(customers)
    .innerJoin(users, eq(users.id, customers.ownerRepId))
    .where(where)
    .orderBy(asc(customers.lastName), asc(customers.firstName), asc(customers.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize)
    .all()
  return { items: rows.map(toListItem), total }
}

/** The stored customer by id, deleted or not; access rules are the caller's (see customer-access.ts). */
export function customerRecord(db: DbOrTx, id: string): CustomerRecord | undefined {
  return db.select().from(customers).where(eq(customers.id, id)).get()
}
export type CustomerRecord = typeof customers.$inferSelect

/** Back office reads the whole trail on the customer page; older entries stay in the table. */
const HISTORY_LIMIT = 500

/** One customer with its field history, if the actor may see it; otherwise it does not exist for them (404). */
export function getCustomer(db: DbOrTx, actor: Actor, date: string, id: string): CustomerDetail {
  const row = db.select({ c: customers, ownerName: users.name }).from(customers).innerJoin(users, eq(users.id, customers.ownerRepId)).where(eq(customers.id, id)).get()
  if (!row || row.c.deletedAt || !scopeIncludes(repScope(db, actor, date), row.c.ownerRepId)) throw notFound()
  const history = db
    .select({
      entity: customerFieldHistory.entity,
      entityId: customerFieldHistory.entityId,
      field: customerFieldHistory.field,
      oldValue: customerFieldHistory.oldValue,
      newValue: customerFieldHistory.newValue,
      overwritten: customerFieldHistory.overwritten,
      at: customerFieldHistory.at,
      userName: sql<string>`coalesce(${users.name}, '')`,
      clientId: customerFieldHistory.clientId,
      mutationId: customerFieldHistory.mutationId,
    })
    .from(customerFieldHistory)
    .leftJoin(users, eq(users.id, customerFieldHistory.userId))
    .where(eq(customerFieldHistory.customerId, id))
    // Rows of one mutation share `at`; the rowid keeps the order they were written in.
    .orderBy(desc(customerFieldHistory.at), sql`${customerFieldHistory}.rowid DESC`)
    .limit(HISTORY_LIMIT)
    .all()
  return { ...customerRow(row.c), ownerName: row.ownerName, history }
}
