import { and, asc, eq, gt, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm'
import { uuidv7 } from '../../../../shared/ids'
import type { IsoDate } from '../../../../shared/dates'
import type {
  BranchInput,
  LevelInput,
  MoveInput,
  PromoteInput,
  StructureNode,
  User,
  UserCreateInput,
  UserDetail,
  UserUpdateInput,
} from '../../../../shared/schemas'
import { branches, careerLevels, repLevels, repPlacements, userBranches, users } from '../../db/schema'
import type { Db } from '../../db/client'
import type { Clock } from '../../lib/clock'
import { nowIso, today } from '../../lib/clock'
import { AppError, badRequest, conflict, notFound } from '../../lib/errors'
import { hashPassword } from '../../lib/password'
import { inTx, type DbOrTx, type Tx } from '../../lib/tx'
import { writeAudit } from '../audit/audit.service'
import { revokeSessions, isActiveOn } from '../auth/auth.service'
import { invalidateOrg, orgSnapshot, OrgSnapshot } from '../scope/hierarchy'
import { repScope, type Actor } from '../scope/scope.service'

export interface OrgCtx {
  db: Db
  clock: Clock
  passwordLogN: number
}

/** Runs an org write in one transaction and drops the cached hierarchy after it (commit or not). */
function write<T>(db: Db, fn: (tx: Tx) => T): T {
  try {
    return inTx(db, fn)
  } finally {
    invalidateOrg(db)
  }
}

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Error && 'code' in e && String((e as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT_UNIQUE')
}

// ---------------------------------------------------------------- branches

export function listBranches(db: DbOrTx) {
  return db
    .select({ id: branches.id, name: branches.name, userCount: sql<number>`count(${userBranches.userId})` })
    .from(branches)
    .leftJoin(userBranches, eq(userBranches.branchId, branches.id))
    .groupBy(branches.id)
    .orderBy(asc(branches.name))
    .all()
}

export function createBranch(ctx: OrgCtx, actor: Actor, input: BranchInput): { id: string } {
  const id = uuidv7()
  try {
    write(ctx.db, (tx) => {
      tx.insert(branches).values({ id, name: input.name, createdAt: nowIso(ctx.clock) }).run()
      writeAudit(tx, ctx.clock, actor.id, 'branch.create', 'branch', id, null, input)
    })
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('NAME_TAKEN')
    throw e
  }
  return { id }
}

export function renameBranch(ctx: OrgCtx, actor: Actor, id: string, input: BranchInput): void {
  try {
    write(ctx.db, (tx) => {
      const before = tx.select().from(branches).where(eq(branches.id, id)).get()
      if (!before) throw notFound()
      tx.update(branches).set({ name: input.name }).where(eq(branches.id, id)).run()
      writeAudit(tx, ctx.clock, actor.id, 'branch.update', 'branch', id, { name: before.name }, input)
    })
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('NAME_TAKEN')
    throw e
  }
}

// ---------------------------------------------------------------- career levels

export function listLevels(db: DbOrTx) {
  return db.select().from(careerLevels).orderBy(asc(careerLevels.rank)).all()
}

export function createLevel(ctx: OrgCtx, actor: Actor, input: LevelInput): { id: string } {
  const id = uuidv7()
  try {
    write(ctx.db, (tx) => {
      tx.insert(careerLevels).values({ id, ...input }).run()
      writeAudit(tx, ctx.clock, actor.id, 'level.create', 'level', id, null, input)
    })
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('RANK_TAKEN')
    throw e
  }
  return { id }
}

export function updateLevel(ctx: OrgCtx, actor: Actor, id: string, input: LevelInput): void {
  try {
    write(ctx.db, (tx) => {
      const before = tx.select().from(careerLevels).where(eq(careerLevels.id, id)).get()
      if (!before) throw notFound()
      tx.update(careerLevels).set(input).where(eq(careerLevels.id, id)).run()
      writeAudit(tx, ctx.clock, actor.id, 'level.update', 'level', id, before, { id, ...input })
    })
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('RANK_TAKEN')
    throw e
  }
}

// ---------------------------------------------------------------- users

function toUser(snap: OrgSnapshot, u: typeof users.$inferSelect, date: IsoDate): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: isActiveOn(u, date),
    deactivatedFrom: u.deactivatedFrom,
    branchIds: snap.users.get(u.id)?.branchIds ?? [],
    uplineId: u.role === 'rep' ? snap.uplineAt(u.id, date) : null,
    levelId: u.role === 'rep' ? snap.levelAt(u.id, date) : null,
  }
}

export function listUsers(ctx: OrgCtx): User[] {
  const snap = orgSnapshot(ctx.db)
  const date = today(ctx.clock)
  return ctx.db.select().from(users).orderBy(asc(users.name)).all().map((u) => toUser(snap, u, date))
}

