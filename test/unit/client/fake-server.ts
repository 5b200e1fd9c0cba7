import { uuidv7 } from '../../../shared/ids'
import {
  applyV1Values,
  CUSTOMER_V1_FIELDS,
  createCustomerArgsSchema,
  createCustomerV1ArgsSchema,
  customerV1FieldSchemas,
  newCustomerRow,
  parseCustomerField,
  reassignCustomerArgsSchema,
  sameValue,
  updateCustomerArgsSchema,
  updateCustomerV1ArgsSchema,
  v1View,
  type CustomerEditableField,
  type CustomerRow,
} from '../../../shared/schemas/customers'
import {
  pullRequestSchema,
  pushRequestSchema,
  type Mutation,
  type MutationResult,
  type PatchOp,
  type PullRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '../../../shared/schemas/sync'
import { AuthError, ForbiddenError, SeqGapError, TransientError } from '../../../client/src/sync/errors'
import type { SyncTransport } from '../../../client/src/sync/transport'

/** The server answered 409 SEQ_GAP. */
export class FakeSeqGap extends Error {
  constructor(readonly lastSeq: number) {
    super('SEQ_GAP')
  }
}

/** The server process died in the middle of a request (what was committed stays). */
export class FakeCrash extends Error {}

interface Stored<R> {
  row: R
  rev: number
  deleted: boolean
}
type StoredCustomer = Stored<CustomerRow>

/** Rep-owned child tables the fake server also sends (rows put there by tests, not by mutations). */
export const FAKE_CHILD_TABLES = ['relations', 'consents', 'notes'] as const
export type FakeChildTable = (typeof FAKE_CHILD_TABLES)[number]
/** Pull sends tables in this order within a fill, customers first (like the real server). */
const FILL_ORDER = ['customers', ...FAKE_CHILD_TABLES] as const
type FillTable = (typeof FILL_ORDER)[number]

interface Cookie {
  clientId: string
  rev: number
  /** Initial fill in progress: rows of `table` with id > afterId (as of `rev`) still to send, then the later tables. */
  fill: { table: number; afterId: string } | null
}

const normalise = (v: unknown) => (v === undefined || v === '' ? null : v)
const now = () => new Date().toISOString()

/** A server customer row with defaults (the shape pull sends); `customerNo` as the server assigns it. */
export function serverCustomerRow(overrides: Partial<CustomerRow> = {}): CustomerRow {
  const at = now()
  return {
    ...newCustomerRow(uuidv7(), { kind: 'person', status: 'prospect', firstName: 'Kunde', lastName: 'Muster', addresses: [], phones: [], emails: [], bankAccounts: [], tags: [] }, {
      ownerRepId: uuidv7(),
      branchId: null,
      customerNo: null,
      at,
    }),
    ...overrides,
  }
}

/**
 * An in-memory server speaking the sync protocol of shared/schemas/sync.ts: per-client lastSeq and
 * stored results (exactly once), quarantine for mutations that can never apply, pull by rev with
 * a paged initial fill that starts with `clear`. createCustomer and updateCustomer are served in
 * version 2 and (for old outboxes) version 1, mapped onto the first list entry like the server.
 */
export class FakeSyncServer {
  readonly clients = new Map<string, { lastSeq: number; results: Map<number, MutationResult> }>()
  readonly customers = new Map<string, StoredCustomer>()
  /** Child rows (notes, consents, relations) and the relation types every device gets. */
  readonly children: Record<FakeChildTable, Map<string, Stored<Record<string, unknown>>>> = { relations: new Map(), consents: new Map(), notes: new Map() }
  readonly relationTypes = new Map<string, Stored<Record<string, unknown>>>()
  readonly quarantine: (Mutation & { clientId: string; code: string; message: string })[] = []
  /** How often each mutation id took effect: must never exceed 1. */
  readonly effects = new Map<string, number>()
  /** Seqs in the order the server applied them, per client. */
  readonly appliedOrder = new Map<string, number[]>()
  readonly cookies = new Map<string, Cookie>()
  rev = 0
  pageSize = 1000
  /** Mutations whose args make this return a code are rejected with it ("poison"). */
  poison: (m: Mutation) => string | null = () => null
  /** The next push dies when it reaches this seq; earlier mutations of the batch stay committed. */
  crashAtSeq: number | null = null
  /** A server that takes only so many fresh mutations per request (answers the rest next time). */
  maxPerPush = Infinity
  /** The acting user was deactivated: every mutation goes to quarantine, pull is refused. */
  userInactive = false
  private cookieCounter = 0
  private customerCounter = 0

  constructor(readonly actorId: string = uuidv7()) {}

  push(raw: PushRequest): PushResponse {
    const req = pushRequestSchema.parse(raw)
    const client = this.client(req.clientId)
    const mutations = [...req.mutations].sort((a, b) => a.seq - b.seq)
    const fresh = mutations.filter((m) => m.seq > client.lastSeq)
    fresh.forEach((m, i) => {
      if (m.seq !== client.lastSeq + 1 + i) throw new FakeSeqGap(client.lastSeq)
    })
    const results: MutationResult[] = []
    let taken = 0
    for (const m of mutations) {
      if (m.seq > client.lastSeq && taken++ >= this.maxPerPush) break
      if (m.seq <= client.lastSeq) {
        results.push(client.results.get(m.seq) ?? { seq: m.seq, status: 'applied' })
        continue
      }
      if (this.crashAtSeq === m.seq) {
        this.crashAtSeq = null
        throw new FakeCrash(`crash at seq ${m.seq}`)
      }
      // One "transaction": effect, stored result and lastSeq move together.
      const rejected = this.apply(m)
      const result: MutationResult = rejected ? { seq: m.seq, status: 'rejected', ...rejected } : { seq: m.seq, status: 'applied' }
      if (rejected) this.quarantine.push({ ...structuredClone(m), clientId: req.clientId, ...rejected })
      client.results.set(m.seq, result)
      client.lastSeq = m.seq
      this.appliedOrder.set(req.clientId, [...(this.appliedOrder.get(req.clientId) ?? []), m.seq])
      results.push(result)
    }
    return { lastSeq: client.lastSeq, results }
  }

  pull(raw: PullRequest): PullResponse {
    const req = pullRequestSchema.parse(raw)
    const client = this.client(req.clientId)
    const prev = req.cookie === null ? undefined : this.cookies.get(req.cookie)
    const patch: PatchOp[] = []
    let next: Cookie
    let more = false
    if (!prev || prev.clientId !== req.clientId) {
      patch.push({ op: 'clear' })
      for (const t of this.relationTypes.values()) patch.push({ op: 'put', table: 'relationTypes', id: t.row.code as string, row: { ...t.row } })
      next = { clientId: req.clientId, rev: this.rev, fill: { table: 0, afterId: '' } }
    } else if (prev.fill) {
      next = { ...prev }
    } else {
      for (const t of [...this.relationTypes.values()].filter((t) => t.rev > prev.rev)) patch.push({ op: 'put', table: 'relationTypes', id: t.row.code as string, row: { ...t.row } })
      const changed = FILL_ORDER.flatMap((table) => [...this.store(table).values()].filter((s) => s.rev > prev.rev).map((s) => ({ table, s })))
      for (const { table, s } of changed.sort((a, b) => a.s.rev - b.s.rev)) {
        const id = s.row.id as string
        patch.push(s.deleted ? { op: 'del', table, id } : { op: 'put', table, id, row: { ...s.row } })
      }
      next = { clientId: req.clientId, rev: this.rev, fill: null }
    }
    if (next.fill) {
      let { table, afterId } = next.fill
      let budget = this.pageSize
      while (budget > 0 && table < FILL_ORDER.length) {
        const name = FILL_ORDER[table]!
        const rows = [...this.store(name).values()]
          .filter((s) => !s.deleted && (s.row.id as string) > afterId)
          .sort((a, b) => ((a.row.id as string) < (b.row.id as string) ? -1 : 1))
          .slice(0, budget)
        for (const s of rows) patch.push({ op: 'put', table: name, id: s.row.id as string, row: { ...s.row } })
        budget -= rows.length
        if (budget > 0) {
          table++
          afterId = ''
        } else afterId = rows[rows.length - 1]!.row.id as string
      }
      // Like the real server: a finished fill still needs one incremental pull for what changed meanwhile.
      next = { ...next, fill: table < FILL_ORDER.length ? { table, afterId } : null }
      more = true
    }
    const cookie = `c${++this.cookieCounter}`
    this.cookies.set(cookie, next)
    return { cookie, lastSeq: client.lastSeq, more, patch }
  }

  // ---------------------------------------------------------------- helpers for tests

  /** Another device or back office changed a customer. */
  edit(id: string, changes: Partial<CustomerRow>): void {
    const c = this.customers.get(id)
    if (!c) throw new Error(`no customer ${id}`)
    c.row = { ...c.row, ...changes, updatedAt: now() }
    c.rev = ++this.rev
  }

  remove(id: string): void {
    const c = this.customers.get(id)
    if (!c) throw new Error(`no customer ${id}`)
    c.deleted = true
    c.rev = ++this.rev
  }

  seed(n: number, overrides: Partial<CustomerRow> = {}): CustomerRow[] {
    return Array.from({ length: n }, (_, i) => {
      const row = serverCustomerRow({ firstName: 'Kunde', lastName: `Nr ${i}`, ownerRepId: this.actorId, customerNo: this.nextCustomerNo(), ...overrides })
      this.customers.set(row.id, { row, rev: ++this.rev, deleted: false })
      return row
    })
  }

  /** A child row (note, consent, relation) written on the server, e.g. by another device. */
  putChild(table: FakeChildTable, row: Record<string, unknown> & { id: string }): void {
    this.children[table].set(row.id, { row: { ...row }, rev: ++this.rev, deleted: false })
  }

  removeChild(table: FakeChildTable, id: string): void {
    const s = this.children[table].get(id)
    if (!s) throw new Error(`no ${table} row ${id}`)
    s.deleted = true
    s.rev = ++this.rev
  }

  putRelationType(row: { code: string; name: string; reverseCode: string; household: boolean; sort: number }): void {
    this.relationTypes.set(row.code, { row: { ...row }, rev: ++this.rev, deleted: false })
  }

  /** The server lost its cookie table (restore, cleanup): the next pull starts over. */
  forgetCookies(): void {
    this.cookies.clear()
  }

  lastSeq(clientId: string): number {
    return this.clients.get(clientId)?.lastSeq ?? 0
  }

  private store(table: FillTable): Map<string, Stored<Record<string, unknown>>> {
    return table === 'customers' ? (this.customers as unknown as Map<string, Stored<Record<string, unknown>>>) : this.children[table]
  }

  private nextCustomerNo(): string {
    return `K-${String(++this.customerCounter).padStart(6, '0')}`
  }

  private client(clientId: string) {
    let c = this.clients.get(clientId)
    if (!c) this.clients.set(clientId, (c = { lastSeq: 0, results: new Map() }))
    return c
  }

  private writable(id: string): StoredCustomer | { code: string; message: string } {
    const c = this.customers.get(id)
    if (!c) return { code: 'NOT_FOUND', message: 'Nicht gefunden.' }
    if (c.deleted) return { code: 'CUSTOMER_DELETED', message: 'Der Kunde wurde inzwischen gelöscht.' }
    return c
  }

  /** Runs a mutation; returns the rejection or null when it took effect. */
  private apply(m: Mutation): { code: string; message: string } | null {
    if (this.userInactive) return { code: 'USER_INACTIVE', message: 'Dieser Benutzer ist deaktiviert.' }
    const poison = this.poison(m)
    if (poison) return { code: poison, message: `vergiftet: ${poison}` }
    const at = now()
    const invalid = (issue: { message: string } | undefined) => ({ code: 'VALIDATION', message: issue?.message ?? 'ungültig' })
    if (m.name === 'createCustomer' && (m.v === 1 || m.v === 2)) {
      let id: string
      let ownerRepId: string | undefined
      let values: Parameters<typeof newCustomerRow>[1]
      if (m.v === 2) {
        const parsed = createCustomerArgsSchema.safeParse(m.args)
        if (!parsed.success) return invalid(parsed.error.issues[0])
        ;({ id, ownerRepId, ...values } = parsed.data)
      } else {
        // Version 1: the plain contact fields become the first entry of each list.
        const parsed = createCustomerV1ArgsSchema.safeParse(m.args)
        if (!parsed.success) return invalid(parsed.error.issues[0])
        const { id: v1Id, ownerRepId: v1Owner, ...v1 } = parsed.data
        id = v1Id
        ownerRepId = v1Owner
        const lists = applyV1Values({ phones: [], emails: [], addresses: [] }, Object.fromEntries(Object.entries(v1).map(([k, v]) => [k, normalise(v)])))
        values = { kind: 'person', status: 'prospect', addresses: [], phones: [], emails: [], bankAccounts: [], tags: [], firstName: v1.firstName, lastName: v1.lastName, birthDate: v1.birthDate ?? null, ...lists }
      }
      if (this.customers.has(id)) return { code: 'ID_TAKEN', message: 'Diese ID ist bereits vergeben.' }
      const row = newCustomerRow(id, values, { ownerRepId: ownerRepId ?? this.actorId, branchId: 'filiale-1', customerNo: this.nextCustomerNo(), at })
      this.customers.set(id, { row, rev: ++this.rev, deleted: false })
    } else if (m.name === 'updateCustomer' && m.v === 2) {
      const parsed = updateCustomerArgsSchema.safeParse(m.args)
      if (!parsed.success) return invalid(parsed.error.issues[0])
      const c = this.writable(parsed.data.id)
      if ('code' in c) return c
      const next: Record<string, unknown> = { ...c.row }
      for (const [field, ch] of Object.entries(parsed.data.changes) as [CustomerEditableField, { from: unknown; to: unknown }][]) {
        const value = parseCustomerField(field, ch.to)
        if (!value.ok) return { code: 'VALIDATION', message: `${field}: ${value.message}` }
        next[field] = value.value ?? (Array.isArray(c.row[field]) ? [] : field === 'firstName' ? '' : null)
      }
      if (!sameValue(next, c.row)) {
        c.row = { ...(next as unknown as CustomerRow), updatedAt: at }
        c.rev = ++this.rev
      }
    } else if (m.name === 'updateCustomer' && m.v === 1) {
      const parsed = updateCustomerV1ArgsSchema.safeParse(m.args)
      if (!parsed.success) return invalid(parsed.error.issues[0])
      const c = this.writable(parsed.data.id)
      if ('code' in c) return c
      const values: Record<string, string | null> = {}
      for (const field of CUSTOMER_V1_FIELDS) {
        const ch = parsed.data.changes[field]
        if (!ch) continue
        const value = customerV1FieldSchemas[field].safeParse(normalise(ch.to) ?? undefined)
        if (!value.success) return { code: 'VALIDATION', message: `${field}: ${value.error.issues[0]?.message}` }
        if (!sameValue(value.data, v1View(c.row)[field])) values[field] = (normalise(value.data) as string | null) ?? null
      }
      if (Object.keys(values).length) {
        c.row = { ...c.row, ...applyV1Values(c.row, values), updatedAt: at }
        c.rev = ++this.rev
      }
    } else if (m.name === 'reassignCustomer' && m.v === 1) {
      const parsed = reassignCustomerArgsSchema.safeParse(m.args)
      if (!parsed.success) return invalid(parsed.error.issues[0])
      const c = this.customers.get(parsed.data.id)
      if (!c || c.deleted) return { code: 'NOT_FOUND', message: 'Nicht gefunden.' }
      c.row = { ...c.row, ownerRepId: parsed.data.ownerRepId, updatedAt: at }
      c.rev = ++this.rev
    } else {
      return { code: 'UNKNOWN_MUTATION', message: 'Diese Änderung kennt der Server nicht.' }
    }
    this.effects.set(m.id, (this.effects.get(m.id) ?? 0) + 1)
    return null
  }
}

/** What can go wrong on the way: each fault applies to one request. */
export type Fault =
  | 'none'
  | 'drop-request' // never reaches the server
  | 'drop-response' // the server committed, the answer is lost
  | 'duplicate' // delivered twice (a proxy retry); the client sees the second answer
  | 'unauthorized' // 401
  | 'inactive' // 403 USER_INACTIVE
  | { gap: number } // 409 SEQ_GAP with this lastSeq, as a racing request would cause

const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/** A transport between the engine and the fake server that injects faults and records traffic. */
export class FaultyTransport implements SyncTransport {
  readonly pushFaults: Fault[] = []
  readonly pullFaults: Fault[] = []
  /** Seqs of every push request that reached the server. */
  readonly delivered: number[][] = []
  readonly pullCookies: (string | null)[] = []
  calls = { push: 0, pull: 0 }
  /** Resolves before each request is handled; lets tests interleave concurrent engines. */
  delay: () => Promise<void> = () => Promise.resolve()

  constructor(readonly server: FakeSyncServer) {}

  async push(req: PushRequest): Promise<PushResponse> {
    this.calls.push++
    await this.delay()
    const fault = this.pushFaults.shift()
    this.common(fault)
    if (typeof fault === 'object') throw new SeqGapError(fault.gap)
    const body = wire(req)
    const deliver = () => {
      this.delivered.push(body.mutations.map((m) => m.seq))
      return this.call(() => this.server.push(wire(body)))
    }
    let res = deliver()
    if (fault === 'duplicate') res = deliver()
    if (fault === 'drop-response') throw new TransientError('offline')
    return wire(res)
  }

  async pull(req: PullRequest): Promise<PullResponse> {
    this.calls.pull++
    await this.delay()
    const fault = this.pullFaults.shift()
    this.common(fault)
    this.pullCookies.push(req.cookie)
    if (this.server.userInactive) throw new AuthError()
    const res = this.call(() => this.server.pull(wire(req)))
    if (fault === 'drop-response') throw new TransientError('offline')
    return wire(res)
  }

  private common(fault: Fault | undefined): void {
    if (fault === 'drop-request') throw new TransientError('offline')
    if (fault === 'unauthorized') throw new AuthError()
    if (fault === 'inactive') throw new ForbiddenError('USER_INACTIVE')
  }

  private call<T>(fn: () => T): T {
    try {
      return fn()
    } catch (e) {
      if (e instanceof FakeSeqGap) throw new SeqGapError(e.lastSeq)
      if (e instanceof FakeCrash) throw new TransientError('server', 500)
      throw e
    }
  }
}

/** localStorage stand-in. */
export class MemoryStorage {
  readonly items = new Map<string, string>()
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value)
  }
  removeItem(key: string): void {
    this.items.delete(key)
  }
}
