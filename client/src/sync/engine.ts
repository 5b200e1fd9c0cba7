import { ERROR_MESSAGES } from '../../../shared/errors'
import { SYNC_SCHEMA_VERSION, type PatchOp, type PullResponse, type PushResponse } from '../../../shared/schemas/sync'
import { SYNCED_TABLES, type FeldakteDb, type OutboxEntry, type SyncedTableName } from '../db/database'
import { defaultStorage, ensureDeviceState, type KeyValueStorage } from '../db/device'
import { getMeta, setMeta } from '../db/meta'
import { rebaseAfterPull, rowKeyString, settlePushed } from '../mutators/rebase'
import { toLocal } from '../mutators/rows'
import { ForbiddenError, OutboxGapError, ProtocolError, SeqGapError, toSyncFailure, type SyncFailure } from './errors'
import { browserLocks, withLock, type LockManagerLike } from './lock'
import type { SyncTransport } from './transport'

export interface SyncEngineOptions {
  db: FeldakteDb
  transport: SyncTransport
  /** Default: navigator.locks when present, else an in-process queue. */
  locks?: LockManagerLike | null
  /** Mutations per push request (the server takes up to 500). Default 100. */
  batchSize?: number
  /** Safety stop for a pull that never ends. Default 10 000 pages. */
  maxPullPages?: number
  /** For the eviction hint; default localStorage. */
  storage?: KeyValueStorage | null
  now?: () => Date
}

/** This tab's view of syncing. Pending count, quarantine and meta come from liveQuery (./status). */
export interface SyncState {
  syncing: boolean
  lastError: SyncFailure | null
  /**
   * Needs the app's attention beyond retrying: signed out (401), deactivated (USER_INACTIVE;
   * wipe after a final push), forbidden (other 403).
   */
  problem: 'unauthenticated' | 'deactivated' | 'forbidden' | null
  /** The browser evicted the database; it was recreated and is being filled again. */
  evicted: boolean
  lastReport: SyncReport | null
}

export interface SyncReport {
  ok: boolean
  /** Mutations the server applied in this round. */
  applied: number
  /** Mutations the server rejected into quarantine in this round. */
  quarantined: number
  pulledPages: number
  /** A pull with more=false finished: the device holds everything it may see. */
  complete: boolean
  evicted: boolean
  error: SyncFailure | null
}

type Listener = (state: SyncState) => void

const emptyReport = (): SyncReport => ({ ok: false, applied: 0, quarantined: 0, pulledPages: 0, complete: false, evicted: false, error: null })

/**
 * Push then pull for one user's database, serialized under the lock `feldakte-sync-<userId>` so
 * two tabs (or engines) never push the same outbox at once. Never skips an outbox entry: every
 * failure stops the round and leaves the outbox as it is for the next one.
 */
export class SyncEngine {
  readonly db: FeldakteDb
  private readonly transport: SyncTransport
  private readonly locks: LockManagerLike | null
  private readonly batchSize: number
  private readonly maxPullPages: number
  private readonly storage: KeyValueStorage | null
  private readonly now: () => Date
  private readonly listeners = new Set<Listener>()
  private queued: Promise<SyncReport> | null = null
  private current: SyncState

  constructor(options: SyncEngineOptions) {
    this.db = options.db
    this.transport = options.transport
    this.locks = options.locks === undefined ? browserLocks() : options.locks
    this.batchSize = options.batchSize ?? 100
    this.maxPullPages = options.maxPullPages ?? 10_000
    this.storage = options.storage === undefined ? defaultStorage() : options.storage
    this.now = options.now ?? (() => new Date())
    this.current = { syncing: false, lastError: null, problem: null, evicted: this.db.device?.evicted ?? false, lastReport: null }
  }

  /**
   * After the cache was dropped (an app update that changed the row shape, an eviction with the
   * outbox kept) the device shows nothing until the first pull: put the pending changes back on
   * top of the empty cache right away, so customers captured offline stay visible offline.
   */
  async showPendingChanges(): Promise<void> {
    const db = this.db
    await db.transaction('rw', [db.meta, db.outbox, ...db.syncedTables()], async () => {
      if ((await getMeta(db, 'cookie')) != null || (await db.outbox.count()) === 0) return
      await rebaseAfterPull(db, 0, null)
    })
  }

  get lockName(): string {
    return `feldakte-sync-${this.db.userId}`
  }

