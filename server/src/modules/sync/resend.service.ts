import { inArray } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTableWithColumns } from 'drizzle-orm/sqlite-core'
import type { Tx } from '../../lib/tx'

/**
 * A mutation that turned out to change nothing still gives its rows the mutation's rev: the
 * device showed an optimistic version (with its own clock's `updatedAt`) and must get the
 * server's version back at its next pull instead of keeping its guess.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resendRows(tx: Tx, table: SQLiteTableWithColumns<any> & { id: SQLiteColumn; rev: SQLiteColumn }, ids: string[], rev: number): void {
  if (ids.length) tx.update(table).set({ rev }).where(inArray(table.id, ids)).run()
}
