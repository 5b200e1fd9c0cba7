import type { IsoDate } from '../../../../shared/dates'
import type { Role } from '../../../../shared/constants'
import type { DbOrTx } from '../../lib/tx'
import { repLevels, repPlacements, userBranches, users } from '../../db/schema'

interface Period {
  validFrom: IsoDate
  validTo: IsoDate | null
}
export interface Placement extends Period {
  uplineId: string | null
}
export interface LevelPeriod extends Period {
  levelId: string
}
export interface OrgUser {
  id: string
  name: string
  role: Role
  deactivatedFrom: IsoDate | null
  branchIds: string[]
}

interface DateView {
  parent: Map<string, string | null>
  children: Map<string, string[]>
  /** Memoised "rep and downline" sets; the snapshot is rebuilt after every org write. */
  teams: Map<string, ReadonlySet<string>>
}

function at<T extends Period>(periods: T[] | undefined, date: IsoDate): T | undefined {
  if (!periods) return undefined
  // Periods of one rep do not overlap and are few; newest first is the common hit.
  for (let i = periods.length - 1; i >= 0; i--) {
    const p = periods[i]!
    if (p.validFrom <= date && (p.validTo === null || date < p.validTo)) return p
  }
  return undefined
}

/**
 * In-memory picture of users, effective-dated placements and levels. The server process is the
 * only writer of its SQLite file, so the snapshot is exact as long as every write that touches
 * these tables calls `invalidateOrg` (the org service does).
 */
export class OrgSnapshot {
  readonly users = new Map<string, OrgUser>()
  readonly placements = new Map<string, Placement[]>()
  readonly levels = new Map<string, LevelPeriod[]>()
  /** Sorted distinct dates on which the hierarchy changes. */
  readonly changeDates: IsoDate[]
  private readonly views = new Map<IsoDate, DateView>()

  constructor(db: DbOrTx) {
    for (const u of db.select({ id: users.id, name: users.name, role: users.role, deactivatedFrom: users.deactivatedFrom }).from(users).all()) {
      this.users.set(u.id, { ...u, branchIds: [] })
    }
    for (const ub of db.select().from(userBranches).all()) this.users.get(ub.userId)?.branchIds.push(ub.branchId)
    const dates = new Set<IsoDate>()
    for (const p of db.select().from(repPlacements).orderBy(repPlacements.validFrom).all()) {
      const list = this.placements.get(p.repId) ?? []
      list.push({ uplineId: p.uplineId, validFrom: p.validFrom, validTo: p.validTo })
      this.placements.set(p.repId, list)
      dates.add(p.validFrom)
      if (p.validTo) dates.add(p.validTo)
    }
    for (const l of db.select().from(repLevels).orderBy(repLevels.validFrom).all()) {
      const list = this.levels.get(l.repId) ?? []
      list.push({ levelId: l.levelId, validFrom: l.validFrom, validTo: l.validTo })
      this.levels.set(l.repId, list)
    }
    this.changeDates = [...dates].sort()
  }

  placementAt(repId: string, date: IsoDate): Placement | undefined {
    return at(this.placements.get(repId), date)
  }

  levelAt(repId: string, date: IsoDate): string | null {
    return at(this.levels.get(repId), date)?.levelId ?? null
  }

  /** A rep belongs to the structure on `date` when a placement covers it (with or without upline). */
  inStructure(repId: string, date: IsoDate): boolean {
    return this.placementAt(repId, date) !== undefined
  }

  uplineAt(repId: string, date: IsoDate): string | null {
    return this.placementAt(repId, date)?.uplineId ?? null
  }

  private view(date: IsoDate): DateView {
    let v = this.views.get(date)
    if (v) return v
    const parent = new Map<string, string | null>()
    const children = new Map<string, string[]>()
    for (const [repId, list] of this.placements) {
      const p = at(list, date)
      if (!p) continue
      parent.set(repId, p.uplineId)
      if (p.uplineId) {
        const c = children.get(p.uplineId)
        if (c) c.push(repId)
        else children.set(p.uplineId, [repId])
      }
    }
    v = { parent, children, teams: new Map() }
    if (this.views.size >= 16) this.views.delete(this.views.keys().next().value!)
    this.views.set(date, v)
    return v
  }

  /** All reps below `repId` on `date`, at any depth (not including `repId`). */
  downline(repId: string, date: IsoDate): string[] {
    const { children } = this.view(date)
    const out: string[] = []
    const stack = [...(children.get(repId) ?? [])]
    while (stack.length) {
      const id = stack.pop()!
      out.push(id)
      const c = children.get(id)
      if (c) for (const x of c) stack.push(x)
    }
    return out
  }

  /** `repId` and everyone below on `date`, memoised: scope checks ask this on every request. */
  team(repId: string, date: IsoDate): ReadonlySet<string> {
    const view = this.view(date)
    let team = view.teams.get(repId)
    if (!team) {
      team = new Set([repId, ...this.downline(repId, date)])
      if (view.teams.size >= 5000) view.teams.clear()
      view.teams.set(repId, team)
    }
    return team
  }

  /** The upline chain of `repId` on `date`, nearest first (not including `repId`). */
  uplineChain(repId: string, date: IsoDate): string[] {
    const chain: string[] = []
    const seen = new Set([repId])
    let cur = this.uplineAt(repId, date)
    while (cur && !seen.has(cur)) {
      chain.push(cur)
      seen.add(cur)
      cur = this.uplineAt(cur, date)
    }
    return chain
  }

  /** Reps (role rep) placed in the structure on `date`. */
  repsAt(date: IsoDate): string[] {
    return [...this.view(date).parent.keys()]
  }
}

const cache = new WeakMap<object, OrgSnapshot>()

/** The cached snapshot for this database (keyed by the underlying connection). */
export function orgSnapshot(db: DbOrTx & { $client?: object }): OrgSnapshot {
  const key = clientKey(db)
  let snap = cache.get(key)
  if (!snap) {
    snap = new OrgSnapshot(db)
    cache.set(key, snap)
  }
  return snap
}

export function invalidateOrg(db: DbOrTx): void {
  cache.delete(clientKey(db))
}

function clientKey(db: DbOrTx): object {
  // drizzle's transaction object shares the session of its database; both resolve to the client.
  const anyDb = db as unknown as { $client?: object; session?: { client?: object } }
  return anyDb.$client ?? anyDb.session?.client ?? db
}
