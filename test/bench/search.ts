import path from 'node:path'
import { uuidv7 } from '../../shared/ids'
import { openMigratedDb, type Db } from '../../server/src/db/client'
import { generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { CITIES, FIRST_NAMES, LAST_NAMES, STREETS, pick, seededRandom } from '../../server/src/demo/names'
import { rebuildCustomerSearch } from '../../server/src/modules/customers/customer-search.service'
import { listCustomers } from '../../server/src/modules/customers/customers.service'
import { berlinDate } from '../../shared/dates'
import type { Row } from './sync'

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!

/**
 * Customers in the current row shape, inserted straight into the table (no mutations, no search
 * index: call rebuildCustomerSearch after). Deterministic for a seed. Returns the number inserted.
 */
export function insertBenchCustomers(db: Db, repIds: string[], perRep: number, seed: number, now: string): number {
  const random = seededRandom(seed)
  const client = db.$client
  const branchOf = client.prepare('SELECT branch_id FROM user_branches WHERE user_id = ?').pluck()
  const insert = client.prepare(
    `INSERT INTO customers (id, customer_no, status, first_name, last_name, birth_date, addresses, phones, emails, tags, owner_rep_id, branch_id, created_by, created_at, updated_at, rev)
     VALUES (?, ?, 'customer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const start = (client.prepare('SELECT count(*) FROM customers').pluck().get() as number) + 1
  let n = 0
  client.transaction(() => {
    for (const repId of repIds) {
      const branchId = (branchOf.get(repId) as string | undefined) ?? null
      for (let i = 0; i < perRep; i++) {
        const first = pick(random, FIRST_NAMES)
        const last = pick(random, LAST_NAMES)
        const [zip, city] = pick(random, CITIES)
        const birth = `${1940 + Math.floor(random() * 65)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`
        const phone = `01${5 + Math.floor(random() * 3)}${Math.floor(random() * 10)} ${Math.floor(1_000_000 + random() * 8_999_999)}`
        const email = random() < 0.7 ? `${first}.${last}${Math.floor(random() * 100)}@example.de`.toLowerCase().replace(/[^a-z0-9.@-]/g, '') : null
        const street = `${pick(random, STREETS)} ${1 + Math.floor(random() * 120)}`
        insert.run(
          uuidv7(),
          `K-${String(start + n).padStart(6, '0')}`,
          first,
          last,
          birth,
          JSON.stringify([{ type: 'home', street, zip, city, country: 'DE' }]),
          JSON.stringify([{ type: 'mobile', number: phone }]),
          JSON.stringify(email ? [{ type: 'private', address: email }] : []),
          JSON.stringify(random() < 0.1 ? ['VIP'] : []),
          repId,
          branchId,
          repId,
          now,
          now,
          start + n,
        )
        n++
      }
    }
  })()
  return n
}

/** Server search (FTS5 + Kölner Phonetik) over `total` generated customers: admin, back office of one branch, a rep with a team. */
export async function benchSearch(rows: Row[], total = Number(process.env.BENCH_SEARCH_CUSTOMERS ?? 1_000_000)): Promise<void> {
  const db = openMigratedDb(':memory:')
  const org = generateOrganisation(db, {
    branchNames: ['Nord', 'Süd', 'West', 'Ost'],
    levels: DEMO_LEVELS,
    repsPerBranch: 500,
    depth: 5,
    passwordHash: 'x',
    validFrom: '2020-01-01',
    seed: 21,
    emailDomain: 'bench.example',
    backofficePerBranch: 1,
    now: new Date().toISOString(),
  })
  const t0 = performance.now()
  const n = insertBenchCustomers(db, org.repIds, Math.ceil(total / org.repIds.length), 9, new Date().toISOString())
  rebuildCustomerSearch(db)
  const genMs = performance.now() - t0
  const date = berlinDate()
  const office = org.users.find((u) => u.role === 'backoffice')!
  // A manager two levels down: a team of a few dozen reps, searched from the owner index.
  const manager = org.repIds.find((id) => org.depthOf.get(id) === 2)!
  const queries = [...LAST_NAMES.slice(0, 20), 'Maier', 'Schmitt', 'Mueller', 'Anna Mül', 'Köln', '0171', 'hof', 'Sabine Weber', 'Ozlem', 'Krüger Hamburg']
  const measure = (actor: { id: string; role: 'admin' | 'backoffice' | 'rep'; branchIds: string[] }) => {
    const times: number[] = []
    for (let round = 0; round < 3; round++) {
      for (const q of queries) {
        const t = performance.now()
        listCustomers(db, actor, date, { q, page: 1, pageSize: 50 })
        times.push(performance.now() - t)
      }
    }
    return percentile(times, 95)
  }
  const admin = measure({ id: 'admin', role: 'admin', branchIds: [] })
  const bo = measure({ id: office.id, role: 'backoffice', branchIds: office.branchIds })
  const rep = measure({ id: manager, role: 'rep', branchIds: [] })
  const label = n.toLocaleString('de-DE')
  rows.push({ metric: `Suchindex: ${label} Kunden erzeugt und indiziert`, value: `${(genMs / 1000).toFixed(1)} s`, target: '–', ok: true })
  rows.push({ metric: `Serversuche (Admin, alle ${label}), p95 über ${queries.length * 3} Anfragen`, value: `${admin.toFixed(1)} ms`, target: '≤ 30 ms', ok: admin <= 30 })
  rows.push({ metric: `Serversuche (Innendienst, eine Filiale von ${label}), p95`, value: `${bo.toFixed(1)} ms`, target: '≤ 30 ms', ok: bo <= 30 })
  rows.push({ metric: `Serversuche (Vermittler mit Struktur, ${label}), p95`, value: `${rep.toFixed(1)} ms`, target: '≤ 30 ms', ok: rep <= 30 })
  db.$client.close()
}

if (process.argv[1] && path.basename(process.argv[1]) === 'search.ts') {
  const rows: Row[] = []
  await benchSearch(rows)
  console.table(rows)
}
