import { createRoute, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import {
  pullRequestSchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  seqGapSchema,
} from '../../../../shared/schemas'
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../../lib/openapi'
import { currentUser } from '../auth/auth.middleware'
import { pull, push } from './sync.service'
import { listQuarantine } from './quarantine.service'

const tags = ['Synchronisation']

export const syncRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/sync/push',
      tags,
      summary: 'Mutationen eines Geräts hochladen (genau einmal, in seq-Reihenfolge)',
      description:
        'Jede Mutation { seq, id, name, v, args } wird in einer eigenen Transaktion angewendet; ' +
        'seq ≤ lastSeq wird mit dem gespeicherten Ergebnis beantwortet. Eine Lücke ergibt 409 SEQ_GAP mit lastSeq, ' +
        'ohne etwas anzuwenden. Unanwendbare Mutationen landen mit vollem Inhalt in der Quarantäne (status rejected). ' +
        'Ein deaktivierter Benutzer kann nur noch hierhin hochladen; alles geht in die Quarantäne (USER_INACTIVE).',
      request: { body: jsonBody(pushRequestSchema) },
      responses: { 200: jsonResponse(pushResponseSchema, 'Ergebnisse je Mutation'), ...errorResponses, 409: jsonResponse(seqGapSchema, 'Sequenzlücke') },
    }),
    (c) => c.json(push(c.var.deps, currentUser(c), c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/sync/pull',
      tags,
      summary: 'Änderungen für das Gerät abholen (nach aktuellem Sichtbereich)',
      description:
        'cookie ist undurchsichtig (null beim ersten Abruf; ein unbekanntes Cookie führt zu einer vollständigen Neusynchronisation, ' +
        'die mit { op: "clear" } beginnt). Der Patch enthält put für neue/geänderte sichtbare Zeilen und del für Zeilen, ' +
        'die das Gerät nicht mehr sehen darf. more: true heißt: sofort erneut mit dem neuen cookie abrufen.',
      request: { body: jsonBody(pullRequestSchema) },
      responses: { 200: jsonResponse(pullResponseSchema, 'Patch'), ...errorResponses },
    }),
    (c) => c.json(pull(c.var.deps, currentUser(c), c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/sync/quarantine',
      tags,
      summary: 'Abgelehnte Mutationen des Benutzers mit vollem Inhalt',
      responses: {
        200: jsonResponse(
          z.object({ items: z.array(z.object({ id: z.string(), clientId: z.string(), seq: z.number(), name: z.string(), v: z.number(), args: z.unknown(), code: z.string(), message: z.string(), at: z.string() })) }),
          'Quarantäne',
        ),
        ...errorResponses,
      },
    }),
    (c) => c.json({ items: listQuarantine(c.var.deps.db, currentUser(c).id) }, 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/sync/events',
      tags,
      summary: 'Server-Sent Events: "poke", sobald sich für den Benutzer sichtbare Daten geändert haben (ohne Inhalt)',
      responses: { 200: { description: 'text/event-stream' }, 401: errorResponses[401] },
    }),
    (c) => {
      const user = currentUser(c)
      return streamSSE(c, async (stream) => {
        let wake: (() => void) | null = null
        let pending = false
        let open = true
        const remove = c.var.deps.pokes.add({
          user,
          poke: () => {
            pending = true
            wake?.()
          },
          close: () => {
            open = false
            wake?.()
          },
        })
        stream.onAbort(() => {
          open = false
          wake?.()
        })
        await stream.writeSSE({ event: 'hello', data: '' })
        try {
          while (open && !stream.aborted) {
            if (pending) {
              pending = false
              await stream.writeSSE({ event: 'poke', data: '' })
              continue
            }
            // Wait for a poke, or send a comment every 25 s so proxies keep the stream open.
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 25_000)
              wake = () => {
                clearTimeout(timer)
                resolve()
              }
            })
            wake = null
            if (!pending && open && !stream.aborted) await stream.write(': ping\n\n')
          }
        } finally {
          remove()
        }
      })
    },
  )

