import { beforeEach, describe, expect, it } from 'vitest'
import type { Role } from '../../shared/constants'
import * as org from '../../server/src/modules/org/org.service'
import { OrgSnapshot, orgSnapshot } from '../../server/src/modules/scope/hierarchy'
import { canSeeRep, repScope, scopeIncludes, type Actor, type RepScope } from '../../server/src/modules/scope/scope.service'
import { updateSettings } from '../../server/src/modules/settings/settings.service'
import { createTestApp, type TestApp } from '../support/app'
import { makeBranch, makeLevel, makeUser } from '../support/factories'

// The TestClock starts on 2026-03-12 (Berlin).
const TODAY = '2026-03-12'
const YESTERDAY = '2026-03-11'
const NEXT_MONTH = '2026-04-01'
const START = '2026-01-01'

const ADMIN: Actor = { id: '01900000-0000-7000-8000-00000000ad00', role: 'admin', branchIds: [] }

/**
 * The structure from START:
 *
 *   top ─┬─ m1 ─┬─ r1 ── r1a
 *        │      └─ r2
 *        └─ m2 ─── r3
 *   solo (no upline)
 */
type Name = 'top' | 'm1' | 'm2' | 'r1' | 'r1a' | 'r2' | 'r3' | 'solo'
let t: TestApp
let ctx: org.OrgCtx
let ids: Record<Name, string>
let levels: { junior: string; senior: string }

const actor = (name: Name, role: Role = 'rep', branchIds: string[] = []): Actor => ({ id: ids[name], role, branchIds })
const names = (idList: Iterable<string>) => {
  const byId = new Map(Object.entries(ids).map(([n, id]) => [id, n]))
  return [...idList].map((id) => byId.get(id) ?? id).sort()
}
const visible = (scope: RepScope) => {
  if (scope.all) throw new Error('unexpected all-scope')
  return names(scope.repIds)
}
const snap = () => orgSnapshot(t.db)

beforeEach(async () => {
  t = createTestApp()
  ctx = { db: t.db, clock: t.clock, passwordLogN: t.env.PASSWORD_HASH_LOG_N }
  levels = { junior: makeLevel(t, 1, 2000), senior: makeLevel(t, 2, 2800) }
  const rep = async (name: string, uplineId: string | null) => (await makeUser(t, { name, uplineId, levelId: levels.junior, validFrom: START })).id
  const top = await rep('top', null)
  const m1 = await rep('m1', top)
  const m2 = await rep('m2', top)
  const r1 = await rep('r1', m1)
  const r1a = await rep('r1a', r1)
  const r2 = await rep('r2', m1)
  const r3 = await rep('r3', m2)
  const solo = await rep('solo', null)
  ids = { top, m1, m2, r1, r1a, r2, r3, solo }
})

