import { sql } from 'drizzle-orm'
import { uuidv7 } from '../../../../shared/ids'
import { users } from '../../db/schema'
import type { Db } from '../../db/client'
import type { Env } from '../../env'
import { nowIso, type Clock } from '../../lib/clock'
import { generateOneTimePassword, hashPassword } from '../../lib/password'
import { inTx } from '../../lib/tx'
import { writeAudit } from '../audit/audit.service'

export const DEFAULT_ADMIN_EMAIL = 'admin@feldakte.local'

/**
 * First start on an empty database: create the admin from ADMIN_EMAIL / ADMIN_PASSWORD, or with a
 * one-time password that must be changed at first sign-in. Returns what to tell the operator.
 */
export async function ensureAdmin(db: Db, env: Env, clock: Clock): Promise<{ email: string; oneTimePassword?: string } | null> {
  const count = db.select({ n: sql<number>`count(*)` }).from(users).get()?.n ?? 0
  if (count > 0) return null
  const email = (env.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL).toLowerCase()
  const oneTimePassword = env.ADMIN_PASSWORD ? undefined : generateOneTimePassword()
  const passwordHash = await hashPassword(env.ADMIN_PASSWORD ?? oneTimePassword!, env.PASSWORD_HASH_LOG_N)
  const id = uuidv7()
  inTx(db, (tx) => {
    const at = nowIso(clock)
    tx.insert(users)
      .values({ id, email, name: 'Administrator', role: 'admin', passwordHash, mustChangePassword: !env.ADMIN_PASSWORD, createdAt: at, updatedAt: at })
      .run()
    writeAudit(tx, clock, null, 'user.create', 'user', id, null, { email, role: 'admin', bootstrap: true })
  })
  return { email, oneTimePassword }
}
