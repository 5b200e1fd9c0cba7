import { onLocalWrite } from '../db/events'
import type { SyncEngine, SyncReport } from './engine'
import { requestPersistentStorage } from './persist'
import { listenForPokes, type EventSourceFactory } from './pokes'
import { realTimers, type Timers } from './timers'


type Target = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>

export interface SyncLoopOptions {
  /** Foreground timer while all is well. Default 60 s (pokes bring changes sooner). */
  intervalMs?: number
  /** First retry after a failed round; doubles up to `maxRetryMs`, back to normal after a success. Default 5 s. */
  retryMs?: number
  /** Default 5 min. */
  maxRetryMs?: number
  /** Quiet time after a local write before pushing. Default 1 s. */
  writeDebounceMs?: number
  /** Coalesces bursts of pokes. Default 250 ms. */
  pokeDebounceMs?: number
  /** SSE endpoint; default `/api/sync/events`. */
  eventsUrl?: string
  /** Reopening a stream the browser gave up on (e.g. after a 401). Default 60 s. */
  pokeRetryMs?: number
  /** Default: the browser's EventSource; null: no pokes. */
  eventSource?: EventSourceFactory | null
  /** Default: the global document / window (null in tests without them). */
  document?: (Target & { readonly visibilityState: DocumentVisibilityState }) | null
  window?: Target | null
  timers?: Timers
  /** Ask for persistent storage once. Default true. */
  persistStorage?: boolean
}

/** What the loop needs of the engine (a stub in tests). */
export type LoopEngine = Pick<SyncEngine, 'db' | 'syncOnce'>

export interface SyncLoopHandle {
  /** "Jetzt synchronisieren": a round now (or the follow-up of the running one). */
  syncNow(): Promise<SyncReport>
  stop(): void
}

/**
 * The foreground sync loop (sync.md principle 7): a round on start, when the page becomes visible,
 * shortly after local writes, on server pokes, on `online` (a hint only), on a timer that backs off
 * exponentially while rounds fail, and on demand. The engine's lock keeps it to one tab at a time.
 */
export function startSyncLoop(engine: LoopEngine, options: SyncLoopOptions = {}): SyncLoopHandle {
  const doc = options.document === undefined ? (typeof document === 'undefined' ? null : document) : options.document
  const win = options.window === undefined ? (typeof window === 'undefined' ? null : window) : options.window
  const timers = options.timers ?? realTimers
  const intervalMs = options.intervalMs ?? 60_000
  const retryMs = options.retryMs ?? 5_000
  const maxRetryMs = options.maxRetryMs ?? 300_000

  let stopped = false
  let failures = 0
  let lastCounted: SyncReport | null = null
  let timer: unknown = null
  const visible = () => !doc || doc.visibilityState !== 'hidden'

  const clearTimer = () => {
    if (timer !== null) timers.clearTimeout(timer)
    timer = null
  }
  const schedule = () => {
    clearTimer()
    if (stopped || !visible()) return
    const delay = failures === 0 ? intervalMs : Math.min(maxRetryMs, retryMs * 2 ** (failures - 1))
    timer = timers.setTimeout(() => {
      timer = null
      void run()
    }, delay)
  }
  const run = async (): Promise<SyncReport> => {
    const report = await engine.syncOnce()
    // Callers that joined the same round share its report; count it once.
    if (!stopped && report !== lastCounted) {
      lastCounted = report
      failures = report.ok ? 0 : failures + 1
      schedule()
    }
    return report
  }
  const debounced = (ms: number) => {
    let handle: unknown = null
    const fire = () => {
      if (handle !== null) timers.clearTimeout(handle)
      handle = timers.setTimeout(() => {
        handle = null
        if (!stopped) void run()
      }, ms)
    }
    fire.cancel = () => {
      if (handle !== null) timers.clearTimeout(handle)
      handle = null
    }
    return fire
  }

  const afterWrite = debounced(options.writeDebounceMs ?? 1_000)
  const afterPoke = debounced(options.pokeDebounceMs ?? 250)
  const onVisibility = () => {
    if (visible()) void run()
    else clearTimer()
  }
  const onOnline = () => void run()

  doc?.addEventListener('visibilitychange', onVisibility)
  win?.addEventListener('online', onOnline)
  const stopWrites = onLocalWrite(engine.db, afterWrite)
  const stopPokes = listenForPokes(afterPoke, { url: options.eventsUrl, eventSource: options.eventSource, retryMs: options.pokeRetryMs, timers })
  if (options.persistStorage ?? true) void requestPersistentStorage()
  void run()

  return {
    syncNow: run,
    stop() {
      stopped = true
      clearTimer()
      afterWrite.cancel()
      afterPoke.cancel()
      doc?.removeEventListener('visibilitychange', onVisibility)
      win?.removeEventListener('online', onOnline)
      stopWrites()
      stopPokes()
    },
  }
}
