import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import {
  auditEntrySchema,
  branchInputSchema,
  branchSchema,
  dateQuerySchema,
  deactivateSchema,
  idParamSchema,
  idResultSchema,
  levelInputSchema,
  levelSchema,
  moveSchema,
  okSchema,
  promoteSchema,
  resetPasswordSchema,
  settingsPatchSchema,
  settingsSchema,
  structureNodeSchema,
  userCreateSchema,
  userDetailSchema,
  userSchema,
  userUpdateSchema,
} from '../../../../shared/schemas'
import type { AppEnv } from '../../lib/context'
import { today } from '../../lib/clock'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../lib/openapi'
import { assertRole, currentUser } from '../auth/auth.middleware'
import { listAudit } from '../audit/audit.service'
import { getSettings, updateSettings } from '../settings/settings.service'
import * as org from './org.service'

const items = <T extends z.ZodType>(schema: T) => z.object({ items: z.array(schema) })
const ok = { 200: jsonResponse(okSchema, 'Erledigt'), ...errorResponses }

function orgCtx(c: Context<AppEnv>): org.OrgCtx {
  const { db, clock, env } = c.var.deps
  return { db, clock, passwordLogN: env.PASSWORD_HASH_LOG_N }
}
/** Structure changes move what devices may see: every connected device pulls. */
function structureChanged(c: Context<AppEnv>) {
  c.var.deps.pokes.pokeWhere(() => true)
}
/** The caller, who must be an admin. */
function admin(c: Context<AppEnv>) {
  const u = currentUser(c)
  assertRole(u, 'admin')
  return u
}

