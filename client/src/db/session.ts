import Dexie from 'dexie'
import { dbNameFor, FeldakteDb } from './database'
import { defaultStorage, ensureDeviceState, forgetDevice, type KeyValueStorage } from './device'

const open = new Map<string, Set<FeldakteDb>>()

/**
 * Opens (creating if needed) the user's database and checks its device identity; `db.device`
 * tells whether it was evicted. Rejects with Dexie's error when IndexedDB is unavailable.
 */
export async function openUserDb(userId: string, options: { storage?: KeyValueStorage | null } = {}): Promise<FeldakteDb> {
  const db = new FeldakteDb(userId)
  await db.open()
  let set = open.get(userId)
  if (!set) open.set(userId, (set = new Set()))
  set.add(db)
  db.on('close', () => set.delete(db))
  await ensureDeviceState(db, options.storage === undefined ? defaultStorage() : options.storage)
  return db
}

/** Closes this tab's connections and deletes the user's database. */
export async function deleteUserDb(userId: string): Promise<void> {
  for (const db of open.get(userId) ?? []) db.close()
  open.delete(userId)
  await Dexie.delete(dbNameFor(userId))
}

/** Logout is safe only when nothing waits for upload (sync.md: refuse or warn loudly otherwise). */
export async function canLogout(db: FeldakteDb): Promise<boolean> {
  return (await db.outbox.count()) === 0
}

/** Removes everything this device holds for the user: the database and the eviction hint. */
export async function wipeDevice(userId: string, options: { storage?: KeyValueStorage | null } = {}): Promise<void> {
  await deleteUserDb(userId)
  forgetDevice(userId, options.storage === undefined ? defaultStorage() : options.storage)
}
