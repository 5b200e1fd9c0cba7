import { OpenAPIHono } from '@hono/zod-openapi'
import type { ZodType } from 'zod'
import { errorSchema } from '../../../shared/schemas'
import type { AppEnv } from './context'
import { AppError } from './errors'

/** `{ content: { 'application/json': { schema } } }` with a description, for createRoute. */
export function jsonBody<T extends ZodType>(schema: T, description = 'JSON') {
  return { content: { 'application/json': { schema } }, description, required: true as const }
}
export function jsonResponse<T extends ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description }
}

const err = (description: string) => ({ content: { 'application/json': { schema: errorSchema } }, description })
/** The error answers every authenticated endpoint may give. */
export const errorResponses = {
  400: err('Ungültige Eingabe (code VALIDATION oder fachlicher Fehlercode)'),
  401: err('Nicht angemeldet'),
  403: err('Keine Berechtigung, CSRF-Prüfung fehlgeschlagen oder Passwortwechsel erforderlich'),
  404: err('Nicht gefunden oder außerhalb des Sichtbereichs'),
  409: err('Konflikt'),
} as const

/** A router whose zod validation failures become `AppError(400, 'VALIDATION')` for the one error handler. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
        throw new AppError(400, 'VALIDATION', issues[0] ? `${issues[0].message}` : undefined, issues)
      }
    },
  })
}
