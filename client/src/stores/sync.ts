import { computed, shallowRef, watch } from 'vue'
import { defineStore } from 'pinia'
import type { FeldakteDb, OutboxEntry, QuarantineEntry } from '../db'
import type { SyncEngine, SyncFailure, SyncLoopHandle, SyncReport, SyncState } from '../sync'
import { liveRef, type LiveRef } from '../lib/observable'
import { useAuthStore } from './auth'

export type { OutboxEntry, QuarantineEntry }

// The engine, Dexie and zod load on demand: the sign-in page stays small.
async function loadRuntime() {
  const [db, sync, dexie] = await Promise.all([import('../db'), import('../sync'), import('dexie')])
  return { db, sync, liveQuery: dexie.liveQuery }
}
type Runtime = Awaited<ReturnType<typeof loadRuntime>>
let runtimePromise: Promise<Runtime> | null = null
function runtime(): Promise<Runtime> {
  runtimePromise ??= loadRuntime().catch((e: unknown) => {
    runtimePromise = null
    throw e
  })
  return runtimePromise
}

/** Outbox, quarantine and meta of the device, read in one transaction so they agree. */
export interface DeviceSnapshot {
  outbox: OutboxEntry[]
  quarantine: QuarantineEntry[]
  nextSeq: number
  lastSyncAt: string | null
  initialSyncComplete: boolean
}

/** Where a locally saved change stands: on the device, confirmed by the server, or refused. */
export type SaveState = 'saved' | 'synced' | 'rejected'

interface Session {
  userId: string
  db: FeldakteDb
  engine: SyncEngine
  loop: SyncLoopHandle
  snapshot: LiveRef<DeviceSnapshot | null>
  stops: (() => void)[]
  /** Set once the session is being ended; engine problems are no longer acted on. */
  ending: boolean
}

const DEACTIVATED_NOTICE = 'Ihr Zugang wurde deaktiviert. Die Daten auf diesem Gerät wurden gelöscht.'
const UNAVAILABLE =
  'Der Offline-Speicher dieses Browsers ist nicht verfügbar (z. B. im privaten Modus). Änderungen können auf diesem Gerät nicht gespeichert werden.'
const INCOMPLETE = 'Die App ist auf diesem Gerät noch nicht vollständig geladen. Sobald eine Verbindung besteht, geht es weiter.'
const LOGOUT_SYNC_MS = 8_000

/**
 * The device side of the offline sync for the signed-in user: opens their Dexie database, runs
 * the sync engine and its loop (pokes, timer, online, visibility, after writes), and exposes the
 * device's state as live read models. Ends with the session; a deliberate logout wipes the device.
 */
