import type { Db } from '../db/client'

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
/** Either the database or an open transaction: services take this and pass it down. */
export type DbOrTx = Db | Tx

/**
 * Runs `fn` in one SQLite write transaction. The callback must be synchronous: an async callback
 * with drizzle + better-sqlite3 commits early and ignores rollback (drizzle-orm #1472).
 */
export function inTx<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction((tx) => {
    const result = fn(tx)
    if (result instanceof Promise) throw new Error('inTx callback must be synchronous')
    return result
  }, { behavior: 'immediate' })
}
