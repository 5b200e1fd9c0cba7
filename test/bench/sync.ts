import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { uuidv7 } from '../../shared/ids'
import { berlinDate } from '../../shared/dates'
import { openMigratedDb } from '../../server/src/db/client'
import { parseEnv } from '../../server/src/env'
import { createDeps } from '../../server/src/deps'
import { systemClock } from '../../server/src/lib/clock'
import { hashPassword } from '../../server/src/lib/password'
import { generateCustomers, generateOrganisation } from '../../server/src/demo/demo.service'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { orgSnapshot } from '../../server/src/modules/scope/hierarchy'
import { pull } from '../../server/src/modules/sync/sync.service'
import type { SessionUser } from '../../server/src/lib/context'

export type Row = { metric: string; value: string; target: string; ok: boolean }

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!

function asUser(id: string): SessionUser {
  return { id, email: '', name: '', role: 'rep', branchIds: [], mustChangePassword: false, sessionTokenHash: '', active: true }
}

/** Pull with nothing changed, for a rep with ~5,000 visible customers and a manager with ~50,000. */
export async function benchPull(rows: Row[]): Promise<void> {
  const db = openMigratedDb(':memory:')
  const org = generateOrganisation(db, {
    branchNames: ['Nord'],
    levels: DEMO_LEVELS,
    repsPerBranch: 2500,
    depth: 6,
    passwordHash: 'x',
    validFrom: '2020-01-01',
    seed: 11,
    emailDomain: 'bench.example',
    backofficePerBranch: 0,
    now: new Date().toISOString(),
  })
  const now = new Date().toISOString()
  // The whole customer file: contact lists, households, consents and notes, as devices hold them.
  generateCustomers(db, org.repIds, 20, 5, now, { today: now.slice(0, 10) })
  const deps = createDeps(db, parseEnv({ LOG_LEVEL: 'silent' }), systemClock)
  const date = berlinDate()
  const snap = orgSnapshot(db)
  // The root's downline holds all 50,000; a manager with about 250 reps below sees about 5,000.
  const root = org.repIds[0]!
  const sizes = org.repIds.map((id) => ({ id, n: snap.downline(id, date).length }))
  const mid = sizes.reduce((best, x) => (Math.abs(x.n - 250) < Math.abs(best.n - 250) ? x : best)).id
  const measure = (repId: string) => {
    const user = asUser(repId)
    const clientId = uuidv7()
    let cookie: string | null = null
    let rowsHeld = 0
    let childRows = 0
    const t0 = performance.now()
    for (;;) {
      const res = pull(deps, user, { clientId, schemaVersion: 1, cookie })
      cookie = res.cookie
      for (const p of res.patch) {
        if (p.op !== 'put') continue
        if (p.table === 'customers') rowsHeld++
        else if (p.table !== 'relationTypes') childRows++
      }
      if (!res.more) break
    }
    const initial = performance.now() - t0
    const times: number[] = []
    for (let i = 0; i < 30; i++) {
      const t = performance.now()
      const res = pull(deps, user, { clientId, schemaVersion: 1, cookie })
      times.push(performance.now() - t)
      cookie = res.cookie
      if (res.patch.length) throw new Error('unexpected patch')
    }
    return { rowsHeld, childRows, initial, p95: percentile(times, 95) }
  }
  const small = measure(mid)
  rows.push({ metric: `Pull ohne Änderungen, Vermittler mit ${small.rowsHeld} Kunden (p95, Serverzeit)`, value: `${small.p95.toFixed(2)} ms`, target: '≤ 20 ms', ok: small.p95 <= 20 })
  const big = measure(root)
  rows.push({ metric: `Initialer Pull (Server) für ${big.rowsHeld} Kunden und ${big.childRows} Haushalts-, Einwilligungs- und Notizzeilen, Seiten à 1.000`, value: `${big.initial.toFixed(0)} ms`, target: '–', ok: true })
  rows.push({ metric: `Pull ohne Änderungen, Führungskraft mit ${big.rowsHeld} Kunden (p95)`, value: `${big.p95.toFixed(2)} ms`, target: '≤ 150 ms', ok: big.p95 <= 150 })
  db.$client.close()
}

