import { createRoute } from '@hono/zod-openapi'
import { followUpListSchema, followUpQuerySchema } from '../../../../shared/schemas'
import { today } from '../../lib/clock'
import { createRouter, errorResponses, jsonResponse } from '../../lib/openapi'
import { currentUser } from '../auth/auth.middleware'
import { listFollowUps } from './notes.service'

/** Reads only; notes are written through sync mutations so they work offline too. */
export const noteRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/follow-ups',
    tags: ['Kundenakte'],
    summary: 'Wiedervorlagen: offene Wiedervorlagen im Sichtbereich, überfällige zuerst (Geschäftsdatum Berlin)',
    request: { query: followUpQuerySchema },
    responses: { 200: jsonResponse(followUpListSchema, 'Wiedervorlagen'), ...errorResponses },
  }),
  (c) => c.json({ items: listFollowUps(c.var.deps.db, currentUser(c), today(c.var.deps.clock), c.req.valid('query')) }, 200),
)