describe('OrgSnapshot', () => {
  it.each<[Name, Name[]]>([
    ['top', ['m1', 'm2', 'r1', 'r1a', 'r2', 'r3']],
    ['m1', ['r1', 'r1a', 'r2']],
    ['m2', ['r3']],
    ['r1', ['r1a']],
    ['r1a', []],
    ['solo', []],
  ])('downline of %s reaches every level below', (who, expected) => {
    expect(names(snap().downline(ids[who], TODAY))).toEqual([...expected].sort())
  })

  it.each<[Name, Name[]]>([
    ['r1a', ['r1', 'm1', 'top']],
    ['r3', ['m2', 'top']],
    ['m1', ['top']],
    ['top', []],
    ['solo', []],
  ])('upline chain of %s is nearest first', (who, expected) => {
    const byId = new Map(Object.entries(ids).map(([n, id]) => [id, n]))
    expect(snap().uplineChain(ids[who], TODAY).map((id) => byId.get(id))).toEqual(expected)
  })

  it('knows nobody before the structure starts', () => {
    const before = '2025-12-31'
    expect(snap().repsAt(before)).toEqual([])
    expect(snap().downline(ids.top, before)).toEqual([])
    expect(snap().uplineChain(ids.r1a, before)).toEqual([])
    expect(snap().inStructure(ids.r1, before)).toBe(false)
    expect(snap().inStructure(ids.r1, START)).toBe(true)
  })

  it('lists only reps in the structure', async () => {
    await makeUser(t, { role: 'backoffice' })
    await makeUser(t, { role: 'admin' })
    expect(names(snap().repsAt(TODAY))).toEqual(['m1', 'm2', 'r1', 'r1a', 'r2', 'r3', 'solo', 'top'])
  })

  it('is cached per database until an org service write invalidates it', () => {
    const first = snap()
    expect(snap()).toBe(first)
    org.moveRep(ctx, ADMIN, ids.r2, { uplineId: ids.m2, validFrom: TODAY })
    const second = snap()
    expect(second).not.toBe(first)
    expect(second.uplineAt(ids.r2, TODAY)).toBe(ids.m2)
    // A fresh, uncached snapshot agrees with the cached one.
    expect(new OrgSnapshot(t.db).uplineAt(ids.r2, TODAY)).toBe(ids.m2)
  })

  it('is invalidated even when the write is refused', () => {
    const first = snap()
    expect(() => org.moveRep(ctx, ADMIN, ids.top, { uplineId: ids.r1a, validFrom: TODAY })).toThrow(expect.objectContaining({ code: 'HIERARCHY_CYCLE' }))
    expect(snap()).not.toBe(first)
    expect(snap().uplineAt(ids.top, TODAY)).toBeNull()
  })
})

describe('repScope for reps', () => {
  it.each<[Name, Name[]]>([
    ['top', ['top', 'm1', 'm2', 'r1', 'r1a', 'r2', 'r3']],
    ['m1', ['m1', 'r1', 'r1a', 'r2']],
    ['r1', ['r1', 'r1a']],
    ['r2', ['r2']],
    ['solo', ['solo']],
  ])('%s sees self and the whole downline', (who, expected) => {
    expect(visible(repScope(t.db, actor(who), TODAY))).toEqual([...expected].sort())
  })

  it.each<[viewer: Name, target: Name, expected: boolean]>([
    ['m1', 'r1a', true], // two levels down
    ['top', 'r3', true],
    ['r1', 'm1', false], // upline
    ['r1a', 'top', false],
    ['r1', 'r2', false], // sibling
    ['m1', 'm2', false],
    ['m1', 'r3', false], // sibling's downline
    ['solo', 'top', false],
    ['r2', 'r2', true],
  ])('canSeeRep(%s, %s) is %s', (viewer, target, expected) => {
    expect(canSeeRep(t.db, actor(viewer), ids[target], TODAY)).toBe(expected)
  })
})

