import { realTimers, type Timers } from './timers'

/** The part of EventSource used here. */
export interface EventSourceLike {
  readonly readyState: number
  addEventListener(type: string, listener: () => void): void
  close(): void
}
export type EventSourceFactory = (url: string) => EventSourceLike

const CLOSED = 2

export function browserEventSource(): EventSourceFactory | null {
  const ES = (globalThis as { EventSource?: new (url: string) => EventSourceLike }).EventSource
  return ES ? (url) => new ES(url) : null
}

/**
 * Listens for the server's data-less `poke` events. The browser reconnects by itself after a
 * dropped connection; pokes missed meanwhile are made up by calling `onPoke` on every (re)open.
 * A refused stream (e.g. 401) ends for good in the browser, so it is opened again after `retryMs`.
 */
export function listenForPokes(
  onPoke: () => void,
  options: { url?: string; eventSource?: EventSourceFactory | null; retryMs?: number; timers?: Timers } = {},
): () => void {
  const factory = options.eventSource === undefined ? browserEventSource() : options.eventSource
  if (!factory) return () => {}
  const url = options.url ?? '/api/sync/events'
  const retryMs = options.retryMs ?? 60_000
  let source: EventSourceLike | null = null
  const timers = options.timers ?? realTimers
  let retry: unknown = null
  let stopped = false

  const connect = () => {
    retry = null
    if (stopped) return
    const es = factory(url)
    source = es
    es.addEventListener('poke', onPoke)
    es.addEventListener('open', onPoke)
    es.addEventListener('error', () => {
      if (es.readyState === CLOSED && !stopped && source === es && retry === null) retry = timers.setTimeout(connect, retryMs)
    })
  }
  connect()
  return () => {
    stopped = true
    if (retry !== null) timers.clearTimeout(retry)
    source?.close()
  }
}
