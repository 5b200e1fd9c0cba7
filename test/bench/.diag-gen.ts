// temporary diagnostics (not committed)
import fs from 'node:fs'
import { openMigratedDb, openDb } from '../../server/src/db/client'
import { generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { rebuildCustomerSearch } from '../../server/src/modules/customers/customer-search.service'
import { insertBenchCustomers } from './search'

const total = Number(process.env.N ?? 100000)
const file = `/tmp/proto/search-${total}.db`
if (!fs.existsSync(file) || process.env.REBUILD) {
  fs.rmSync(file, { force: true })
  const db = openMigratedDb(file)
  db.$client.pragma('synchronous = OFF')
  const org = generateOrganisation(db, { branchNames: ['Nord', 'Süd', 'West', 'Ost'], levels: DEMO_LEVELS, repsPerBranch: 500, depth: 5, passwordHash: 'x', validFrom: '2020-01-01', seed: 21, emailDomain: 'bench.example', backofficePerBranch: 1, now: new Date().toISOString() })
  let t = performance.now()
  insertBenchCustomers(db, org.repIds, Math.ceil(total / org.repIds.length), 9, new Date().toISOString())
  console.log('insert', performance.now() - t)
  t = performance.now()
  rebuildCustomerSearch(db)
  console.log('index', performance.now() - t)
  fs.writeFileSync(file + '.json', JSON.stringify({ repIds: org.repIds, depth: [...org.depthOf], users: org.users }))
  db.$client.close()
}
