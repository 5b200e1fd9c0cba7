import type { CustomerRow } from '../../../shared/schemas/customers'
import type { LocalCustomer } from '../db/database'
import { customerNameKey, customerWords } from '../db/words'
import type { MutatorTx, RowKey } from './types'

/** The device's form of a server row: search words added, pending base kept when given. */
export function localCustomer(row: CustomerRow, pending?: LocalCustomer['pending']): LocalCustomer {
  const local: LocalCustomer = { ...row, words: customerWords(row), nameKey: customerNameKey(row) }
  if (pending) local.pending = pending
  return local
}

export function customerRowOf(local: LocalCustomer): CustomerRow {
  const { words: _words, nameKey: _nameKey, pending: _pending, ...row } = local
  return row
}

/**
 * Writes a customer for an unconfirmed mutation. The first such write keeps the server's version
 * (or null: not on the server) as base, so a rejection can restore exactly what the server has.
 */
export async function writePendingCustomer(tx: MutatorTx, row: CustomerRow): Promise<void> {
  const current = await tx.customers.get(row.id)
  const pending = current?.pending ?? { base: current ? customerRowOf(current) : null }
  await tx.customers.put(localCustomer(row, pending))
}

/** Back to the server's version of the row (gone if the server never had it). */
export async function revertRow(tx: MutatorTx, key: RowKey): Promise<void> {
  const current = await tx[key.table].get(key.id)
  if (!current?.pending) return
  const base = current.pending.base
  if (base) await tx[key.table].put(localCustomer(base))
  else await tx[key.table].delete(key.id)
}

/** The row no longer waits for any mutation: it counts as the server's. */
export async function markConfirmed(tx: MutatorTx, key: RowKey): Promise<void> {
  const current = await tx[key.table].get(key.id)
  if (current?.pending) await tx[key.table].put(localCustomer(customerRowOf(current)))
}
