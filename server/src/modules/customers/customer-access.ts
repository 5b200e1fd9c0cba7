import { eq } from 'drizzle-orm'
import { customers } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import type { Tx } from '../../lib/tx'
import { canSeeRep } from '../scope/scope.service'
import type { MutationContext } from '../sync/registry'

export type CustomerRecord = typeof customers.$inferSelect

/**
 * The customer a write is addressed to, as the actor may change it. A customer merged into
 * another stands for the survivor, so notes and consents written offline before the merge land
 * there. Outside the actor's write scope the customer does not exist (404); deleted → 409;
 * restricted or pseudonymised (GDPR) → 409, the file is read-only.
 */
export function writableCustomer(tx: Tx, ctx: MutationContext, id: string): CustomerRecord {
  let c = tx.select().from(customers).where(eq(customers.id, id)).get()
  for (let hops = 0; c?.mergedIntoId && hops < 10; hops++) c = tx.select().from(customers).where(eq(customers.id, c.mergedIntoId)).get()
  if (!c || !canSeeRep(tx, ctx.actor, c.ownerRepId, ctx.date, 'write')) throw notFound()
  if (c.deletedAt) throw new AppError(409, 'CUSTOMER_DELETED')
  if (c.pseudonymisedAt) throw new AppError(409, 'CUSTOMER_PSEUDONYMISED')
  if (c.restrictedAt) throw new AppError(409, 'CUSTOMER_RESTRICTED')
  return c
}