export function getUser(ctx: OrgCtx, id: string): UserDetail {
  const u = ctx.db.select().from(users).where(eq(users.id, id)).get()
  if (!u) throw notFound()
  const snap = orgSnapshot(ctx.db)
  return {
    ...toUser(snap, u, today(ctx.clock)),
    placements: snap.placements.get(id) ?? [],
    levels: snap.levels.get(id) ?? [],
  }
}

function assertBranchesExist(tx: Tx, ids: string[]): void {
  if (ids.length === 0) return
  const found = tx.select({ id: branches.id }).from(branches).where(inArray(branches.id, ids)).all()
  if (found.length !== new Set(ids).size) throw badRequest('VALIDATION', 'Eine der gewählten Filialen gibt es nicht.')
}

function assertLevelExists(tx: Tx, id: string): void {
  if (!tx.select({ id: careerLevels.id }).from(careerLevels).where(eq(careerLevels.id, id)).get()) {
    throw badRequest('VALIDATION', 'Diese Karrierestufe gibt es nicht.')
  }
}

function getRep(tx: Tx, id: string) {
  const u = tx.select().from(users).where(eq(users.id, id)).get()
  if (!u) throw notFound()
  if (u.role !== 'rep') throw badRequest('NOT_A_REP')
  return u
}

export async function createUser(ctx: OrgCtx, actor: Actor, input: UserCreateInput): Promise<{ id: string }> {
  const passwordHash = await hashPassword(input.password, ctx.passwordLogN)
  const id = uuidv7()
  const validFrom = input.validFrom ?? today(ctx.clock)
  try {
    write(ctx.db, (tx) => {
      const at = nowIso(ctx.clock)
      const branchIds = [...new Set(input.branchIds ?? [])]
      assertBranchesExist(tx, branchIds)
      tx.insert(users)
        .values({ id, email: input.email, name: input.name, role: input.role, passwordHash, mustChangePassword: true, createdAt: at, updatedAt: at })
        .run()
      for (const branchId of branchIds) tx.insert(userBranches).values({ userId: id, branchId }).run()
      if (input.role === 'rep') {
        if (input.uplineId) assertValidUpline(tx, id, input.uplineId, validFrom)
        tx.insert(repPlacements).values({ id: uuidv7(), repId: id, uplineId: input.uplineId ?? null, validFrom, validTo: null }).run()
        if (input.levelId) {
          assertLevelExists(tx, input.levelId)
          tx.insert(repLevels).values({ id: uuidv7(), repId: id, levelId: input.levelId, validFrom, validTo: null }).run()
        }
      }
      const { password: _omit, ...logged } = input
      writeAudit(tx, ctx.clock, actor.id, 'user.create', 'user', id, null, { ...logged, validFrom })
    })
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('EMAIL_TAKEN')
    throw e
  }
  return { id }
}

export function updateUser(ctx: OrgCtx, actor: Actor, id: string, input: UserUpdateInput): void {
  try {
    write(ctx.db, (tx) => {
      const before = tx.select().from(users).where(eq(users.id, id)).get()
      if (!before) throw notFound()
      const beforeBranches = tx.select({ b: userBranches.branchId }).from(userBranches).where(eq(userBranches.userId, id)).all().map((r) => r.b)
      const patch: Partial<typeof users.$inferInsert> = {}
      if (input.name !== undefined) patch.name = input.name
      if (input.email !== undefined) patch.email = input.email
      if (Object.keys(patch).length) tx.update(users).set({ ...patch, updatedAt: nowIso(ctx.clock) }).where(eq(users.id, id)).run()
      if (input.branchIds) {
        const ids = [...new Set(input.branchIds)]
        if (before.role === 'rep' && ids.length > 1) throw badRequest('VALIDATION', 'Ein Vermittler gehört zu höchstens einer Filiale.')
        assertBranchesExist(tx, ids)
        tx.delete(userBranches).where(eq(userBranches.userId, id)).run()
        for (const branchId of ids) tx.insert(userBranches).values({ userId: id, branchId }).run()
      }
      writeAudit(
        tx,
        ctx.clock,
        actor.id,
        'user.update',
        'user',
        id,
        { name: before.name, email: before.email, branchIds: beforeBranches },
        input,
      )
    })
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict('EMAIL_TAKEN')
    throw e
  }
}

/**
 * Rejects an upline that is not an active rep on `from`, or that would close a cycle on `from`
 * or on any later date where the hierarchy changes (a scheduled move could otherwise close it).
 */
function assertValidUpline(tx: Tx, repId: string, uplineId: string, from: IsoDate): void {
  if (uplineId === repId) throw conflict('HIERARCHY_CYCLE')
  const upline = tx.select().from(users).where(eq(users.id, uplineId)).get()
  if (!upline || upline.role !== 'rep' || !isActiveOn(upline, from)) throw badRequest('INVALID_UPLINE')
  const snap = new OrgSnapshot(tx)
  const checkpoints = [from, ...snap.changeDates.filter((d) => d > from)]
  for (const date of checkpoints) {
    let cur: string | null = uplineId
    const seen = new Set<string>()
    while (cur) {
      if (cur === repId) throw conflict('HIERARCHY_CYCLE')
      if (seen.has(cur)) break
      seen.add(cur)
      cur = snap.uplineAt(cur, date)
    }
  }
}

