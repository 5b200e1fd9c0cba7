import type { FeldakteDb, OutboxEntry } from '../db/database'
import { getMutator } from './registry'
import { dropTombstones, markConfirmed, restoreTombstones, revertRow } from './rows'
import type { RowKey } from './types'

const keyString = (k: RowKey) => `${k.table}/${k.id}`
const bySeq = (a: OutboxEntry, b: OutboxEntry) => a.seq - b.seq

/** The rows an outbox entry changes (none for a mutator this app version does not know). */
export function keysOf(entry: OutboxEntry): RowKey[] {
  const mutator = getMutator(entry.name, entry.v)
  const parsed = mutator?.args.safeParse(entry.args)
  return mutator && parsed?.success ? mutator.keys(parsed.data) : []
}

/**
 * Applies pending mutations' local effects again, in seq order, inside the caller's transaction.
 * A mutation that no longer fits (its row left the device) is skipped; it still goes to the server.
 */
export async function replay(db: FeldakteDb, entries: OutboxEntry[]): Promise<void> {
  for (const entry of [...entries].sort(bySeq)) {
    const mutator = getMutator(entry.name, entry.v)
    const parsed = mutator?.args.safeParse(entry.args)
    if (!mutator || !parsed?.success) continue
    try {
      await mutator.applyLocal(db, parsed.data, { userId: db.userId, now: entry.createdAt, mutationId: entry.id, replay: true })
    } catch (e) {
      console.warn(`Lokale Wiederholung von ${entry.name} (seq ${entry.seq}) übersprungen`, e)
    }
  }
}

/**
 * After a pull wrote server rows (Replicache's rebase): mutations the server has not seen yet
 * (seq > its lastSeq) go on top again where the patch touched their rows, so the user keeps
 * seeing their unconfirmed changes. `touched` null = the cache was cleared, replay everything.
 */
export async function rebaseAfterPull(db: FeldakteDb, serverLastSeq: number, touched: Set<string> | null): Promise<void> {
  const pending = await db.outbox.where('seq').above(serverLastSeq).toArray()
  const affected = touched === null ? pending : pending.filter((e) => keysOf(e).some((k) => touched.has(keyString(k))))
  await replay(db, affected)
}

export const rowKeyString = keyString

/**
 * After push results were recorded (entries already removed from the outbox): a rejected
 * mutation's optimistic effect is undone by restoring the server's version and replaying what
 * still stands on that row; rows nothing waits for any more are marked as the server's.
 */
export async function settlePushed(
  db: FeldakteDb,
  settled: { entry: OutboxEntry; status: 'applied' | 'rejected' }[],
  remaining: OutboxEntry[],
): Promise<void> {
  const affected = new Map<string, RowKey>()
  const rejected = new Set<string>()
  for (const { entry, status } of settled) {
    if (status === 'rejected') await restoreTombstones(db, entry.id)
    else await dropTombstones(db, entry.id)
    for (const key of keysOf(entry)) {
      affected.set(keyString(key), key)
      if (status === 'rejected') rejected.add(keyString(key))
    }
  }
  if (rejected.size) {
    for (const k of rejected) await revertRow(db, affected.get(k)!)
    const standing = [...settled.filter((s) => s.status === 'applied').map((s) => s.entry), ...remaining]
    await replay(db, standing.filter((e) => keysOf(e).some((k) => rejected.has(keyString(k)))))
  }
  const stillPending = new Set(remaining.flatMap((e) => keysOf(e).map(keyString)))
  for (const [k, key] of affected) if (!stillPending.has(k)) await markConfirmed(db, key)
}
