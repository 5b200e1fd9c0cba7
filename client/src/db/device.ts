import { uuidv7 } from '../../../shared/ids'
import type { DeviceState, FeldakteDb, MetaRow } from './database'

/** The part of `localStorage` used here; tests and private-mode browsers pass their own or null. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export function defaultStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}

/** localStorage key remembering that this user's database existed, with which client id. */
export const deviceKeyFor = (userId: string): string => `feldakte.device.${userId}`

function recall(storage: KeyValueStorage | null, userId: string): string | null {
  try {
    return storage?.getItem(deviceKeyFor(userId)) ?? null
  } catch {
    return null
  }
}

function remember(storage: KeyValueStorage | null, userId: string, clientId: string | null): void {
  try {
    if (clientId) storage?.setItem(deviceKeyFor(userId), clientId)
    else storage?.removeItem(deviceKeyFor(userId))
  } catch {
    // Private mode or quota: only eviction detection is weaker.
  }
}

/**
 * Makes sure the database has its device identity (client id, seq counter, marker) and tells
 * whether it was just created. Created while localStorage remembers an earlier database for this
 * user means the browser evicted it: the new client id and a null cookie make the next pull a
 * full resync.
 */
export async function ensureDeviceState(db: FeldakteDb, storage: KeyValueStorage | null = defaultStorage()): Promise<DeviceState> {
  const known = recall(storage, db.userId)
  const { clientId, created } = (await readIdentity(db)) ?? (await db.transaction('rw', [db.meta, db.outbox, ...db.syncedTables()], async () => {
    // Checked again inside the write transaction: another tab may have initialised meanwhile.
    return (await readIdentity(db)) ?? { clientId: await resetIdentity(db), created: true }
  }))
  remember(storage, db.userId, clientId)
  const state: DeviceState = { clientId, created, evicted: created && known !== null }
  // Keep a detected eviction visible until the database is opened again.
  db.device = { ...state, evicted: state.evicted || (db.device?.evicted ?? false) }
  return state
}

async function readIdentity(db: FeldakteDb): Promise<{ clientId: string; created: false } | null> {
  const [marker, clientId] = await Promise.all([db.meta.get('evictionMarker'), db.meta.get('clientId')])
  return marker && typeof clientId?.value === 'string' ? { clientId: clientId.value, created: false } : null
}

/**
 * A new client identity inside the caller's transaction: new client id, the outbox (normally
 * empty) renumbered from 1 for it, the synced cache cleared and the cookie reset so pull starts over.
 */
export async function resetIdentity(db: FeldakteDb): Promise<string> {
  const clientId = uuidv7()
  const pending = await db.outbox.orderBy('seq').toArray()
  await db.outbox.clear()
  await db.outbox.bulkAdd(pending.map((e, i) => ({ ...e, seq: i + 1 })))
  await Promise.all(db.syncedTables().map((t) => t.clear()))
  const now = new Date().toISOString()
  const rows: MetaRow[] = [
    { key: 'clientId', value: clientId },
    { key: 'nextSeq', value: pending.length + 1 },
    { key: 'cookie', value: null },
    { key: 'initialSyncComplete', value: false },
    { key: 'lastSyncAt', value: null },
    { key: 'evictionMarker', value: { clientId, createdAt: now } },
  ]
  await db.meta.bulkPut(rows)
  return clientId
}

/** Forgets that this user's database existed (after a deliberate wipe, which is no eviction). */
export function forgetDevice(userId: string, storage: KeyValueStorage | null = defaultStorage()): void {
  remember(storage, userId, null)
}

/**
 * Support action after an OutboxGapError (the server misses seqs this device no longer has, e.g.
 * after a server restore): the remaining outbox is sent again under a new client id, numbered from
 * 1, and the cache is pulled in full. Entities carry their own ids, so a mutation the server did
 * apply under the old id is refused (quarantined), never applied twice.
 */
export async function resetDeviceIdentity(db: FeldakteDb, storage: KeyValueStorage | null = defaultStorage()): Promise<string> {
  const clientId = await db.transaction('rw', [db.meta, db.outbox, ...db.syncedTables()], () => resetIdentity(db))
  remember(storage, db.userId, clientId)
  db.device = { clientId, created: false, evicted: false }
  return clientId
}
