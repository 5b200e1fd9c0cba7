import type { FeldakteDb } from './database'

type Listener = () => void
const listeners = new Map<string, Set<Listener>>()

/** Called by `mutate` after a local write committed; the sync loop pushes soon after. */
export function emitLocalWrite(db: FeldakteDb): void {
  for (const listener of listeners.get(db.name) ?? []) listener()
}

/** Subscribes to committed local writes of one user's database (this tab only). */
export function onLocalWrite(db: FeldakteDb, listener: Listener): () => void {
  let set = listeners.get(db.name)
  if (!set) listeners.set(db.name, (set = new Set()))
  set.add(listener)
  return () => {
    set.delete(listener)
  }
}