describe('effective-dated changes', () => {
  it('changes nothing today for a move effective next month, and moves the visibility on that date', () => {
    org.moveRep(ctx, ADMIN, ids.r1, { uplineId: ids.m2, validFrom: NEXT_MONTH })

    expect(visible(repScope(t.db, actor('m1'), TODAY))).toEqual(['m1', 'r1', 'r1a', 'r2'])
    expect(visible(repScope(t.db, actor('m2'), TODAY))).toEqual(['m2', 'r3'])
    expect(visible(repScope(t.db, actor('m1'), '2026-03-31'))).toEqual(['m1', 'r1', 'r1a', 'r2'])

    expect(visible(repScope(t.db, actor('m1'), NEXT_MONTH))).toEqual(['m1', 'r2'])
    expect(visible(repScope(t.db, actor('m2'), NEXT_MONTH))).toEqual(['m2', 'r1', 'r1a', 'r3'])
    expect(snap().uplineChain(ids.r1a, NEXT_MONTH)).toEqual([ids.r1, ids.m2, ids.top])
    expect(snap().uplineChain(ids.r1a, TODAY)).toEqual([ids.r1, ids.m1, ids.top])
  })

  it('after a move today shows the moved rep and their downline to the new manager only, and keeps yesterday as it was', () => {
    expect(canSeeRep(t.db, actor('m1'), ids.r1, TODAY)).toBe(true) // warms the cache

    org.moveRep(ctx, ADMIN, ids.r1, { uplineId: ids.m2, validFrom: TODAY })

    expect(canSeeRep(t.db, actor('m1'), ids.r1, TODAY)).toBe(false)
    expect(canSeeRep(t.db, actor('m1'), ids.r1a, TODAY)).toBe(false)
    expect(canSeeRep(t.db, actor('m2'), ids.r1, TODAY)).toBe(true)
    expect(canSeeRep(t.db, actor('m2'), ids.r1a, TODAY)).toBe(true)
    expect(canSeeRep(t.db, actor('top'), ids.r1a, TODAY)).toBe(true)
    expect(canSeeRep(t.db, actor('m1'), ids.r1, YESTERDAY)).toBe(true)
    expect(canSeeRep(t.db, actor('m2'), ids.r1, YESTERDAY)).toBe(false)
  })

  it('takes a rep moved to the top out of every former upline scope', () => {
    org.moveRep(ctx, ADMIN, ids.m1, { uplineId: null, validFrom: TODAY })
    expect(visible(repScope(t.db, actor('top'), TODAY))).toEqual(['m2', 'r3', 'top'])
    expect(visible(repScope(t.db, actor('m1'), TODAY))).toEqual(['m1', 'r1', 'r1a', 'r2'])
    expect(snap().uplineChain(ids.r1a, TODAY)).toEqual([ids.r1, ids.m1])
  })

  it('changes the level only from the promotion date', () => {
    expect(snap().levelAt(ids.r1, TODAY)).toBe(levels.junior)
    org.promoteRep(ctx, ADMIN, ids.r1, { levelId: levels.senior, validFrom: NEXT_MONTH })

    expect(snap().levelAt(ids.r1, START)).toBe(levels.junior)
    expect(snap().levelAt(ids.r1, TODAY)).toBe(levels.junior)
    expect(snap().levelAt(ids.r1, '2026-03-31')).toBe(levels.junior)
    expect(snap().levelAt(ids.r1, NEXT_MONTH)).toBe(levels.senior)
    expect(snap().levelAt(ids.r1, '2030-01-01')).toBe(levels.senior)
    expect(snap().levelAt(ids.r1, '2025-12-31')).toBeNull()
    // A promotion changes the level, not the structure.
    expect(snap().uplineAt(ids.r1, NEXT_MONTH)).toBe(ids.m1)
  })

  it('keeps the records of a deactivated rep visible to their upline', () => {
    org.deactivateUser(ctx, ADMIN, ids.r1a, TODAY)

    expect(canSeeRep(t.db, actor('r1'), ids.r1a, TODAY)).toBe(true)
    expect(canSeeRep(t.db, actor('m1'), ids.r1a, TODAY)).toBe(true)
    expect(canSeeRep(t.db, actor('top'), ids.r1a, '2026-06-30')).toBe(true)
    expect(snap().users.get(ids.r1a)?.deactivatedFrom).toBe(TODAY)
  })

  it('keeps the downline of a deactivated manager visible to the manager above', () => {
    org.deactivateUser(ctx, ADMIN, ids.m1, TODAY)
    expect(visible(repScope(t.db, actor('top'), TODAY))).toEqual(['m1', 'm2', 'r1', 'r1a', 'r2', 'r3', 'top'])
  })
})

