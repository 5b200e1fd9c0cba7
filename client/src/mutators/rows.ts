import type { CustomerRow } from '../../../shared/schemas/customers'
import type { FeldakteDb, LocalCustomer, SyncedTableName } from '../db/database'
import { customerNameKey, customerWords } from '../db/words'
import type { MutatorTx, RowKey } from './types'

/** The device's form of a server customer row: search words added, pending base kept when given. */
export function localCustomer(row: CustomerRow, pending?: LocalCustomer['pending']): LocalCustomer {
  const local: LocalCustomer = { ...row, words: customerWords(row), nameKey: customerNameKey(row) }
  if (pending) local.pending = pending
  return local
}

export function customerRowOf(local: LocalCustomer): CustomerRow {
  const { words: _words, nameKey: _nameKey, pending: _pending, ...row } = local
  return row
}

type RowOf<T extends SyncedTableName> = FeldakteDb[T] extends { get(key: string): Promise<infer R | undefined> } ? R : never
type AnyRow = Record<string, unknown> & { pending?: { base: Record<string, unknown> | null } }

/** A server row as table `table` stores it (customers get their search words). */
export function toLocal(table: SyncedTableName, row: Record<string, unknown>, pending?: { base: Record<string, unknown> | null }): AnyRow {
  if (table === 'customers') return localCustomer(row as unknown as CustomerRow, pending as LocalCustomer['pending']) as unknown as AnyRow
  const local: AnyRow = { ...row }
  delete local.pending
  if (pending) local.pending = pending
  return local
}

/** The server's shape of a stored row: derived fields and the pending marker removed. */
export function serverRowOf(table: SyncedTableName, local: AnyRow): Record<string, unknown> {
  if (table === 'customers') return customerRowOf(local as unknown as LocalCustomer) as unknown as Record<string, unknown>
  const { pending: _pending, ...row } = local
  return row
}

/**
 * Writes a row for an unconfirmed mutation. The first such write keeps the server's version (or
 * null: not on the server) as base, so a rejection can restore exactly what the server has.
 */
export async function writePending<T extends Exclude<SyncedTableName, 'relationTypes'>>(tx: MutatorTx, table: T, row: Omit<RowOf<T>, 'pending' | 'words' | 'nameKey'>): Promise<void> {
  const t = tx[table] as unknown as { get(id: string): Promise<AnyRow | undefined>; put(row: AnyRow): Promise<unknown> }
  const id = (row as unknown as { id: string }).id
  const current = await t.get(id)
  const pending = current?.pending ?? { base: current ? serverRowOf(table, current) : null }
  await t.put(toLocal(table, row as unknown as Record<string, unknown>, pending))
}

export async function writePendingCustomer(tx: MutatorTx, row: CustomerRow): Promise<void> {
  await writePending(tx, 'customers', row)
}

function tableOf(tx: MutatorTx, table: SyncedTableName) {
  return tx[table] as unknown as { get(id: string): Promise<AnyRow | undefined>; put(row: AnyRow): Promise<unknown>; delete(id: string): Promise<void> }
}

/**
 * Deletes a row for an unconfirmed mutation and keeps the server's version as a tombstone, so a
 * refusal can bring it back (delete rows only through this, never with a bare `delete`).
 */
export async function deletePending(tx: MutatorTx, table: Exclude<SyncedTableName, 'relationTypes'>, id: string, mutationId: string): Promise<void> {
  const t = tableOf(tx, table)
  const current = await t.get(id)
  if (!current) return
  const base = current.pending ? current.pending.base : serverRowOf(table, current)
  if (base) await tx.tombstones.put({ key: `${table}/${id}`, table, id, base, mutationId })
  await t.delete(id)
}

/** A refused mutation's deletes are undone: the server's rows come back unless the device has a newer one. */
export async function restoreTombstones(tx: MutatorTx, mutationId: string): Promise<void> {
  for (const tomb of await tx.tombstones.where('mutationId').equals(mutationId).toArray()) {
    const t = tableOf(tx, tomb.table)
    if (!(await t.get(tomb.id))) await t.put(toLocal(tomb.table, tomb.base))
    await tx.tombstones.delete(tomb.key)
  }
}

/** An acknowledged mutation's deletes are final. */
export async function dropTombstones(tx: MutatorTx, mutationId: string): Promise<void> {
  await tx.tombstones.where('mutationId').equals(mutationId).delete()
}

/** Back to the server's version of the row (gone if the server never had it). */
export async function revertRow(tx: MutatorTx, key: RowKey): Promise<void> {
  const t = tableOf(tx, key.table)
  const current = await t.get(key.id)
  if (!current?.pending) return
  const base = current.pending.base
  if (base) await t.put(toLocal(key.table, base))
  else await t.delete(key.id)
}

/** The row no longer waits for any mutation: it counts as the server's. */
export async function markConfirmed(tx: MutatorTx, key: RowKey): Promise<void> {
  const t = tableOf(tx, key.table)
  const current = await t.get(key.id)
  if (current?.pending) await t.put(toLocal(key.table, serverRowOf(key.table, current)))
}
