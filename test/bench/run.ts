/**
 * `npm run bench`: measures the performance targets of the issues on generated data and prints a
 * table. Not a test: it reports figures, the targets are printed beside them.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { openMigratedDb } from '../../server/src/db/client'
import { generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { orgSnapshot, invalidateOrg } from '../../server/src/modules/scope/hierarchy'
import { repScope } from '../../server/src/modules/scope/scope.service'
import { hashPassword } from '../../server/src/lib/password'
import { berlinDate } from '../../shared/dates'
import { benchPull, benchPushAndPoke } from './sync'
import { benchSearch } from './search'
import { benchInitialSync } from './initial-sync'
import { benchSimulation } from './simulation'
import { benchImport } from './import'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
type Row = { metric: string; value: string; target: string; ok: boolean }
const rows: Row[] = []

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function benchDownline(): Promise<void> {
  const db = openMigratedDb(':memory:')
  const levels = [...DEMO_LEVELS, { name: 'Regionaldirektor', rank: 6, centsPerUnit: 5200 }, { name: 'Landesdirektor', rank: 7, centsPerUnit: 6000 }, { name: 'Vorstand Vertrieb', rank: 8, centsPerUnit: 6800 }]
  const org = generateOrganisation(db, {
    branchNames: ['Nord', 'Süd', 'West', 'Ost'],
    levels,
    repsPerBranch: 5000,
    depth: 8,
    passwordHash: await hashPassword('bench-password', 10),
    validFrom: '2020-01-01',
    seed: 7,
    emailDomain: 'bench.example',
    backofficePerBranch: 1,
    now: new Date().toISOString(),
  })
  const date = berlinDate()
  const maxDepth = Math.max(...org.depthOf.values())
  invalidateOrg(db)
  let t = performance.now()
  const snap = orgSnapshot(db)
  snap.downline(org.repIds[0]!, date)
  const cold = performance.now() - t

  const timings: number[] = []
  const managers = org.repIds.filter((id) => (org.depthOf.get(id) ?? 0) <= 4)
  for (let i = 0; i < 2000; i++) {
    const id = managers[i % managers.length]!
    t = performance.now()
    const scope = repScope(db, { id, role: 'rep', branchIds: [] }, date)
    timings.push(performance.now() - t)
    if (scope.all) throw new Error('unexpected')
  }
  const top = performance.now()
  const topDownline = snap.downline(org.repIds[0]!, date).length
  const topMs = performance.now() - top
  const topScope = performance.now()
  repScope(db, { id: org.repIds[0]!, role: 'rep', branchIds: [] }, date)
  repScope(db, { id: org.repIds[0]!, role: 'rep', branchIds: [] }, date)
  const topScopeMs = (performance.now() - topScope) / 2
  rows.push({ metric: `Struktur: ${org.repIds.length} Vermittler, ${maxDepth} Ebenen – Aufbau (kalt)`, value: `${cold.toFixed(1)} ms`, target: '–', ok: true })
  const p95 = percentile(timings, 95)
  rows.push({ metric: 'Downline von X heute (Sichtbereich), p95 über 2.000 Abfragen', value: `${p95.toFixed(3)} ms`, target: '≤ 5 ms', ok: p95 <= 5 })
  rows.push({ metric: `Downline der Strukturspitze (${topDownline} Vermittler), ungecacht`, value: `${topMs.toFixed(3)} ms`, target: '≤ 5 ms', ok: topMs <= 5 })
  rows.push({ metric: 'Sichtbereich der Strukturspitze (gecacht, Mittel aus 2)', value: `${topScopeMs.toFixed(3)} ms`, target: '≤ 5 ms', ok: topScopeMs <= 5 })
  db.$client.close()
}

function benchBundle(): void {
  const dist = path.join(root, 'client/dist')
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8')
  const files = new Set<string>()
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) files.add(m[1]!)
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) files.add(m[1]!)
  let gz = 0
  for (const f of files) gz += gzipSync(fs.readFileSync(path.join(dist, f.replace(/^\//, '')))).length
  const kb = gz / 1024
  rows.push({ metric: `Initiales JavaScript des Clients (${files.size} Dateien, gzip)`, value: `${kb.toFixed(1)} KB`, target: '≤ 150 KB', ok: kb <= 150 })
}

async function benchStartup(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feldakte-bench-'))
  const start = async (): Promise<number> => {
    const port = 39000 + Math.floor(Math.random() * 1000)
    const t = performance.now()
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/index.ts'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), ADMIN_EMAIL: 'bench@example.de', ADMIN_PASSWORD: 'bench-password-1', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    })
    try {
      for (;;) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/health`)
          if (res.ok) return performance.now() - t
        } catch {
          // not up yet
        }
        if (performance.now() - t > 20_000) throw new Error('server did not start within 20 s')
        await new Promise((r) => setTimeout(r, 20))
      }
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
  }
  await start() // creates the database
  const ms = await start()
  rows.push({ metric: 'Serverstart auf bestehender Datenbank bis /api/health', value: `${ms.toFixed(0)} ms`, target: '≤ 2000 ms', ok: ms <= 2000 })
  fs.rmSync(dataDir, { recursive: true, force: true })
}

/** Sections by name: `npm run bench -- search pull` runs just those; no names run them all. */
const SECTIONS: Record<string, () => Promise<void> | void> = {
  downline: benchDownline,
  bundle: benchBundle,
  startup: benchStartup,
  pull: () => benchPull(rows),
  push: () => benchPushAndPoke(rows, root),
  'initial-sync': () => benchInitialSync(rows, root),
  search: () => benchSearch(rows),
  simulation: () => benchSimulation(rows),
  import: () => benchImport(rows),
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = wanted.filter((n) => !(n in SECTIONS))
if (unknown.length) {
  console.error(`Unbekannte Bench-Abschnitte: ${unknown.join(', ')}. Vorhanden: ${Object.keys(SECTIONS).join(', ')}`)
  process.exit(2)
}
for (const [name, run] of Object.entries(SECTIONS)) {
  if (wanted.length && !wanted.includes(name)) continue
  console.error(`--- bench: ${name}`)
  await run()
}

const w = Math.max(...rows.map((r) => r.metric.length))
console.log(`\n${'Messung'.padEnd(w)} | ${'Wert'.padStart(12)} | ${'Ziel'.padEnd(10)} | ok`)
console.log(`${'-'.repeat(w)}-|-${'-'.repeat(12)}-|-${'-'.repeat(10)}-|---`)
for (const r of rows) console.log(`${r.metric.padEnd(w)} | ${r.value.padStart(12)} | ${r.target.padEnd(10)} | ${r.ok ? 'ja' : 'NEIN'}`)
console.log()
