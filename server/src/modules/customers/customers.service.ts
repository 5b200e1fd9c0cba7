import { and, asc, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { CustomerRow } from '../../../../shared/schemas'
import { customerFieldHistory, customers, users } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
import { notFound } from '../../lib/errors'
import { repScope, scopeIncludes, type Actor } from '../scope/scope.service'
import { customerRow } from '../sync/sync.service'

/** SQL condition "owner is in the actor's read scope"; undefined when the actor sees everything. */
function scopeCondition(db: DbOrTx, actor: Actor, date: string): SQL | undefined | false {
  const scope = repScope(db, actor, date)
  if (scope.all) return undefined
  if (scope.repIds.size === 0) return false
  return sql`${customers.ownerRepId} IN (SELECT value FROM json_each(${JSON.stringify([...scope.repIds])}))`
}

/** Server-paged customer list for back office and admin (and reps online): scope first, then search. */
export function listCustomers(db: DbOrTx, actor: Actor, date: string, q: { q?: string; page: number; pageSize: number }) {
  const cond = scopeCondition(db, actor, date)
  if (cond === false) return { items: [] as (CustomerRow & { ownerName: string })[], total: 0 }
  const filters: (SQL | undefined)[] = [isNull(customers.deletedAt), cond]
  const term = q.q?.trim()
  if (term) {
    const pattern = `%${term.replace(/[%_\\]/g, (m) => `\\${m}`)}%`
    filters.push(
      or(
        sql`${customers.lastName} LIKE ${pattern} ESCAPE '\\'`,
        sql`${customers.firstName} LIKE ${pattern} ESCAPE '\\'`,
        sql`${customers.city} LIKE ${pattern} ESCAPE '\\'`,
        sql`${customers.email} LIKE ${pattern} ESCAPE '\\'`,
        sql`${customers.phone} LIKE ${pattern} ESCAPE '\\'`,
      ),
    )
  }
  const where = and(...filters)
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
  return { items: rows.map((r) => ({ ...customerRow(r.c), ownerName: r.ownerName })), total }
}

/** One customer, if the actor may see it; otherwise it does not exist for them (404). */
export function getCustomer(db: DbOrTx, actor: Actor, date: string, id: string) {
  const row = db.select({ c: customers, ownerName: users.name }).from(customers).innerJoin(users, eq(users.id, customers.ownerRepId)).where(eq(customers.id, id)).get()
  if (!row || row.c.deletedAt || !scopeIncludes(repScope(db, actor, date), row.c.ownerRepId)) throw notFound()
  const history = db
    .select({
      field: customerFieldHistory.field,
      oldValue: customerFieldHistory.oldValue,
      newValue: customerFieldHistory.newValue,
      overwritten: customerFieldHistory.overwritten,
      at: customerFieldHistory.at,
      userName: users.name,
    })
    .from(customerFieldHistory)
    .innerJoin(users, eq(users.id, customerFieldHistory.userId))
    .where(eq(customerFieldHistory.customerId, id))
    .orderBy(desc(customerFieldHistory.at))
    .limit(200)
    .all()
  return { ...customerRow(row.c), ownerName: row.ownerName, history }
}
