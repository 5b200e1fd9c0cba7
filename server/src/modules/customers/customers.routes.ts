import { createRoute } from '@hono/zod-openapi'
import {
  customerDetailSchema,
  customerListQuerySchema,
  customerListSchema,
  duplicateCheckSchema,
  duplicateResultSchema,
  idParamSchema,
} from '../../../../shared/schemas'
import { today } from '../../lib/clock'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../lib/openapi'
import { currentUser } from '../auth/auth.middleware'
import { findDuplicates } from './customer-duplicates.service'
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
  .openapi(
    createRoute({
      method: 'post',
      path: '/customers/duplicates',
      tags,
      summary: 'Mögliche Dubletten eines neuen oder geänderten Kunden (höchstens 10, nur im Sichtbereich)',
      request: { body: jsonBody(duplicateCheckSchema, 'Name, Geburtsdatum, E-Mail-Adressen, Telefonnummern und IBANs') },
      responses: { 200: jsonResponse(duplicateResultSchema, 'Kandidaten mit Gründen, stärkste zuerst'), ...errorResponses },
    }),
    (c) => c.json({ items: findDuplicates(c.var.deps.db, currentUser(c), today(c.var.deps.clock), c.req.valid('json')) }, 200),
  )
