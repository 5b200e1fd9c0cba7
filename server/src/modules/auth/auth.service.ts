import { createHash, randomBytes } from 'node:crypto'
import { and, eq, lte, ne, or } from 'drizzle-orm'
import type { Me } from '../../../../shared/schemas'
import { sessions, userBranches, users } from '../../db/schema'
import type { Deps, SessionUser } from '../../lib/context'
import { AppError } from '../../lib/errors'
import { hashPassword, verifyPassword } from '../../lib/password'
import { nowIso, today } from '../../lib/clock'
import type { DbOrTx } from '../../lib/tx'
import { writeAudit } from '../audit/audit.service'

export const SESSION_COOKIE = 'feldakte_session'

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/** Verifies against a real hash even for unknown accounts, so timing does not reveal which e-mails exist. */
let dummyHash: Promise<string> | undefined

export function isActiveOn(user: { deactivatedFrom: string | null }, date: string): boolean {
  return user.deactivatedFrom === null || date < user.deactivatedFrom
}

export function branchIdsOf(db: DbOrTx, userId: string): string[] {
  return db.select({ b: userBranches.branchId }).from(userBranches).where(eq(userBranches.userId, userId)).all().map((r) => r.b)
}

export async function login(
  deps: Deps,
  input: { email: string; password: string; ip: string; userAgent: string | undefined },
): Promise<{ token: string; me: Me }> {
  const { db, clock, loginLimiter } = deps
  const now = clock.now().getTime()
  const accountKey = input.email
  const wait = Math.max(loginLimiter.account.blockedFor(accountKey, now), loginLimiter.ip.blockedFor(input.ip, now))
  if (wait > 0) {
    throw new AppError(429, 'RATE_LIMITED')
  }
  const user = db.select().from(users).where(eq(users.email, input.email)).get()
  dummyHash ??= hashPassword('not-a-password', deps.env.PASSWORD_HASH_LOG_N)
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash))
  if (!user || !ok) {
    loginLimiter.account.fail(accountKey, now)
    loginLimiter.ip.fail(input.ip, now)
    deps.logger.warn('login failed', { email: input.email, ip: input.ip })
    throw new AppError(401, 'INVALID_CREDENTIALS')
  }
  if (!isActiveOn(user, today(clock))) throw new AppError(403, 'USER_INACTIVE')
  loginLimiter.account.reset(accountKey)

  const token = randomBytes(32).toString('base64url')
  const at = nowIso(clock)
  db.insert(sessions)
    .values({
      tokenHash: sha256(token),
      userId: user.id,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(now + deps.env.SESSION_MAX_HOURS * 3_600_000).toISOString(),
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    })
    .run()
  return {
    token,
    me: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      mustChangePassword: user.mustChangePassword,
      branchIds: branchIdsOf(db, user.id),
    },
  }
}

/**
 * The user behind a session token, or null when the session is unknown, expired (absolute or
 * idle) or its user is deactivated. Expired sessions are deleted on sight.
 */
export function sessionUser(deps: Deps, token: string | undefined, opts: { allowInactive?: boolean } = {}): SessionUser | null {
  if (!token) return null
  const { db, clock, env } = deps
  const tokenHash = sha256(token)
  const row = db
    .select({ s: sessions, u: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, tokenHash))
    .get()
  if (!row) return null
  const now = clock.now()
  const idleLimit = new Date(new Date(row.s.lastSeenAt).getTime() + env.SESSION_IDLE_HOURS * 3_600_000)
  if (new Date(row.s.expiresAt) <= now || idleLimit <= now) {
    db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run()
    return null
  }
  // A deactivated user is signed out everywhere; only their device's final upload (into
  // quarantine) still identifies them, so nothing entered offline is lost.
  const active = isActiveOn(row.u, today(clock))
  if (!active && !opts.allowInactive) return null
  // Touch at most once a minute: a write per request would be wasted I/O.
  if (now.getTime() - new Date(row.s.lastSeenAt).getTime() > 60_000) {
    db.update(sessions).set({ lastSeenAt: now.toISOString() }).where(eq(sessions.tokenHash, tokenHash)).run()
  }
  return {
    id: row.u.id,
    email: row.u.email,
    name: row.u.name,
    role: row.u.role,
    mustChangePassword: row.u.mustChangePassword,
    branchIds: branchIdsOf(db, row.u.id),
    sessionTokenHash: tokenHash,
    active,
  }
}

export function logout(deps: Deps, user: SessionUser): void {
  deps.db.delete(sessions).where(eq(sessions.tokenHash, user.sessionTokenHash)).run()
}

/** Signs a user out everywhere. */
export function revokeSessions(db: DbOrTx, userId: string): void {
  db.delete(sessions).where(eq(sessions.userId, userId)).run()
}

export function pruneSessions(deps: Deps): number {
  const now = nowIso(deps.clock)
  const idleBefore = new Date(deps.clock.now().getTime() - deps.env.SESSION_IDLE_HOURS * 3_600_000).toISOString()
  return deps.db.delete(sessions).where(or(lte(sessions.expiresAt, now), lte(sessions.lastSeenAt, idleBefore))).run().changes
}

export async function changePassword(deps: Deps, user: SessionUser, currentPassword: string, newPassword: string): Promise<void> {
  const { db, clock, env } = deps
  const row = db.select().from(users).where(eq(users.id, user.id)).get()
  if (!row || !(await verifyPassword(currentPassword, row.passwordHash))) throw new AppError(400, 'WRONG_PASSWORD')
  if (currentPassword === newPassword) {
    throw new AppError(400, 'VALIDATION', 'Das neue Passwort muss sich vom bisherigen unterscheiden.')
  }
  const hash = await hashPassword(newPassword, env.PASSWORD_HASH_LOG_N)
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash: hash, mustChangePassword: false, updatedAt: nowIso(clock) }).where(eq(users.id, user.id)).run()
    // The other sessions end: a password change is often a reaction to a leaked password.
    tx.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.tokenHash, user.sessionTokenHash))).run()
    writeAudit(tx, clock, user.id, 'user.password_change', 'user', user.id, null, null)
  })
}