export const orgRoutes = createRouter()
  // ------------------------------------------------------------ branches
  .openapi(
    createRoute({ method: 'get', path: '/branches', tags: ['Organisation'], summary: 'Filialen', responses: { 200: jsonResponse(items(branchSchema), 'Filialen'), ...errorResponses } }),
    (c) => {
      currentUser(c)
      return c.json({ items: org.listBranches(c.var.deps.db) }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/branches',
      tags: ['Organisation'],
      summary: 'Filiale anlegen (Admin)',
      request: { body: jsonBody(branchInputSchema) },
      responses: { 201: jsonResponse(idResultSchema, 'Angelegt'), ...errorResponses },
    }),
    (c) => c.json(org.createBranch(orgCtx(c), admin(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/branches/{id}',
      tags: ['Organisation'],
      summary: 'Filiale umbenennen (Admin)',
      request: { params: idParamSchema, body: jsonBody(branchInputSchema) },
      responses: ok,
    }),
    (c) => {
      org.renameBranch(orgCtx(c), admin(c), c.req.valid('param').id, c.req.valid('json'))
      return c.json({ ok: true as const }, 200)
    },
  )
  // ------------------------------------------------------------ career levels
  .openapi(
    createRoute({ method: 'get', path: '/levels', tags: ['Organisation'], summary: 'Karrierestufen, nach Rang', responses: { 200: jsonResponse(items(levelSchema), 'Karrierestufen'), ...errorResponses } }),
    (c) => {
      currentUser(c)
      return c.json({ items: org.listLevels(c.var.deps.db) }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/levels',
      tags: ['Organisation'],
      summary: 'Karrierestufe anlegen (Admin)',
      request: { body: jsonBody(levelInputSchema) },
      responses: { 201: jsonResponse(idResultSchema, 'Angelegt'), ...errorResponses },
    }),
    (c) => c.json(org.createLevel(orgCtx(c), admin(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/levels/{id}',
      tags: ['Organisation'],
      summary: 'Karrierestufe ändern (Admin)',
      request: { params: idParamSchema, body: jsonBody(levelInputSchema) },
      responses: ok,
    }),
    (c) => {
      org.updateLevel(orgCtx(c), admin(c), c.req.valid('param').id, c.req.valid('json'))
      return c.json({ ok: true as const }, 200)
    },
  )
  // ------------------------------------------------------------ users
  .openapi(
    createRoute({ method: 'get', path: '/users', tags: ['Benutzer'], summary: 'Alle Benutzer (Admin)', responses: { 200: jsonResponse(items(userSchema), 'Benutzer'), ...errorResponses } }),
    (c) => {
      admin(c)
      return c.json({ items: org.listUsers(orgCtx(c)) }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}',
      tags: ['Benutzer'],
      summary: 'Benutzer mit Historie von Führungskraft und Stufe (Admin)',
      request: { params: idParamSchema },
      responses: { 200: jsonResponse(userDetailSchema, 'Benutzer'), ...errorResponses },
    }),
    (c) => {
      admin(c)
      return c.json(org.getUser(orgCtx(c), c.req.valid('param').id), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags: ['Benutzer'],
      summary: 'Benutzer anlegen (Admin); das Startpasswort muss bei der ersten Anmeldung geändert werden',
      request: { body: jsonBody(userCreateSchema) },
      responses: { 201: jsonResponse(idResultSchema, 'Angelegt'), ...errorResponses },
    }),
    async (c) => c.json(await org.createUser(orgCtx(c), admin(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags: ['Benutzer'],
      summary: 'Name, E-Mail, Filialen ändern (Admin)',
      request: { params: idParamSchema, body: jsonBody(userUpdateSchema) },
      responses: ok,
    }),
    (c) => {
      org.updateUser(orgCtx(c), admin(c), c.req.valid('param').id, c.req.valid('json'))
      return c.json({ ok: true as const }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/move',
      tags: ['Benutzer'],
      summary: 'Vermittler umhängen ab Stichtag (Admin)',
      request: { params: idParamSchema, body: jsonBody(moveSchema) },
      responses: ok,
    }),
    (c) => {
      org.moveRep(orgCtx(c), admin(c), c.req.valid('param').id, c.req.valid('json'))
      structureChanged(c)
      return c.json({ ok: true as const }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/promote',
      tags: ['Benutzer'],
      summary: 'Karrierestufe ändern ab Stichtag (Admin)',
      request: { params: idParamSchema, body: jsonBody(promoteSchema) },
      responses: ok,
    }),
    (c) => {
      org.promoteRep(orgCtx(c), admin(c), c.req.valid('param').id, c.req.valid('json'))
      structureChanged(c)
      return c.json({ ok: true as const }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/deactivate',
      tags: ['Benutzer'],
      summary: 'Benutzer deaktivieren ab Stichtag (Standard: heute); beendet seine Sitzungen',
      request: { params: idParamSchema, body: jsonBody(deactivateSchema) },
      responses: ok,
    }),
    (c) => {
      org.deactivateUser(orgCtx(c), admin(c), c.req.valid('param').id, c.req.valid('json').validFrom)
      structureChanged(c)
      return c.json({ ok: true as const }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/reactivate',
      tags: ['Benutzer'],
      summary: 'Benutzer reaktivieren (Admin)',
      request: { params: idParamSchema },
      responses: ok,
    }),
    (c) => {
      org.reactivateUser(orgCtx(c), admin(c), c.req.valid('param').id)
      structureChanged(c)
      return c.json({ ok: true as const }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/password',
      tags: ['Benutzer'],
      summary: 'Passwort zurücksetzen (Admin); beendet die Sitzungen, Wechsel bei nächster Anmeldung',
      request: { params: idParamSchema, body: jsonBody(resetPasswordSchema) },
      responses: ok,
    }),
    async (c) => {
      await org.resetPassword(orgCtx(c), admin(c), c.req.valid('param').id, c.req.valid('json').password)
      return c.json({ ok: true as const }, 200)
    },
  )
  // ------------------------------------------------------------ structure, settings, audit
  .openapi(
    createRoute({
      method: 'get',
      path: '/structure',
      tags: ['Organisation'],
      summary: 'Vermittlerstruktur am Stichtag, soweit für den Aufrufer sichtbar',
      request: { query: dateQuerySchema },
      responses: { 200: jsonResponse(items(structureNodeSchema), 'Struktur'), ...errorResponses },
    }),
    (c) => {
      const date = c.req.valid('query').date ?? today(c.var.deps.clock)
      return c.json({ items: org.structure(orgCtx(c), currentUser(c), date) }, 200)
    },
  )
  .openapi(
    createRoute({ method: 'get', path: '/settings', tags: ['Organisation'], summary: 'Organisationseinstellungen', responses: { 200: jsonResponse(settingsSchema, 'Einstellungen'), ...errorResponses } }),
    (c) => {
      currentUser(c)
      return c.json(getSettings(c.var.deps.db), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/settings',
      tags: ['Organisation'],
      summary: 'Organisationseinstellungen ändern (Admin)',
      request: { body: jsonBody(settingsPatchSchema) },
      responses: { 200: jsonResponse(settingsSchema, 'Einstellungen'), ...errorResponses },
    }),
    (c) => {
      const settings = updateSettings(c.var.deps.db, admin(c), c.var.deps.clock, c.req.valid('json'))
      structureChanged(c)
      return c.json(settings, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['Organisation'],
      summary: 'Änderungsprotokoll (Admin)',
      // Not only user, branch and level ids: settings are audited under the entity id 'organisation'.
      request: { query: z.object({ entityId: z.string().min(1).max(100).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }) },
      responses: { 200: jsonResponse(items(auditEntrySchema), 'Protokoll'), ...errorResponses },
    }),
    (c) => {
      admin(c)
      return c.json({ items: listAudit(c.var.deps.db, c.req.valid('query')) }, 200)
    },
  )
