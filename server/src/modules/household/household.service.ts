import type { RelationRow } from '../../../../shared/schemas'
import type { customerRelations } from '../../db/schema'

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
