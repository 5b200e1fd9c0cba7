import { beforeAll, describe, expect, it } from 'vitest'
import { isValidIBAN } from 'ibantools'
import { sql } from 'drizzle-orm'
import { berlinDate } from '../../shared/dates'
import {
  consentRowSchema,
  customerRowSchema,
  customerValuesSchema,
  noteRowSchema,
  relationRowSchema,
  type FollowUpItem,
} from '../../shared/schemas'
import { consents, counters, customerContactKeys, customerRelations, customers, notes, users } from '../../server/src/db/schema'
import { customerRow } from '../../server/src/modules/customers/customers.service'
import { germanIban } from '../../server/src/demo/names'
import { DEMO_PASSWORD, seedDemo } from '../../server/src/demo/seed'
import { createTestApp, type TestApp } from '../support/app'
import { signIn } from '../support/factories'
import { TestDevice } from '../support/sync'

let t: TestApp
let seedMs = 0
const today = '2026-03-12'

beforeAll(async () => {
  t = createTestApp()
  const started = performance.now()
  await seedDemo(t.db, t.clock, t.env.PASSWORD_HASH_LOG_N)
  seedMs = performance.now() - started
}, 60_000)

const share = (part: number, whole: number) => part / whole
function groupBy<T>(list: T[], key: (v: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const v of list) out.set(key(v), [...(out.get(key(v)) ?? []), v])
  return out
}

describe('germanIban', () => {
  it('computes the ISO 13616 check digits', () => {
    expect(germanIban('37040044', '532013000')).toBe('DE89370400440532013000')
    expect(isValidIBAN(germanIban('50070010', '1234567'))).toBe(true)
  })
})

