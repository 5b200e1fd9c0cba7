import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { gdprCustomerResultSchema, gdprExportSchema, idParamSchema, pseudonymiseCustomerSchema, restrictCustomerSchema } from '../../../../shared/schemas'
import { today } from '../../lib/clock'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../lib/openapi'
import { currentUser } from '../auth/auth.middleware'
import { attachment } from './download'
import { renderGdprPdf } from './gdpr.pdf'
import { customerVCard, exportCustomerData, pseudonymiseCustomer, restrictCustomer, unrestrictCustomer } from './gdpr.service'

const tags = ['DSGVO']

const exportName = (customerNo: string | null, id: string, date: string, ext: string) => `DSGVO-Auskunft_${customerNo ?? id}_${date}.${ext}`

export const gdprRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/vcard',
      tags,
      summary: 'vCard 4.0 des Kunden (404 außerhalb des Sichtbereichs; 409 bei eingeschränkter Verarbeitung)',
      request: { params: idParamSchema },
      responses: { 200: { content: { 'text/vcard': { schema: z.string() } }, description: 'vCard (RFC 6350)' }, ...errorResponses },
    }),
    (c) => {
      const { text, fileName } = customerVCard(c.var.deps, currentUser(c), c.req.valid('param').id)
      return c.body(text, 200, { 'Content-Type': 'text/vcard; charset=utf-8', 'Content-Disposition': attachment(fileName), 'Cache-Control': 'no-store' })
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/export.json',
      tags,
      summary: 'DSGVO-Auskunft als JSON (Art. 15/20): alle Daten des Kunden; wird protokolliert',
      request: { params: idParamSchema },
      responses: { 200: jsonResponse(gdprExportSchema, 'Datenauskunft'), ...errorResponses },
    }),
    (c) => {
      const data = exportCustomerData(c.var.deps, currentUser(c), c.req.valid('param').id, 'json')
      c.header('Content-Disposition', attachment(exportName(data.customer.customerNo, data.customer.id, today(c.var.deps.clock), 'json')))
      c.header('Cache-Control', 'no-store')
      return c.json(data, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/customers/{id}/export.pdf',
      tags,
      summary: 'DSGVO-Auskunft als lesbares PDF (A4, deutsch); wird protokolliert',
      request: { params: idParamSchema },
      responses: { 200: { content: { 'application/pdf': { schema: z.string() } }, description: 'PDF' }, ...errorResponses },
    }),
    (c) => {
      const data = exportCustomerData(c.var.deps, currentUser(c), c.req.valid('param').id, 'pdf')
      const pdf = renderGdprPdf(data)
      return c.body(pdf.buffer as ArrayBuffer, 200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': attachment(exportName(data.customer.customerNo, data.customer.id, today(c.var.deps.clock), 'pdf')),
        'Cache-Control': 'no-store',
      })
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/customers/{id}/restrict',
      tags,
      summary: 'Verarbeitung einschränken (Art. 18): die Akte wird schreibgeschützt',
      request: { params: idParamSchema, body: jsonBody(restrictCustomerSchema) },
      responses: { 200: jsonResponse(gdprCustomerResultSchema, 'Kunde'), ...errorResponses },
    }),
    (c) => c.json({ customer: restrictCustomer(c.var.deps, currentUser(c), c.req.valid('param').id, c.req.valid('json').reason) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/customers/{id}/unrestrict',
      tags,
      summary: 'Einschränkung aufheben (Innendienst, Administration)',
      request: { params: idParamSchema },
      responses: { 200: jsonResponse(gdprCustomerResultSchema, 'Kunde'), ...errorResponses },
    }),
    (c) => c.json({ customer: unrestrictCustomer(c.var.deps, currentUser(c), c.req.valid('param').id) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/customers/{id}/pseudonymise',
      tags,
      summary: 'Pseudonymisieren (Art. 17 im Rahmen der Aufbewahrungspflichten; Innendienst, Administration; unumkehrbar)',
      request: { params: idParamSchema, body: jsonBody(pseudonymiseCustomerSchema) },
      responses: { 200: jsonResponse(gdprCustomerResultSchema, 'Kunde'), ...errorResponses },
    }),
    (c) => c.json({ customer: pseudonymiseCustomer(c.var.deps, currentUser(c), c.req.valid('param').id, c.req.valid('json').confirm) }, 200),
  )
