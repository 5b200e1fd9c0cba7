/**
 * T20 (sync.md): a seeded, randomized end-to-end simulation of the offline sync.
 *
 * One real server (the Hono app on in-memory SQLite, createTestApp) with a small random
 * organisation, and several devices. Each device is a browser of its own: its own fake-indexeddb
 * factory (two devices of one user never share a database), its own localStorage, its own Web
 * Locks, and one or two pages ("tabs"), each a real SyncEngine on the user's Dexie database. The
 * engines reach the server through the real fetch transport over a fault-injecting `fetch` that
 * calls `app.request` with the user's session cookie: requests are dropped, answers lost after
 * the server committed, deliveries duplicated (at once or much later), 503s before, after or in
 * the middle of a batch, and every request and answer is delayed by a random number of ticks, so
 * devices interleave at the server in random order.
 *
 * Random steps: create and edit customers (version 2: the form's field patches over the contact
 * lists and master data; some version-1 entries as outboxes of older app versions hold them),
 * also the same field on two devices, notes, consents and relations written on the server (and
 * deleted again), back-office reassignments, moving reps, toggling downline read access,
 * concurrent sync rounds (with local writes during them, sometimes every tab of a device at once,
 * with or without Web Locks), killing a page mid-round or mid-write and reopening it, second tabs, devices going offline,
 * sessions ending, the browser evicting an idle database, a rep being deactivated, and poison
 * mutations. The engines' `now` is skewed by up to ±48 h (the server owns time).
 *
 * Checked after every step: no seq skipped or lost (the outbox holds every seq the server has not
 * taken), every saved mutation is in the outbox or processed by the server (a rejected one in both
 * quarantines), pending marks match the outbox, no mutation or field change twice on the server,
 * the same seq is never sent with another payload, and no round fails for a reason the faults do
 * not explain. After each pull page and each complete round: the device holds only rows its user
 * could see at that moment (deviceExtent), with the server's values, and none missing once
 * complete. At the end all devices quiesce; then every device equals what its user may see (same
 * values; devices of one user equal), last_seq equals the device's newest seq, and a reference
 * model replays every processed mutation in rev order from the payload the device sent, predicts
 * its outcome (version 1 through the shared applyV1Values / v1View, like the server), and must
 * equal the server's customers (customer numbers included), field history and quarantine exactly;
 * every note, consent and relation belongs to its customer's rep. Rows are compared in all
 * rep-owned synced tables: customers, relations, consents, notes.
 *
 * No vitest in here: the benchmark (test/bench/simulation.ts) runs it too.
 */
import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import Dexie from 'dexie'
import { asc, eq, isNull } from 'drizzle-orm'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import type { Statement } from 'better-sqlite3'
import { uuidv7 } from '../../shared/ids'
import {
  ADDRESS_TYPES,
  applyV1Values,
  CUSTOMER_EDITABLE_FIELDS,
  CUSTOMER_STATUSES,
  CUSTOMER_V1_FIELDS,
  createCustomerArgsSchema,
  createCustomerV1ArgsSchema,
  customerV1FieldSchemas,
  customerValuesSchema,
  EMAIL_TYPES,
  MARITAL_STATUSES,
  newCustomerRow,
  normaliseValue,
  parseCustomerField,
  PHONE_TYPES,
  reassignCustomerArgsSchema,
  SALUTATIONS,
  sameValue,
  updateCustomerArgsSchema,
  updateCustomerV1ArgsSchema,
  v1View,
  type CreateCustomerArgs,
  type CustomerEditableField,
  type CustomerRow,
  type CustomerV1Field,
  type CustomerValues,
} from '../../shared/schemas/customers'
import type { Mutation, PullResponse, PushRequest } from '../../shared/schemas/sync'
import { openUserDb } from '../../client/src/db/session'
import type { FeldakteDb, LocalCustomer } from '../../client/src/db/database'
import { getMeta, setMeta } from '../../client/src/db/meta'
import { LocalWriteError } from '../../client/src/db/errors'
import { createCustomer, getMutator, keysOf, mutate, MutationArgsError, reassignCustomer, runMutation, updateCustomer, type CreateCustomerInput, type MutationReceipt } from '../../client/src/mutators'
import { serverRowOf } from '../../client/src/mutators/rows'
import { SyncEngine } from '../../client/src/sync/engine'
import { createFetchTransport } from '../../client/src/sync/transport'
import type { LockManagerLike } from '../../client/src/sync/lock'
import type { SyncReport } from '../../client/src/sync/engine'
import { consents, customerFieldHistory, customerRelations, customers, notes, quarantine, sessions, syncClients, syncMutations } from '../../server/src/db/schema'
import { CITIES, FIRST_NAMES, LAST_NAMES, STREETS, seededRandom } from '../../server/src/demo/names'
import { today } from '../../server/src/lib/clock'
import type { SessionUser } from '../../server/src/lib/context'
import { SESSION_COOKIE } from '../../server/src/modules/auth/auth.service'
import * as org from '../../server/src/modules/org/org.service'
import { getSettings, updateSettings } from '../../server/src/modules/settings/settings.service'
import { currentRev, deviceExtent, nextRev } from '../../server/src/modules/sync/sync.service'
import { createTestApp, ORIGIN, type TestApp } from './app'
import { makeBranch, makeUser } from './factories'

// ------------------------------------------------------------------ configuration

export interface SimConfig {
  seed: number
  /** Reps in the organisation (4–7), in a random hierarchy; plus one back-office user. */
  reps: number
  /** Reps that have a device (each its own browser). */
  repDevices: number
  /** The first of them has a second device (another phone of the same user). */
  sharedUser: boolean
  steps: number
  /** Probability that a request meets a fault. */
  faultRate: number
  /** Requests and answers wait up to this many event-loop ticks (reordering between devices). */
  maxDelay: number
  /** Mutations per push request. */
  batchSize: number
  /** The browsers have Web Locks; without them two tabs of one device sync at the same time (T3). */
  webLocks: boolean
}

export const DEFAULT_STEPS = 20

/** The configuration of a seed: derived from the seed alone, so a seed number reproduces a run. */
export function configFor(seed: number, overrides: Partial<SimConfig> = {}): SimConfig {
  const random = seededRandom((seed * 2654435761) >>> 0)
  const int = (n: number) => Math.floor(random() * n)
  return {
    seed,
    reps: 4 + int(4),
    repDevices: 2 + int(2),
    sharedUser: random() < 0.6,
    steps: DEFAULT_STEPS,
    faultRate: [0, 0.1, 0.25, 0.4][int(4)]!,
    maxDelay: [0, 3, 12][int(3)]!,
    batchSize: 1 + int(4),
    webLocks: random() < 0.7,
    ...overrides,
  }
}

export interface SimOutcome {
  seed: number
  steps: number
  requests: number
  faults: number
  kills: number
  mutations: number
  /** Device states checked against the server after a pull page / a complete round. */
  pageChecks: number
  roundChecks: number
  applied: number
  rejected: number
  ms: number
  /** Milliseconds per phase. */
  timings: Record<'setup' | 'steps' | 'checks' | 'quiesce' | 'final', number>
  /** The step log (with `{ log: true }`). */
  log?: string[]
}

/** An invariant broke. `log` is the step log up to the failure. */
export class SimulationFailure extends Error {
  constructor(
    readonly config: SimConfig,
    readonly problems: string[],
    readonly log: string[],
  ) {
    super(`seed ${config.seed}: ${problems[0] ?? 'failed'}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`)
    this.name = 'SimulationFailure'
  }

  /** Everything needed to debug: the config, all problems and the step log. */
  report(): string {
    return [
      `Simulation failed: seed ${this.config.seed}`,
      `config: ${JSON.stringify(this.config)}`,
      'problems:',
      ...this.problems.map((p) => `  - ${p}`),
      'step log:',
      ...this.log.map((l) => `  ${l}`),
    ].join('\n')
  }
}

class Violation extends Error {}

/** Where failing seeds are kept; test/integration/sync-simulation.test.ts replays every file in it. */
export const SEED_FIXTURES = fileURLToPath(new URL('../fixtures/sync-seeds/', import.meta.url))

export interface SeedFixture {
  seed: number
  config: SimConfig
  /** The first problem when the seed was recorded. */
  problem?: string
  recordedAt?: string
}