export const useSyncStore = defineStore('sync', () => {
  const auth = useAuthStore()
  const db = shallowRef<FeldakteDb | null>(null)
  const userId = shallowRef<string | null>(null)
  const engineState = shallowRef<SyncState | null>(null)
  const snapshot = shallowRef<DeviceSnapshot | null>(null)
  const startError = shallowRef<string | null>(null)
  let session: Session | null = null
  let chain: Promise<void> = Promise.resolve()
  const pokeListeners = new Set<() => void>()

  const pendingCount = computed(() => snapshot.value?.outbox.length ?? 0)
  const outbox = computed(() => snapshot.value?.outbox ?? [])
  const quarantine = computed(() => snapshot.value?.quarantine ?? [])
  const lastSyncAt = computed(() => snapshot.value?.lastSyncAt ?? null)
  const initialSyncComplete = computed(() => snapshot.value?.initialSyncComplete ?? false)
  const syncing = computed(() => engineState.value?.syncing ?? false)
  const evicted = computed(() => engineState.value?.evicted ?? false)
  const lastError = computed<SyncFailure | null>(() =>
    startError.value ? { kind: 'local', message: startError.value, at: '' } : (engineState.value?.lastError ?? null),
  )
  const ready = computed(() => db.value !== null && snapshot.value !== null)

  const activeUserId = computed(() =>
    auth.status === 'authenticated' && auth.me && !auth.mustChangePassword ? auth.me.id : null,
  )

  function emitPoke(): void {
    for (const listener of pokeListeners) listener()
  }

  /** Called on every server poke (and when the event stream (re)opens): data may have changed. */
  function onPoke(listener: () => void): () => void {
    pokeListeners.add(listener)
    return () => {
      pokeListeners.delete(listener)
    }
  }

  async function open(id: string): Promise<void> {
    startError.value = null
    let rt: Runtime
    let opened: FeldakteDb
    try {
      rt = await runtime()
    } catch (e) {
      // Offline before the service worker cached the app: tried again when the connection returns.
      console.error(e)
      if (activeUserId.value === id) startError.value = INCOMPLETE
      return
    }
    try {
      opened = await rt.db.openUserDb(id)
    } catch (e) {
      console.error(e)
      if (activeUserId.value === id) startError.value = UNAVAILABLE
      return
    }
    // Signed out (or another user) while opening.
    if (activeUserId.value !== id) {
      opened.close()
      return
    }
    const engine = new rt.sync.SyncEngine({ db: opened, transport: rt.sync.createFetchTransport() })
    await engine.showPendingChanges().catch((e: unknown) => console.error(e))
    const snap = liveRef<DeviceSnapshot | null>(
      rt.liveQuery(() =>
        opened.transaction('r', [opened.outbox, opened.quarantine, opened.meta], async () => {
          const [entries, rejected, nextSeq, lastSync, complete] = await Promise.all([
            opened.outbox.orderBy('seq').toArray(),
            opened.quarantine.orderBy('rejectedAt').reverse().toArray(),
            rt.db.getMeta(opened, 'nextSeq'),
            rt.db.getMeta(opened, 'lastSyncAt'),
            rt.db.getMeta(opened, 'initialSyncComplete'),
          ])
          return { outbox: entries, quarantine: rejected, nextSeq: nextSeq ?? 1, lastSyncAt: lastSync ?? null, initialSyncComplete: complete ?? false }
        }),
      ),
      null,
    )
    const s: Session = { userId: id, db: opened, engine, snapshot: snap, stops: [snap.stop], ending: false, loop: null as unknown as SyncLoopHandle }
    session = s
    s.stops.push(watch(snap.value, (v) => (snapshot.value = v), { immediate: true }))
    s.stops.push(engine.subscribe((state) => onEngineState(s, state)))
    // One event stream: the loop syncs on pokes, and stores (the back office list) refresh.
    s.loop = rt.sync.startSyncLoop(engine, {
      eventSource: (url) => {
        const es = new EventSource(url)
        es.addEventListener('poke', emitPoke)
        es.addEventListener('open', emitPoke)
        return es
      },
    })
    db.value = opened
    userId.value = id
  }

  function close(s: Session): void {
    s.ending = true
    s.loop?.stop()
    for (const stop of s.stops) stop()
    s.db.close()
    if (session === s) {
      session = null
      db.value = null
      userId.value = null
      snapshot.value = null
      engineState.value = null
    }
  }

  async function wipe(id: string): Promise<void> {
    try {
      await (await runtime()).db.wipeDevice(id)
    } catch (e) {
      console.error('Gerätedaten konnten nicht gelöscht werden', e)
    }
  }

  function onEngineState(s: Session, state: SyncState): void {
    if (session !== s || s.ending) return
    engineState.value = state
    if (state.problem === 'unauthenticated') {
      // The engine's own 401: signed out; the outbox stays for the next sign-in.
      close(s)
      auth.sessionEnded()
    } else if (state.problem === 'deactivated') {
      s.ending = true
      void enqueue(() => endDeactivated(s))
    }
  }

  /**
   * A deactivated user's device uploads what is left (the server quarantines it) and is wiped;
   * only a device whose outbox could not be emptied keeps its database.
   */
  async function endDeactivated(s: Session): Promise<void> {
    if (session !== s) return
    s.loop.stop()
    for (let i = 0; i < 3 && (await s.db.outbox.count()) > 0; i++) await s.engine.push()
    const left = await s.db.outbox.count()
    close(s)
    if (left === 0) await wipe(s.userId)
    await auth.signOutWithNotice(
      left === 0
        ? DEACTIVATED_NOTICE
        : `Ihr Zugang wurde deaktiviert. ${left} Änderungen konnten nicht übertragen werden und bleiben auf diesem Gerät gespeichert.`,
    )
  }

  /**
   * The session ended without a deliberate logout (a 401 from any request). Push and pull still
   * answer a deactivated user: one more round tells whether this device must be wiped.
   */
  async function endExpired(s: Session): Promise<void> {
    s.ending = true
    s.loop.stop()
    const report = await s.engine.syncOnce()
    if (report.error?.kind === 'deactivated') {
      await endDeactivated(s)
      return
    }
    close(s)
  }

  function enqueue(step: () => Promise<void>): Promise<void> {
    chain = chain.then(step, step)
    return chain
  }

  function follow(id: string | null): void {
    void enqueue(async () => {
      const s = session
      if (s && s.userId !== id) {
        if (auth.sessionExpired && !s.ending) await endExpired(s)
        else close(s)
      }
      if (id && !session && activeUserId.value === id) await open(id)
    })
  }
  watch(activeUserId, follow, { immediate: true })
  // A start that failed (e.g. the app's code not cached yet) is tried again once online.
  window.addEventListener('online', () => {
    if (!session && activeUserId.value) follow(activeUserId.value)
  })

  /** "Jetzt synchronisieren"; null without a session. */
  async function syncNow(): Promise<SyncReport | null> {
    return session ? session.loop.syncNow() : null
  }

  /**
   * Signs out. Refused (with the number of waiting changes) while the outbox is not empty, after
   * one attempt to upload; `force` signs out anyway and the waiting changes are lost. The device's
   * database is deleted either way.
   */
  async function logout(options: { force?: boolean } = {}): Promise<{ pending: number } | null> {
    const s = session
    if (s && !options.force) {
      if (pendingCount.value > 0 && navigator.onLine) {
        await Promise.race([s.loop.syncNow(), new Promise((r) => setTimeout(r, LOGOUT_SYNC_MS))])
      }
      const pending = await s.db.outbox.count().catch(() => 0)
      if (pending > 0) return { pending }
    }
    await enqueue(async () => {
      if (s && session === s) {
        close(s)
        await wipe(s.userId)
      }
    })
    try {
      await auth.logout()
    } catch {
      // Offline: the server session ends when it expires; this device is signed out now.
    }
    return null
  }

  /** State of a change saved with `mutationId` (see SaveState). */
  function saveState(mutationId: string, seq: number): SaveState {
    const snap = snapshot.value
    // A snapshot from before the write would miss the entry and wrongly say "synchronisiert".
    if (!snap || snap.nextSeq <= seq) return 'saved'
    if (snap.outbox.some((e) => e.id === mutationId)) return 'saved'
    return snap.quarantine.some((e) => e.id === mutationId) ? 'rejected' : 'synced'
  }

  function quarantined(mutationId: string): QuarantineEntry | undefined {
    return quarantine.value.find((e) => e.id === mutationId)
  }

  /** "Verwerfen": the device forgets a refused change; the server keeps its copy. */
  async function dismiss(mutationId: string): Promise<void> {
    const s = session
    if (!s) return
    await (await runtime()).sync.dismissQuarantined(s.db, mutationId)
  }

  return {
    db,
    userId,
    ready,
    pendingCount,
    outbox,
    quarantine,
    lastSyncAt,
    initialSyncComplete,
    syncing,
    evicted,
    lastError,
    engineState,
    onPoke,
    syncNow,
    logout,
    saveState,
    quarantined,
    dismiss,
  }
})
