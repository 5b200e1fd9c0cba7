import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { openMigratedDb } from '../../server/src/db/client'
import { generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { hashPassword } from '../../server/src/lib/password'
import { rebuildCustomerSearch } from '../../server/src/modules/customers/customer-search.service'
import { launchBrowser, PHONE, startServer } from '../support/browser'
import { insertBenchCustomers } from './search'
import type { Row } from './sync'

const CUSTOMERS = 5_000
const PASSWORD = 'bench-password-1'
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!

/**
 * The on-device search on a page that shows the customer list with `customers` customers on the
 * device: the rep looks at the list, then types into the search one keystroke at a time
 * (including phonetic spelling variants). Timed inside the page from the input event until the
 * list shows that query's results, plus one frame, so the test driver's round trips do not count.
 */
export async function measureDeviceSearch(page: Page, rows: Row[], customers: number): Promise<void> {
  // The sync's last writes and the search index are done before the first keystroke (their cost
  // is the initial-sync figure; typing into a device that is still syncing is slower).
  await page.waitForTimeout(2000)
  const type = (value: string) =>
    page.evaluate(async (q) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="customer-search"]')!
      const list = document.querySelector('[data-testid="customer-list"]')!
      const started = performance.now()
      const shown = new Promise<void>((resolve) => {
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
      await new Promise((r) => requestAnimationFrame(r))
      return { ms: performance.now() - started, shown: list.children.length }
    }, value)
  const keystrokes: number[] = []
  const detail: string[] = []
  for (const word of ['Schmidt', 'Köln', 'Müller Anna', '0151', 'Maier', 'Schmitt Bonn']) {
    for (let i = 1; i <= word.length; i++) {
      const prefix = word.slice(0, i)
      if (prefix.endsWith(' ')) continue
      const { ms, shown } = await type(prefix)
      keystrokes.push(ms)
      detail.push(`${prefix}=${ms.toFixed(0)}(${shown})`)
    }
    await type('')
  }
  if (process.env.BENCH_VERBOSE) console.log(detail.join(' '))
  const p95 = percentile(keystrokes, 95)
  rows.push({
    metric: `Suche auf dem Gerät (${customers.toLocaleString('de-DE')} Kunden, mit Phonetik) je Tastendruck bis Liste aktualisiert (p95 über ${keystrokes.length})`,
    value: `${p95.toFixed(0)} ms`,
    target: '≤ 50 ms',
    ok: p95 <= 50,
  })
}

/**
 * The on-device search on its own (`npx tsx test/bench/device-search.ts`; `npm run bench` measures
 * it after the initial sync): a rep whose structure holds 5,000 customers signs in on a phone-sized
 * page and searches once they are all on the device.
 */
export async function benchDeviceSearch(rows: Row[], root: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feldakte-bench-device-search-'))
  const db = openMigratedDb(path.join(dataDir, 'feldakte.db'))
  const now = new Date().toISOString()
  const org = generateOrganisation(db, {
    branchNames: ['Nord'],
    levels: DEMO_LEVELS,
    repsPerBranch: 10,
    depth: 3,
    passwordHash: await hashPassword(PASSWORD, 12),
    validFrom: '2020-01-01',
    seed: 5,
    emailDomain: 'bench.example',
    backofficePerBranch: 0,
    now,
  })
  // The root of the structure sees all ten reps: 500 customers each, 5,000 on the device.
  insertBenchCustomers(db, org.repIds, CUSTOMERS / org.repIds.length, 9, now)
  rebuildCustomerSearch(db)
  db.$client.close()
  const rep = org.users.find((u) => u.id === org.repIds[0])!
  if (!fs.existsSync(path.join(root, 'client/dist/index.html'))) throw new Error('client not built (npm run build)')

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
    await page.getByTestId('sync-complete').filter({ hasText: CUSTOMERS.toLocaleString('de-DE') }).waitFor({ timeout: 60_000 })

    await measureDeviceSearch(page, rows, CUSTOMERS)
    await context.close()
  } finally {
    await browser.close()
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.basename(process.argv[1]) === 'device-search.ts') {
  const rows: Row[] = []
  await benchDeviceSearch(rows, path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'))
  console.table(rows)
}
