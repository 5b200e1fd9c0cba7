import { openMigratedDb } from '../../server/src/db/client'
import { generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { rebuildCustomerSearch, searchDocument } from '../../server/src/modules/customers/customer-search.service'
import { insertBenchCustomers } from './search'
const db = openMigratedDb(':memory:')
const org = generateOrganisation(db, { branchNames: ['Nord'], levels: DEMO_LEVELS, repsPerBranch: 100, depth: 3, passwordHash: 'x', validFrom: '2020-01-01', seed: 21, emailDomain: 'bench.example', backofficePerBranch: 1, now: new Date().toISOString() })
let t = performance.now()
insertBenchCustomers(db, org.repIds, 1000, 9, new Date().toISOString())
console.log('insert', performance.now() - t)
t = performance.now()
const rows = db.$client.prepare('SELECT customer_no, first_name, last_name, birth_name, emails, phones, addresses, tags FROM customers').raw().all() as any[]
let len = 0
for (const [customerNo, firstName, lastName, birthName, emails, phones, addresses, tags] of rows) len += searchDocument({ customerNo, firstName, lastName, birthName, emails: JSON.parse(emails), phones: JSON.parse(phones), addresses: JSON.parse(addresses), tags: JSON.parse(tags) }).words.length
console.log('docs', performance.now() - t, len / rows.length)
t = performance.now()
rebuildCustomerSearch(db)
console.log('rebuild', performance.now() - t)
