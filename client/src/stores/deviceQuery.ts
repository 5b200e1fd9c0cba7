import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { liveQuery } from 'dexie'
import type { FeldakteDb } from '../db'

/**
 * A Dexie liveQuery on the device database that follows the database (opened after sign-in)
 * and a key (the customer on the page); ends with the calling scope. For the stores' "read it
 * from the device, offline" half.
 */
export function watchDeviceQuery<T>(
  db: () => FeldakteDb | null,
  key: Ref<string>,
  query: (db: FeldakteDb, key: string) => Promise<T>,
  initial: T,
  errorText: string,
): { value: Ref<T>; loading: Ref<boolean>; error: Ref<string | null> } {
  const value = shallowRef(initial) as Ref<T>
  const loading = ref(true)
  const error = ref<string | null>(null)
  let sub: { unsubscribe(): void } | null = null
  const stop = watch(
    [db, key],
    ([current, k]) => {
      sub?.unsubscribe()
      sub = null
      if (!current) return
      sub = liveQuery(() => query(current, k)).subscribe({
        next: (result) => {
          value.value = result
          loading.value = false
          error.value = null
        },
        error: (e: unknown) => {
          console.error(e)
          error.value = errorText
          loading.value = false
        },
      })
    },
    { immediate: true },
  )
  onScopeDispose(() => {
    stop()
    sub?.unsubscribe()
  })
  return { value, loading, error }
}
