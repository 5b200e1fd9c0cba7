import { desc, eq } from 'drizzle-orm'
import { quarantine } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'

/** The user's rejected mutations, newest first, with their full payload. */
export function listQuarantine(db: DbOrTx, userId: string) {
  return db.select().from(quarantine).where(eq(quarantine.userId, userId)).orderBy(desc(quarantine.at)).limit(500).all()
}
