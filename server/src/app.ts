import fs from 'node:fs'
import path from 'node:path'
import { createRoute } from '@hono/zod-openapi'
import { serveStatic } from '@hono/node-server/serve-static'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import { z } from 'zod'
import { ERROR_MESSAGES } from '../../shared/errors'
import { uuidv7 } from '../../shared/ids'
import type { AppEnv, Deps } from './lib/context'
import { AppError } from './lib/errors'
import { createRouter, jsonResponse } from './lib/openapi'
import { csrfProtection, securityHeaders } from './lib/security'
import { loadSession, requireSession } from './modules/auth/auth.middleware'
import { authRoutes } from './modules/auth/auth.routes'
import { orgRoutes } from './modules/org/org.routes'
import { customerRoutes } from './modules/customers/customers.routes'
import { customerImportRoutes } from './modules/customer-imports/customer-imports.routes'
import { gdprRoutes } from './modules/gdpr/gdpr.routes'
import { syncRoutes } from './modules/sync/sync.routes'
import { householdRoutes } from './modules/household/household.routes'
import { customerFileRoutes } from './modules/customer-file/customer-file.routes'
import { noteRoutes } from './modules/notes/notes.routes'

/** /api paths that answer without a session. */
const PUBLIC_API = new Set(['/api/health', '/api/auth/login', '/api/openapi.json'])

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['System'],
  summary: 'Lebenszeichen',
  security: [],
  responses: { 200: jsonResponse(z.object({ status: z.literal('ok') }), 'Server läuft') },
})

export function createApp(deps: Deps, opts: { clientDist?: string } = {}) {
  const api = createRouter()
    .openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200))
    .route('/', authRoutes)
    .route('/', orgRoutes)
    .route('/', customerRoutes)
    .route('/', gdprRoutes)
    .route('/', customerImportRoutes)
    .route('/', householdRoutes)
    .route('/', customerFileRoutes)
    .route('/', noteRoutes)
    .route('/', syncRoutes)

  api.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'feldakte_session' })
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Feldakte API',
      version: '1',
      description:
        'Kunden-, Vertrags- und Provisionsverwaltung. Anmeldung per Sitzungs-Cookie (POST /api/auth/login). ' +
        'Schreibende Anfragen brauchen einen Origin-Header der Anwendung (CSRF-Schutz). Fehler: { code, message }.',
    },
    servers: [{ url: '/api' }],
    security: [{ session: [] }],
  })

  const app = createRouter()
  app.use('*', requestLog)
  app.use('*', securityHeaders)
  app.use('*', async (c, next) => {
    c.set('deps', deps)
    await next()
  })
  app.use('/api/*', csrfProtection)
  app.use('/api/*', loadSession)
  app.use('/api/*', async (c, next) => (PUBLIC_API.has(c.req.path) ? next() : requireSession(c, next)))
  const routes = app.route('/api', api)
  app.all('/api/*', () => {
    throw new AppError(404, 'NOT_FOUND')
  })

  if (opts.clientDist && fs.existsSync(path.join(opts.clientDist, 'index.html'))) serveClient(app, opts.clientDist)

  app.onError((err, c) => {
    if (err instanceof AppError) {
      if (err.status === 429) c.header('Retry-After', '900')
      return c.json({ code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}), ...err.extra }, err.status)
    }
    // Hono's validator throws HTTPException (400 malformed JSON, 415 wrong media type); its name is plain 'Error'.
    if (err instanceof SyntaxError || err instanceof HTTPException) {
      const status = err instanceof HTTPException ? err.status : undefined
      if (status === undefined || (status >= 400 && status < 500)) {
        return c.json({ code: 'VALIDATION', message: 'Die Anfrage ist kein gültiges JSON.' }, 400)
      }
    }
    c.var.deps.logger.error('unhandled error', { requestId: c.var.requestId, path: c.req.path, error: String(err), stack: (err as Error).stack })
    return c.json({ code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL }, 500)
  })
  return routes
}

export type AppType = ReturnType<typeof createApp>

const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now()
  c.set('requestId', uuidv7())
  await next()
  if (c.req.path.startsWith('/api/')) {
    c.var.deps?.logger.info('request', {
      requestId: c.var.requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      userId: c.var.user?.id,
    })
  }
})

/** The built client: hashed assets cached for a year, the shell and service worker never stale. */
function serveClient(app: ReturnType<typeof createRouter>, root: string) {
  app.use('/assets/*', async (c, next) => {
    await next()
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable')
  })
  app.use('*', async (c, next) => {
    await next()
    if (/\/(sw\.js|index\.html|manifest\.webmanifest|registerSW\.js)?$/.test(c.req.path) && !c.res.headers.get('Cache-Control')) {
      c.header('Cache-Control', 'no-cache')
    }
  })
  app.use('*', serveStatic({ root }))
  const indexHtml = fs.readFileSync(path.join(root, 'index.html'), 'utf8')
  // SPA fallback: every other GET renders the shell; the router decides.
  app.get('*', (c) => {
    c.header('Cache-Control', 'no-cache')
    return c.html(indexHtml)
  })
}
