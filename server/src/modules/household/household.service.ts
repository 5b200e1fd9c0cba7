import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import { customerDisplayName } from '../../../../shared/labels'
import { HIDDEN_RELATED_CUSTOMER_LABEL, type RelationRow, type RelationTypeRow, type RelationView } from '../../../../shared/schemas'
import { customerRelations, customers, relationTypes } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
import { repScope, scopeIncludes, type Actor } from '../scope/scope.service'

export function relationRow(r: typeof customerRelations.$inferSelect): RelationRow {
  return {
    id: r.id,
    pairId: r.pairId,
    customerId: r.customerId,
    type: r.type,
    relatedCustomerId: r.relatedCustomerId,
    person: r.person ?? null,
    validFrom: r.validFrom,
    validTo: r.validTo,
    ownerRepId: r.ownerRepId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}

export function listRelationTypes(db: DbOrTx): RelationTypeRow[] {
  return db
    .select({ code: relationTypes.code, name: relationTypes.name, reverseCode: relationTypes.reverseCode, household: relationTypes.household, sort: relationTypes.sort })
    .from(relationTypes)
    .orderBy(asc(relationTypes.sort), asc(relationTypes.code))
    .all()
}

export function relationType(db: DbOrTx, code: string): RelationTypeRow | undefined {
  return listRelationTypes(db).find((t) => t.code === code)
}

/**
 * Relations as the customer page shows them. A related customer the caller may not read (another
 * structure) appears without name or number: the relationship is the viewed customer's data,
 * the other customer's master data is not.
 */
export function relationViews(db: DbOrTx, actor: Actor, date: string, rows: (typeof customerRelations.$inferSelect)[]): RelationView[] {
  const types = new Map(listRelationTypes(db).map((t) => [t.code, t]))
  const relatedIds = [...new Set(rows.flatMap((r) => (r.relatedCustomerId ? [r.relatedCustomerId] : [])))]
  const related = new Map(
    relatedIds.length
      ? db
          .select({ id: customers.id, customerNo: customers.customerNo, kind: customers.kind, title: customers.title, firstName: customers.firstName, lastName: customers.lastName, ownerRepId: customers.ownerRepId, deletedAt: customers.deletedAt })
          .from(customers)
          .where(inArray(customers.id, relatedIds))
          .all()
          .map((c) => [c.id, c])
      : [],
  )
  const scope = repScope(db, actor, date)
  return rows.map((r) => {
    const type = types.get(r.type)
    const base = { ...relationRow(r), typeName: type?.name ?? r.type, household: type?.household ?? false }
    if (r.person) return { ...base, relatedVisible: false, relatedName: `${r.person.firstName} ${r.person.lastName}`, relatedCustomerNo: null }
    const c = r.relatedCustomerId ? related.get(r.relatedCustomerId) : undefined
    if (!c || c.deletedAt || !scopeIncludes(scope, c.ownerRepId)) return { ...base, relatedVisible: false, relatedName: HIDDEN_RELATED_CUSTOMER_LABEL, relatedCustomerNo: null }
    return { ...base, relatedVisible: true, relatedName: customerDisplayName(c), relatedCustomerNo: c.customerNo }
  })
}

/** The live relations of one customer, household first (by type order), then by creation. */
export function customerRelationRows(db: DbOrTx, customerId: string) {
  return db
    .select({ r: customerRelations })
    .from(customerRelations)
    .leftJoin(relationTypes, eq(relationTypes.code, customerRelations.type))
    .where(and(eq(customerRelations.customerId, customerId), isNull(customerRelations.deletedAt)))
    .orderBy(asc(relationTypes.sort), asc(customerRelations.createdAt), asc(customerRelations.id))
    .all()
    .map((x) => x.r)
}