describe('repScope for back office and admin', () => {
  it('gives back office exactly the reps of their branches', async () => {
    const [nord, sued, west] = [makeBranch(t), makeBranch(t), makeBranch(t)]
    const inNord = await makeUser(t, { branchIds: [nord], uplineId: ids.m1 })
    const inSued = await makeUser(t, { branchIds: [sued] })
    const inWest = await makeUser(t, { branchIds: [west] })
    const colleague = await makeUser(t, { role: 'backoffice', branchIds: [nord] })
    const bo: Actor = { id: colleague.id, role: 'backoffice', branchIds: [nord, sued] }

    const scope = repScope(t.db, bo, TODAY)
    expect(scope.all).toBe(false)
    if (!scope.all) expect([...scope.repIds].sort()).toEqual([inNord.id, inSued.id].sort())
    expect(canSeeRep(t.db, bo, inWest.id, TODAY)).toBe(false)
    expect(canSeeRep(t.db, bo, ids.top, TODAY)).toBe(false) // a rep without a branch
    expect(canSeeRep(t.db, { ...bo, branchIds: [west] }, inWest.id, TODAY)).toBe(true)
    expect(visible(repScope(t.db, { ...bo, branchIds: [] }, TODAY))).toEqual([])
  })

  it('follows a rep who changes branch', async () => {
    const [nord, sued] = [makeBranch(t), makeBranch(t)]
    const rep = await makeUser(t, { branchIds: [nord] })
    const bo: Actor = { id: ADMIN.id, role: 'backoffice', branchIds: [nord] }
    expect(canSeeRep(t.db, bo, rep.id, TODAY)).toBe(true)
    org.updateUser(ctx, ADMIN, rep.id, { branchIds: [sued] })
    expect(canSeeRep(t.db, bo, rep.id, TODAY)).toBe(false)
  })

  it('gives an admin everything, including reps outside the structure', () => {
    expect(repScope(t.db, ADMIN, TODAY)).toEqual({ all: true })
    expect(canSeeRep(t.db, ADMIN, ids.r3, TODAY)).toBe(true)
    expect(canSeeRep(t.db, ADMIN, '01900000-0000-7000-8000-0000000000ff', '2000-01-01')).toBe(true)
  })

  it.each<[RepScope, string | null, boolean]>([
    [{ all: true }, null, true],
    [{ all: false, repIds: new Set(['a']) }, null, false],
    [{ all: false, repIds: new Set(['a']) }, 'a', true],
    [{ all: false, repIds: new Set(['a']) }, 'b', false],
  ])('scopeIncludes(%o, %s) is %s: records without a rep belong to the all-scope only', (scope, repId, expected) => {
    expect(scopeIncludes(scope, repId)).toBe(expected)
  })
})

describe('organisation setting and write mode', () => {
  it('narrows every rep to self when downline read access is off, and widens again when it is on', () => {
    updateSettings(t.db, ADMIN, t.clock, { downlineReadAccess: false })
    expect(visible(repScope(t.db, actor('top'), TODAY))).toEqual(['top'])
    expect(visible(repScope(t.db, actor('m1'), TODAY))).toEqual(['m1'])
    expect(canSeeRep(t.db, actor('m1'), ids.r1, TODAY)).toBe(false)

    updateSettings(t.db, ADMIN, t.clock, { downlineReadAccess: true })
    expect(visible(repScope(t.db, actor('m1'), TODAY))).toEqual(['m1', 'r1', 'r1a', 'r2'])
  })

  it('does not narrow back office or admin when downline read access is off', async () => {
    const nord = makeBranch(t)
    const rep = await makeUser(t, { branchIds: [nord] })
    updateSettings(t.db, ADMIN, t.clock, { downlineReadAccess: false })
    expect(canSeeRep(t.db, { id: ADMIN.id, role: 'backoffice', branchIds: [nord] }, rep.id, TODAY)).toBe(true)
    expect(repScope(t.db, ADMIN, TODAY)).toEqual({ all: true })
  })

  it.each<Name>(['top', 'm1', 'r1', 'r2'])("narrows %s to self in 'write' mode", (who) => {
    expect(visible(repScope(t.db, actor(who), TODAY, 'write'))).toEqual([who])
  })

  it("lets a manager read but not write the records of the downline", () => {
    expect(canSeeRep(t.db, actor('m1'), ids.r1, TODAY, 'read')).toBe(true)
    expect(canSeeRep(t.db, actor('m1'), ids.r1, TODAY, 'write')).toBe(false)
    expect(canSeeRep(t.db, actor('m1'), ids.m1, TODAY, 'write')).toBe(true)
  })
})
