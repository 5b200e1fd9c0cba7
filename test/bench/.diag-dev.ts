import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openMigratedDb } from '../../server/src/db/client'
import { generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { hashPassword } from '../../server/src/lib/password'
import { rebuildCustomerSearch } from '../../server/src/modules/customers/customer-search.service'
import { launchBrowser, PHONE, startServer } from '../support/browser'
import { insertBenchCustomers } from './search'
const PASSWORD = 'bench-password-1'
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feldakte-diag-dev-'))
const db = openMigratedDb(path.join(dataDir, 'feldakte.db'))
const now = new Date().toISOString()
const org = generateOrganisation(db, { branchNames: ['Nord'], levels: DEMO_LEVELS, repsPerBranch: 10, depth: 3, passwordHash: await hashPassword(PASSWORD, 12), validFrom: '2020-01-01', seed: 5, emailDomain: 'bench.example', backofficePerBranch: 0, now })
insertBenchCustomers(db, org.repIds, 500, 9, now)
rebuildCustomerSearch(db)
db.$client.close()
const rep = org.users.find((u) => u.id === org.repIds[0])!
const server = await startServer({}, dataDir)
const browser = await launchBrowser()
try {
  const context = await browser.newContext(PHONE)
  const page = await context.newPage()
  await page.goto(`${server.url}/anmelden`)
  await page.getByTestId('login-email').fill(rep.email)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('nav-bottom').getByRole('link', { name: 'Kunden' }).click()
  await page.getByTestId('sync-complete').filter({ hasText: '5.000' }).waitFor({ timeout: 60_000 })
  const code = `(async (name) => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open(name); r.onsuccess = () => res(r.result); r.onerror = rej })
    function req(r) { return new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = rej }) }
    const res = {}
    async function time(label, f) { await f(); const ts = []; let v; for (let i = 0; i < 5; i++) { const t = performance.now(); v = await f(); ts.push(performance.now() - t) } ts.sort((a, b) => a - b); res[label] = ts[2].toFixed(2) + ' ' + JSON.stringify(v).slice(0, 30) }
    function store() { return db.transaction('customers', 'readonly').objectStore('customers') }
    await time('count', () => req(store().count()))
    await time('words s keys', async () => (await req(store().index('words').getAllKeys(IDBKeyRange.bound('s', 's\\uffff')))).length)
    await time('words sch keys', async () => (await req(store().index('words').getAllKeys(IDBKeyRange.bound('sch', 'sch\\uffff')))).length)
    await time('words schmidt keys', async () => (await req(store().index('words').getAllKeys(IDBKeyRange.bound('schmidt', 'schmidt\\uffff')))).length)
    await time('nameKey all keys', async () => (await req(store().index('nameKey').getAllKeys())).length)
    await time('getAll 5000', async () => (await req(store().getAll())).length)
    await time('getAll 100 by name', async () => (await req(store().index('nameKey').getAll(null, 100))).length)
    const keys = await req(store().index('nameKey').getAllKeys(null, 50))
    await time('50 gets', async () => { const s = store(); return (await Promise.all(keys.map((k) => req(s.get(k))))).length })
    await time('cursor 500 by name', async () => { const s = store(); return new Promise((resolve) => { let n = 0; const c = s.index('nameKey').openCursor(); c.onsuccess = () => { const cur = c.result; if (!cur || ++n >= 500) return resolve(n); cur.continue() } }) })
    const all = await req(store().getAll())
    await time('js filter 5000 s', async () => all.filter((c) => c.words.some((w) => w.startsWith('s'))).length)
    await time('js sort 2000', async () => all.slice(0, 2000).sort((a, b) => a.nameKey < b.nameKey ? -1 : 1).length)
    return res
  })(${JSON.stringify('feldakte-' + rep.id)})`
  const out = await page.evaluate(code)
  console.log(out)
  await context.close()
} finally {
  await browser.close()
  await server.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
}
