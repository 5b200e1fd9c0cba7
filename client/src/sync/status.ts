import { liveQuery, type Observable } from 'dexie'
import type { FeldakteDb, QuarantineEntry } from '../db/database'
import { getMeta } from '../db/meta'

/**
 * Read models for a store, as Dexie liveQuery observables: they update across tabs, so a tab that
 * does not hold the sync lock still shows what the syncing tab achieved.
 */
export function observePendingCount(db: FeldakteDb): Observable<number> {
  return liveQuery(() => db.outbox.count())
}

/** Mutations the server refused, newest first, with their full payload. */
export function observeQuarantine(db: FeldakteDb): Observable<QuarantineEntry[]> {
  return liveQuery(async () => (await db.quarantine.orderBy('rejectedAt').reverse().toArray()) as QuarantineEntry[])
}

export interface SyncMeta {
  clientId: string | null
  initialSyncComplete: boolean
  lastSyncAt: string | null
}

export function observeSyncMeta(db: FeldakteDb): Observable<SyncMeta> {
  return liveQuery(async () => ({
    clientId: (await getMeta(db, 'clientId')) ?? null,
    initialSyncComplete: (await getMeta(db, 'initialSyncComplete')) ?? false,
    lastSyncAt: (await getMeta(db, 'lastSyncAt')) ?? null,
  }))
}

/** The rep has seen a quarantined mutation ("Verstanden"); the server keeps its copy. */
export async function dismissQuarantined(db: FeldakteDb, mutationId: string): Promise<void> {
  await db.quarantine.delete(mutationId)
}