/**
 * Effective-dated write: the new value holds from `from` onwards. A period covering `from` is cut
 * there, later periods are replaced; earlier history stays untouched.
 */
function setEffective(
  tx: Tx,
  table: typeof repPlacements | typeof repLevels,
  repId: string,
  from: IsoDate,
  values: { uplineId: string | null } | { levelId: string },
): void {
  tx.delete(table).where(and(eq(table.repId, repId), gte(table.validFrom, from))).run()
  tx.update(table)
    .set({ validTo: from })
    .where(and(eq(table.repId, repId), lte(table.validFrom, from), or(isNull(table.validTo), gt(table.validTo, from))))
    .run()
  tx.insert(table)
    .values({ id: uuidv7(), repId, validFrom: from, validTo: null, ...values } as typeof table.$inferInsert)
    .run()
}

export function moveRep(ctx: OrgCtx, actor: Actor, repId: string, input: MoveInput): void {
  write(ctx.db, (tx) => {
    getRep(tx, repId)
    const snap = new OrgSnapshot(tx)
    const before = snap.placements.get(repId) ?? []
    if (input.uplineId) assertValidUpline(tx, repId, input.uplineId, input.validFrom)
    setEffective(tx, repPlacements, repId, input.validFrom, { uplineId: input.uplineId })
    writeAudit(tx, ctx.clock, actor.id, 'user.move', 'user', repId, { placements: before }, input)
  })
}

export function promoteRep(ctx: OrgCtx, actor: Actor, repId: string, input: PromoteInput): void {
  write(ctx.db, (tx) => {
    getRep(tx, repId)
    assertLevelExists(tx, input.levelId)
    const before = new OrgSnapshot(tx).levels.get(repId) ?? []
    setEffective(tx, repLevels, repId, input.validFrom, { levelId: input.levelId })
    writeAudit(tx, ctx.clock, actor.id, 'user.promote', 'user', repId, { levels: before }, input)
  })
}

/** Deactivation from `validFrom` (default today); from that day the user cannot sign in. */
export function deactivateUser(ctx: OrgCtx, actor: Actor, id: string, validFrom: IsoDate | undefined): void {
  const from = validFrom ?? today(ctx.clock)
  write(ctx.db, (tx) => {
    const before = tx.select().from(users).where(eq(users.id, id)).get()
    if (!before) throw notFound()
    if (id === actor.id) throw new AppError(400, 'VALIDATION', 'Sie können sich nicht selbst deaktivieren.')
    tx.update(users).set({ deactivatedFrom: from, updatedAt: nowIso(ctx.clock) }).where(eq(users.id, id)).run()
    // Sessions stay so the device can upload its outbox into quarantine; every other request is refused.
    writeAudit(tx, ctx.clock, actor.id, 'user.deactivate', 'user', id, { deactivatedFrom: before.deactivatedFrom }, { deactivatedFrom: from })
  })
}

export function reactivateUser(ctx: OrgCtx, actor: Actor, id: string): void {
  write(ctx.db, (tx) => {
    const before = tx.select().from(users).where(eq(users.id, id)).get()
    if (!before) throw notFound()
    tx.update(users).set({ deactivatedFrom: null, updatedAt: nowIso(ctx.clock) }).where(eq(users.id, id)).run()
    // Sessions from before the deactivation must not come back to life.
    revokeSessions(tx, id)
    writeAudit(tx, ctx.clock, actor.id, 'user.reactivate', 'user', id, { deactivatedFrom: before.deactivatedFrom }, { deactivatedFrom: null })
  })
}

export async function resetPassword(ctx: OrgCtx, actor: Actor, id: string, password: string): Promise<void> {
  const hash = await hashPassword(password, ctx.passwordLogN)
  write(ctx.db, (tx) => {
    const before = tx.select().from(users).where(eq(users.id, id)).get()
    if (!before) throw notFound()
    tx.update(users).set({ passwordHash: hash, mustChangePassword: true, updatedAt: nowIso(ctx.clock) }).where(eq(users.id, id)).run()
    revokeSessions(tx, id)
    writeAudit(tx, ctx.clock, actor.id, 'user.password_reset', 'user', id, null, null)
  })
}

// ---------------------------------------------------------------- structure

/** The reps `actor` may see on `date`, each with upline and level on that date. */
export function structure(ctx: OrgCtx, actor: Actor, date: IsoDate): StructureNode[] {
  const snap = orgSnapshot(ctx.db)
  const scope = repScope(ctx.db, actor, date)
  const ids = snap.repsAt(date).filter((id) => scope.all || scope.repIds.has(id))
  return ids
    .map((id) => {
      const u = snap.users.get(id)!
      return { id, name: u.name, uplineId: snap.uplineAt(id, date), levelId: snap.levelAt(id, date), branchIds: u.branchIds }
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'de'))
}