  get state(): SyncState {
    return this.current
  }

  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    listener(this.current)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /**
   * Push, then pull until complete. Calls made while a round runs share one follow-up round, so
   * changes made meanwhile are included. Never rejects: the report (and state) tell the outcome.
   */
  syncOnce(): Promise<SyncReport> {
    if (this.queued) return this.queued
    const run: Promise<SyncReport> = withLock(
      this.lockName,
      () => {
        if (this.queued === run) this.queued = null
        return this.round({ push: true, pull: true })
      },
      this.locks,
    ).catch((e: unknown) => {
      // The lock itself failed (round() never rejects).
      if (this.queued === run) this.queued = null
      return { ...emptyReport(), error: toSyncFailure(e, this.now().toISOString()) }
    })
    this.queued = run
    return run
  }

  /** Only uploads the outbox, e.g. a deactivated user's final attempt before the wipe. */
  push(): Promise<SyncReport> {
    return withLock(this.lockName, () => this.round({ push: true, pull: false }), this.locks)
  }

  /** Only pulls (until `more` is false). */
  pull(): Promise<SyncReport> {
    return withLock(this.lockName, () => this.round({ push: false, pull: true }), this.locks)
  }

  private update(patch: Partial<SyncState>): void {
    this.current = { ...this.current, ...patch }
    for (const listener of this.listeners) listener(this.current)
  }

  private async round(what: { push: boolean; pull: boolean }): Promise<SyncReport> {
    const report = emptyReport()
    this.update({ syncing: true })
    try {
      const device = await ensureDeviceState(this.db, this.storage)
      if (device.evicted) {
        report.evicted = true
        this.update({ evicted: true })
      }
      if (what.push) await this.pushAll(device.clientId, report)
      if (what.pull) await this.pullAll(device.clientId, report)
      if (what.push && what.pull) await setMeta(this.db, 'lastSyncAt', this.now().toISOString())
      report.ok = true
      this.update({ lastError: null, problem: null })
    } catch (e) {
      report.error = toSyncFailure(e, this.now().toISOString())
      const problem = report.error.kind === 'unauthenticated' || report.error.kind === 'deactivated' || report.error.kind === 'forbidden' ? report.error.kind : null
      this.update({ lastError: report.error, problem })
    } finally {
      this.update({ syncing: false, lastReport: report })
    }
    return report
  }

  // ------------------------------------------------------------------ push

  private async pushAll(clientId: string, report: SyncReport): Promise<void> {
    let gapRetries = 0
    let deactivated = false
    for (;;) {
      const batch = contiguous(await this.db.outbox.orderBy('seq').limit(this.batchSize).toArray())
      const first = batch[0]
      if (!first) break
      let response: PushResponse
      try {
        response = await this.transport.push({
          clientId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: batch.map(({ seq, id, name, v, args }) => ({ seq, id, name, v, args })),
        })
      } catch (e) {
        if (!(e instanceof SeqGapError)) throw e
        // The server lacks seqs before our oldest entry: they are gone from this device.
        if (e.lastSeq < first.seq - 1) throw new OutboxGapError(e.lastSeq, first.seq)
        // Otherwise another request moved the server on meanwhile; resending from our oldest
        // entry is safe: the server answers seqs up to lastSeq from its log.
        if (++gapRetries > 3) throw e
        continue
      }
      gapRetries = 0
      const settled = await this.recordResults(clientId, batch, response)
      report.applied += settled.applied
      report.quarantined += settled.rejected
      deactivated ||= settled.deactivated
      // Entries another tab settled meanwhile (no Web Locks) are progress too; only an answer that
      // settles nothing of a batch still on the device is a protocol error.
      if (settled.applied + settled.rejected + settled.settledElsewhere === 0) throw new ProtocolError(200, 'NO_PROGRESS')
    }
    // A deactivated user's whole outbox went to the server's quarantine; now the app must wipe.
    if (deactivated) throw new ForbiddenError('USER_INACTIVE')
  }

