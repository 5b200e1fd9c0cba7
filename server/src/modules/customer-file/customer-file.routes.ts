import { createRoute } from '@hono/zod-openapi'
import { customerFileSchema, idParamSchema, timelineQuerySchema, timelineSchema } from '../../../../shared/schemas'
import { today } from '../../lib/clock'
import { createRouter, errorResponses, jsonResponse } from '../../lib/openapi'
import { currentUser } from '../auth/auth.middleware'
import { getCustomerFile, getTimeline } from './customer-file.service'

const tags = ['Kundenakte']

/** The customer page's attachments for back office and online views (reps' devices hold the same rows via sync). */
export const customerFileRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/file',
      tags,
      summary: 'Haushalt, Einwilligungen (mit Warnungen) und Notizen eines Kunden (404 außerhalb des Sichtbereichs)',
      request: { params: idParamSchema },
      responses: { 200: jsonResponse(customerFileSchema, 'Kundenakte'), ...errorResponses },
    }),
    (c) => c.json(getCustomerFile(c.var.deps.db, currentUser(c), today(c.var.deps.clock), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/timeline',
      tags,
      summary: 'Zeitleiste eines Kunden, neueste zuerst, geblättert mit `before` (404 außerhalb des Sichtbereichs)',
      request: { params: idParamSchema, query: timelineQuerySchema },
      responses: { 200: jsonResponse(timelineSchema, 'Zeitleiste'), ...errorResponses },
    }),
    (c) => c.json(getTimeline(c.var.deps.db, currentUser(c), today(c.var.deps.clock), c.req.valid('param').id, c.req.valid('query')), 200),
  )
