import { createHash } from 'node:crypto'
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import type { MutationResult, PatchOp, PullRequest, PullResponse, PushRequest, PushResponse } from '../../../../shared/schemas'
import { quarantine, relationTypes, syncClients, syncCookies, syncMutations, syncRev, syncScopes } from '../../db/schema'
import type { Db } from '../../db/client'
import type { Deps, SessionUser } from '../../lib/context'
import { nowIso, today } from '../../lib/clock'
import { AppError } from '../../lib/errors'
import { inTx, type DbOrTx, type Tx } from '../../lib/tx'
import { repScope, scopeIncludes } from '../scope/scope.service'
import { SYNCED_TABLES, type SyncedTable } from './synced-tables'
import type { MutationContext } from './registry'

export const PULL_PAGE_SIZE = 1000
/** Oldest device schema the server still serves; older apps are asked to update. */
export const MIN_SCHEMA_VERSION = 1

function assertSchemaVersion(v: number): void {
  if (v < MIN_SCHEMA_VERSION) throw new AppError(400, 'CLIENT_TOO_OLD')
}
const COOKIES_KEPT = 5

/** Takes the next global rev inside the current write transaction. */
export function nextRev(tx: Tx): number {
  const row = tx
    .insert(syncRev)
    .values({ id: 1, rev: 1 })
    .onConflictDoUpdate({ target: syncRev.id, set: { rev: sql`${syncRev.rev} + 1` } })
    .returning({ rev: syncRev.rev })
    .get()
  return row.rev
}

export function currentRev(db: DbOrTx): number {
  return db.select({ rev: syncRev.rev }).from(syncRev).where(eq(syncRev.id, 1)).get()?.rev ?? 0
}

/** The device record, created on first contact and bound to its user for good. */
function ensureClient(db: Db, user: SessionUser, clientId: string, at: string) {
  const existing = db.select().from(syncClients).where(eq(syncClients.id, clientId)).get()
  if (existing) {
    if (existing.userId !== user.id) throw new AppError(403, 'CLIENT_OF_OTHER_USER')
    db.update(syncClients).set({ lastSeenAt: at }).where(eq(syncClients.id, clientId)).run()
    return existing
  }
  const row = { id: clientId, userId: user.id, lastSeq: 0, nextCookie: 1, createdAt: at, lastSeenAt: at }
  db.insert(syncClients).values(row).run()
  return row
}

// ---------------------------------------------------------------- push

/**
 * Applies a batch of mutations exactly once. Each mutation runs in its own write transaction that
 * also records its result and moves `last_seq`; a resend is answered from the log. A mutation
 * that can never apply is quarantined with its payload and the queue moves on; an unexpected
 * error rolls its transaction back and propagates (the client retries, nothing is skipped).
 */
export function push(deps: Deps, user: SessionUser, req: PushRequest): PushResponse {
  const { db, clock } = deps
  assertSchemaVersion(req.schemaVersion)
  const client = ensureClient(db, user, req.clientId, nowIso(clock))
  const mutations = [...req.mutations].sort((a, b) => a.seq - b.seq)
  let lastSeq = client.lastSeq
  const fresh = mutations.filter((m) => m.seq > lastSeq)
  fresh.forEach((m, i) => {
    if (m.seq !== lastSeq + 1 + i) {
      throw new AppError(409, 'SEQ_GAP', undefined, undefined, { lastSeq })
    }
  })

  const results: MutationResult[] = []
  const touched = new Set<string>()
  for (const m of mutations) {
    if (m.seq <= lastSeq) {
      const stored = db
        .select()
        .from(syncMutations)
        .where(and(eq(syncMutations.clientId, req.clientId), eq(syncMutations.seq, m.seq)))
        .get()
      results.push(stored ? resultOf(stored) : { seq: m.seq, status: 'applied' })
      continue
    }
    const result = inTx(db, (tx) => {
      const at = nowIso(clock)
      const rev = nextRev(tx)
      const ctx: MutationContext = { actor: user, clock, date: today(clock), rev, clientId: req.clientId, mutationId: m.id }
      let rejected: { code: string; message: string } | null = null
      const handler = deps.mutations.get(m.name, m.v)
      if (!user.active) rejected = { code: 'USER_INACTIVE', message: new AppError(403, 'USER_INACTIVE').message }
      else if (!handler) rejected = { code: 'UNKNOWN_MUTATION', message: new AppError(400, 'UNKNOWN_MUTATION').message }
      else {
        const parsed = handler.args.safeParse(m.args)
        if (!parsed.success) {
          const issue = parsed.error.issues[0]
          rejected = { code: 'VALIDATION', message: issue ? `${issue.path.join('.')}: ${issue.message}` : 'Ungültige Eingabe.' }
        } else {
          try {
            // A savepoint: a rejected intent leaves none of its rows behind.
            const effect = tx.transaction((inner) => handler.apply(inner, ctx, parsed.data))
            for (const r of effect.touchedRepIds) touched.add(r)
          } catch (e) {
            if (!(e instanceof AppError)) throw e
            rejected = { code: e.code, message: e.message }
          }
        }
      }
      if (rejected) {
        tx.insert(quarantine)
          // A change to a pseudonymised customer must not bring personal data back in through the quarantine.
          .values({ id: m.id, clientId: req.clientId, userId: user.id, seq: m.seq, name: m.name, v: m.v, args: rejected.code === 'CUSTOMER_PSEUDONYMISED' ? null : (m.args ?? null), ...rejected, at })
          .onConflictDoNothing()
          .run()
      }
      const row = {
        clientId: req.clientId,
        seq: m.seq,
        mutationId: m.id,
        name: m.name,
        v: m.v,
        status: rejected ? ('rejected' as const) : ('applied' as const),
        code: rejected?.code ?? null,
        message: rejected?.message ?? null,
        rev,
        at,
      }
      tx.insert(syncMutations).values(row).run()
      const moved = tx
        .update(syncClients)
        .set({ lastSeq: m.seq })
        .where(and(eq(syncClients.id, req.clientId), eq(syncClients.lastSeq, m.seq - 1)))
        .run()
      if (moved.changes !== 1) throw new AppError(409, 'SEQ_GAP', undefined, undefined, { lastSeq: m.seq - 1 })
      return resultOf(row)
    })
    results.push(result)
    lastSeq = m.seq
  }
  if (touched.size) pokeViewers(deps, [...touched])
  return { lastSeq, results }
}

