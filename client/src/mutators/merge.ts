import { mergeCustomersArgsSchema } from '../../../shared/schemas/customers'
import type { FeldakteDb } from '../db/database'
import { runMutation } from './mutate'
import { deletePending, writePending } from './rows'
import { defineMutator, type MutationReceipt } from './types'

const strip = <T extends { pending?: unknown }>(row: T): Omit<T, 'pending'> => {
  const { pending: _pending, ...rest } = row
  return rest
}

/**
 * Back office merges a duplicate into the customer that stays. Back office devices hold no
 * customers, so locally this only matters where the rows are: the merged customer disappears
 * and its notes, consents and relationships point at the survivor. The server also fills the
 * survivor's gaps and removes relationships that became double; the next pull brings that.
 */
export const mergeCustomersMutator = defineMutator({
  name: 'mergeCustomers',
  v: 1,
  args: mergeCustomersArgsSchema,
  tables: ['customers', 'relations', 'consents', 'notes'],
  keys: (args) => [
    { table: 'customers', id: args.survivorId },
    { table: 'customers', id: args.mergedId },
  ],
  async applyLocal(tx, args, ctx) {
    const merged = await tx.customers.get(args.mergedId)
    if (!merged) return
    const survivor = await tx.customers.get(args.survivorId)
    const owner = (row: { ownerRepId: string }) => survivor?.ownerRepId ?? row.ownerRepId
    for (const note of await tx.notes.where('customerId').equals(merged.id).toArray()) {
      await writePending(tx, 'notes', { ...strip(note), customerId: args.survivorId, ownerRepId: owner(note), updatedAt: ctx.now })
    }
    for (const consent of await tx.consents.where('customerId').equals(merged.id).toArray()) {
      await writePending(tx, 'consents', { ...strip(consent), customerId: args.survivorId, ownerRepId: owner(consent), updatedAt: ctx.now })
    }
    const own = await tx.relations.where('customerId').equals(merged.id).toArray()
    const pointing = await tx.relations.where('relatedCustomerId').equals(merged.id).toArray()
    for (const relation of [...own, ...pointing]) {
      const moved = relation.customerId === merged.id
      const customerId = moved ? args.survivorId : relation.customerId
      const relatedCustomerId = relation.relatedCustomerId === merged.id ? args.survivorId : relation.relatedCustomerId
      // A relationship between the two customers would relate the survivor to itself.
      if (customerId === relatedCustomerId) await deletePending(tx, 'relations', relation.id, ctx.mutationId)
      else await writePending(tx, 'relations', { ...strip(relation), customerId, relatedCustomerId, ownerRepId: moved ? owner(relation) : relation.ownerRepId, updatedAt: ctx.now })
    }
    await deletePending(tx, 'customers', merged.id, ctx.mutationId)
  },
})

/** Queues the merge; resolves once it is stored on the device. */
export async function mergeCustomers(db: FeldakteDb, survivorId: string, mergedId: string): Promise<MutationReceipt> {
  return (await runMutation(db, mergeCustomersMutator, { survivorId, mergedId }))!
}
