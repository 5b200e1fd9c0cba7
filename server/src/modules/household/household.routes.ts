import { createRoute } from '@hono/zod-openapi'
import { relationTypeListSchema } from '../../../../shared/schemas'
import { createRouter, errorResponses, jsonResponse } from '../../lib/openapi'
import { currentUser } from '../auth/auth.middleware'
import { listRelationTypes } from './household.service'

/** Reads only; relationships are written through sync mutations (addRelation, updateRelation, removeRelation). */
export const householdRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/relation-types',
    tags: ['Kundenakte'],
    summary: 'Beziehungsarten mit Gegenrichtung (Ehepartner, Kind ↔ Elternteil …)',
    responses: { 200: jsonResponse(relationTypeListSchema, 'Beziehungsarten'), ...errorResponses },
  }),
  (c) => {
    currentUser(c)
    return c.json({ items: listRelationTypes(c.var.deps.db) }, 200)
  },
)