function resultOf(row: { seq: number; status: 'applied' | 'rejected'; code: string | null; message: string | null }): MutationResult {
  return row.status === 'applied' ? { seq: row.seq, status: 'applied' } : { seq: row.seq, status: 'rejected', code: row.code ?? undefined, message: row.message ?? undefined }
}

/** After a commit: every connected device or screen that may see one of these reps pulls. */
export function pokeViewers(deps: Deps, repIds: string[]): void {
  const date = today(deps.clock)
  deps.pokes.pokeWhere((u) => repIds.some((r) => scopeIncludes(repScope(deps.db, u, date), r)))
}

// ---------------------------------------------------------------- pull

interface Fill {
  /** Reps whose rows are being sent page by page; null = every rep of the cookie's scope. */
  repIds: string[] | null
  repIndex: number
  /** Index into SYNCED_TABLES within the current rep (absent in cookies from before several tables). */
  tableIndex?: number
  afterId: string
}

/**
 * The reps whose customers live on this user's device. Reps are local-first: their whole read
 * scope. Back office and admin work online with server-paged lists; their devices hold no
 * customer rows yet (a working set they pin follows with the customer file).
 */
export function deviceExtent(db: DbOrTx, user: SessionUser, date: string): string[] {
  if (user.role !== 'rep') return []
  const scope = repScope(db, user, date)
  return scope.all ? [] : [...scope.repIds].sort()
}

function scopeHash(repIds: string[]): string {
  return createHash('sha256').update(repIds.join(',')).digest('base64url').slice(0, 32)
}

const put = (db: DbOrTx, t: SyncedTable, r: Record<string, unknown>): PatchOp => ({ op: 'put', table: t.name, id: r.id as string, row: t.row(db, r) })

/** Reference data every device holds: household relationship types. */
function putRelationTypes(tx: Tx, afterRev: number, patch: PatchOp[]): void {
  for (const t of tx.select().from(relationTypes).where(gt(relationTypes.rev, afterRev)).all()) {
    const { rev: _rev, ...row } = t
    patch.push({ op: 'put', table: 'relationTypes', id: t.code, row })
  }
}

/**
 * Pull by extent (sync.md principle 6): rows changed since the cookie's rev are sent as puts when
 * the user may see them now and as deletes otherwise; when the scope changed, reps that left it
 * get deletes for all their rows and reps that joined it are filled page by page.
 */