/** Keeps a failing seed as a fixture (once); tells where, or why it could not. */
export function keepFailingSeed(failure: SimulationFailure, dir = SEED_FIXTURES): string {
  const { config } = failure
  const file = path.join(dir, `seed-${config.seed}${config.steps === DEFAULT_STEPS ? '' : `-steps-${config.steps}`}.json`)
  try {
    const known = keptSeeds(dir).find((k) => isDeepStrictEqual(k.fixture.config, config))
    if (known) return `already kept as ${path.relative(process.cwd(), path.join(dir, known.file))}`
    if (!fs.existsSync(file)) {
      const fixture: SeedFixture = { seed: config.seed, config, problem: failure.problems[0], recordedAt: new Date().toISOString() }
      fs.writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`)
    }
    return `kept as ${path.relative(process.cwd(), file)}`
  } catch (e) {
    return `could not keep the seed in ${file}: ${String(e)}; config ${JSON.stringify(config)}`
  }
}

/** The kept seeds, in file order. */
export function keptSeeds(dir = SEED_FIXTURES): { file: string; fixture: SeedFixture }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as SeedFixture }))
}

// ------------------------------------------------------------------ small helpers

/**
 * What pull may send, per synced table, read with plain SQL (independent of the server's row
 * mappers): the columns in the device's shape, JSON columns parsed afterwards.
 */
const VISIBLE_SQL = {
  customers: `SELECT id, customer_no AS customerNo, kind, status, salutation, title, first_name AS firstName, last_name AS lastName,
    birth_name AS birthName, birth_date AS birthDate, nationality, marital_status AS maritalStatus, occupation, employer,
    addresses, phones, emails, bank_accounts AS bankAccounts, tags, remarks, owner_rep_id AS ownerRepId, branch_id AS branchId,
    restricted_at AS restrictedAt, pseudonymised_at AS pseudonymisedAt, created_at AS createdAt, updated_at AS updatedAt
    FROM customers WHERE deleted_at IS NULL`,
  relations: `SELECT id, pair_id AS pairId, customer_id AS customerId, type, related_customer_id AS relatedCustomerId, person,
    valid_from AS validFrom, valid_to AS validTo, owner_rep_id AS ownerRepId, created_at AS createdAt, updated_at AS updatedAt
    FROM customer_relations WHERE deleted_at IS NULL`,
  consents: `SELECT id, customer_id AS customerId, type, given_on AS givenOn, withdrawn_on AS withdrawnOn, note, document_id AS documentId,
    owner_rep_id AS ownerRepId, created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt FROM consents WHERE deleted_at IS NULL`,
  notes: `SELECT n.id, n.customer_id AS customerId, n.kind, n.direction, n.occurred_at AS occurredAt, n.duration_minutes AS durationMinutes,
    n.subject, n.text, n.follow_up_on AS followUpOn, n.assignee_id AS assigneeId, n.follow_up_done_at AS followUpDoneAt,
    n.author_id AS authorId, coalesce(u.name, '') AS authorName, n.owner_rep_id AS ownerRepId, n.created_at AS createdAt, n.updated_at AS updatedAt
    FROM notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.deleted_at IS NULL`,
} as const
const JSON_COLUMNS: Record<string, string[]> = { customers: ['addresses', 'phones', 'emails', 'bankAccounts', 'tags'], relations: ['person'] }
type Row = Record<string, unknown> & { id: string; ownerRepId: string }
/** The rep-owned tables a device holds (relation types are reference data, checked by the unit tests). */
const ROW_TABLES = ['customers', 'relations', 'consents', 'notes'] as const
type RowTable = (typeof ROW_TABLES)[number]
type Visible = Record<RowTable, Map<string, Row>>
const SYSTEM = { id: '00000000-0000-7000-8000-000000000000', role: 'admin' as const, branchIds: [] }
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))
async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await tick()
}
const normalise = normaliseValue
/** Which version-2 field a version-1 field lives in (history is kept on the list). */
const V2_FIELD_OF: Record<CustomerV1Field, CustomerEditableField> = {
  firstName: 'firstName',
  lastName: 'lastName',
  birthDate: 'birthDate',
  phone: 'phones',
  email: 'emails',
  street: 'addresses',
  zip: 'addresses',
  city: 'addresses',
}

/** The fields in which two rows differ, device value → server value. */
function fieldDiff(device: Record<string, unknown>, server: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(device), ...Object.keys(server)])]
  return keys
    .filter((k) => !isDeepStrictEqual(device[k], server[k]))
    .map((k) => `${k}: ${JSON.stringify(device[k])} → ${JSON.stringify(server[k])}`)
    .join('; ')
}

/** A valid German IBAN for a bank code and an account number (check digits per ISO 13616). */
function germanIban(blz: string, account: string): string {
  const bban = `${blz}${account.padStart(10, '0')}`
  let rest = 0
  for (const ch of `${bban}131400`) rest = (rest * 10 + Number(ch)) % 97
  return `DE${String(98 - rest).padStart(2, '0')}${bban}`
}
const short = (id: string) => id.slice(-6)
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** localStorage of one browser. */
class MemoryStorage {
  private readonly items = new Map<string, string>()
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

/** Web Locks of one browser: one queue per name. A closed page's lock goes once its code stops. */
class BrowserLocks implements LockManagerLike {
  private readonly chains = new Map<string, Promise<unknown>>()
  request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T> {
    const run = (this.chains.get(name) ?? Promise.resolve()).then(
      () => callback(name),
      () => callback(name),
    )
    this.chains.set(
      name,
      run.catch(() => undefined),
    )
    return run
  }
}

/** A mutation as the device wrote it to its outbox, written directly (no client validation, no local effect). */
export async function writeRawMutation(db: FeldakteDb, name: string, v: number, args: unknown): Promise<MutationReceipt> {
  const mutationId = uuidv7()
  let seq = 0
  await db.transaction('rw', [db.outbox, db.meta], async () => {
    seq = (await getMeta(db, 'nextSeq')) ?? 1
    await db.outbox.add({ seq, id: mutationId, name, v, args, createdAt: new Date().toISOString() })
    await setMeta(db, 'nextSeq', seq + 1)
  })
  return { mutationId, seq }
}

/**
 * Opens the user's database in the given browser (IndexedDB factory). openUserDb constructs its
 * Dexie synchronously before its first await, and Dexie takes the factory from
 * `Dexie.dependencies` at construction: switching it around the call gives each device its own.
 */
export async function openInBrowser(factory: IDBFactory, userId: string, storage: MemoryStorage | null): Promise<FeldakteDb> {
  const deps = Dexie.dependencies
  const previous = { ...deps }
  let opening: Promise<FeldakteDb>
  Object.assign(deps, { indexedDB: factory, IDBKeyRange })
  try {
    opening = openUserDb(userId, { storage })
  } finally {
    Object.assign(deps, previous)
  }
  const db = await opening
  if ((db as unknown as { _deps: { indexedDB: unknown } })._deps.indexedDB !== factory) throw new Error('openInBrowser: the database did not open in the device’s own IndexedDB')
  return db
}

export { MemoryStorage, BrowserLocks }

// ------------------------------------------------------------------ the world

interface SimUser {
  id: string
  email: string
  role: 'rep' | 'backoffice'
  label: string
  branchIds: string[]
  /** Deactivated from today on: mutations the server processes after `rev` go to quarantine (USER_INACTIVE). */
  deactivated?: { rev: number }
}

interface Tab {
  no: number
  db: FeldakteDb
  engine: SyncEngine
  alive: boolean
}

interface Receipt {
  clientId: string
  seq: number
  mutationId: string
  name: string
  step: number
}

interface Device {
  name: string
  user: SimUser
  /** This browser's session cookie; null while signed out. */
  cookie: string | null
  /** Client ids this device had before the browser evicted its database. */
  retiredClients: Set<string>
  factory: IDBFactory
  storage: MemoryStorage
  locks: BrowserLocks
  tabs: Tab[]
  tabCounter: number
  clientId: string
  rng: () => number
  offline: boolean
  faults: boolean
  skewMs: number
  receipts: Receipt[]
  /** The last round that ended on this device (any tab) in the current step. */
  lastRound: SyncReport | null
  /** Cookie of the pull answer the device got last, while no push answer came in since (Web Locks only). */
  lastPulled: string | null
}

type Fault = 'none' | 'drop-request' | 'drop-response' | 'duplicate' | 'duplicate-late' | '503' | '503-after' | 'partial-503'
const FAULTS: Fault[] = ['drop-request', 'drop-response', 'duplicate', 'duplicate-late', '503', '503-after', 'partial-503']

interface ModelRow extends CustomerRow {
  createdBy: string
  rev: number
  mergedIntoId: null
}

interface HistoryExpectation {
  customerId: string
  entity: string
  entityId: string | null
  field: string
  oldValue: unknown
  newValue: unknown
  baseValue: unknown
  overwritten: boolean
  userId: string
  clientId: string | null
}

type Op = 'create' | 'edit' | 'conflict' | 'reassign' | 'move' | 'toggle' | 'sync' | 'kill' | 'poison' | 'tab' | 'offline' | 'session' | 'evict' | 'deactivate' | 'attach'
const OPS: [Op, number][] = [
  ['create', 14],
  ['edit', 16],
  ['attach', 4],
  ['conflict', 5],
  ['reassign', 6],
  ['move', 4],
  ['toggle', 3],
  ['sync', 26],
  ['kill', 7],
  ['poison', 6],
  ['tab', 3],
  ['offline', 3],
  ['session', 2],
  ['evict', 1],
  ['deactivate', 1],
]

class Simulation {
  readonly t: TestApp
  readonly rng: () => number
  readonly log: string[] = []
  readonly problems: string[] = []
  readonly users = new Map<string, SimUser>()
  reps: SimUser[] = []
  office!: SimUser
  branch = ''
  devices: Device[] = []
  /** Every customer id any device or test step ever used, in creation order (for picks independent of random ids). */
  readonly customerOrder: string[] = []
  /** Every mutation a device sent, by `clientId:seq`, as it went over the wire. */
  readonly sent = new Map<string, Mutation>()
  readonly clientDevice = new Map<string, Device>()
  /** What the user could see when the server answered a pull page, by `clientId|cookie`. */
  readonly snapshots = new Map<string, { rows: Visible; more: boolean; clear: boolean }>()
  readonly background = new Set<Promise<unknown>>()
  private serverChain: Promise<unknown> = Promise.resolve()
  step = 0
  readonly stats = { requests: 0, faults: 0, kills: 0, mutations: 0, pageChecks: 0, roundChecks: 0 }
  readonly outcome = { applied: 0, rejected: 0 }

  constructor(readonly config: SimConfig) {
    this.t = createTestApp()
    this.rng = seededRandom(config.seed)
  }

  int(n: number): number {
    return Math.floor(this.rng() * n)
  }
  chance(p: number): boolean {
    return this.rng() < p
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!
  }
  note(line: string): void {
    this.log.push(`#${this.step} ${line}`)
  }
  violation(message: string): void {
    this.problems.push(`step ${this.step}: ${message}`)
    this.note(`VIOLATION ${message}`)
  }
  assert(condition: boolean, message: string): void {
    if (!condition) this.violation(message)
  }
  throwIfViolated(): void {
    if (this.problems.length) throw new Violation(this.problems[0])
  }
  /** Runs in the background (late deliveries, dying pages); awaited before quiescence. */
  later(task: Promise<unknown>): void {
    const p = task.catch((e: unknown) => this.violation(`background task failed: ${String(e)}`)).finally(() => this.background.delete(p))
    this.background.add(p)
  }
  get date(): string {
    return today(this.t.clock)
  }

  // ---------------------------------------------------------------- setup

  async setup(): Promise<void> {
    const c = this.config
    this.branch = makeBranch(this.t)
    // Created in parallel (password hashing dominates the setup), then placed in a random hierarchy.
    const created = await Promise.all([
      ...Array.from({ length: c.reps }, () => makeUser(this.t, { branchIds: [this.branch] })),
      makeUser(this.t, { role: 'backoffice', branchIds: [this.branch] }),
    ])
    for (const [i, u] of created.entries()) {
      const rep = i < c.reps
      const user: SimUser = { ...u, role: rep ? 'rep' : 'backoffice', label: rep ? `r${i}` : 'bo', branchIds: [this.branch] }
      this.users.set(user.id, user)
      if (!rep) {
        this.office = user
        continue
      }
      const upline = i === 0 || this.chance(0.25) ? null : this.pick(this.reps)
      if (upline) org.moveRep({ db: this.t.db, clock: this.t.clock, passwordLogN: 10 }, SYSTEM, user.id, { uplineId: upline.id, validFrom: this.date })
      this.reps.push(user)
      this.note(`rep ${user.label} ${short(user.id)} upline ${upline?.label ?? '-'}`)
    }
    if (this.chance(0.5)) updateSettings(this.t.db, SYSTEM, this.t.clock, { downlineReadAccess: !getSettings(this.t.db).downlineReadAccess })

    const shuffled = [...this.reps]
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
    }
    const owners = shuffled.slice(0, c.repDevices)
    if (c.sharedUser) owners.push(owners[0]!)
    owners.push(this.office)
    for (const [i, user] of owners.entries()) {
      const device: Device = {
        name: `d${i}(${user.label})`,
        user,
        cookie: this.openSession(user.id),
        retiredClients: new Set(),
        factory: new IDBFactory(),
        storage: new MemoryStorage(),
        locks: new BrowserLocks(),
        tabs: [],
        tabCounter: 0,
        clientId: '',
        rng: seededRandom((c.seed * 1_000 + i * 7 + 13) >>> 0),
        offline: false,
        faults: true,
        skewMs: Math.round((this.rng() * 2 - 1) * 48 * 3_600_000),
        receipts: [],
        lastRound: null,
        lastPulled: null,
      }
      await this.openTab(device)
      this.devices.push(device)
      this.note(`device ${device.name} client ${short(device.clientId)} clock skew ${(device.skewMs / 3_600_000).toFixed(1)} h`)
    }
  }

  async openTab(device: Device, evicted = false): Promise<Tab> {
    const db = await openInBrowser(device.factory, device.user.id, device.storage)
    const clientId = db.device!.clientId
    if (evicted) {
      this.assert(db.device!.evicted && clientId !== device.clientId, `${device.name}: eviction not detected on reopen`)
      device.retiredClients.add(device.clientId)
    } else if (device.clientId && device.clientId !== clientId) this.violation(`${device.name}: client id changed on reopen (${short(device.clientId)} → ${short(clientId)})`)
    device.clientId = clientId
    this.clientDevice.set(clientId, device)
    const tab: Tab = { no: ++device.tabCounter, db, engine: null as unknown as SyncEngine, alive: true }
    const transport = createFetchTransport({ baseUrl: `${ORIGIN}/api/sync`, fetch: this.faultyFetch(device, tab), timeoutMs: 600_000 })
    tab.engine = new SyncEngine({
      db,
      transport,
      locks: this.config.webLocks ? device.locks : new BrowserLocks(),
      storage: device.storage,
      batchSize: this.config.batchSize,
      now: () => new Date(Date.now() + device.skewMs),
    })
    device.tabs.push(tab)
    return tab
  }

  liveTab(device: Device): Tab {
    const live = device.tabs.filter((t) => t.alive)
    return live[this.int(live.length)]!
  }

  /** The page dies: uncommitted IndexedDB transactions are aborted, requests in flight may still arrive. */
  kill(device: Device, tab: Tab): void {
    tab.alive = false
    device.lastPulled = null
    this.stats.kills++
    const idb = tab.db.backendDB() as unknown as { _rawDatabase?: { transactions: { db: unknown; _state: string; abort(): void }[] } } | null
    for (const tx of idb?._rawDatabase?.transactions ?? []) {
      if (tx.db !== idb || tx._state === 'finished' || tx._state === 'committing') continue
      try {
        tx.abort()
      } catch {
        // already ending
      }
    }
    tab.db.close()
    device.tabs = device.tabs.filter((t) => t !== tab)
  }

  // ---------------------------------------------------------------- the network

  /** The server handles one request at a time (better-sqlite3 is synchronous); so do test-side server changes. */
  serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.serverChain.then(fn)
    this.serverChain = run.catch(() => undefined)
    return run
  }

  async deliver(device: Device, kind: 'push' | 'pull', body: string): Promise<{ status: number; text: string }> {
    return this.serial(async () => {
      this.stats.requests++
      const res = await this.t.app.request(`${ORIGIN}/api/sync/${kind}`, {
        method: 'POST',
        headers: { origin: ORIGIN, ...(device.cookie ? { cookie: device.cookie } : {}), 'content-type': 'application/json', accept: 'application/json' },
        body,
      })
      const text = await res.text()
      if (kind === 'pull' && res.status === 200) {
        const data = JSON.parse(text) as PullResponse
        const { clientId } = JSON.parse(body) as { clientId: string }
        this.snapshots.set(`${clientId}|${data.cookie}`, { rows: this.visibleRows(device.user), more: data.more, clear: data.patch.some((op) => op.op === 'clear') })
      }
      return { status: res.status, text }
    })
  }

  recordSent(device: Device, req: PushRequest): void {
    // A page killed before the eviction may still have a request of the old identity on the wire.
    if (req.clientId !== device.clientId && !device.retiredClients.has(req.clientId)) this.violation(`${device.name} pushed as client ${short(req.clientId)}, expected ${short(device.clientId)}`)
    let previous = 0
    for (const m of req.mutations) {
      if (previous && m.seq !== previous + 1) this.violation(`${device.name} pushed a batch with a hole: ${previous} then ${m.seq}`)
      previous = m.seq
      const key = `${req.clientId}:${m.seq}`
      const known = this.sent.get(key)
      if (!known) this.sent.set(key, m)
      else if (!isDeepStrictEqual(known, m)) this.violation(`${device.name} sent seq ${m.seq} again with a different payload`)
    }
  }

  faultyFetch(device: Device, tab: Tab): typeof fetch {
    return async (input, init) => {
      if (!tab.alive) throw new TypeError('the page is gone')
      const kind = String(input).endsWith('/push') ? 'push' : 'pull'
      const body = String(init?.body ?? '')
      const rng = device.rng
      const fault: Fault = device.offline ? 'drop-request' : device.faults && rng() < this.config.faultRate ? FAULTS[Math.floor(rng() * FAULTS.length)]! : 'none'
      if (fault !== 'none') this.stats.faults++
      const what = kind === 'push' ? `push [${(JSON.parse(body) as PushRequest).mutations.map((m) => m.seq).join(',')}]` : 'pull'
      if (kind === 'push') device.lastPulled = null
      // The next page is asked for only after the previous one was applied: check the device in between.
      const sentCookie = kind === 'pull' ? (JSON.parse(body) as { cookie: string | null }).cookie : null
      if (sentCookie && sentCookie === device.lastPulled) await this.checkPulled(device, tab.db, sentCookie, false)
      await ticks(Math.floor(rng() * (this.config.maxDelay + 1)))
      // Killed while waiting: the request is lost with the page, or it was already on the wire.
      if (!tab.alive && rng() < 0.5) throw new TypeError('the page is gone')
      if (fault === 'drop-request') {
        this.note(`${device.name}/${tab.no} ${what}: request lost`)
        throw new TypeError('Failed to fetch')
      }
      if (fault === '503') {
        this.note(`${device.name}/${tab.no} ${what}: 503 before the server`)
        return json(503, { code: 'UNAVAILABLE', message: 'Service Unavailable' })
      }
      let sent = body
      if (kind === 'push') {
        const req = JSON.parse(body) as PushRequest
        this.recordSent(device, req)
        if (fault === 'partial-503' && req.mutations.length > 1) {
          // The server applied a prefix of the batch, then the gateway gave up.
          sent = JSON.stringify({ ...req, mutations: req.mutations.slice(0, 1 + Math.floor(rng() * (req.mutations.length - 1))) })
        }
      }
      let res = await this.deliver(device, kind, sent)
      if (fault === 'duplicate') res = await this.deliver(device, kind, sent)
      if (fault === 'duplicate-late') {
        const wait = 20 + Math.floor(rng() * 400)
        this.later(ticks(wait).then(() => this.deliver(device, kind, sent)))
      }
      const line = `${device.name}/${tab.no} ${what} → ${res.status}${fault === 'none' ? '' : ` [${fault}]`}`
      if (fault === 'partial-503' || fault === '503-after') {
        this.note(`${line}, client sees 503`)
        return json(503, { code: 'UNAVAILABLE', message: 'Service Unavailable' })
      }
      await ticks(Math.floor(rng() * (this.config.maxDelay + 1)))
      if (!tab.alive || fault === 'drop-response') {
        this.note(`${line}, answer lost`)
        throw new TypeError('Failed to fetch')
      }
      if (res.status !== 200) this.note(`${line} ${res.text.slice(0, 120)}`)
      if (kind === 'pull' && res.status === 200 && this.config.webLocks) device.lastPulled = (JSON.parse(res.text) as PullResponse).cookie
      return new Response(res.text, { status: res.status, headers: { 'content-type': 'application/json' } })
    }
  }

  // ---------------------------------------------------------------- server views

  /** A signed-in session like /api/auth/login creates (sign-in itself is tested elsewhere; hashing is slow). */
  openSession(userId: string): string {
    const token = randomBytes(32).toString('base64url')
    const at = this.t.clock.now()
    this.t.db
      .insert(sessions)
      .values({ tokenHash: createHash('sha256').update(token).digest('hex'), userId, createdAt: at.toISOString(), lastSeenAt: at.toISOString(), expiresAt: new Date(at.getTime() + 24 * 3_600_000).toISOString(), userAgent: 'simulation' })
      .run()
    return `${SESSION_COOKIE}=${token}`
  }

  sessionUserOf(user: SimUser): SessionUser {
    return { id: user.id, email: user.email, name: user.label, role: user.role, branchIds: user.branchIds, mustChangePassword: false, sessionTokenHash: '', active: !user.deactivated }
  }

  /** The rows of every synced table the user's device may hold now (deviceExtent: the one scope function of pull). */
  visibleRows(user: SimUser): Visible {
    const extent = new Set(deviceExtent(this.t.db, this.sessionUserOf(user), this.date))
    const visible = {} as Visible
    for (const table of ROW_TABLES) {
      const rows = new Map<string, Row>()
      for (const r of this.query<Row>(VISIBLE_SQL[table])) {
        if (!extent.has(r.ownerRepId)) continue
        for (const column of JSON_COLUMNS[table] ?? []) r[column] = r[column] === null ? null : JSON.parse(r[column] as string)
        rows.set(r.id, r)
      }
      visible[table] = rows
    }
    return visible
  }

  serverLastSeq(clientId: string): number {
    return this.query<{ s: number }>('SELECT last_seq AS s FROM sync_clients WHERE id = ?', clientId)[0]?.s ?? 0
  }

  /** Checks run after every step: plain cached statements keep them cheap. */
  private readonly statements = new Map<string, Statement>()
  query<T>(text: string, ...params: unknown[]): T[] {
    let statement = this.statements.get(text)
    if (!statement) this.statements.set(text, (statement = this.t.db.$client.prepare(text)))
    return statement.all(...params) as T[]
  }

  // ---------------------------------------------------------------- steps

  readonly timings = { setup: 0, steps: 0, checks: 0, quiesce: 0, final: 0 }

  async run(): Promise<void> {
    let mark = performance.now()
    const lap = (phase: keyof Simulation['timings']) => {
      const now = performance.now()
      this.timings[phase] += now - mark
      mark = now
    }
    await this.setup()
    lap('setup')
    this.throwIfViolated()
    const total = OPS.reduce((s, [, w]) => s + w, 0)
    for (this.step = 1; this.step <= this.config.steps; this.step++) {
      this.t.clock.advance(1_000)
      let r = this.rng() * total
      const op = OPS.find(([, w]) => (r -= w) < 0)![0]
      await this.runOp(op)
      lap('steps')
      await this.checkStep()
      lap('checks')
      this.throwIfViolated()
    }
    this.step++
    await this.quiesce()
    lap('quiesce')
    this.throwIfViolated()
    await this.checkFinal()
    lap('final')
    this.throwIfViolated()
  }

  async runOp(op: Op): Promise<void> {
    const repDevices = this.devices.filter((d) => d.user.role === 'rep')
    switch (op) {
      case 'create':
        return this.opCreate(this.pick(repDevices))
      case 'edit':
        return this.opEdit(this.pick(repDevices))
      case 'conflict':
        return this.opConflict()
      case 'reassign':
        return this.opReassign()
      case 'move':
        return this.opMove()
      case 'toggle':
        return this.opToggle()
      case 'sync':
        return this.opSync()
      case 'kill':
        return this.opKill(this.pick(this.devices))
      case 'poison':
        return this.opPoison(this.pick(repDevices))
      case 'tab':
        return this.opTab(this.pick(this.devices))
      case 'session':
        return this.opSession(this.pick(this.devices))
      case 'evict':
        return this.opEvict(this.pick(this.devices))
      case 'deactivate':
        return this.opDeactivate(this.pick(repDevices))
      case 'attach':
        return this.opAttach()
      case 'offline': {
        const d = this.pick(this.devices)
        d.offline = !d.offline
        this.note(`${d.name} goes ${d.offline ? 'offline' : 'online'}`)
        return
      }
    }
  }

  // ---------------------------------------------------------------- generated data

  address(): { type: (typeof ADDRESS_TYPES)[number]; street: string; zip: string; city: string } {
    const [zip, city] = this.pick(CITIES)
    return { type: this.chance(0.8) ? 'home' : this.pick(ADDRESS_TYPES), street: this.chance(0.7) ? `${this.pick(STREETS)} ${1 + this.int(99)}` : '', zip, city }
  }
  phone(): { type: (typeof PHONE_TYPES)[number]; number: string } {
    return { type: this.pick(PHONE_TYPES), number: this.chance(0.5) ? `0171 ${100_000 + this.int(900_000)}` : `+49 221 ${10_000 + this.int(90_000)}` }
  }
  email(): { type: (typeof EMAIL_TYPES)[number]; address: string } {
    return { type: this.pick(EMAIL_TYPES), address: `Kunde.${this.int(1000)}@Example.de` }
  }
  bankAccount(): { iban: string; bic?: string | null; holder?: string | null; label?: string | null } {
    const iban = germanIban(String(10_000_000 + this.int(89_999_999)), String(this.int(1e9)))
    return { iban: this.chance(0.5) ? iban.replace(/(.{4})/g, '$1 ').trim() : iban, ...(this.chance(0.3) ? { bic: 'COBADEFFXXX' } : {}), ...(this.chance(0.3) ? { label: 'Beiträge' } : {}) }
  }
  birthDate(): string {
    return `19${50 + this.int(50)}-0${1 + this.int(9)}-1${this.int(10)}`
  }

  /** A new customer as the form sends it (version 2): a person mostly, sometimes a company, lists of random length. */
  newCustomerInput(): CreateCustomerInput & { id: string } {
    const id = uuidv7()
    this.customerOrder.push(id)
    const company = this.chance(0.1)
    const input: CreateCustomerInput & { id: string } = {
      id,
      kind: company ? 'company' : 'person',
      status: this.pick(CUSTOMER_STATUSES),
      firstName: company ? '' : this.pick(FIRST_NAMES),
      lastName: company ? `${this.pick(LAST_NAMES)} GmbH` : this.pick(LAST_NAMES),
    }
    if (this.chance(0.5)) input.addresses = this.chance(0.2) ? [this.address(), { ...this.address(), type: 'postal' }] : [this.address()]
    if (this.chance(0.35)) input.phones = this.chance(0.3) ? [this.phone(), this.phone()] : [this.phone()]
    if (this.chance(0.2)) input.emails = [this.email()]
    if (this.chance(0.15)) input.bankAccounts = [this.bankAccount()]
    if (this.chance(0.2)) input.tags = [this.pick(['VIP', 'Kfz', 'Neukunde'])]
    if (!company && this.chance(0.3)) input.birthDate = this.birthDate()
    if (!company && this.chance(0.2)) input.salutation = this.pick(SALUTATIONS)
    return input
  }

  /** A customer as an older app version recorded it (version 1: one phone, e-mail, address). */
  newCustomerInputV1(): Record<string, string> & { id: string } {
    const id = uuidv7()
    this.customerOrder.push(id)
    const input: Record<string, string> & { id: string } = { id, firstName: this.pick(FIRST_NAMES), lastName: this.pick(LAST_NAMES) }
    const [zip, city] = this.pick(CITIES)
    if (this.chance(0.5)) Object.assign(input, { zip, city })
    if (this.chance(0.3)) input.phone = `0171 ${100_000 + this.int(900_000)}`
    if (this.chance(0.2)) input.email = `Kunde.${this.int(1000)}@Example.de`
    return input
  }

  /** A version-1 field value (strings); invalid ones for the server to refuse. */
  fieldValueV1(field: CustomerV1Field, valid: boolean): string | null {
    if (!valid) {
      const invalid: Partial<Record<CustomerV1Field, string>> = { zip: 'abc', email: 'kein-at', birthDate: '1990-13-45', lastName: '', firstName: '' }
      return invalid[field] ?? 'x'.repeat(field === 'phone' ? 41 : 201)
    }
    if (this.chance(0.1) && !['firstName', 'lastName'].includes(field)) return this.chance(0.5) ? '' : null
    switch (field) {
      case 'firstName':
        return this.pick(FIRST_NAMES)
      case 'lastName':
        return this.pick(LAST_NAMES)
      case 'birthDate':
        return this.birthDate()
      case 'phone':
        return `+49 171 ${100_000 + this.int(900_000)}`
      case 'email':
        return `Kunde${this.int(100)}@Example.de`
      case 'street':
        return `${this.pick(STREETS)} ${1 + this.int(99)}`
      case 'zip':
        return this.pick(CITIES)[0]
      case 'city':
        return this.pick(CITIES)[1]
    }
  }

  /** A new value for one field of `row` as the form would send it (lists edited from their current entries); sometimes an invalid one. */
  fieldValue(field: CustomerEditableField, row: CustomerRow, valid: boolean): unknown {
    if (!valid) {
      const invalid: Record<CustomerEditableField, unknown> = {
        kind: 'robot',
        status: 'vip',
        salutation: 'herr',
        title: 'x'.repeat(41),
        firstName: row.kind === 'person' ? '' : 'x'.repeat(101),
        lastName: '',
        birthName: 'x'.repeat(101),
        birthDate: '1990-13-45',
        nationality: 'Deutschland',
        maritalStatus: 'kompliziert',
        occupation: 'x'.repeat(101),
        employer: 'x'.repeat(151),
        addresses: [{ type: 'home', zip: 'abc', city: 'Köln' }],
        phones: [{ type: 'mobile', number: 'keine Nummer' }],
        emails: [{ type: 'private', address: 'kein-at' }],
        bankAccounts: [{ iban: 'DE00 1234 5678' }],
        tags: [''],
        remarks: 'x'.repeat(5001),
      }
      return invalid[field]
    }
    const optional = (make: () => unknown) => (this.chance(0.15) ? (this.chance(0.5) ? '' : null) : make())
    const edit = <T>(list: T[], make: () => T): T[] => {
      const r = this.rng()
      if (list.length && r < 0.45) return [make(), ...list.slice(1)]
      if (list.length && r < 0.6) return list.slice(1)
      return [...list, make()].slice(0, 10)
    }
    switch (field) {
      case 'kind':
        return row.kind === 'person' ? 'company' : 'person'
      case 'status':
        return this.pick(CUSTOMER_STATUSES)
      case 'salutation':
        return optional(() => this.pick(SALUTATIONS))
      case 'title':
        return optional(() => this.pick(['Dr.', 'Prof.', 'Dipl.-Ing.']))
      case 'firstName':
        return row.kind === 'company' && this.chance(0.5) ? '' : this.pick(FIRST_NAMES)
      case 'lastName':
        return this.pick(LAST_NAMES)
      case 'birthName':
        return optional(() => this.pick(LAST_NAMES))
      case 'birthDate':
        return optional(() => this.birthDate())
      case 'nationality':
        return optional(() => this.pick(['DE', 'at', 'TR', 'PL']))
      case 'maritalStatus':
        return optional(() => this.pick(MARITAL_STATUSES))
      case 'occupation':
        return optional(() => this.pick(['Lehrerin', 'Tischler', 'Ärztin']))
      case 'employer':
        return optional(() => this.pick(['Stadt Köln', 'Ford-Werke GmbH']))
      case 'addresses':
        return edit(row.addresses as unknown[], () => this.address())
      case 'phones':
        return edit(row.phones as unknown[], () => this.phone())
      case 'emails':
        return edit(row.emails as unknown[], () => this.email())
      case 'bankAccounts':
        return edit(row.bankAccounts as unknown[], () => this.bankAccount())
      case 'tags': {
        const tag = this.pick(['VIP', 'Kfz', 'Neukunde', 'Gewerbe'])
        return row.tags.includes(tag) ? row.tags.filter((t) => t !== tag) : [...row.tags, ` ${tag} `]
      }
      case 'remarks':
        return optional(() => `Rückruf ${this.int(100)}`)
    }
  }

  /** Fields edited together (contact lists most often), with new values relative to `row`. */
  editValues(row: CustomerRow): Partial<Record<CustomerEditableField, unknown>> {
    const values: Partial<Record<CustomerEditableField, unknown>> = {}
    const n = 1 + this.int(2)
    for (let i = 0; i < n; i++) {
      const field = this.chance(0.5) ? this.pick(['addresses', 'phones', 'emails', 'tags'] as const) : this.pick(CUSTOMER_EDITABLE_FIELDS.filter((f) => f !== 'kind' || this.chance(0.2)))
      values[field] = this.fieldValue(field, row, !this.chance(0.08))
    }
    return values
  }

  /**
   * An edit as an app version from before the customer file recorded it (updateCustomer v1: the
   * first phone, e-mail and address as plain fields), with its local effect, as that version
   * wrote both. `from` is what that device showed: the row's version-1 view.
   */
  async writeV1Edit(db: FeldakteDb, row: CustomerRow, values: Partial<Record<CustomerV1Field, string | null>>): Promise<MutationReceipt | null> {
    const view = v1View(row)
    // That version sent changed fields only (its form compared with what the device showed).
    const changed = Object.entries(values).filter(([f, to]) => !sameValue(typeof to === 'string' ? to.trim() : to, view[f as CustomerV1Field]))
    if (!changed.length) return null
    const changes = Object.fromEntries(changed.map(([f, to]) => [f, { from: view[f as CustomerV1Field], to }]))
    return runMutation(db, getMutator('updateCustomer', 1)!, { id: row.id, changes })
  }

  editValuesV1(): Partial<Record<CustomerV1Field, string | null>> {
    const values: Partial<Record<CustomerV1Field, string | null>> = {}
    const n = 1 + this.int(2)
    for (let i = 0; i < n; i++) {
      const field = this.chance(0.5) ? this.pick(['city', 'phone'] as const) : this.pick(CUSTOMER_V1_FIELDS)
      values[field] = this.fieldValueV1(field, !this.chance(0.08))
    }
    return values
  }

  /** A create or an edit of `row` (null: create): mostly version 2, sometimes version 1 from an old outbox. */
  async writeSomething(device: Device, row: CustomerRow | null, note = ''): Promise<void> {
    const v1 = this.chance(0.2)
    if (!row) {
      if (v1) {
        const input = this.newCustomerInputV1()
        await this.localWrite(device, `createCustomer v1 ${short(input.id)} ${input.lastName}${note}`, (db) => runMutation(db, getMutator('createCustomer', 1)!, input))
      } else {
        const input = this.newCustomerInput()
        await this.localWrite(device, `createCustomer ${short(input.id)} ${input.kind} ${input.lastName}${note}`, (db) => createCustomer(db, input))
      }
      return
    }
    if (v1) {
      const values = this.editValuesV1()
      await this.localWrite(device, `updateCustomer v1 ${short(row.id)} ${JSON.stringify(values)}${note}`, (db) => this.writeV1Edit(db, row, values))
    } else {
      const values = this.editValues(row)
      await this.localWrite(device, `updateCustomer ${short(row.id)} ${JSON.stringify(values)}${note}`, (db) => updateCustomer(db, row.id, values))
    }
  }

  /** Runs a local write on a live page and records it as saved when it resolved. */
  async localWrite(device: Device, label: string, write: (db: FeldakteDb) => Promise<MutationReceipt | null>, tab = this.liveTab(device)): Promise<MutationReceipt | null> {
    const before = await getMeta(tab.db, 'nextSeq')
    try {
      const receipt = await write(tab.db)
      if (receipt) this.recordReceipt(device, receipt, label)
      else this.note(`${device.name}/${tab.no} ${label}: nothing changed`)
      return receipt
    } catch (e) {
      if (!(e instanceof MutationArgsError) && !(e instanceof LocalWriteError && e.reason === 'not-found')) throw e
      // Nothing may be stored after a refused write.
      const after = await getMeta(tab.db, 'nextSeq')
      this.assert(after === before && !(await tab.db.outbox.get(before!)), `${device.name}: a refused write (${label}) left an outbox entry`)
      this.note(`${device.name}/${tab.no} ${label.slice(0, 100)}: refused on the device (${e.message})`)
      return null
    }
  }

  recordReceipt(device: Device, receipt: MutationReceipt, label: string): void {
    label = label.length > 140 ? `${label.slice(0, 140)}…` : label
    this.stats.mutations++
    device.receipts.push({ clientId: device.clientId, seq: receipt.seq, mutationId: receipt.mutationId, name: label.split(' ')[0]!, step: this.step })
    this.note(`${device.name} saved seq ${receipt.seq} ${label}`)
  }

  /** Device rows in creation order (random ids must not decide what is picked). */
  async rowsOf(device: Device): Promise<LocalCustomer[]> {
    const rows = await this.liveTab(device).db.customers.toArray()
    const order = new Map(this.customerOrder.map((id, i) => [id, i]))
    return rows.sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9))
  }

  async opCreate(device: Device): Promise<void> {
    await this.writeSomething(device, null)
  }

  async opEdit(device: Device): Promise<void> {
    const rows = await this.rowsOf(device)
    if (!rows.length) return this.opCreate(device)
    // Mostly own customers; a downline's customer is readable but not writable (quarantined).
    const own = rows.filter((r) => r.ownerRepId === device.user.id)
    const row = own.length && this.chance(0.8) ? this.pick(own) : this.pick(rows)
    await this.writeSomething(device, row)
  }

  /** The same field of one customer changed on two devices before either syncs (T10), in either version. */
  async opConflict(): Promise<void> {
    const reps = this.devices.filter((d) => d.user.role === 'rep')
    const a = this.pick(reps)
    const others = reps.filter((d) => d !== a)
    const b = others.find((d) => d.user.id === a.user.id) ?? this.pick(others)
    const rowsA = await this.rowsOf(a)
    const idsB = new Set((await this.rowsOf(b)).map((r) => r.id))
    const shared = rowsA.filter((r) => idsB.has(r.id))
    if (!shared.length) return this.opEdit(a)
    const id = this.pick(shared).id
    const field = this.pick(['phones', 'addresses', 'tags', 'remarks'] as const)
    for (const d of [a, b]) {
      const row = (await this.liveTab(d).db.customers.get(id))!
      if (this.chance(0.25)) {
        const values = { [field === 'addresses' ? 'city' : 'phone']: this.fieldValueV1(field === 'addresses' ? 'city' : 'phone', true) }
        await this.localWrite(d, `updateCustomer v1 ${short(id)} ${JSON.stringify(values)} (conflict)`, (db) => this.writeV1Edit(db, row, values))
      } else {
        const values = { [field]: this.fieldValue(field, row, true) }
        await this.localWrite(d, `updateCustomer ${short(id)} ${JSON.stringify(values)} (conflict)`, (db) => updateCustomer(db, id, values))
      }
    }
  }

  /** Notes, consents and relations another device or the server wrote for a customer (straight into the database). */
  async opAttach(): Promise<void> {
    await this.serial(() => {
      const live = this.query<{ id: string; ownerRepId: string }>('SELECT id, owner_rep_id AS ownerRepId FROM customers WHERE deleted_at IS NULL ORDER BY id')
      if (!live.length) return
      const order = new Map(this.customerOrder.map((id, i) => [id, i]))
      const c = this.pick(live.sort((x, y) => (order.get(x.id) ?? 1e9) - (order.get(y.id) ?? 1e9)))
      const detach = this.chance(0.25) ? this.query<{ id: string; t: string }>("SELECT id, 'notes' AS t FROM notes WHERE deleted_at IS NULL UNION ALL SELECT id, 'consents' FROM consents WHERE deleted_at IS NULL ORDER BY id") : []
      this.t.db.transaction((tx) => {
        const rev = nextRev(tx)
        const at = this.t.clock.now().toISOString()
        if (detach.length) {
          const gone = this.pick(detach)
          const table = gone.t === 'notes' ? notes : consents
          tx.update(table).set({ deletedAt: at, updatedAt: at, rev }).where(eq(table.id, gone.id)).run()
          this.note(`server deletes ${gone.t} ${short(gone.id)}`)
          return
        }
        const common = { customerId: c.id, ownerRepId: c.ownerRepId, createdAt: at, updatedAt: at, rev }
        const kind = this.int(3)
        const id = uuidv7()
        if (kind === 0) tx.insert(notes).values({ ...common, id, kind: 'phone', direction: 'inbound', occurredAt: at, text: `Anruf ${this.step}`, authorId: c.ownerRepId }).run()
        else if (kind === 1) tx.insert(consents).values({ ...common, id, type: 'privacy', givenOn: this.date, createdBy: c.ownerRepId }).run()
        else tx.insert(customerRelations).values({ ...common, id, pairId: id, type: 'child', person: { firstName: 'Kind', lastName: String(this.step), birthDate: null, occupation: null }, createdBy: c.ownerRepId }).run()
        this.note(`server attaches ${['note', 'consent', 'relation'][kind]} ${short(id)} to ${short(c.id)} (owner ${this.users.get(c.ownerRepId)?.label})`)
      })
    })
  }

  /** Back office hands a customer to another rep (its device holds no customer rows). */
  async opReassign(): Promise<void> {
    const device = this.devices.find((d) => d.user.role === 'backoffice')!
    if (!this.customerOrder.length) return
    const id = this.pick(this.customerOrder)
    const target = this.chance(0.05) ? this.office : this.pick(this.reps)
    await this.localWrite(device, `reassignCustomer ${short(id)} → ${target.label}`, (db) =>
      // The mutator records the intent without a local row; a client that still needs the row gets the same entry written directly.
      reassignCustomer(db, id, target.id).catch((e: unknown) =>
        e instanceof LocalWriteError && e.reason === 'not-found' ? writeRawMutation(db, 'reassignCustomer', 1, { id, ownerRepId: target.id }) : Promise.reject(e),
      ),
    )
  }

  async opMove(): Promise<void> {
    const rep = this.pick(this.reps)
    const target = this.chance(0.25) ? null : this.pick(this.reps)
    await this.serial(() => {
      try {
        org.moveRep({ db: this.t.db, clock: this.t.clock, passwordLogN: 10 }, SYSTEM, rep.id, { uplineId: target?.id ?? null, validFrom: this.date })
        this.note(`move ${rep.label} under ${target?.label ?? '-'}`)
      } catch (e) {
        this.note(`move ${rep.label} under ${target?.label ?? '-'} refused (${(e as Error).message})`)
      }
    })
  }

  async opToggle(): Promise<void> {
    await this.serial(() => {
      const next = !getSettings(this.t.db).downlineReadAccess
      updateSettings(this.t.db, SYSTEM, this.t.clock, { downlineReadAccess: next })
      this.note(`downlineReadAccess ${next}`)
    })
  }

  async round(device: Device, tab: Tab): Promise<SyncReport> {
    const report = await tab.engine.syncOnce()
    if (tab.alive) {
      device.lastRound = report
      // Injected faults end a round as offline or server; anything else must have a reason here.
      const e = report.error
      const expected =
        !e ||
        e.kind === 'offline' ||
        e.kind === 'server' ||
        (e.kind === 'protocol' && e.code === 'STALE_PULL' && !this.config.webLocks) ||
        (e.kind === 'unauthenticated' && !device.cookie) ||
        (e.kind === 'deactivated' && !!device.user.deactivated)
      if (!expected) this.violation(`${device.name}/${tab.no}: round failed unexpectedly: ${e.kind} ${e.code ?? ''} ${e.message}`)
    }
    const r = report
    this.note(
      `${device.name}/${tab.no} round ${r.ok ? 'ok' : `failed ${r.error?.kind}${r.error?.code ? ` ${r.error.code}` : ''}`} applied ${r.applied} quarantined ${r.quarantined} pages ${r.pulledPages}${r.complete ? ' complete' : ''}`,
    )
    return report
  }

  /** Several devices sync at once; sometimes the user keeps typing during the round. */
  async opSync(): Promise<void> {
    const chosen = this.devices.filter(() => this.chance(0.6))
    if (!chosen.length) chosen.push(this.pick(this.devices))
    for (const d of chosen) d.lastRound = null
    const tasks: Promise<unknown>[] = chosen.flatMap((d) => {
      // Sometimes every open tab of the device syncs at once (T3; without Web Locks truly in parallel).
      const live = d.tabs.filter((t) => t.alive)
      const tabs = live.length > 1 && this.chance(0.5) ? live : [this.liveTab(d)]
      return tabs.map(async (tab) => {
        await ticks(d.rng() < 0.5 ? 0 : Math.floor(d.rng() * 10))
        return this.round(d, tab)
      })
    })
    const writer = chosen.find((d) => d.user.role === 'rep')
    if (writer && this.chance(0.3)) {
      const wait = this.int(40)
      const rows = this.chance(0.5) ? [] : await this.rowsOf(writer)
      const row = rows.length ? this.pick(rows) : null
      // Decided now (the random sequence must not depend on timing), written during the round.
      const v1 = this.chance(0.2)
      const input = row ? null : v1 ? this.newCustomerInputV1() : this.newCustomerInput()
      const values = row ? (v1 ? this.editValuesV1() : this.editValues(row)) : null
      const label = `${row ? 'updateCustomer' : 'createCustomer'}${v1 ? ' v1' : ''} ${short(row?.id ?? input!.id)} ${values ? JSON.stringify(values) : ''} (during sync)`
      tasks.push(
        ticks(wait).then(() =>
          this.localWrite(writer, label, async (db) => {
            if (!row) return v1 ? runMutation(db, getMutator('createCustomer', 1)!, input) : createCustomer(db, input as CreateCustomerInput)
            // The row as the device shows it when the user saves (a pull may have changed it meanwhile).
            const current = await db.customers.get(row.id)
            if (!current) throw new LocalWriteError('not-found')
            return v1 ? this.writeV1Edit(db, current, values as Partial<Record<CustomerV1Field, string | null>>) : updateCustomer(db, row.id, values!)
          }),
        ),
      )
    }
    await Promise.all(tasks)
    for (const d of chosen) {
      if (!d.lastRound?.ok || !d.lastRound.complete) continue
      const db = this.liveTab(d).db
      await this.checkPulled(d, db, await getMeta(db, 'cookie'), true)
    }
  }

  /** The page dies during a sync round or a local write, and is opened again (T5, T6). */
  async opKill(device: Device): Promise<void> {
    const tab = this.liveTab(device)
    if (device.user.role === 'rep' && this.chance(0.35)) {
      // A local write takes about seven ticks: most kills land inside its transaction.
      const wait = this.int(10)
      const input = this.newCustomerInput()
      const before = (await getMeta(tab.db, 'nextSeq'))!
      let saved: MutationReceipt | null = null
      const write = createCustomer(tab.db, input).then(
        (r) => (saved = r),
        (e: unknown) => {
          if (!(e instanceof LocalWriteError)) this.violation(`a write cut by a closed page failed with ${String(e)}`)
        },
      )
      await ticks(wait)
      this.kill(device, tab)
      await write
      const reopened = device.tabs.find((t) => t.alive) ?? (await this.openTab(device))
      const entry = await reopened.db.outbox.get(before)
      const row = await reopened.db.customers.get(input.id)
      this.note(`${device.name}/${tab.no} killed ${wait} ticks into createCustomer ${short(input.id)}: ${saved ? 'saved' : 'not saved'}, entry ${entry ? 'kept' : 'none'}, row ${row ? 'kept' : 'none'}`)
      if (saved) this.recordReceipt(device, saved, `createCustomer ${short(input.id)} (before the kill)`)
      // T5: either both the row and its outbox entry, or neither; "saved" only if both.
      this.assert(!!entry === !!row, `${device.name}: after a kill the outbox entry and the row disagree (entry ${!!entry}, row ${!!row})`)
      this.assert(!saved || !!entry, `${device.name}: a write reported as saved is gone after the kill`)
      this.assert(saved !== null || !entry, `${device.name}: a write that reported failure was stored anyway`)
      return
    }
    const wait = this.int(this.chance(0.5) ? 30 : 200)
    const round = tab.engine.syncOnce()
    this.later(round)
    await ticks(wait)
    this.note(`${device.name}/${tab.no} killed ${wait} ticks into a sync round`)
    this.kill(device, tab)
    if (!device.tabs.some((t) => t.alive)) await this.openTab(device)
  }

  /** Mutations the server can never apply (T7); they must end in both quarantines with their payload. */
  async opPoison(device: Device): Promise<void> {
    const rows = await this.rowsOf(device)
    const row = rows.length ? this.pick(rows) : null
    const kind = this.int(7)
    if (kind === 0 && row) {
      await this.localWrite(device, `updateCustomer ${short(row.id)} zip "abc" (raw, invalid)`, (db) =>
        writeRawMutation(db, 'updateCustomer', 2, { id: row.id, changes: { addresses: { from: row.addresses, to: [{ type: 'home', street: '', zip: 'abc', city: 'Köln', country: 'DE' }] } } }),
      )
    } else if (kind === 1) {
      const id = uuidv7()
      this.customerOrder.push(id)
      await this.localWrite(device, `createCustomer ${short(id)} without lastName (raw, invalid)`, (db) => writeRawMutation(db, 'createCustomer', 1, { id, firstName: 'Ohne' }))
    } else if (kind === 2) {
      await this.localWrite(device, 'archiveCustomer (raw, unknown mutation)', (db) => writeRawMutation(db, 'archiveCustomer', 1, { id: row?.id ?? uuidv7() }))
    } else if (kind === 3 && row) {
      // A rep may not reassign; the device shows it until the server refuses.
      const target = this.pick(this.reps)
      await this.localWrite(device, `reassignCustomer ${short(row.id)} → ${target.label} (by a rep)`, (db) => mutate(db, 'reassignCustomer', { id: row.id, ownerRepId: target.id }))
    } else if (kind === 4) {
      const owner = this.chance(0.5) ? this.office : this.pick(this.reps)
      const input = { ...this.newCustomerInput(), ownerRepId: owner.id }
      await this.localWrite(device, `createCustomer ${short(input.id)} for ${owner.label}`, (db) => createCustomer(db, input))
    } else if (kind === 5 && this.customerOrder.length) {
      // An id the server may already have (ID_TAKEN) while this device does not hold it.
      const id = this.pick(this.customerOrder)
      await this.localWrite(device, `createCustomer ${short(id)} (reused id)`, (db) => createCustomer(db, { id, firstName: 'Doppelt', lastName: 'Vergeben', phones: [{ type: 'mobile', number: '0171 000000' }] }))
    } else {
      await this.localWrite(device, 'updateCustomer v99 (raw, unknown version)', (db) => writeRawMutation(db, 'updateCustomer', 99, { id: row?.id ?? uuidv7(), changes: { tags: { from: [], to: ['Köln'] } } }))
    }
  }

  /** The session ends (expired, signed out elsewhere): 401, the outbox stays; later the user signs in again. */
  async opSession(device: Device): Promise<void> {
    // A deactivated user cannot sign in again; their device keeps its session for the last upload.
    if (device.user.deactivated) return
    await this.serial(() => {
      if (device.cookie) {
        const token = device.cookie.split('=')[1]!
        this.t.db.delete(sessions).where(eq(sessions.tokenHash, createHash('sha256').update(token).digest('hex'))).run()
        device.cookie = null
        this.note(`${device.name}: session ended`)
      } else {
        device.cookie = this.openSession(device.user.id)
        this.note(`${device.name}: signed in again`)
      }
    })
  }

  /**
   * The browser evicts the database (T15), here only while nothing waits for upload: the device
   * comes back under a new client id and pulls everything again.
   */
  async opEvict(device: Device): Promise<void> {
    const tab = this.liveTab(device)
    const waiting = await tab.db.outbox.count()
    if (waiting) return this.note(`${device.name}: no eviction, ${waiting} entries wait for upload`)
    for (const t of [...device.tabs]) this.kill(device, t)
    await new Promise<void>((resolve, reject) => {
      const req = device.factory.deleteDatabase(tab.db.name)
      req.onsuccess = () => resolve()
      req.onerror = () => reject(req.error)
    })
    const old = device.clientId
    await this.openTab(device, true)
    this.note(`${device.name}: database evicted, client ${short(old)} → ${short(device.clientId)}`)
  }

  /**
   * A rep is deactivated while their devices may hold unsent changes (T11): the devices upload
   * their outboxes into quarantine (USER_INACTIVE), nothing is lost or sent twice, pulls are refused.
   */
  async opDeactivate(device: Device): Promise<void> {
    const user = device.user
    if (user.deactivated || this.reps.filter((r) => !r.deactivated).length <= 2) return
    await this.serial(() => {
      org.deactivateUser({ db: this.t.db, clock: this.t.clock, passwordLogN: 10 }, SYSTEM, user.id, this.date)
      user.deactivated = { rev: currentRev(this.t.db) }
      // The devices keep (or get back) a session: it is what lets them upload the outbox.
      for (const d of this.devices) if (d.user === user) d.cookie ??= this.openSession(user.id)
      this.note(`${user.label} deactivated at rev ${user.deactivated.rev}`)
    })
  }

  async opTab(device: Device): Promise<void> {
    const live = device.tabs.filter((t) => t.alive)
    if (live.length < 2) {
      const tab = await this.openTab(device)
      this.note(`${device.name} opens tab ${tab.no}`)
    } else {
      const tab = this.pick(live)
      tab.alive = false
      tab.db.close()
      device.tabs = device.tabs.filter((t) => t !== tab)
      this.note(`${device.name} closes tab ${tab.no}`)
    }
  }

  // ---------------------------------------------------------------- invariants

  /** After every step: nothing lost, no seq skipped, settled entries where they belong. */
  async checkStep(): Promise<void> {
    type Processed = { clientId: string; seq: number; mutationId: string; status: string; code: string | null }
    const serverMutations = new Map(
      this.query<Processed>('SELECT client_id AS clientId, seq, mutation_id AS mutationId, status, code FROM sync_mutations').map((m) => [`${m.clientId}:${m.seq}`, m]),
    )
    const serverQuarantine = new Map(
      this.query<{ id: string; clientId: string; seq: number; args: string | null }>('SELECT id, client_id AS clientId, seq, args FROM quarantine').map((q) => [q.id, q]),
    )
    for (const device of this.devices) {
      const db = this.liveTab(device).db
      const lastSeq = this.serverLastSeq(device.clientId)
      const [outbox, nextSeq, local, held] = await Promise.all([db.outbox.orderBy('seq').toArray(), getMeta(db, 'nextSeq'), db.quarantine.toArray(), this.deviceRows(db)])
      const top = (nextSeq ?? 1) - 1
      const seqs = outbox.map((e) => e.seq)
      this.assert(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1), `${device.name}: outbox has holes: ${seqs.join(',')}`)
      if (seqs.length) this.assert(seqs[seqs.length - 1] === top, `${device.name}: newest outbox seq ${seqs[seqs.length - 1]} but nextSeq ${nextSeq}`)
      this.assert(lastSeq <= top, `${device.name}: server last_seq ${lastSeq} beyond the device's newest seq ${top}`)
      // Every seq the server has not taken yet must still be on the device.
      if (lastSeq < top) this.assert(seqs[0] !== undefined && seqs[0] <= lastSeq + 1, `${device.name}: seqs ${lastSeq + 1}…${top} not on the server, outbox starts at ${seqs[0] ?? 'nothing'}`)
      const inOutbox = new Map(outbox.map((e) => [e.seq, e]))
      const localById = new Map(local.map((q) => [q.id, q]))
      for (const r of device.receipts) {
        const entry = r.clientId === device.clientId ? inOutbox.get(r.seq) : undefined
        if (entry) {
          this.assert(entry.id === r.mutationId, `${device.name}: outbox seq ${r.seq} holds another mutation`)
          continue
        }
        const server = serverMutations.get(`${r.clientId}:${r.seq}`)
        if (!server || server.mutationId !== r.mutationId) {
          this.violation(`${device.name}: saved mutation seq ${r.seq} (${r.name}, step ${r.step}) left the outbox but the server does not have it — lost`)
          continue
        }
        if (server.status === 'rejected') {
          const q = localById.get(r.mutationId)
          // An evicted database took its local quarantine along; the server keeps it.
          if (r.clientId === device.clientId) this.assert(!!q, `${device.name}: rejected mutation seq ${r.seq} (${server.code}) is not in the device's quarantine`)
          this.assert(serverQuarantine.has(r.mutationId), `${device.name}: rejected mutation seq ${r.seq} is not in the server's quarantine`)
        } else {
          this.assert(!localById.has(r.mutationId), `${device.name}: applied mutation seq ${r.seq} sits in the device's quarantine`)
        }
      }
      for (const q of local) {
        const server = serverQuarantine.get(q.id)
        const args: unknown = server?.args == null ? null : JSON.parse(server.args)
        this.assert(!!server && server.clientId === device.clientId && server.seq === q.seq && isDeepStrictEqual(args, q.args ?? null), `${device.name}: local quarantine entry seq ${q.seq} does not match the server's quarantine`)
      }
      // A row shown as "nicht synchronisiert" must have something in the outbox.
      const pendingKeys = new Set(outbox.flatMap((e) => keysOf(e).map((k) => `${k.table}/${k.id}`)))
      for (const table of ROW_TABLES) {
        for (const row of held[table]) if (row.pending) this.assert(pendingKeys.has(`${table}/${row.id}`), `${device.name}: ${table} row ${short(row.id)} marked pending without an outbox entry`)
      }
      // And the other way round: a change the server has not taken yet stays visible as pending.
      const byKey = new Map<string, { pending?: unknown }>(ROW_TABLES.flatMap((table) => held[table].map((r) => [`${table}/${r.id}`, r] as const)))
      for (const e of outbox) {
        if (e.seq <= lastSeq) continue
        for (const k of keysOf(e)) {
          const row = byKey.get(`${k.table}/${k.id}`)
          if (row) this.assert(!!row.pending, `${device.name}: row ${short(k.id)} shown as synced although seq ${e.seq} (${e.name}) is not on the server`)
        }
      }
    }
    const count = (query: string) => (this.t.db.$client.prepare(query).get() as { n: number }).n
    const dupIds = count('SELECT COUNT(*) AS n FROM (SELECT mutation_id FROM sync_mutations GROUP BY mutation_id HAVING COUNT(*) > 1)')
    this.assert(dupIds === 0, `a mutation id was processed under two seqs`)
    const dupHistory = count('SELECT COUNT(*) AS n FROM (SELECT mutation_id, field FROM customer_field_history GROUP BY mutation_id, field HAVING COUNT(*) > 1)')
    this.assert(dupHistory === 0, `field history holds a change twice for one mutation`)
  }

  /**
   * The device's rows against what its user could see when the server answered the page with
   * `cookie`: rows without pending changes are the server's rows (no row outside the scope, same
   * values); pending rows sit on the server's version or are not on the server yet. After the last
   * page (`complete`) no visible row may be missing; after a page that started over (clear) and
   * has more to come, the device must not call itself complete (T17).
   */
  async checkPulled(device: Device, db: FeldakteDb, cookie: string | null | undefined, complete: boolean): Promise<void> {
    this.stats[complete ? 'roundChecks' : 'pageChecks']++
    const page = this.snapshots.get(`${device.clientId}|${cookie}`)
    if (!page) return this.violation(`${device.name}: pulled, but the server never sent a page with cookie ${cookie}`)
    if (complete && page.more) return this.violation(`${device.name}: round reported complete after a page with more=true`)
    const [held, initialSyncComplete] = await db.transaction('r', [...db.syncedTables(), db.meta], () => Promise.all([this.deviceRows(db), getMeta(db, 'initialSyncComplete')]))
    const what = complete ? 'complete pull' : 'pull page'
    if (page.clear && page.more) this.assert(initialSyncComplete === false, `${device.name}: initial sync marked complete in the middle of a full resync`)
    for (const table of ROW_TABLES) {
      const rows = held[table]
      const ids = new Set(rows.map((r) => r.id))
      for (const row of rows) {
        const server = page.rows[table].get(row.id)
        if (row.pending) {
          const base = row.pending.base
          if (base) this.assert(isDeepStrictEqual(base, server), `${device.name} after ${what}: pending ${table} row ${short(row.id)} sits on a base that is not the server's visible row`)
          else this.assert(!server, `${device.name} after ${what}: pending creation ${short(row.id)} although the server sent the row`)
        } else if (!server) {
          this.violation(`${device.name} after ${what}: holds ${table} ${short(row.id)} (owner ${this.users.get(row.ownerRepId as string)?.label}) outside what ${device.user.label} may see`)
        } else {
          const mine = serverRowOf(table, row)
          this.assert(isDeepStrictEqual(mine, server), `${device.name} after ${what}: ${table} row ${short(row.id)} differs from the server: ${JSON.stringify(mine)} vs ${JSON.stringify(server)}`)
        }
        // A note, consent or relation is only ever held together with its customer (customers are filled first).
        if (table !== 'customers' && !row.pending) this.assert(page.rows.customers.has(row.customerId as string), `${device.name} after ${what}: ${table} ${short(row.id)} of a customer the user may not see`)
      }
      if (complete) for (const id of page.rows[table].keys()) this.assert(ids.has(id), `${device.name}: complete pull but ${table} row ${short(id)} is missing`)
    }
  }

  /** The rows of every rep-owned synced table on the device, as stored (pending marks included). */
  async deviceRows(db: FeldakteDb): Promise<Record<RowTable, (Record<string, unknown> & { id: string; pending?: { base: Record<string, unknown> | null } })[]>> {
    const [customers, relations, consents, notes] = await Promise.all(ROW_TABLES.map((t) => (db[t] as unknown as { toArray(): Promise<(Record<string, unknown> & { id: string })[]> }).toArray()))
    return { customers: customers!, relations: relations!, consents: consents!, notes: notes! }
  }

  // ---------------------------------------------------------------- the end

  /** All faults off; sync every device until a whole pass changes nothing on the server. */
  async quiesce(): Promise<void> {
    for (const d of this.devices) {
      d.faults = false
      d.offline = false
      d.cookie ??= this.openSession(d.user.id)
    }
    while (this.background.size) await Promise.all([...this.background])
    // Devices that must pull (again) because a push came after their last pull.
    let behind = this.devices
    for (let pass = 0; behind.length; pass++) {
      if (pass > 20) return this.violation('devices did not quiesce within 20 passes')
      let lastPusher = -1
      for (const [i, d] of behind.entries()) {
        const tab = this.liveTab(d)
        let report: SyncReport | null = null
        let pushed = 0
        // A deactivated user's device ends each round with the problem "deactivated" once its outbox is uploaded.
        const done = (r: SyncReport) => (d.user.deactivated ? r.error?.kind === 'deactivated' : r.ok && r.complete)
        for (let attempt = 0; attempt < 5; attempt++) {
          report = await this.round(d, tab)
          pushed += report.applied + report.quarantined
          if (done(report) && (await tab.db.outbox.count()) === 0) break
        }
        if (!report || !done(report)) return this.violation(`${d.name}: no clean round without faults (${report?.error?.kind} ${report?.error?.code ?? ''})`)
        if (pushed) lastPusher = i
      }
      while (this.background.size) await Promise.all([...this.background])
      behind = behind.slice(0, Math.max(0, lastPusher))
    }
  }

  async checkFinal(): Promise<void> {
    const db = this.t.db
    // Devices: outbox empty, seq not skipped, rows = what the user may see, quarantines equal.
    const serverQuarantine = db.select().from(quarantine).all()
    const byUser = new Map<string, { device: Device; rows: Record<RowTable, Record<string, unknown>[]> }[]>()
    for (const d of this.devices) {
      for (const tab of d.tabs.filter((t) => t.alive)) {
        const [outbox, nextSeq, local, stored, complete] = await Promise.all([
          tab.db.outbox.count(),
          getMeta(tab.db, 'nextSeq'),
          tab.db.quarantine.toArray(),
          this.deviceRows(tab.db),
          getMeta(tab.db, 'initialSyncComplete'),
        ])
        this.assert(outbox === 0, `${d.name}/${tab.no}: ${outbox} entries left in the outbox after quiescence`)
        if (!d.user.deactivated) this.assert(complete === true, `${d.name}/${tab.no}: initial sync not complete after quiescence`)
        const lastSeq = this.serverLastSeq(d.clientId)
        this.assert(lastSeq === (nextSeq ?? 1) - 1, `${d.name}: server last_seq ${lastSeq}, device's newest seq ${(nextSeq ?? 1) - 1}`)
        const seqs = db.select({ seq: syncMutations.seq }).from(syncMutations).where(eq(syncMutations.clientId, d.clientId)).orderBy(asc(syncMutations.seq)).all().map((r) => r.seq)
        this.assert(seqs.length === lastSeq && seqs.every((s, i) => s === i + 1), `${d.name}: server processed seqs ${seqs.join(',')} for last_seq ${lastSeq}`)
        const serverIds = serverQuarantine.filter((q) => q.clientId === d.clientId).map((q) => q.id).sort()
        this.assert(isDeepStrictEqual(local.map((q) => q.id).sort(), serverIds), `${d.name}: device quarantine ${local.length} entries, server ${serverIds.length}`)
        const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.id).localeCompare(String(b.id))
        const held = Object.fromEntries(ROW_TABLES.map((t) => [t, stored[t].map((r) => serverRowOf(t, r)).sort(byId)])) as Record<RowTable, Record<string, unknown>[]>
        // A deactivated user's device is wiped by the app (problem "deactivated"); its rows are not compared.
        if (d.user.deactivated) {
          this.assert(d.lastRound?.error?.kind === 'deactivated', `${d.name}: deactivated user's device not told so`)
          continue
        }
        const visible = this.visibleRows(d.user)
        for (const table of ROW_TABLES) {
          this.assert(stored[table].every((r) => !r.pending), `${d.name}: ${table} rows still pending after quiescence`)
          const expected = [...visible[table].values()].sort(byId)
          const mine = held[table]
          if (!isDeepStrictEqual(mine, expected)) {
            const extra = mine.filter((r) => !visible[table].has(r.id as string)).map((r) => short(r.id as string))
            const missing = expected.filter((r) => !mine.some((h) => h.id === r.id)).map((r) => short(r.id))
            const differ = mine.filter((r) => visible[table].has(r.id as string) && !isDeepStrictEqual(r, visible[table].get(r.id as string))).map((r) => short(r.id as string))
            const first = mine.find((r) => visible[table].has(r.id as string) && !isDeepStrictEqual(r, visible[table].get(r.id as string)))
            const diff = first ? ` first difference: ${fieldDiff(first, visible[table].get(first.id as string)!)}` : ''
            this.violation(`${d.name}: after quiescence device ${table} ≠ visible rows (extra ${extra.join(',')}; missing ${missing.join(',')}; different ${differ.join(',')})${diff}`)
          }
        }
        const list = byUser.get(d.user.id) ?? []
        list.push({ device: d, rows: held })
        byUser.set(d.user.id, list)
      }
    }
    for (const list of byUser.values()) {
      for (const other of list.slice(1)) this.assert(isDeepStrictEqual(other.rows, list[0]!.rows), `${other.device.name} and ${list[0]!.device.name} (same user) did not converge`)
    }

    // Nothing lost: every saved mutation was processed by the server under its seq; rejected ones are in both quarantines.
    const processed = new Map(db.select().from(syncMutations).all().map((m) => [`${m.clientId}:${m.seq}`, m]))
    for (const d of this.devices) {
      const local = new Map((await this.liveTab(d).db.quarantine.toArray()).map((q) => [q.id, q]))
      for (const r of d.receipts) {
        const m = processed.get(`${r.clientId}:${r.seq}`)
        if (!m || m.mutationId !== r.mutationId) {
          this.violation(`${d.name}: saved mutation seq ${r.seq} (${r.name}, step ${r.step}) never reached the server — lost`)
          continue
        }
        if (m.status === 'rejected') {
          const sent = this.sent.get(`${r.clientId}:${r.seq}`)
          const q = serverQuarantine.find((x) => x.id === r.mutationId)
          this.assert(!!q && isDeepStrictEqual(q.args, sent?.args ?? null), `${d.name}: rejected seq ${r.seq} not in the server quarantine with its payload`)
          if (r.clientId === d.clientId) this.assert(isDeepStrictEqual(local.get(r.mutationId)?.args, sent?.args), `${d.name}: rejected seq ${r.seq} not in the device quarantine with its payload`)
        }
      }
    }
    this.checkModel(processed)
  }

  /**
   * The reference model: every mutation the server processed, replayed in rev order from the
   * payload the device sent, with the expected outcome predicted independently. The model's
   * customers (customer numbers included) and field history must equal the server's exactly
   * (applied once, nothing else), and every note, consent and relation must belong to its
   * customer's rep. Version 1 goes through the shared applyV1Values / v1View like the server.
   */
  checkModel(processed: Map<string, typeof syncMutations.$inferSelect>): void {
    const db = this.t.db
    const model = new Map<string, ModelRow>()
    const history = new Map<string, HistoryExpectation[]>()
    const clients = new Map(db.select().from(syncClients).all().map((c) => [c.id, c.userId]))
    const ordered = [...processed.values()].sort((a, b) => (a.rev ?? 0) - (b.rev ?? 0))
    const revs = new Set(ordered.map((m) => m.rev))
    this.assert(revs.size === ordered.length, 'two processed mutations share a rev')
    const canWrite = (actor: SimUser, repId: string) => {
      const rep = this.users.get(repId)
      if (!rep || rep.role !== 'rep') return false
      return actor.role === 'rep' ? repId === actor.id : rep.branchIds.some((b) => actor.branchIds.includes(b))
    }
    let customerNo = 0
    let applied = 0
    let rejected = 0
    for (const m of ordered) {
      const sent = this.sent.get(`${m.clientId}:${m.seq}`)
      const actor = this.users.get(clients.get(m.clientId) ?? '')
      if (!sent || !actor) {
        this.violation(`server processed ${m.clientId.slice(-6)}:${m.seq} which no device sent`)
        continue
      }
      this.assert(sent.id === m.mutationId && sent.name === m.name && sent.v === m.v, `server stored seq ${m.seq} of ${short(m.clientId)} under another id/name/version`)
      const at = m.at
      const rev = m.rev ?? 0
      const record = (c: ModelRow, field: string, oldValue: unknown, newValue: unknown, baseValue: unknown, overwritten: boolean) => {
        const list = history.get(m.mutationId) ?? []
        list.push({ customerId: c.id, entity: 'customer', entityId: c.id, field, oldValue: oldValue ?? null, newValue: newValue ?? null, baseValue: baseValue ?? null, overwritten, userId: actor.id, clientId: m.clientId })
        history.set(m.mutationId, list)
      }
      /** A new customer from checked values: owner rules, then the id, then the next number. */
      const create = (id: string, requestedOwner: string | undefined, values: CustomerValues): string | (() => void) => {
        const owner = requestedOwner ?? actor.id
        const ownerUser = this.users.get(owner)
        // A deactivated rep gets no customers (they would vanish from every device).
        if (ownerUser?.role !== 'rep' || (ownerUser.deactivated && rev > ownerUser.deactivated.rev)) return 'NOT_A_REP'
        if (!canWrite(actor, owner)) return 'FORBIDDEN'
        if (model.has(id)) return 'ID_TAKEN'
        return () => {
          const row = newCustomerRow(id, values, { ownerRepId: owner, branchId: this.users.get(owner)!.branchIds[0] ?? null, customerNo: `K-${String(++customerNo).padStart(6, '0')}`, at })
          model.set(id, { ...row, createdBy: actor.id, rev, mergedIntoId: null })
        }
      }
      /**
       * Checked field values onto a customer: whole-record rules first (a company has no first
       * name, a person needs one, no birth date in the future), then one history entry per field
       * whose stored value changes; `meta` holds each field's base and whether it lost a race.
       */
      const patch = (c: ModelRow, values: Partial<Record<CustomerEditableField, unknown>>, meta: Partial<Record<CustomerEditableField, { base: unknown; overwritten: boolean }>>): string | (() => void) => {
        const next = { ...c, ...values } as ModelRow
        if (next.kind === 'company') values = { ...values, firstName: '' }
        else if (!next.firstName) return 'VALIDATION'
        if (next.kind === 'person' && 'birthDate' in values && next.birthDate && next.birthDate > this.date) return 'VALIDATION'
        const changed = (Object.keys(values) as CustomerEditableField[]).filter((f) => !sameValue(values[f], c[f]))
        return () => {
          for (const f of changed) {
            const x = meta[f]
            record(c, f, c[f], values[f], x ? x.base : c[f], x?.overwritten ?? false)
          }
          // A no-op still gives the row the mutation's rev: the device gets the server's row back.
          if (!changed.length) {
            c.rev = rev
            return
          }
          for (const f of changed) (c as unknown as Record<string, unknown>)[f] = values[f]
          Object.assign(c, { updatedAt: at, rev })
        }
      }
      let outcome: string | (() => void) = 'UNKNOWN_MUTATION'
      if (actor.deactivated && rev > actor.deactivated.rev) {
        outcome = 'USER_INACTIVE'
      } else if (m.name === 'createCustomer' && m.v === 2) {
        const p = createCustomerArgsSchema.safeParse(sent.args)
        if (!p.success) outcome = 'VALIDATION'
        else {
          const { id, ownerRepId, ...values } = p.data as CreateCustomerArgs
          outcome = create(id, ownerRepId, values as CustomerValues)
        }
      } else if (m.name === 'createCustomer' && m.v === 1) {
        // Version 1: the plain fields become the first list entries, then version 2's rules apply.
        const p = createCustomerV1ArgsSchema.safeParse(sent.args)
        if (!p.success) outcome = 'VALIDATION'
        else {
          const { id, ownerRepId, ...v1 } = p.data
          const values = customerValuesSchema.safeParse({ kind: 'person', status: 'prospect', phones: [], emails: [], addresses: [], ...applyV1Values({ phones: [], emails: [], addresses: [] }, v1) })
          outcome = values.success ? create(id, ownerRepId, values.data) : 'VALIDATION'
        }
      } else if (m.name === 'updateCustomer' && m.v === 2) {
        const p = updateCustomerArgsSchema.safeParse(sent.args)
        const c = p.success ? model.get(p.data.id) : undefined
        if (!p.success) outcome = 'VALIDATION'
        else if (!c || !canWrite(actor, c.ownerRepId)) outcome = 'NOT_FOUND'
        else {
          const values: Partial<Record<CustomerEditableField, unknown>> = {}
          const meta: Partial<Record<CustomerEditableField, { base: unknown; overwritten: boolean }>> = {}
          outcome = ''
          for (const [field, ch] of Object.entries(p.data.changes) as [CustomerEditableField, { from: unknown; to: unknown }][]) {
            const parsed = parseCustomerField(field, ch.to)
            if (!parsed.ok) {
              outcome = 'VALIDATION'
              break
            }
            const to = field === 'firstName' ? (parsed.value ?? '') : parsed.value
            if (sameValue(to, c[field])) continue
            values[field] = to
            meta[field] = { base: normalise(ch.from) ?? null, overwritten: !sameValue(ch.from, c[field]) }
          }
          if (!outcome) outcome = patch(c, values, meta)
        }
      } else if (m.name === 'updateCustomer' && m.v === 1) {
        // Version 1 edits the first phone, e-mail and address; compared with the row's version-1 view.
        const p = updateCustomerV1ArgsSchema.safeParse(sent.args)
        const c = p.success ? model.get(p.data.id) : undefined
        if (!p.success) outcome = 'VALIDATION'
        else if (!c || !canWrite(actor, c.ownerRepId)) outcome = 'NOT_FOUND'
        else {
          const view = v1View(c)
          const values: Partial<Record<CustomerV1Field, string | null>> = {}
          const bases: Partial<Record<CustomerV1Field, string | null>> = {}
          const lost = new Set<CustomerEditableField>()
          outcome = ''
          for (const [field, ch] of Object.entries(p.data.changes) as [CustomerV1Field, { from: unknown; to: unknown }][]) {
            const input = normalise(ch.to)
            const schema = customerV1FieldSchemas[field]
            let r = schema.safeParse(input ?? undefined)
            if (!r.success && input === null) r = schema.safeParse('')
            if (!r.success) {
              outcome = 'VALIDATION'
              break
            }
            const to = (normalise(r.data) ?? null) as string | null
            if (sameValue(to, view[field])) continue
            values[field] = to
            bases[field] = (normalise(ch.from) ?? null) as string | null
            if (!sameValue(ch.from, view[field])) lost.add(V2_FIELD_OF[field])
          }
          if (!outcome) {
            const mapped = applyV1Values(c, values) as Partial<Record<CustomerEditableField, unknown>>
            // The lists then follow version 2's rules (a phone must be a number).
            for (const f of ['phones', 'emails', 'addresses'] as const) {
              if (!(f in mapped)) continue
              const checked = parseCustomerField(f, mapped[f])
              if (checked.ok) mapped[f] = checked.value
              else outcome = 'VALIDATION'
            }
            const baseLists = applyV1Values(c, bases) as Partial<Record<CustomerEditableField, unknown>>
            const meta = Object.fromEntries(Object.keys(mapped).map((f) => [f, { base: baseLists[f as CustomerEditableField] ?? null, overwritten: lost.has(f as CustomerEditableField) }]))
            if (!outcome) outcome = patch(c, mapped, meta)
          }
        }
      } else if (m.name === 'reassignCustomer' && m.v === 1) {
        const p = reassignCustomerArgsSchema.safeParse(sent.args)
        const c = p.success ? model.get(p.data.id) : undefined
        if (!p.success) outcome = 'VALIDATION'
        else if (actor.role === 'rep') outcome = 'FORBIDDEN'
        else if (!c || !canWrite(actor, c.ownerRepId)) outcome = 'NOT_FOUND'
        else if (this.users.get(p.data.ownerRepId)?.role !== 'rep' || ((d) => !!d && rev > d.rev)(this.users.get(p.data.ownerRepId)?.deactivated)) outcome = 'NOT_A_REP'
        else if (!canWrite(actor, p.data.ownerRepId)) outcome = 'FORBIDDEN'
        else {
          const target = p.data.ownerRepId
          outcome = () => {
            if (c.ownerRepId === target) {
              c.rev = rev
              return
            }
            record(c, 'ownerRepId', c.ownerRepId, target, c.ownerRepId, false)
            Object.assign(c, { ownerRepId: target, branchId: this.users.get(target)!.branchIds[0] ?? null, updatedAt: at, rev })
          }
        }
      }
      const expected = typeof outcome === 'string' ? outcome : 'applied'
      const actual = m.status === 'applied' ? 'applied' : (m.code ?? 'REJECTED')
      if (actual !== expected) {
        this.violation(`${m.name} v${m.v} seq ${m.seq} of ${this.clientDevice.get(m.clientId)?.name}: server ${actual}, model expects ${expected} (args ${JSON.stringify(sent.args)})`)
        continue
      }
      if (typeof outcome === 'function') {
        applied++
        outcome()
      } else rejected++
    }
    this.outcome.applied = applied
    this.outcome.rejected = rejected

    // Server rows = model rows, field by field (customer numbers in the order the creates arrived).
    const serverRows = db.select().from(customers).all()
    this.assert(serverRows.length === model.size, `server has ${serverRows.length} customers, the model ${model.size}`)
    for (const s of serverRows) {
      const expected = model.get(s.id)
      const { deletedAt, ...rest } = s
      this.assert(deletedAt === null, `customer ${short(s.id)} deleted`)
      if (!expected) this.violation(`server customer ${short(s.id)} no mutation created`)
      else if (!isDeepStrictEqual({ ...rest }, { ...expected })) this.violation(`customer ${short(s.id)}: server ${JSON.stringify(rest)} ≠ model ${JSON.stringify(expected)}`)
    }
    // Notes, consents and relations follow their customer's rep (reassignments move them).
    for (const [table, t] of [['notes', notes], ['consents', consents], ['relations', customerRelations]] as const) {
      for (const r of db.select({ id: t.id, customerId: t.customerId, ownerRepId: t.ownerRepId }).from(t).where(isNull(t.deletedAt)).all()) {
        const owner = model.get(r.customerId)?.ownerRepId
        this.assert(r.ownerRepId === owner, `${table} ${short(r.id)} owned by ${this.users.get(r.ownerRepId)?.label}, its customer ${short(r.customerId)} by ${owner ? this.users.get(owner)?.label : 'nobody'}`)
      }
    }
    // Field history = exactly the model's entries (each change once, losers flagged).
    const actualHistory = new Map<string, HistoryExpectation[]>()
    for (const h of db.select().from(customerFieldHistory).all()) {
      const list = actualHistory.get(h.mutationId ?? '') ?? []
      list.push({ customerId: h.customerId, entity: h.entity, entityId: h.entityId, field: h.field, oldValue: h.oldValue, newValue: h.newValue, baseValue: h.baseValue, overwritten: h.overwritten, userId: h.userId, clientId: h.clientId })
      actualHistory.set(h.mutationId ?? '', list)
    }
    const sortFields = (l: HistoryExpectation[] | undefined) => [...(l ?? [])].sort((a, b) => a.field.localeCompare(b.field))
    for (const id of new Set([...history.keys(), ...actualHistory.keys()])) {
      this.assert(isDeepStrictEqual(sortFields(actualHistory.get(id)), sortFields(history.get(id))), `field history of mutation ${short(id)}: server ${JSON.stringify(sortFields(actualHistory.get(id)))} ≠ model ${JSON.stringify(sortFields(history.get(id)))}`)
    }
    // The server quarantine holds exactly the rejected mutations, with their payloads.
    const rejectedIds = ordered.filter((m) => m.status === 'rejected')
    const q = new Map(db.select().from(quarantine).all().map((x) => [x.id, x]))
    this.assert(q.size === rejectedIds.length, `server quarantine has ${q.size} entries for ${rejectedIds.length} rejections`)
    for (const m of rejectedIds) {
      const entry = q.get(m.mutationId)
      const sent = this.sent.get(`${m.clientId}:${m.seq}`)
      this.assert(
        !!entry && entry.clientId === m.clientId && entry.seq === m.seq && entry.name === m.name && entry.v === m.v && entry.code === m.code && isDeepStrictEqual(entry.args, sent?.args ?? null),
        `quarantine entry of ${short(m.clientId)}:${m.seq} missing or without its payload`,
      )
    }
  }
}

