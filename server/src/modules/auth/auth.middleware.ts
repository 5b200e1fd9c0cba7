import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { Role } from '../../../../shared/constants'
import type { AppEnv, SessionUser } from '../../lib/context'
import { AppError, forbidden, unauthenticated } from '../../lib/errors'
import { SESSION_COOKIE, sessionUser } from './auth.service'

/** Resolves the session cookie to `c.var.user` (or null). Never rejects by itself. */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  // A deactivated user's device may still upload (into quarantine) and learn that it must wipe.
  const allowInactive = c.req.path === '/api/sync/push' || c.req.path === '/api/sync/pull'
  c.set('user', sessionUser(c.var.deps, getCookie(c, SESSION_COOKIE), { allowInactive }))
  await next()
})

/** Paths a user with a one-time password may still call. */
const PASSWORD_CHANGE_PATHS = new Set(['/api/auth/me', '/api/auth/logout', '/api/auth/password'])

/**
 * Deny by default: every /api route except the public ones needs a session, and a user with a
 * one-time password may only change it.
 */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.var.user
  if (!user) throw unauthenticated()
  if (user.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(c.req.path)) {
    throw new AppError(403, 'PASSWORD_CHANGE_REQUIRED')
  }
  await next()
})

/** The signed-in user; only valid behind `requireSession`. */
export function currentUser(c: { var: { user: SessionUser | null } }): SessionUser {
  const u = c.var.user
  if (!u) throw unauthenticated()
  return u
}

export function assertRole(user: SessionUser, ...roles: Role[]): void {
  if (!roles.includes(user.role)) throw forbidden()
}