export function pull(deps: Deps, user: SessionUser, req: PullRequest): PullResponse {
  const { db, clock } = deps
  if (!user.active) throw new AppError(403, 'USER_INACTIVE')
  assertSchemaVersion(req.schemaVersion)
  const at = nowIso(clock)
  const client = ensureClient(db, user, req.clientId, at)
  const date = today(clock)
  const patch: PatchOp[] = []

  const cookieId = parseCookie(req.cookie)
  const prev =
    cookieId === null
      ? undefined
      : db.select().from(syncCookies).where(and(eq(syncCookies.clientId, req.clientId), eq(syncCookies.cookieId, cookieId))).get()

  return db.transaction(
    (tx) => {
      const extent = deviceExtent(tx, user, date)
      const hash = scopeHash(extent)
      tx.insert(syncScopes).values({ hash, repIds: extent }).onConflictDoNothing().run()
      let next: { rev: number; scopeHash: string; fill: Fill | null }
      let more = false

      if (!prev) {
        // First pull, or a cookie the server no longer knows (T13): start over from an empty device.
        patch.push({ op: 'clear' })
        putRelationTypes(tx, -1, patch)
        next = { rev: currentRev(tx), scopeHash: hash, fill: { repIds: null, repIndex: 0, tableIndex: 0, afterId: '' } }
      } else if (prev.fill) {
        next = { rev: prev.rev, scopeHash: prev.scopeHash, fill: prev.fill as Fill }
      } else {
        const visible = new Set(extent)
        putRelationTypes(tx, prev.rev, patch)
        for (const t of SYNCED_TABLES) {
          for (const r of tx.select().from(t.table).where(gt(t.table.rev, prev.rev)).all() as Record<string, unknown>[]) {
            patch.push(r.deletedAt === null && visible.has(r.ownerRepId as string) ? put(tx, t, r) : { op: 'del', table: t.name, id: r.id as string })
          }
        }
        let fill: Fill | null = null
        if (hash !== prev.scopeHash) {
          const before = (tx.select().from(syncScopes).where(eq(syncScopes.hash, prev.scopeHash)).get()?.repIds ?? []) as string[]
          const beforeSet = new Set(before)
          for (const repId of before) {
            if (visible.has(repId)) continue
            for (const t of SYNCED_TABLES) {
              const gone = tx
                .select({ id: t.table.id })
                .from(t.table)
                .where(and(eq(t.table.ownerRepId, repId), sql`${t.table.rev} <= ${prev.rev}`))
                .all() as { id: string }[]
              for (const g of gone) patch.push({ op: 'del', table: t.name, id: g.id })
            }
          }
          const added = extent.filter((r) => !beforeSet.has(r))
          if (added.length) fill = { repIds: added, repIndex: 0, tableIndex: 0, afterId: '' }
        }
        next = { rev: currentRev(tx), scopeHash: hash, fill }
      }

      if (next.fill) {
        const reps = next.fill.repIds ?? ((tx.select().from(syncScopes).where(eq(syncScopes.hash, next.scopeHash)).get()?.repIds ?? []) as string[])
        const fill = { ...next.fill, tableIndex: next.fill.tableIndex ?? 0 }
        let budget = PULL_PAGE_SIZE
        // Table by table over all reps: every customer arrives before any note, so the list is
        // complete (and usable) early in a long initial sync.
        while (budget > 0 && fill.tableIndex < SYNCED_TABLES.length && reps.length > 0) {
          const t = SYNCED_TABLES[fill.tableIndex]!
          const rows = tx
            .select()
            .from(t.table)
            .where(and(eq(t.table.ownerRepId, reps[fill.repIndex]!), gt(t.table.id, fill.afterId), sql`${t.table.deletedAt} IS NULL`))
            .orderBy(t.table.id)
            .limit(budget)
            .all() as Record<string, unknown>[]
          for (const r of rows) patch.push(put(tx, t, r))
          budget -= rows.length
          if (budget > 0) {
            fill.repIndex++
            if (fill.repIndex >= reps.length) {
              fill.repIndex = 0
              fill.tableIndex++
            }
            fill.afterId = ''
          } else {
            fill.afterId = rows[rows.length - 1]!.id as string
          }
        }
        // A finished fill still needs one incremental pull for what changed meanwhile.
        next.fill = fill.tableIndex < SYNCED_TABLES.length && reps.length > 0 ? fill : null
        more = true
      }

      const nextCookieId = tx
        .update(syncClients)
        .set({ nextCookie: sql`${syncClients.nextCookie} + 1` })
        .where(eq(syncClients.id, req.clientId))
        .returning({ n: syncClients.nextCookie })
        .get()!.n - 1
      tx.insert(syncCookies).values({ clientId: req.clientId, cookieId: nextCookieId, rev: next.rev, scopeHash: next.scopeHash, fill: next.fill, at }).run()
      tx.delete(syncCookies).where(and(eq(syncCookies.clientId, req.clientId), lt(syncCookies.cookieId, nextCookieId - COOKIES_KEPT))).run()
      const lastSeq = tx.select({ s: syncClients.lastSeq }).from(syncClients).where(eq(syncClients.id, client.id)).get()?.s ?? 0
      return { cookie: `v1.${nextCookieId}`, lastSeq, more, patch }
    },
    { behavior: 'immediate' },
  )
}

function parseCookie(cookie: string | null): number | null {
  const m = cookie?.match(/^v1\.(\d+)$/)
  return m ? Number(m[1]) : null
}
