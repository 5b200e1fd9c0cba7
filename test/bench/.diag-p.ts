import fs from 'node:fs'
import { openDb } from '../../server/src/db/client'
import { buildMatch, searchCustomerIds } from '../../server/src/modules/customers/customer-search.service'
import { repScope } from '../../server/src/modules/scope/scope.service'
import { berlinDate } from '../../shared/dates'
const total = Number(process.env.N ?? 100000)
const file = `/tmp/proto/search-${total}.db`
const db = openDb(file)
db.$client.pragma('cache_size = -4000000')
const meta = JSON.parse(fs.readFileSync(file + '.json', 'utf8'))
const office = meta.users.find((u: any) => u.role === 'backoffice')
const date = berlinDate()
const actor = process.env.A === 'admin' ? { id: 'admin', role: 'admin', branchIds: [] } : { id: office.id, role: 'backoffice', branchIds: office.branchIds }
const scope = repScope(db, actor as any, date)
const q = process.env.Q ?? 'Müller'
const m = buildMatch(q)!
const c = db.$client
const repIds = scope.all ? [] : [...scope.repIds]
const t = (label: string, f: () => unknown) => { f(); const ts: number[] = []; let r; for (let i = 0; i < 5; i++) { const t0 = performance.now(); r = f(); ts.push(performance.now() - t0) } ts.sort((a, b) => a - b); console.log(label.padEnd(30), ts[2]!.toFixed(2), JSON.stringify(r).slice(0, 80)) }
t('search', () => searchCustomerIds(db, m, scope, 50, 0).total)
const inScope = scope.all ? '' : ` AND r.owner_rep_id IN (SELECT value FROM json_each(?))`
const p = (sqlText: string, ...args: unknown[]) => c.prepare(sqlText).all(...(scope.all ? args : [...args, JSON.stringify(repIds)]))
t('exact first50', () => p(`SELECT r.customer_id FROM customer_search s JOIN customer_search_rows r ON r.search_rowid = s.rowid WHERE customer_search MATCH ?${inScope} ORDER BY s.rowid LIMIT 50`, m.exact).length)
t('count', () => p(`SELECT count(*) n FROM (SELECT 1 FROM customer_search s JOIN customer_search_rows r ON r.search_rowid = s.rowid WHERE customer_search MATCH ?${inScope} LIMIT 1001)`, m.any))
t('count fts only', () => c.prepare(`SELECT count(*) n FROM (SELECT 1 FROM customer_search s WHERE customer_search MATCH ? LIMIT 1001)`).all(m.any))
t('count fts only all', () => c.prepare(`SELECT count(*) n FROM customer_search s WHERE customer_search MATCH ?`).all(m.any))
t('count join all', () => c.prepare(`SELECT count(*) n FROM customer_search s JOIN customer_search_rows r ON r.search_rowid = s.rowid WHERE customer_search MATCH ?`).all(m.any))
t('count join rowid only', () => c.prepare(`SELECT count(*) n FROM customer_search s JOIN customer_search_rows r ON r.search_rowid = s.rowid WHERE customer_search MATCH ? and r.rowid > 0`).all(m.any))
for (const r of c.prepare(`EXPLAIN QUERY PLAN SELECT r.customer_id FROM customer_search s JOIN customer_search_rows r ON r.search_rowid = s.rowid WHERE customer_search MATCH ?${inScope} ORDER BY s.rowid LIMIT 50`).all(...(scope.all ? [m.exact] : [m.exact, '[]'])) as any[]) console.log('   ', r.detail)
console.log(m)
