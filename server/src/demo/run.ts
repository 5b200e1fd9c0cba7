import { parseEnv } from '../env'
import { startServer } from '../server'
import { systemClock, today } from '../lib/clock'
import { orgSnapshot } from '../modules/scope/hierarchy'
import { DEMO_PASSWORD, hasDemoData, seedDemo } from './seed'

/**
 * `npm run demo`: loads the demo organisation into the configured database (once; an existing
 * organisation is left alone), prints the demo sign-ins and starts the server.
 */
const env = parseEnv({ ADMIN_EMAIL: 'admin@demo.feldakte.de', ADMIN_PASSWORD: DEMO_PASSWORD, ...process.env })

startServer(env, async (db) => {
  if (!hasDemoData(db)) {
    await seedDemo(db, systemClock, env.PASSWORD_HASH_LOG_N)
    console.log('Demo-Organisation angelegt: 3 Filialen, 60 Vermittler auf 5 Karrierestufen, 6 Innendienst-Mitarbeiter, rund 1.800 Kunden mit Haushalten, Einwilligungen, Notizen und Wiedervorlagen.')
  } else {
    console.log('Die Datenbank enthält bereits eine Organisation; es werden keine Demodaten geladen.')
  }
  const snap = orgSnapshot(db)
  const date = today(systemClock)
  const users = [...snap.users.values()]
  const email = new Map(db.$client.prepare('SELECT id, email FROM users').all().map((r) => [(r as { id: string }).id, (r as { email: string }).email]))
  const reps = users.filter((u) => u.role === 'rep' && snap.inStructure(u.id, date))
  const byDepth = (d: number) => reps.find((u) => snap.uplineChain(u.id, date).length === d)
  const rows: [string, string | undefined][] = [
    ['Administrator', users.find((u) => u.role === 'admin')?.id],
    ['Innendienst', users.find((u) => u.role === 'backoffice')?.id],
    ['Direktionsleiter (Struktur)', byDepth(0)?.id],
    ['Führungskraft (Mitte)', byDepth(2)?.id],
    ['Vermittler', byDepth(4)?.id],
  ]
  console.log(`\n  Demo-Anmeldungen (Passwort für alle: ${DEMO_PASSWORD})`)
  for (const [label, id] of rows) if (id) console.log(`  ${label.padEnd(30)} ${email.get(id)}`)
  console.log()
}).catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
