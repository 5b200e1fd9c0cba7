import { openMigratedDb } from '../../server/src/db/client'
import { generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { rebuildCustomerSearch } from '../../server/src/modules/customers/customer-search.service'
import { insertBenchCustomers } from './search'
const db = openMigratedDb(':memory:')
const org = generateOrganisation(db, { branchNames: ['Nord'], levels: DEMO_LEVELS, repsPerBranch: 100, depth: 3, passwordHash: 'x', validFrom: '2020-01-01', seed: 21, emailDomain: 'bench.example', backofficePerBranch: 1, now: new Date().toISOString() })
insertBenchCustomers(db, org.repIds, 1000, 9, new Date().toISOString())
const c = db.$client
let t = performance.now()
rebuildCustomerSearch(db)
console.log('full rebuild', performance.now() - t)
console.log(c.prepare('select words, phonetic, owner from customer_search_rows limit 2').all())
for (const [name, opts] of [['p123', `prefix='1 2 3'`], ['p23', `prefix='2 3'`], ['none', ''], ['p123 detail=column', `prefix='1 2 3', detail=column`], ['p123 pgsz', `prefix='1 2 3'`]] as const) {
  c.exec(`DROP TABLE IF EXISTS t; CREATE VIRTUAL TABLE t USING fts5(words, phonetic, owner, content='customer_search_rows', content_rowid='search_rowid', tokenize='unicode61 remove_diacritics 2'${opts ? ', ' + opts : ''})`)
  if (name === 'p123 pgsz') c.exec(`INSERT INTO t(t, rank) VALUES('pgsz', 4000)`)
  t = performance.now()
  c.exec(`INSERT INTO t (t) VALUES ('rebuild')`)
  console.log(name, performance.now() - t)
}
t = performance.now()
c.exec(`CREATE TEMP TABLE x AS SELECT search_rowid, words FROM customer_search_rows`)
console.log('copy', performance.now() - t)