/** Runs one seeded simulation; throws SimulationFailure with the step log when an invariant breaks. */
export async function runSimulation(config: SimConfig, options: { log?: boolean } = {}): Promise<SimOutcome> {
  const started = performance.now()
  const sim = new Simulation(config)
  try {
    await sim.run()
  } catch (e) {
    if (!(e instanceof Violation)) sim.problems.push(`step ${sim.step}: threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
    throw new SimulationFailure(config, sim.problems, sim.log)
  } finally {
    await closeAll(sim)
  }
  return {
    seed: config.seed,
    steps: config.steps,
    requests: sim.stats.requests,
    faults: sim.stats.faults,
    kills: sim.stats.kills,
    mutations: sim.stats.mutations,
    pageChecks: sim.stats.pageChecks,
    roundChecks: sim.stats.roundChecks,
    applied: sim.outcome.applied,
    rejected: sim.outcome.rejected,
    ms: performance.now() - started,
    timings: sim.timings,
    ...(options.log ? { log: sim.log } : {}),
  }
}

async function closeAll(sim: Simulation): Promise<void> {
  await Promise.race([Promise.all([...sim.background]), ticks(2_000)])
  for (const d of sim.devices) for (const t of d.tabs) t.db.close()
  sim.t.db.$client.close()
}
