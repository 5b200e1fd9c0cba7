import { createRoute } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import { z } from 'zod'
import {
  commitImportSchema,
  idParamSchema,
  IMPORT_MAX_BYTES,
  importCommitResultSchema,
  importPreviewSchema,
  importUploadQuerySchema,
} from '../../../../shared/schemas'
import type { AppEnv } from '../../lib/context'
import { AppError } from '../../lib/errors'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../lib/openapi'
import { currentUser } from '../auth/auth.middleware'
import { attachment } from '../gdpr/download'
import { commitImport, createImport, getImport, importErrorsCsv } from './customer-imports.service'

const tags = ['Kundenimport']

/** Refuses a too large upload before reading it whole (multipart adds a little framing). */
const limit = bodyLimit({
  maxSize: IMPORT_MAX_BYTES + 64 * 1024,
  onError: () => {
    throw new AppError(413, 'IMPORT_TOO_LARGE')
  },
})
const uploadLimit = createMiddleware<AppEnv>((c, next) => limit(c, next))

const tooLarge = { 413: { content: { 'application/json': { schema: z.object({ code: z.string(), message: z.string() }) } }, description: 'Datei zu groß (20 MB, 100.000 Zeilen)' } }

export const customerImportRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/customer-imports',
      tags,
      summary: 'CSV-Datei hochladen und prüfen (Vorschau; noch nichts importiert). Innendienst und Administration.',
      description:
        'Die Datei kommt als Body (`text/csv`, Dateiname und Vermittler als Query) oder als `multipart/form-data` mit den Feldern `file`, `ownerRepId`. ' +
        'Trennzeichen `;`, `,` oder Tab werden erkannt; die erste Zeile enthält die Spaltenüberschriften; UTF-8 (mit oder ohne BOM), sonst Windows-1252.',
      middleware: [uploadLimit] as const,
      request: { query: importUploadQuerySchema, body: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV-Datei', required: true } },
      responses: { 201: jsonResponse(importPreviewSchema, 'Vorschau mit Fehlern je Zeile'), ...errorResponses, ...tooLarge },
    }),
    async (c) => {
      const query = c.req.valid('query')
      let { fileName, ownerRepId } = query
      let bytes: Uint8Array
      if ((c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
        const form = await c.req.parseBody()
        const file = form.file
        if (!(file instanceof File)) throw new AppError(400, 'IMPORT_EMPTY')
        bytes = new Uint8Array(await file.arrayBuffer())
        fileName ??= file.name
        ownerRepId ??= typeof form.ownerRepId === 'string' && form.ownerRepId ? form.ownerRepId : undefined
      } else {
        bytes = new Uint8Array(await c.req.arrayBuffer())
      }
      return c.json(createImport(c.var.deps, currentUser(c), { bytes, fileName: fileName || 'import.csv', ownerRepId }), 201)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/customer-imports/{id}',
      tags,
      summary: 'Vorschau eines eigenen Imports',
      request: { params: idParamSchema },
      responses: { 200: jsonResponse(importPreviewSchema, 'Vorschau'), ...errorResponses },
    }),
    (c) => c.json(getImport(c.var.deps, currentUser(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/customer-imports/{id}/errors.csv',
      tags,
      summary: 'Fehlerbericht als CSV (eine Zeile je Fehler oder Hinweis)',
      request: { params: idParamSchema },
      responses: { 200: { content: { 'text/csv': { schema: z.string() } }, description: 'Fehlerbericht' }, ...errorResponses },
    }),
    (c) => {
      const { csv, fileName } = importErrorsCsv(c.var.deps, currentUser(c), c.req.valid('param').id)
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': attachment(fileName), 'Cache-Control': 'no-store' })
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/customer-imports/{id}/commit',
      tags,
      summary: 'Import ausführen: alle Zeilen (nur ohne Fehler) oder nur die gültigen, in einer Transaktion',
      request: { params: idParamSchema, body: jsonBody(commitImportSchema) },
      responses: { 200: jsonResponse(importCommitResultSchema, 'Ergebnis'), ...errorResponses },
    }),
    (c) => c.json(commitImport(c.var.deps, currentUser(c), c.req.valid('param').id, c.req.valid('json').mode), 200),
  )
