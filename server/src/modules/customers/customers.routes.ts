import { createRoute } from '@hono/zod-openapi'
import { customerDetailSchema, customerListQuerySchema, customerListSchema, idParamSchema } from '../../../../shared/schemas'
import { today } from '../../lib/clock'
import { createRouter, errorResponses, jsonResponse } from '../../lib/openapi'
import { currentUser } from '../auth/auth.middleware'
import { getCustomer, listCustomers } from './customers.service'

const tags = ['Kunden']

/** Reads only; every write goes through sync mutations so it works offline too. */
export const customerRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/customers',
      tags,
      summary: 'Kunden im Sichtbereich, serverseitig geblättert und durchsucht',
      request: { query: customerListQuerySchema },
      responses: { 200: jsonResponse(customerListSchema, 'Kundenliste'), ...errorResponses },
    }),
    (c) => c.json(listCustomers(c.var.deps.db, currentUser(c), today(c.var.deps.clock), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}',
      tags,
      summary: 'Ein Kunde mit Feldhistorie (404 außerhalb des Sichtbereichs)',
      request: { params: idParamSchema },
      responses: { 200: jsonResponse(customerDetailSchema, 'Kunde'), ...errorResponses },
    }),
    (c) => c.json(getCustomer(c.var.deps.db, currentUser(c), today(c.var.deps.clock), c.req.valid('param').id), 200),
  )
