import { uuidv7 } from '../../../shared/ids'
import { openUserDb } from '../../../client/src/db/session'
import type { FeldakteDb } from '../../../client/src/db/database'
import { SyncEngine, type SyncEngineOptions } from '../../../client/src/sync/engine'
import { FakeSyncServer, FaultyTransport, MemoryStorage } from './fake-server'

export interface Harness {
  userId: string
  db: FeldakteDb
  server: FakeSyncServer
  transport: FaultyTransport
  storage: MemoryStorage
  engine: SyncEngine
  /** Another engine (a second tab or a reload) on its own connection to the same database. */
  secondEngine(options?: Partial<SyncEngineOptions>): Promise<{ db: FeldakteDb; engine: SyncEngine; transport: FaultyTransport }>
}

/** A fresh user database (its own name), a fake server and an engine between them. */
export async function setup(options: Partial<SyncEngineOptions> = {}): Promise<Harness> {
  const userId = uuidv7()
  const storage = new MemoryStorage()
  const db = await openUserDb(userId, { storage })
  const server = new FakeSyncServer(userId)
  const transport = new FaultyTransport(server)
  const engine = new SyncEngine({ db, transport, storage, locks: null, ...options })
  return {
    userId,
    db,
    server,
    transport,
    storage,
    engine,
    async secondEngine(more = {}) {
      const db2 = await openUserDb(userId, { storage })
      const transport2 = new FaultyTransport(server)
      return { db: db2, transport: transport2, engine: new SyncEngine({ db: db2, transport: transport2, storage, locks: null, ...more }) }
    },
  }
}

export const tick = (ms = 0) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Waits (polling) until `condition` holds; fails after `ms`. */
export async function until(condition: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached')
    await tick(1)
  }
}
