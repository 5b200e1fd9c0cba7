import type { FeldakteDb, MetaKey, MetaValues } from './database'

/** Reads one meta value; inside a transaction it takes part in it. */
export async function getMeta<K extends MetaKey>(db: FeldakteDb, key: K): Promise<MetaValues[K] | undefined> {
  const row = await db.meta.get(key)
  return row?.value as MetaValues[K] | undefined
}

export async function setMeta<K extends MetaKey>(db: FeldakteDb, key: K, value: MetaValues[K]): Promise<void> {
  await db.meta.put({ key, value })
}
