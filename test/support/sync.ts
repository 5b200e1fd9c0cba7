import { eq } from 'drizzle-orm'
import { uuidv7 } from '../../shared/ids'
import type { PatchOp, PullResponse, PushResponse } from '../../shared/schemas'
import { consents, customerRelations, customers, notes } from '../../server/src/db/schema'
import { nextRev } from '../../server/src/modules/sync/sync.service'
import type { TestApp } from './app'

type Row = Record<string, unknown>

/** A device as the server sees it: a client id, a seq counter and the rows it holds, per synced table. */
export class TestDevice {
  readonly clientId = uuidv7()
  seq = 0
  cookie: string | null = null
  /** Rows by table name (customers, relations, consents, notes, relationTypes, …) and id. */
  readonly tables = new Map<string, Map<string, Row>>()
  /** The customers the device holds (the `customers` table). */
  readonly rows: Map<string, Row>

  constructor(
    private readonly t: TestApp,
    public cookieHeader: string,
  ) {
    this.rows = this.table('customers')
  }

  /** The rows of one table (created empty when the device has none yet). */
  table(name: string): Map<string, Row> {
    let rows = this.tables.get(name)
    if (!rows) this.tables.set(name, (rows = new Map()))
    return rows
  }

  /** A mutation with the next seq; `v` defaults to 1 (old outboxes), pass the current version where it matters. */
  mutation(name: string, args: unknown, v = 1) {
    return { seq: ++this.seq, id: uuidv7(), name, v, args }
  }

  async push(mutations: ReturnType<TestDevice['mutation']>[]): Promise<{ status: number; body: PushResponse & { code?: string; lastSeq: number } }> {
    const res = await this.t.req('POST', '/api/sync/push', { cookie: this.cookieHeader, body: { clientId: this.clientId, schemaVersion: 1, mutations } })
    return { status: res.status, body: await res.json() }
  }

  /** Pulls until `more` is false and applies every patch to `tables`. */
  async pullAll(): Promise<PatchOp[]> {
    const all: PatchOp[] = []
    for (let i = 0; i < 1000; i++) {
      const body = await this.pullOnce()
      all.push(...body.patch)
      if (!body.more) return all
    }
    throw new Error('pull did not finish')
  }

  async pullOnce(): Promise<PullResponse> {
    const res = await this.t.req('POST', '/api/sync/pull', { cookie: this.cookieHeader, body: { clientId: this.clientId, schemaVersion: 1, cookie: this.cookie } })
    if (res.status !== 200) throw new Error(`pull ${res.status}: ${await res.text()}`)
    const body = (await res.json()) as PullResponse
    for (const op of body.patch) {
      if (op.op === 'clear') for (const rows of this.tables.values()) rows.clear()
      else if (op.op === 'put') this.table(op.table).set(op.id, op.row)
      else this.table(op.table).delete(op.id)
    }
    this.cookie = body.cookie
    return body
  }
}

/** Arguments of `createCustomer`: valid for version 1 and version 2 alike (v2 fills its defaults). */
export const customer = (overrides: Record<string, unknown> = {}) => ({ id: uuidv7(), firstName: 'Erika', lastName: 'Mustermann', ...overrides })

/**
 * A note, a consent and a household relation (a child as a person) on a customer, written straight
 * into the database with the customer's owner and a fresh rev, as the child-row mutations would.
 */
export function attachChildRows(t: TestApp, customerId: string, authorId?: string): { noteId: string; consentId: string; relationId: string } {
  return t.db.transaction((tx) => {
    const c = tx.select({ ownerRepId: customers.ownerRepId }).from(customers).where(eq(customers.id, customerId)).get()
    if (!c) throw new Error(`no customer ${customerId}`)
    const rev = nextRev(tx)
    const at = t.clock.now().toISOString()
    const common = { customerId, ownerRepId: c.ownerRepId, createdAt: at, updatedAt: at, rev }
    const ids = { noteId: uuidv7(), consentId: uuidv7(), relationId: uuidv7() }
    const author = authorId ?? c.ownerRepId
    tx.insert(notes).values({ ...common, id: ids.noteId, kind: 'phone', direction: 'outbound', occurredAt: at, text: 'Rückruf wegen Hausrat', followUpOn: '2026-03-20', authorId: author }).run()
    tx.insert(consents).values({ ...common, id: ids.consentId, type: 'privacy', givenOn: '2026-03-01', createdBy: author }).run()
    tx.insert(customerRelations)
      .values({ ...common, id: ids.relationId, pairId: ids.relationId, type: 'child', person: { firstName: 'Mia', lastName: 'Muster', birthDate: '2015-04-01', occupation: null }, createdBy: author })
      .run()
    return ids
  })
}

/** The synced child tables a device holds besides customers. */
export const CHILD_TABLES = ['notes', 'consents', 'relations'] as const
