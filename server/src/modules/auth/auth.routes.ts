import { createRoute } from '@hono/zod-openapi'
import { deleteCookie, setCookie } from 'hono/cookie'
import { getConnInfo } from '@hono/node-server/conninfo'
import { changePasswordSchema, loginSchema, meSchema, okSchema } from '../../../../shared/schemas'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../lib/openapi'
import { changePassword, login, logout, SESSION_COOKIE } from './auth.service'
import { currentUser } from './auth.middleware'
import type { Context } from 'hono'
import type { AppEnv } from '../../lib/context'

const tags = ['Anmeldung']

function clientIp(c: Context<AppEnv>): string {
  if (c.var.deps.env.TRUST_PROXY) {
    // The proxy appends the address it saw; earlier entries are client-controlled.
    const hops = c.req.header('x-forwarded-for')?.split(',').map((h) => h.trim()).filter(Boolean)
    if (hops?.length) return hops[hops.length - 1]!
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown' // app.request() in tests has no socket
  }
}

function secureCookies(c: Context<AppEnv>): boolean {
  const publicUrl = c.var.deps.env.PUBLIC_URL
  return publicUrl ? publicUrl.startsWith('https:') : new URL(c.req.url).protocol === 'https:'
}

export const authRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags,
      summary: 'Anmelden; setzt das Sitzungs-Cookie',
      security: [],
      request: { body: jsonBody(loginSchema) },
      responses: { 200: jsonResponse(meSchema, 'Angemeldeter Benutzer'), ...errorResponses, 429: errorResponses[401] },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json')
      const { token, me } = await login(c.var.deps, { email, password, ip: clientIp(c), userAgent: c.req.header('user-agent') })
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secureCookies(c),
        path: '/',
        maxAge: c.var.deps.env.SESSION_MAX_HOURS * 3600,
      })
      return c.json(me, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/auth/me',
      tags,
      summary: 'Der angemeldete Benutzer',
      responses: { 200: jsonResponse(meSchema, 'Angemeldeter Benutzer'), 401: errorResponses[401] },
    }),
    (c) => {
      const u = currentUser(c)
      return c.json({ id: u.id, email: u.email, name: u.name, role: u.role, mustChangePassword: u.mustChangePassword, branchIds: u.branchIds }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      tags,
      summary: 'Abmelden; beendet die Sitzung',
      responses: { 200: jsonResponse(okSchema, 'Abgemeldet'), 401: errorResponses[401] },
    }),
    (c) => {
      logout(c.var.deps, currentUser(c))
      deleteCookie(c, SESSION_COOKIE, { path: '/' })
      return c.json({ ok: true as const }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/password',
      tags,
      summary: 'Eigenes Passwort ändern (beendet alle anderen Sitzungen)',
      request: { body: jsonBody(changePasswordSchema) },
      responses: { 200: jsonResponse(okSchema, 'Geändert'), ...errorResponses },
    }),
    async (c) => {
      const { currentPassword, newPassword } = c.req.valid('json')
      await changePassword(c.var.deps, currentUser(c), currentPassword, newPassword)
      return c.json({ ok: true as const }, 200)
    },
  )
