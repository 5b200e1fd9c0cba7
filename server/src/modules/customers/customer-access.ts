import { AppError, notFound } from '../../lib/errors'
import type { Tx } from '../../lib/tx'
import { canSeeRep } from '../scope/scope.service'
import type { MutationContext } from '../sync/registry'
import { customerRecord, type CustomerRecord } from './customers.service'

export type { CustomerRecord }

/** Merges are followed this far; a longer chain means a bug, not a customer. */
const MAX_MERGE_HOPS = 10

/** The customer `id` stands for now: itself, or the survivor it was merged into. */
export function resolveMerged(tx: Tx, id: string): CustomerRecord | undefined {
  let c = customerRecord(tx, id)
  for (let hops = 0; c?.mergedIntoId && hops < MAX_MERGE_HOPS; hops++) c = customerRecord(tx, c.mergedIntoId)
  return c
}

/**
 * The customer a write is addressed to, as the actor may change it. A customer merged into
 * another stands for the survivor, so notes and consents written offline before the merge land
 * there. Outside the actor's write scope the customer does not exist (404); deleted → 409;
 * restricted or pseudonymised (GDPR) → 409, the file is read-only.
 */
export function writableCustomer(tx: Tx, ctx: MutationContext, id: string): CustomerRecord {
  const c = resolveMerged(tx, id)
  if (!c || !canSeeRep(tx, ctx.actor, c.ownerRepId, ctx.date, 'write')) throw notFound()
  if (c.deletedAt) throw new AppError(409, 'CUSTOMER_DELETED')
  if (c.pseudonymisedAt) throw new AppError(409, 'CUSTOMER_PSEUDONYMISED')
  if (c.restrictedAt) throw new AppError(409, 'CUSTOMER_RESTRICTED')
  return c
}