  /**
   * One transaction per response: applied entries leave the outbox, rejected ones move to the
   * quarantine with their full payload, and the optimistic rows follow (./mutators/rebase).
   */
  private async recordResults(clientId: string, batch: OutboxEntry[], response: PushResponse) {
    const results = new Map(response.results.map((r) => [r.seq, r]))
    const rejectedAt = this.now().toISOString()
    const db = this.db
    return db.transaction('rw', [db.outbox, db.quarantine, ...db.syncedTables()], async () => {
      const settled: { entry: OutboxEntry; status: 'applied' | 'rejected' }[] = []
      let deactivated = false
      let settledElsewhere = 0
      for (const entry of batch) {
        const result = results.get(entry.seq)
        // Still there? Another round (other tab) may have settled it after we read the batch.
        if (!(await db.outbox.get(entry.seq))) {
          settledElsewhere++
          continue
        }
        if (result?.status === 'rejected') {
          const code = result.code ?? 'REJECTED'
          const message = result.message ?? (code in ERROR_MESSAGES ? ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES] : ERROR_MESSAGES.INTERNAL)
          await db.quarantine.put({ ...entry, clientId, code, message, rejectedAt })
          await db.outbox.delete(entry.seq)
          settled.push({ entry, status: 'rejected' })
          if (code === 'USER_INACTIVE') deactivated = true
        } else if (result?.status === 'applied' || entry.seq <= response.lastSeq) {
          await db.outbox.delete(entry.seq)
          settled.push({ entry, status: 'applied' })
        }
      }
      await settlePushed(db, settled, await db.outbox.orderBy('seq').toArray())
      return {
        applied: settled.filter((s) => s.status === 'applied').length,
        rejected: settled.filter((s) => s.status === 'rejected').length,
        settledElsewhere,
        deactivated,
      }
    })
  }

  // ------------------------------------------------------------------ pull

  private async pullAll(clientId: string, report: SyncReport): Promise<void> {
    for (let page = 0; page < this.maxPullPages; page++) {
      const cookie = (await getMeta(this.db, 'cookie')) ?? null
      const response = await this.transport.pull({ clientId, schemaVersion: SYNC_SCHEMA_VERSION, cookie })
      await this.applyPull(clientId, cookie, response)
      report.pulledPages++
      if (!response.more) {
        report.complete = true
        return
      }
    }
    throw new ProtocolError(200, 'PULL_NOT_FINISHED')
  }

  /**
   * The patch, the new cookie and the completion flag commit together, then pending mutations go
   * on top again. A page that arrives after the device identity changed is dropped.
   */
  private async applyPull(clientId: string, sentCookie: string | null, response: PullResponse): Promise<void> {
    const db = this.db
    await db.transaction('rw', [db.meta, db.outbox, ...db.syncedTables()], async () => {
      const [currentClient, currentCookie] = await Promise.all([getMeta(db, 'clientId'), getMeta(db, 'cookie')])
      if (currentClient !== clientId || (currentCookie ?? null) !== sentCookie) throw new ProtocolError(200, 'STALE_PULL')
      let touched: Set<string> | null = new Set()
      // Consecutive puts (or deletes) of one table go to IndexedDB as one bulk call: an initial
      // pull page of 1,000 rows would otherwise wait for 1,000 round trips. Order is kept.
      let run: { table: SyncedTableName; op: 'put' | 'del'; items: PatchOp[] } | null = null
      const flush = async () => {
        if (!run) return
        const name = run.table
        const table = db[name] as unknown as { bulkPut(rows: unknown[]): Promise<unknown>; bulkDelete(ids: string[]): Promise<void> }
        if (run.op === 'put') await table.bulkPut(run.items.map((op) => toLocal(name, (op as { row: Record<string, unknown> }).row)))
        else await table.bulkDelete(run.items.map((op) => (op as { id: string }).id))
        run = null
      }
      for (const op of response.patch) {
        if (op.op === 'clear') {
          await flush()
          await Promise.all(db.syncedTables().map((t) => t.clear()))
          await setMeta(db, 'initialSyncComplete', false)
          touched = null
        } else if (isSynced(op)) {
          if (run && (run.table !== op.table || run.op !== op.op)) await flush()
          run ??= { table: op.table, op: op.op, items: [] }
          run.items.push(op)
          touched?.add(rowKeyString({ table: op.table, id: op.id }))
        }
        // Tables this app version does not know yet are ignored; a later version pulls them in full.
      }
      await flush()
      await setMeta(db, 'cookie', response.cookie)
      if (!response.more) await setMeta(db, 'initialSyncComplete', true)
      await rebaseAfterPull(db, response.lastSeq, touched)
    })
  }
}

function isSynced(op: PatchOp): op is Extract<PatchOp, { table: string }> & { table: SyncedTableName } {
  return op.op !== 'clear' && (SYNCED_TABLES as readonly string[]).includes(op.table)
}

/** The leading run of consecutive seqs: a hole in the outbox must not be papered over. */
function contiguous(entries: OutboxEntry[]): OutboxEntry[] {
  const end = entries.findIndex((e, i) => i > 0 && e.seq !== entries[i - 1]!.seq + 1)
  return end === -1 ? entries : entries.slice(0, end)
}