/** Push of 100 queued mutations and poke-to-visible latency against a real server on loopback. */
export async function benchPushAndPoke(rows: Row[], root: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feldakte-bench-sync-'))
  const db = openMigratedDb(path.join(dataDir, 'feldakte.db'))
  const password = 'bench-password-1'
  const org = generateOrganisation(db, {
    branchNames: ['Nord'],
    levels: DEMO_LEVELS,
    repsPerBranch: 10,
    depth: 3,
    passwordHash: await hashPassword(password, 12),
    validFrom: '2020-01-01',
    seed: 3,
    emailDomain: 'bench.example',
    backofficePerBranch: 1,
    now: new Date().toISOString(),
  })
  db.$client.close()
  const rep = org.users.find((u) => u.role === 'rep' && u.id === org.repIds[org.repIds.length - 1])!
  const office = org.users.find((u) => u.role === 'backoffice')!
  const port = 39500 + Math.floor(Math.random() * 400)
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/index.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ADMIN_EMAIL: 'a@b.de', ADMIN_PASSWORD: 'admin-password-1' },
    stdio: 'ignore',
  })
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/api/health`)).ok) break
      } catch {
        if (i > 400 || child.exitCode !== null) throw new Error('server did not start')
        await new Promise((r) => setTimeout(r, 25))
      }
    }
    const login = async (email: string) => {
      const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email, password }) })
      return res.headers.get('set-cookie')!.split(';')[0]!
    }
    const repCookie = await login(rep.email)
    const officeCookie = await login(office.email)
    const post = (cookie: string, p: string, body: unknown) =>
      fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url, cookie }, body: JSON.stringify(body) }).then((r) => r.json())

    const clientId = uuidv7()
    let seq = 0
    // What the form sends (createCustomer v2): contact lists, a bank account, tags.
    const customerArgs = (lastName: string) => ({
      id: uuidv7(),
      firstName: 'Bench',
      lastName,
      status: 'customer',
      addresses: [{ type: 'home', street: 'Hauptstraße 1', zip: '50667', city: 'Köln' }],
      phones: [{ type: 'mobile', number: `0171 ${String(1_000_000 + seq).slice(-7)}` }],
      emails: [{ type: 'private', address: `bench.${seq}@example.de` }],
      bankAccounts: [{ iban: 'DE89 3704 0044 0532 0130 00' }],
      tags: ['Bench'],
    })
    const batch = Array.from({ length: 100 }, () => ({ seq: ++seq, id: uuidv7(), name: 'createCustomer', v: 2, args: customerArgs(`Kunde ${seq}`) }))
    const t = performance.now()
    const res = (await post(repCookie, '/api/sync/push', { clientId, schemaVersion: 1, mutations: batch })) as { lastSeq: number; results: { status: string }[] }
    const pushMs = performance.now() - t
    if (res.lastSeq !== 100 || res.results.some((r) => r.status !== 'applied')) throw new Error(`push failed: ${JSON.stringify(res).slice(0, 300)}`)
    rows.push({ metric: 'Push von 100 Mutationen über HTTP (Ende zu Ende)', value: `${pushMs.toFixed(0)} ms`, target: '≤ 1000 ms', ok: pushMs <= 1000 })

    // Back office listens for pokes; each round: rep pushes, office receives the poke and refetches its list.
    const controller = new AbortController()
    const events = await fetch(`${url}/api/sync/events`, { headers: { cookie: officeCookie }, signal: controller.signal })
    const reader = events.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    const nextPoke = async () => {
      for (;;) {
        const i = buffer.indexOf('event: poke')
        if (i >= 0) {
          buffer = buffer.slice(i + 11)
          return
        }
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended')
        buffer += decoder.decode(value)
      }
    }
    const latencies: number[] = []
    for (let i = 0; i < 40; i++) {
      const lastName = `Poke ${i}`
      const t0 = performance.now()
      const poked = nextPoke()
      await post(repCookie, '/api/sync/push', { clientId, schemaVersion: 1, mutations: [{ seq: ++seq, id: uuidv7(), name: 'createCustomer', v: 2, args: customerArgs(lastName) }] })
      await poked
      const list = (await (await fetch(`${url}/api/customers?q=${encodeURIComponent(lastName)}`, { headers: { cookie: officeCookie } })).json()) as { items: { lastName: string }[] }
      if (!list.items.some((c) => c.lastName === lastName)) throw new Error('poked, but the row is not visible')
      latencies.push(performance.now() - t0)
    }
    controller.abort()
    const p95 = percentile(latencies, 95)
    rows.push({ metric: 'Poke bis sichtbar (Push → Poke → Liste), p95 über 40', value: `${p95.toFixed(1)} ms`, target: '≤ 500 ms', ok: p95 <= 500 })
  } finally {
    // A server that died on start has no exit event left to wait for.
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
