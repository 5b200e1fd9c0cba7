import { getCurrentScope, onScopeDispose, shallowRef, type ShallowRef } from 'vue'

/** The part of an Observable (Dexie's liveQuery) used here. */
export interface Subscribable<T> {
  subscribe(observer: { next: (value: T) => void; error: (error: unknown) => void }): { unsubscribe(): void }
}

export interface LiveRef<T> {
  value: ShallowRef<T>
  /** Set when the query failed (e.g. the database was closed); the last good value stays. */
  error: ShallowRef<unknown>
  /** False until the first value arrived. */
  loaded: ShallowRef<boolean>
  stop(): void
}

/**
 * Holds the latest value of a live query in a ref. Inside a component's setup (or any effect
 * scope) the subscription ends with the scope; otherwise call `stop()`.
 */
export function liveRef<T>(source: Subscribable<T>, initial: T): LiveRef<T> {
  const value = shallowRef(initial)
  const error = shallowRef<unknown>(null)
  const loaded = shallowRef(false)
  const subscription = source.subscribe({
    next: (v) => {
      value.value = v
      error.value = null
      loaded.value = true
    },
    error: (e) => {
      error.value = e
      console.error(e)
    },
  })
  const stop = () => subscription.unsubscribe()
  if (getCurrentScope()) onScopeDispose(stop)
  return { value, error, loaded, stop }
}
