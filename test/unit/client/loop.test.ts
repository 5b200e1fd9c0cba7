import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { openUserDb, type FeldakteDb } from '../../../client/src/db'
import { createCustomer } from '../../../client/src/mutators'
import { requestPersistentStorage, startSyncLoop, type EventSourceLike, type SyncLoopHandle, type SyncReport, type Timers } from '../../../client/src/sync'
import { tick } from './harness'

/** Timers the test fires by hand, to check which delays the loop asks for. */
class ManualTimers implements Timers {
  private next = 1
  readonly pending = new Map<number, { fn: () => void; ms: number }>()
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++
    this.pending.set(id, { fn, ms })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms)
  }
  /** Fires the pending timer with this delay. */
  fire(ms: number): void {
    const entry = [...this.pending.entries()].find(([, t]) => t.ms === ms)
    if (!entry) throw new Error(`no timer with ${ms} ms; pending: ${this.delays().join(', ')}`)
    this.pending.delete(entry[0])
    entry[1].fn()
  }
}

class FakeTarget extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible'
}

class FakeEventSource extends EventTarget implements EventSourceLike {
  readyState = 1
  closed = false
  constructor(readonly url: string) {
    super()
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
  emit(type: string) {
    this.dispatchEvent(new Event(type))
  }
}

const report = (ok: boolean): SyncReport => ({ ok, applied: 0, quarantined: 0, pulledPages: 1, complete: ok, evicted: false, error: ok ? null : { kind: 'offline', message: 'offline', at: '' } })

let db: FeldakteDb
let loop: SyncLoopHandle | null = null
afterEach(() => {
  loop?.stop()
  loop = null
  db?.close()
})

async function start(outcomes: boolean[] = []) {
  db = await openUserDb(uuidv7(), { storage: null })
  const timers = new ManualTimers()
  const doc = new FakeTarget()
  const win = new FakeTarget()
  const sources: FakeEventSource[] = []
  let rounds = 0
  const engine = {
    db,
    syncOnce: async () => {
      rounds++
      return report(outcomes.shift() ?? true)
    },
  }
  loop = startSyncLoop(engine, {
    timers,
    document: doc,
    window: win,
    eventSource: (url) => {
      const es = new FakeEventSource(url)
      sources.push(es)
      return es
    },
    persistStorage: false,
    intervalMs: 60_000,
    retryMs: 5_000,
    maxRetryMs: 300_000,
    writeDebounceMs: 1_000,
    pokeDebounceMs: 250,
    pokeRetryMs: 30_000,
  })
  await tick()
  return { timers, doc, win, sources, rounds: () => rounds }
}

describe('sync loop triggers', () => {
  it('syncs on start and then on the foreground timer', async () => {
    const t = await start()
    expect(t.rounds()).toBe(1)
    expect(t.timers.delays()).toEqual([60_000])
    t.timers.fire(60_000)
    await tick()
    expect(t.rounds()).toBe(2)
    expect(t.timers.delays()).toEqual([60_000])
  })

  it('backs off exponentially while rounds fail, up to 5 minutes, and resets after a success', async () => {
    const t = await start([false, false, false, false, false, false, false, false, true])
    const delays: number[] = []
    for (let i = 0; i < 8; i++) {
      delays.push(...t.timers.delays())
      t.timers.fire(t.timers.delays()[0]!)
      await tick()
    }
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000])
    expect(t.timers.delays()).toEqual([60_000])
  })

  it('pauses the timer while hidden and syncs when the page becomes visible again', async () => {
    const t = await start()
    t.doc.visibilityState = 'hidden'
    t.doc.dispatchEvent(new Event('visibilitychange'))
    expect(t.timers.delays()).toEqual([])
    t.doc.visibilityState = 'visible'
    t.doc.dispatchEvent(new Event('visibilitychange'))
    await tick()
    expect(t.rounds()).toBe(2)
    expect(t.timers.delays()).toEqual([60_000])
  })

  it('syncs on the online event', async () => {
    const t = await start()
    t.win.dispatchEvent(new Event('online'))
    await tick()
    expect(t.rounds()).toBe(2)
  })

  it('pushes once shortly after a burst of local writes', async () => {
    const t = await start()
    await createCustomer(db, { firstName: 'A', lastName: 'Eins' })
    await createCustomer(db, { firstName: 'B', lastName: 'Zwei' })
    expect(t.timers.delays().filter((ms) => ms === 1_000)).toHaveLength(1)
    expect(t.rounds()).toBe(1)
    t.timers.fire(1_000)
    await tick()
    expect(t.rounds()).toBe(2)
  })

  it('pulls after a server poke and after the event stream (re)opens', async () => {
    const t = await start()
    const es = t.sources[0]!
    expect(es.url).toBe('/api/sync/events')
    es.emit('poke')
    es.emit('poke')
    expect(t.timers.delays().filter((ms) => ms === 250)).toHaveLength(1)
    t.timers.fire(250)
    await tick()
    expect(t.rounds()).toBe(2)
    es.emit('open')
    t.timers.fire(250)
    await tick()
    expect(t.rounds()).toBe(3)
  })

  it('opens the event stream again after the browser gave up on it', async () => {
    const t = await start()
    const es = t.sources[0]!
    es.emit('error') // still connecting: the browser retries by itself
    expect(t.timers.delays()).not.toContain(30_000)
    es.readyState = 2
    es.emit('error')
    t.timers.fire(30_000)
    expect(t.sources).toHaveLength(2)
    t.sources[1]!.emit('poke')
    t.timers.fire(250)
    await tick()
    expect(t.rounds()).toBe(2)
  })

  it('manual syncNow runs a round and stop() ends every trigger', async () => {
    const t = await start()
    expect((await loop!.syncNow()).ok).toBe(true)
    expect(t.rounds()).toBe(2)
    loop!.stop()
    expect(t.timers.delays()).toEqual([])
    expect(t.sources[0]!.closed).toBe(true)
    t.win.dispatchEvent(new Event('online'))
    t.doc.dispatchEvent(new Event('visibilitychange'))
    await createCustomer(db, { firstName: 'A', lastName: 'Eins' })
    await tick()
    expect(t.rounds()).toBe(2)
    expect(t.timers.delays()).toEqual([])
  })
})

describe('requestPersistentStorage', () => {
  it('asks the browser once per page', async () => {
    let asked = 0
    const storage = {
      persisted: async () => false,
      persist: async () => {
        asked++
        return true
      },
    }
    expect(await requestPersistentStorage(storage)).toBe(true)
    expect(await requestPersistentStorage(storage)).toBe(true)
    expect(asked).toBe(1)
  })
})
