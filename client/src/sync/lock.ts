/** The part of the Web Locks API used here (navigator.locks). */
export interface LockManagerLike {
  request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T>
}

export function browserLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator
  return nav?.locks ?? null
}

const chains = new Map<string, Promise<unknown>>()

/** Fallback where Web Locks are missing: one queue per name within this JavaScript realm. */
function inProcess<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(name) ?? Promise.resolve()
  const run = previous.then(fn, fn)
  const tail = run.catch(() => undefined)
  chains.set(name, tail)
  void tail.then(() => {
    if (chains.get(name) === tail) chains.delete(name)
  })
  return run
}

/** Runs `fn` holding the exclusive lock `name` (across tabs with Web Locks). */
export function withLock<T>(name: string, fn: () => Promise<T>, locks: LockManagerLike | null): Promise<T> {
  return locks ? locks.request(name, () => fn()) : inProcess(name, fn)
}