describe('demo data', () => {
  it('loads about 1,800 customers quickly, each valid master data with a unique number from the counter', () => {
    expect(seedMs).toBeLessThan(15_000)
    const rows = t.db.select().from(customers).all()
    expect(rows.length).toBeGreaterThan(1500)
    for (const c of rows) {
      const parsed = customerValuesSchema.safeParse(customerRow(c))
      expect(parsed.success, `${c.customerNo}: ${JSON.stringify(parsed.error?.issues[0])}`).toBe(true)
    }
    const numbers = new Set(rows.map((c) => c.customerNo))
    expect(numbers.size).toBe(rows.length)
    expect(t.db.select().from(counters).get()).toEqual({ name: 'customerNo', value: rows.length })
    expect(share(rows.filter((c) => c.kind === 'company').length, rows.length)).toBeGreaterThan(0.06)
    expect(share(rows.filter((c) => c.kind === 'company').length, rows.length)).toBeLessThan(0.14)
    for (const status of ['prospect', 'customer', 'former'] as const) expect(rows.some((c) => c.status === status)).toBe(true)
    const withIban = rows.filter((c) => c.bankAccounts.length > 0)
    expect(share(withIban.length, rows.length)).toBeGreaterThan(0.4)
    expect(share(withIban.length, rows.length)).toBeLessThan(0.6)
    for (const c of withIban) for (const b of c.bankAccounts) expect(isValidIBAN(b.iban)).toBe(true)
    expect(rows.some((c) => c.phones.length > 1 && c.emails.length > 0 && c.tags.length > 0)).toBe(true)
    expect(rows.some((c) => c.addresses.length > 1)).toBe(true)
    expect(t.db.select({ n: sql<number>`count(DISTINCT customer_id)` }).from(customerContactKeys).get()!.n).toBeGreaterThan(rows.length * 0.8)
  })

  it('finds demo customers through the search index', async () => {
    const office = t.db.select().from(users).where(sql`${users.role} = 'backoffice'`).get()!
    const cookie = await signIn(t, office.email, DEMO_PASSWORD)
    const sample = t.db.select().from(customers).where(sql`${customers.kind} = 'person' AND ${customers.branchId} IN (SELECT branch_id FROM user_branches WHERE user_id = ${office.id})`).get()!
    const res = await t.req('GET', `/api/customers?q=${encodeURIComponent(sample.customerNo!)}`, { cookie })
    expect(((await res.json()) as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([sample.id])
  })

  it('has households: spouses as customers with both rows of the pair, children as person records', () => {
    const rows = t.db.select().from(customerRelations).all()
    const spouses = rows.filter((r) => r.type === 'spouse')
    expect(spouses.length).toBeGreaterThan(40)
    const byPair = groupBy(spouses, (r) => r.pairId)
    for (const pair of byPair.values()) {
      expect(pair).toHaveLength(2)
      const [a, b] = pair
      expect(a!.relatedCustomerId).toBe(b!.customerId)
      expect(b!.relatedCustomerId).toBe(a!.customerId)
    }
    const children = rows.filter((r) => r.type === 'child')
    expect(children.length).toBeGreaterThan(100)
    for (const r of children) {
      expect(r.person && relationRowSchema.shape.person.safeParse(r.person).success).toBe(true)
      expect(r.person!.birthDate! <= today).toBe(true)
    }
  })

  it('has consents (privacy for most) and some withdrawn advertising consents', () => {
    const rows = t.db.select().from(consents).all()
    const customerCount = t.db.select({ n: sql<number>`count(*)` }).from(customers).get()!.n
    expect(share(new Set(rows.filter((c) => c.type === 'privacy').map((c) => c.customerId)).size, customerCount)).toBeGreaterThan(0.7)
    const withdrawn = rows.filter((c) => c.withdrawnOn)
    expect(withdrawn.some((c) => c.type.startsWith('marketing_'))).toBe(true)
    for (const c of withdrawn) expect(c.withdrawnOn! > c.givenOn).toBe(true)
    for (const c of rows) expect(c.givenOn <= today).toBe(true)
  })

  it('has phone notes, memos and visit reports, and open follow-ups around today, some overdue', async () => {
    const rows = t.db.select().from(notes).all()
    for (const kind of ['phone', 'memo', 'visit'] as const) expect(rows.some((n) => n.kind === kind)).toBe(true)
    for (const n of rows) {
      if (n.kind === 'phone') expect(n.direction && n.durationMinutes).toBeTruthy()
      else expect(n.direction).toBeNull()
      expect(n.occurredAt <= t.clock.now().toISOString()).toBe(true)
    }
    const open = rows.filter((n) => n.followUpOn && !n.followUpDoneAt)
    expect(open.some((n) => n.followUpOn! < today)).toBe(true)
    expect(open.some((n) => n.followUpOn === today)).toBe(true)
    expect(open.some((n) => n.followUpOn! > today)).toBe(true)
    expect(berlinDate(t.clock.now())).toBe(today)

    // The rep with the most open follow-ups sees them in "Wiedervorlagen".
    const counts = groupBy(open, (n) => n.assigneeId ?? n.authorId)
    const [repId] = [...counts.entries()].sort((a, b) => b[1].length - a[1].length)[0]!
    const rep = t.db.select().from(users).where(sql`${users.id} = ${repId}`).get()!
    const cookie = await signIn(t, rep.email, DEMO_PASSWORD)
    const res = await t.req('GET', '/api/follow-ups', { cookie })
    const items = ((await res.json()) as { items: FollowUpItem[] }).items
    expect(items.length).toBe(counts.get(repId)!.length)
  })

  it('syncs to a rep’s device as rows the device schemas accept', async () => {
    const rep = t.db.select().from(users).where(sql`${users.role} = 'rep'`).all().at(-1)!
    const device = new TestDevice(t, await signIn(t, rep.email, DEMO_PASSWORD))
    await device.pullAll()
    const schemas = { customers: customerRowSchema, relations: relationRowSchema, consents: consentRowSchema, notes: noteRowSchema }
    for (const [table, schema] of Object.entries(schemas)) {
      const rows = [...device.table(table).values()]
      expect(rows.length, table).toBeGreaterThan(0)
      for (const r of rows) expect(schema.safeParse(r).success, `${table} ${JSON.stringify(r)}`).toBe(true)
    }
  })
})
