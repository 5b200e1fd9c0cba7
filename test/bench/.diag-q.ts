import fs from 'node:fs'
import { openDb } from '../../server/src/db/client'
import { listCustomers } from '../../server/src/modules/customers/customers.service'
import { buildMatch } from '../../server/src/modules/customers/customer-search.service'
import { LAST_NAMES } from '../../server/src/demo/names'
import { berlinDate } from '../../shared/dates'
const total = Number(process.env.N ?? 100000)
const file = `/tmp/proto/search-${total}.db`
const db = openDb(file)
db.$client.pragma('cache_size = -4000000')
db.$client.pragma('mmap_size = 4000000000')
const meta = JSON.parse(fs.readFileSync(file + '.json', 'utf8'))
const depth = new Map<string, number>(meta.depth)
const office = meta.users.find((u: any) => u.role === 'backoffice')
const manager = meta.repIds.find((id: string) => depth.get(id) === 2)
const queries = (process.env.Q ? process.env.Q.split('|') : [...LAST_NAMES.slice(0, 20), 'Maier', 'Schmitt', 'Mueller', 'Anna Mül', 'Köln', '0171', 'hof', 'Sabine Weber', 'Ozlem', 'Krüger Hamburg'])
const actors: Record<string, any> = { admin: { id: 'admin', role: 'admin', branchIds: [] }, bo: { id: office.id, role: 'backoffice', branchIds: office.branchIds }, rep: { id: manager, role: 'rep', branchIds: [] } }
const date = berlinDate()
for (const [name, actor] of Object.entries(actors)) {
  if (process.env.A && process.env.A !== name) continue
  const out: string[] = []
  for (const q of queries) {
    listCustomers(db, actor, date, { q, page: 1, pageSize: 50 })
    listCustomers(db, actor, date, { q, page: 1, pageSize: 50 })
    const t = performance.now()
    const r = listCustomers(db, actor, date, { q, page: 1, pageSize: 50 })
    out.push(`${q}=${(performance.now() - t).toFixed(1)}(${r.total}${(r as any).totalCapped ? '+' : ''})`)
  }
  console.log(name, out.join(' '))
}
if (process.env.M) console.log(buildMatch(process.env.M))
