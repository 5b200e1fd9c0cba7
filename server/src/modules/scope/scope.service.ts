import type { IsoDate } from '../../../../shared/dates'
import type { Role } from '../../../../shared/constants'
import type { DbOrTx } from '../../lib/tx'
import { getSettings } from '../settings/settings.service'
import { orgSnapshot } from './hierarchy'

export interface Actor {
  id: string
  role: Role
  branchIds: string[]
}

/** What records a user may see: everything, or the records owned by these reps. */
export type RepScope = { all: true } | { all: false; repIds: ReadonlySet<string> }

/**
 * The one authorisation scope of the product (deny by default). Every read path — API, sync
 * pull, search, exports, reports, PDFs, real-time events — asks this module.
 * - admin: all reps
 * - back office: reps of their branches
 * - rep: themselves, plus their downline on `date` when the organisation grants upline read access
 * `mode: 'write'` narrows a rep to their own records.
 */
export function repScope(db: DbOrTx, actor: Actor, date: IsoDate, mode: 'read' | 'write' = 'read'): RepScope {
  if (actor.role === 'admin') return { all: true }
  const snap = orgSnapshot(db)
  if (actor.role === 'backoffice') {
    const branches = new Set(actor.branchIds)
    const repIds = new Set<string>()
    for (const u of snap.users.values()) {
      if (u.role === 'rep' && u.branchIds.some((b) => branches.has(b))) repIds.add(u.id)
    }
    return { all: false, repIds }
  }
  if (actor.role === 'rep') {
    if (mode === 'read' && getSettings(db).downlineReadAccess) return { all: false, repIds: snap.team(actor.id, date) }
    return { all: false, repIds: new Set([actor.id]) }
  }
  return { all: false, repIds: new Set() }
}

export function scopeIncludes(scope: RepScope, repId: string | null | undefined): boolean {
  if (!repId) return scope.all
  return scope.all || scope.repIds.has(repId)
}

/** May `actor` see the records of rep `repId` on `date`? */
export function canSeeRep(db: DbOrTx, actor: Actor, repId: string, date: IsoDate, mode: 'read' | 'write' = 'read'): boolean {
  return scopeIncludes(repScope(db, actor, date, mode), repId)
}
