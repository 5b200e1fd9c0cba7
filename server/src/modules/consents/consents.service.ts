import type { ConsentRow } from '../../../../shared/schemas'
import type { consents } from '../../db/schema'

export function consentRow(r: typeof consents.$inferSelect): ConsentRow {
  return {
    id: r.id,
    customerId: r.customerId,
    type: r.type,
    givenOn: r.givenOn,
    withdrawnOn: r.withdrawnOn,
    note: r.note,
    documentId: r.documentId,
    ownerRepId: r.ownerRepId,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}
