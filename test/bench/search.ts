import { openMigratedDb } from '../../server/src/db/client'
import { generateCustomers, generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { listCustomers } from '../../server/src/modules/customers/customers.service'
import { berlinDate } from '../../shared/dates'
import { LAST_NAMES } from '../../server/src/demo/names'
import type { Row } from './sync'

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!

/** Server search (FTS5 + Kölner Phonetik) over `total` generated customers, as admin and as back office. */
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
  const n = generateCustomers(db, org.repIds, Math.ceil(total / org.repIds.length), 9, new Date().toISOString())
  const genMs = performance.now() - t0
  const date = berlinDate()
  const office = org.users.find((u) => u.role === 'backoffice')!
  const queries = [...LAST_NAMES.slice(0, 20), 'Maier', 'Schmitt', 'Mueller', 'Anna Mül', 'Köln', '0171', 'hof', 'Sabine Weber', 'Ozlem', 'Krüger Hamburg']
  const measure = (actor: { id: string; role: 'admin' | 'backoffice'; branchIds: string[] }) => {
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
  rows.push({ metric: `Suchindex: ${n.toLocaleString('de-DE')} Kunden erzeugt und indiziert`, value: `${(genMs / 1000).toFixed(1)} s`, target: '–', ok: true })
  rows.push({ metric: `Serversuche (Admin, alle ${n.toLocaleString('de-DE')}), p95 über ${queries.length * 3} Anfragen`, value: `${admin.toFixed(1)} ms`, target: '≤ 30 ms', ok: admin <= 30 })
  rows.push({ metric: 'Serversuche (Innendienst, eine Filiale), p95', value: `${bo.toFixed(1)} ms`, target: '≤ 30 ms', ok: bo <= 30 })
  db.$client.close()
}

if (process.argv[1]?.endsWith('search.ts')) {
  const rows: Row[] = []
  await benchSearch(rows)
  console.table(rows)
}
