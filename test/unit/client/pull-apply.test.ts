import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import type { CustomerRow } from '../../../shared/schemas/customers'
import type { PatchOp, PullResponse } from '../../../shared/schemas/sync'
import { openUserDb } from '../../../client/src/db'
import { SyncEngine, type SyncTransport } from '../../../client/src/sync'

const row = (id: string, lastName: string): CustomerRow => ({
  id,
  firstName: 'Test',
  lastName,
  birthDate: null,
  phone: null,
  email: null,
  street: null,
  zip: null,
  city: null,
  ownerRepId: uuidv7(),
  branchId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
})
const put = (r: CustomerRow): PatchOp => ({ op: 'put', table: 'customers', id: r.id, row: { ...r } })
const del = (id: string): PatchOp => ({ op: 'del', table: 'customers', id })

/** A server that answers each pull with the next prepared patch. */
function scripted(patches: PatchOp[][]): SyncTransport {
  let cookie = 0
  return {
    push: async () => ({ lastSeq: 0, results: [] }),
    pull: async (): Promise<PullResponse> => ({ cookie: `c${++cookie}`, lastSeq: 0, more: cookie < patches.length, patch: patches[cookie - 1] ?? [] }),
  }
}

describe('applying a pull page', () => {
  it('applies puts and deletes in patch order, in bulk, with search words and name key', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()]
    const many = Array.from({ length: 300 }, (_, i) => row(uuidv7(), `Massen ${i}`))
    const engine = new SyncEngine({
      db,
      storage: null,
      locks: null,
      transport: scripted([
        [{ op: 'clear' }, put(row(a, 'Alt')), put(row(b, 'Bleibt')), del(a), put(row(c, 'Kurz')), ...many.map(put), del(c), put(row(a, 'Neu'))],
        [del(many[0]!.id)],
      ]),
    })
    const report = await engine.syncOnce()
    expect(report).toMatchObject({ ok: true, complete: true, pulledPages: 2 })
    expect((await db.customers.get(a))?.lastName).toBe('Neu')
    expect(await db.customers.get(c)).toBeUndefined()
    expect(await db.customers.get(many[0]!.id)).toBeUndefined()
    expect(await db.customers.count()).toBe(2 + 299)
    const stored = await db.customers.get(b)
    expect(stored?.words).toContain('bleibt')
    expect(stored?.nameKey).toBe('bleibt\u0000test')
    db.close()
  })
})
