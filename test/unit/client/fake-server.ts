import { uuidv7 } from '../../../shared/ids'
import { createCustomerArgsSchema, reassignCustomerArgsSchema, updateCustomerArgsSchema, type CustomerRow } from '../../../shared/schemas/customers'
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

interface StoredCustomer {
  row: CustomerRow
  rev: number
  deleted: boolean
}

interface Cookie {
  clientId: string
  rev: number
  /** Initial fill in progress: rows with id > afterId (as of `rev`) still to send. */
  fill: { afterId: string } | null
}

const normalise = (v: unknown) => (v === undefined || v === '' ? null : v)

/**
 * An in-memory server speaking the sync protocol of shared/schemas/sync.ts: per-client lastSeq and
 * stored results (exactly once), quarantine for mutations that can never apply, pull by rev with
 * a paged initial fill that starts with `clear`.
 */
export class FakeSyncServer {
  readonly clients = new Map<string, { lastSeq: number; results: Map<number, MutationResult> }>()
  readonly customers = new Map<string, StoredCustomer>()
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
      next = { clientId: req.clientId, rev: this.rev, fill: { afterId: '' } }
    } else if (prev.fill) {
      next = { ...prev }
    } else {
      for (const c of [...this.customers.values()].filter((c) => c.rev > prev.rev).sort((a, b) => a.rev - b.rev)) {
        patch.push(c.deleted ? { op: 'del', table: 'customers', id: c.row.id } : { op: 'put', table: 'customers', id: c.row.id, row: { ...c.row } })
      }
      next = { clientId: req.clientId, rev: this.rev, fill: null }
    }
    if (next.fill) {
      const afterId = next.fill.afterId
      const rows = [...this.customers.values()]
        .filter((c) => !c.deleted && c.row.id > afterId)
        .sort((a, b) => (a.row.id < b.row.id ? -1 : 1))
        .slice(0, this.pageSize)
      for (const c of rows) patch.push({ op: 'put', table: 'customers', id: c.row.id, row: { ...c.row } })
      const last = rows[rows.length - 1]
      // Like the real server: a finished fill still needs one incremental pull for what changed meanwhile.
      next = { ...next, fill: rows.length === this.pageSize && last ? { afterId: last.row.id } : null }
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
    c.row = { ...c.row, ...changes, updatedAt: new Date().toISOString() }
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
      const now = new Date().toISOString()
      const row: CustomerRow = {
        id: uuidv7(),
        firstName: 'Kunde',
        lastName: `Nr ${i}`,
        birthDate: null,
        phone: null,
        email: null,
        street: null,
        zip: null,
        city: null,
        ownerRepId: this.actorId,
        branchId: null,
        createdAt: now,
        updatedAt: now,
        ...overrides,
      }
      this.customers.set(row.id, { row, rev: ++this.rev, deleted: false })
      return row
    })
  }

  /** The server lost its cookie table (restore, cleanup): the next pull starts over. */
  forgetCookies(): void {
    this.cookies.clear()
  }

  lastSeq(clientId: string): number {
    return this.clients.get(clientId)?.lastSeq ?? 0
  }

  private client(clientId: string) {
    let c = this.clients.get(clientId)
    if (!c) this.clients.set(clientId, (c = { lastSeq: 0, results: new Map() }))
    return c
  }

  /** Runs a mutation; returns the rejection or null when it took effect. */
  private apply(m: Mutation): { code: string; message: string } | null {
    if (this.userInactive) return { code: 'USER_INACTIVE', message: 'Dieser Benutzer ist deaktiviert.' }
    const poison = this.poison(m)
    if (poison) return { code: poison, message: `vergiftet: ${poison}` }
    const at = new Date().toISOString()
    if (m.name === 'createCustomer' && m.v === 1) {
      const parsed = createCustomerArgsSchema.safeParse(m.args)
      if (!parsed.success) return { code: 'VALIDATION', message: parsed.error.issues[0]?.message ?? 'ungültig' }
      const a = parsed.data
      if (this.customers.has(a.id)) return { code: 'ID_TAKEN', message: 'Diese ID ist bereits vergeben.' }
      const row: CustomerRow = {
        id: a.id,
        firstName: a.firstName,
        lastName: a.lastName,
        birthDate: (normalise(a.birthDate) as string | null) ?? null,
        phone: (normalise(a.phone) as string | null) ?? null,
        email: (normalise(a.email) as string | null) ?? null,
        street: (normalise(a.street) as string | null) ?? null,
        zip: (normalise(a.zip) as string | null) ?? null,
        city: (normalise(a.city) as string | null) ?? null,
        ownerRepId: a.ownerRepId ?? this.actorId,
        branchId: 'filiale-1',
        createdAt: at,
        updatedAt: at,
      }
      this.customers.set(a.id, { row, rev: ++this.rev, deleted: false })
    } else if (m.name === 'updateCustomer' && m.v === 1) {
      const parsed = updateCustomerArgsSchema.safeParse(m.args)
      if (!parsed.success) return { code: 'VALIDATION', message: parsed.error.issues[0]?.message ?? 'ungültig' }
      const c = this.customers.get(parsed.data.id)
      if (!c) return { code: 'NOT_FOUND', message: 'Nicht gefunden.' }
      if (c.deleted) return { code: 'CUSTOMER_DELETED', message: 'Der Kunde wurde inzwischen gelöscht.' }
      const changes = Object.fromEntries(Object.entries(parsed.data.changes).map(([f, ch]) => [f, normalise(ch?.to)]))
      c.row = { ...c.row, ...changes, updatedAt: at }
      c.rev = ++this.rev
    } else if (m.name === 'reassignCustomer' && m.v === 1) {
      const parsed = reassignCustomerArgsSchema.safeParse(m.args)
      if (!parsed.success) return { code: 'VALIDATION', message: parsed.error.issues[0]?.message ?? 'ungültig' }
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
