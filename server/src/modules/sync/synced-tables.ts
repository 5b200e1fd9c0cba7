import type { SQLiteColumn, SQLiteTableWithColumns } from 'drizzle-orm/sqlite-core'
import { consents, customerRelations, customers, notes } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
import { consentRow } from '../consents/consents.service'
import { customerRow } from '../customers/customers.service'
import { relationRow } from '../household/household.service'
import { noteRow } from '../notes/notes.service'

/** The columns every rep-owned synced table has: pull selects by owner, rev and deletion. */
interface SyncedColumns {
  id: SQLiteColumn
  ownerRepId: SQLiteColumn
  rev: SQLiteColumn
  deletedAt: SQLiteColumn
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTable = SQLiteTableWithColumns<any> & SyncedColumns

export interface SyncedTable {
  /** The name devices know the table by (Dexie store). */
  name: string
  table: AnyTable
  /** The row as the device stores it. */
  row(db: DbOrTx, r: Record<string, unknown>): Record<string, unknown>
}

/**
 * The rep-owned tables a device holds, in fill order: a fill sends one table for all reps before
 * the next, so a device that stops mid-fill never holds a note without its customer.
 */
export const SYNCED_TABLES: SyncedTable[] = [
  { name: 'customers', table: customers as AnyTable, row: (_db, r) => ({ ...customerRow(r as typeof customers.$inferSelect) }) },
  { name: 'relations', table: customerRelations as AnyTable, row: (_db, r) => ({ ...relationRow(r as typeof customerRelations.$inferSelect) }) },
  { name: 'consents', table: consents as AnyTable, row: (_db, r) => ({ ...consentRow(r as typeof consents.$inferSelect) }) },
  { name: 'notes', table: notes as AnyTable, row: (db, r) => ({ ...noteRow(db, r as typeof notes.$inferSelect) }) },
]
