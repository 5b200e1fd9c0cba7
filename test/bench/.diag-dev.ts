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
  page.on('console', (m) => { if (m.text().startsWith('DIAG')) console.log(m.text()) })
  await page.goto(`${server.url}/anmelden`)
  await page.getByTestId('login-email').fill(rep.email)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('nav-bottom').getByRole('link', { name: 'Kunden' }).click()
  await page.getByTestId('sync-complete').filter({ hasText: '5.000' }).waitFor({ timeout: 60_000 })
  const t0 = Date.now()
  if (process.env.NETIDLE) await page.waitForLoadState('networkidle')
  const t1 = Date.now()
  if (process.env.SETTLE) await new Promise((r) => setTimeout(r, Number(process.env.SETTLE)))
  console.log('netidle after', t1 - t0)
  const cdp = await context.newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  const type = (q: string) => page.evaluate(`(async (q) => {
        const input = document.querySelector('[data-testid="customer-search"]')
        const list = document.querySelector('[data-testid="customer-list"]')
        const started = performance.now()
        const shown = new Promise((resolve) => {
          const observer = new MutationObserver(() => {
            if (list.getAttribute('data-query') !== q.trim()) return
            observer.disconnect()
            resolve()
          })
          observer.observe(list, { attributes: true, attributeFilter: ['data-query'] })
        })
        input.value = q
        input.dispatchEvent(new Event('input', { bubbles: true }))
        await shown
        const t1 = performance.now() - started
        await new Promise((r) => requestAnimationFrame(r))
        return [t1, performance.now() - started]
      })(${JSON.stringify(q)})`) as Promise<number[]>
  const detail: string[] = []
  for (const word of (process.env.WORDS ?? 'Schmidt,Köln,Müller Anna,0151,Maier,Schmitt Bonn').split(',')) {
    for (let i = 1; i <= word.length; i++) {
      const prefix = word.slice(0, i)
      if (prefix.endsWith(' ')) continue
      const [a, b] = await type(prefix)
      detail.push(`${prefix}=${a!.toFixed(0)}/${b!.toFixed(0)}`)
    }
    await type('')
  }
  console.log(detail.join(' '))
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[]; samples: number[]; timeDeltas: number[] } }
  const self = new Map<string, number>()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  const out = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${v.toFixed(1).padStart(8)} ms  ${k}`).join('\n')
  console.log(out)
  await context.close()
} finally {
  await browser.close()
  await server.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
}
