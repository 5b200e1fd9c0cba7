import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { createApp } from './app'
import { openMigratedDb } from './db/client'
import { parseEnv, type Env } from './env'
import type { Db } from './db/client'
import { systemClock } from './lib/clock'
import { createDeps } from './deps'
import { pruneSessions } from './modules/auth/auth.service'
import { ensureAdmin } from './modules/org/bootstrap'
import { ensureCustomerSearch } from './modules/customers/customer-search.service'
import { inTx } from './lib/tx'
import { ensureContactKeys } from './modules/customers/contact-keys.service'
import { purgeImports } from './modules/customer-imports/customer-imports.service'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Opens the database, creates the first admin if needed, and serves the app. */
export async function startServer(env: Env = parseEnv(), beforeListen?: (db: Db) => Promise<void>) {
  const dataDir = path.resolve(repoRoot, env.DATA_DIR)
  const db = openMigratedDb(path.join(dataDir, 'feldakte.db'))
  const deps = createDeps(db, env, systemClock)
  const { logger } = deps
  const created = await ensureAdmin(db, env, systemClock)
  if (created?.oneTimePassword) {
    console.log(
      `\n  Erster Start: Administrator angelegt.\n  E-Mail:           ${created.email}\n  Einmalpasswort:   ${created.oneTimePassword}\n  (muss bei der ersten Anmeldung geändert werden)\n`,
    )
  } else if (created) {
    logger.info('admin created', { email: created.email })
  }
  pruneSessions(deps)
  inTx(db, (tx) => purgeImports(tx, deps.clock.now()))
  const indexed = ensureCustomerSearch(db)
  if (indexed) logger.info('customer search index built', { customers: indexed })
  await beforeListen?.(db)
  // After beforeListen: customers the demo loads in bulk get their duplicate-check keys too.
  const keyed = ensureContactKeys(db)
  if (keyed) logger.info('customer contact keys built', { customers: keyed })

  const app = createApp(deps, { clientDist: path.resolve(repoRoot, env.CLIENT_DIST) })
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    logger.info('listening', { url: `http://localhost:${info.port}`, dataDir })
  })

  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    logger.info('shutting down', { signal })
    server.close(() => {
      db.$client.close()
      process.exit(0)
    })
    // Open SSE streams would keep close() waiting; the database must still be closed cleanly.
    setTimeout(() => {
      db.$client.close()
      process.exit(0)
    }, 3000).unref()
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

