import { describe, expect, it } from 'vitest'
import { and, inArray, isNull } from 'drizzle-orm'
import { consents, customerRelations, customers, notes } from '../../server/src/db/schema'
import { seededRandom } from '../../server/src/demo/names'
import * as org from '../../server/src/modules/org/org.service'
import { deviceExtent } from '../../server/src/modules/sync/sync.service'
import { updateSettings } from '../../server/src/modules/settings/settings.service'
import { sessionUser } from '../../server/src/modules/auth/auth.service'
import { createTestApp, type TestApp } from '../support/app'
import { makeBranch, makeUser, signIn } from '../support/factories'
import { uuidv7 } from '../../shared/ids'
import { attachChildRows, CHILD_TABLES, customer, TestDevice } from '../support/sync'

const SYSTEM = { id: '00000000-0000-7000-8000-000000000000', role: 'admin' as const, branchIds: [] }
const SEEDS = Number(process.env.SYNC_PROPERTY_SEEDS ?? 100)

const TABLES = { customers, notes, consents, relations: customerRelations } as const
type TableName = keyof typeof TABLES

/** Ids of the rows of `table` the user's device may hold now (deviceExtent: the one scope of pull). */
function allowedIds(t: TestApp, cookie: string, table: TableName = 'customers'): string[] {
  const user = sessionUser(t.deps, cookie.split('=')[1])!
  const extent = deviceExtent(t.db, user, '2026-03-12')
  if (!extent.length) return []
  const tbl = TABLES[table]
  return t.db
    .select({ id: tbl.id })
    .from(tbl)
    .where(and(inArray(tbl.ownerRepId, extent), isNull(tbl.deletedAt)))
    .all()
    .map((r) => r.id)
    .sort()
}

/** After a pull: every row of every synced table within the scope, and every child row on a customer the user may see. */
function expectWithinScope(t: TestApp, d: TestDevice, where: string): void {
  const visibleCustomers = new Set(allowedIds(t, d.cookieHeader))
  for (const id of d.rows.keys()) expect(visibleCustomers.has(id), `${where}: device holds customer ${id} outside its scope`).toBe(true)
  for (const table of CHILD_TABLES) {
    const allowed = new Set(allowedIds(t, d.cookieHeader, table))
    for (const [id, row] of d.table(table)) {
      expect(allowed.has(id), `${where}: device holds ${table} ${id} outside its scope`).toBe(true)
      expect(visibleCustomers.has(row.customerId as string), `${where}: ${table} ${id} belongs to customer ${String(row.customerId)} the user may not see`).toBe(true)
    }
  }
}

/**
 * T12: random hierarchies, moves, reassignments, setting changes and lost pull responses. After
 * every pull a device holds only rows its user may see (customers and the notes, consents and
 * relations attached to them); after quiescence exactly those.
 */
async function runSeed(seed: number): Promise<void> {
  const random = seededRandom(seed)
  const int = (n: number) => Math.floor(random() * n)
  const t = createTestApp()
  const ctx = { db: t.db, clock: t.clock, passwordLogN: 10 }
  const branch = makeBranch(t)
  const reps: { id: string; email: string }[] = []
  for (let i = 0; i < 6; i++) {
    reps.push(await makeUser(t, { branchIds: [branch], uplineId: i === 0 || random() < 0.2 ? null : reps[int(reps.length)]!.id }))
  }
  const office = await makeUser(t, { role: 'backoffice', branchIds: [branch] })
  const officeDevice = new TestDevice(t, await signIn(t, office.email))
  const devices = await Promise.all(reps.map(async (r) => new TestDevice(t, await signIn(t, r.email))))
  const customerIds: string[] = []

  for (let step = 0; step < 25; step++) {
    const op = int(6)
    const who = int(reps.length)
    if (op === 0) {
      const c = customer({ lastName: `S${seed}-${step}` })
      const d = devices[who]!
      const res = await d.push([d.mutation('createCustomer', c, 2)])
      expect(res.status).toBe(200)
      customerIds.push(c.id)
      // Most customers get a note, a consent and a relation (a person, or another customer with
      // the reverse row on that one); they must follow every reassignment.
      if (random() < 0.7) {
        const others = customerIds.filter((id) => id !== c.id)
        const other = others.length && random() < 0.4 ? others[int(others.length)]! : null
        const res = await d.push([
          d.mutation('createNote', { id: uuidv7(), customerId: c.id, kind: 'phone', direction: 'outbound', occurredAt: '2026-03-12T10:00:00.000Z', text: 'Rückruf', followUpOn: '2026-03-20' }),
          d.mutation('recordConsent', { id: uuidv7(), customerId: c.id, type: 'privacy', givenOn: '2026-03-01' }),
          d.mutation(
            'addRelation',
            other
              ? { id: uuidv7(), customerId: c.id, type: 'spouse', relatedCustomerId: other, reverseId: uuidv7() }
              : { id: uuidv7(), customerId: c.id, type: 'child', person: { firstName: 'Mia', lastName: 'Muster' } },
          ),
        ])
        // A related customer outside the rep's scope does not exist for them: that relation is refused.
        expect(res.body.results.slice(0, other ? 2 : 3).map((r) => r.status), `seed ${seed} step ${step}`).toEqual(other ? ['applied', 'applied'] : ['applied', 'applied', 'applied'])
      } else if (random() < 0.3) attachChildRows(t, c.id, office.id)
    } else if (op === 1 && customerIds.length) {
      const id = customerIds[int(customerIds.length)]!
      await officeDevice.push([officeDevice.mutation('reassignCustomer', { id, ownerRepId: reps[who]!.id })])
    } else if (op === 2) {
      const target = reps[int(reps.length)]!.id
      try {
        org.moveRep(ctx, SYSTEM, reps[who]!.id, { uplineId: target === reps[who]!.id || random() < 0.2 ? null : target, validFrom: '2026-03-12' })
      } catch {
        // a cycle was refused; the hierarchy stays as it was
      }
    } else if (op === 3) {
      updateSettings(t.db, SYSTEM, t.clock, { downlineReadAccess: random() < 0.7 })
    } else {
      const d = devices[who]!
      if (random() < 0.25) {
        // The response is lost: the server computed a patch, the device never saw it.
        await t.req('POST', '/api/sync/pull', { cookie: d.cookieHeader, body: { clientId: d.clientId, schemaVersion: 1, cookie: d.cookie } })
      } else {
        await d.pullOnce()
        expectWithinScope(t, d, `seed ${seed} step ${step}`)
      }
    }
  }
  for (const d of devices) {
    await d.pullAll()
    expectWithinScope(t, d, `seed ${seed} after quiescence`)
    for (const table of ['customers', ...CHILD_TABLES] as const) {
      expect([...d.table(table).keys()].sort(), `seed ${seed}: device ${table} not equal to its scope after quiescence`).toEqual(allowedIds(t, d.cookieHeader, table))
    }
  }
}

describe('pull by extent, randomized (T12)', () => {
  it(`keeps every device within its scope over ${SEEDS} seeds`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) await runSeed(seed)
  }, 120_000)
})
