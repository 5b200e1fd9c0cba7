let asked: Promise<boolean | null> | null = null

/**
 * Asks once per page load for persistent storage, so the browser does not evict the outbox under
 * storage pressure. Null where the API is missing.
 */
export function requestPersistentStorage(
  storage: Pick<StorageManager, 'persist' | 'persisted'> | undefined = (globalThis as { navigator?: Navigator }).navigator?.storage,
): Promise<boolean | null> {
  if (!asked) {
    asked = (async () => {
      if (!storage?.persist) return null
      try {
        return (await storage.persisted()) || (await storage.persist())
      } catch {
        return false
      }
    })()
  }
  return asked
}
