import { beforeEach, describe, expect, it } from 'vitest'
import type { OrgSettings } from '../../shared/constants'
import type { AuditEntry, Branch, Level, StructureNode, User, UserDetail } from '../../shared/schemas'
import { createTestApp, type TestApp } from '../support/app'
import { makeBranch, makeLevel, makeSignedIn, makeUser, signIn } from '../support/factories'
import { body, errorBody } from '../support/http'

// The TestClock starts on 2026-03-12 (Berlin).
const TODAY = '2026-03-12'
const NEXT_MONTH = '2026-04-01'

type Signed = { id: string; email: string; cookie: string }
const items = async <T>(res: Response) => (await body<{ items: T[] }>(res)).items

let t: TestApp
let admin: Signed

/** Calls the API as the admin and expects `status`; returns the JSON body. */
async function asAdmin<T = unknown>(method: string, path: string, payload?: unknown, status = 200): Promise<T> {
  const res = await t.req(method, path, { cookie: admin.cookie, body: payload })
  if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${await res.text()}`)
  return body<T>(res)
}
const createdId = async (path: string, payload: unknown) => (await asAdmin<{ id: string }>('POST', path, payload, 201)).id
const getUser = (id: string) => asAdmin<UserDetail>('GET', `/api/users/${id}`)
async function structureAs(cookie: string, date?: string): Promise<StructureNode[]> {
  const res = await t.req('GET', `/api/structure${date ? `?date=${date}` : ''}`, { cookie })
  if (res.status !== 200) throw new Error(`GET /api/structure: ${res.status} ${await res.text()}`)
  return items<StructureNode>(res)
}
const auditOf = async (entityId: string) => (await asAdmin<{ items: AuditEntry[] }>('GET', `/api/audit?entityId=${entityId}`)).items

/** A rep created through the API (top-level unless an upline is given). */
function createRep(name: string, opts: { uplineId?: string | null; levelId?: string; validFrom?: string; branchIds?: string[] } = {}) {
  const email = `${name.toLowerCase().replace(/[^a-z]/g, '')}@example.de`
  return createdId('/api/users', { email, name, role: 'rep', password: 'startpasswort-1', validFrom: '2026-01-01', ...opts })
}
const move = (repId: string, uplineId: string | null, validFrom: string) => t.req('POST', `/api/users/${repId}/move`, { cookie: admin.cookie, body: { uplineId, validFrom } })

beforeEach(async () => {
  t = createTestApp()
  admin = await makeSignedIn(t, { role: 'admin', name: 'Ada Admin' })
})

describe('creating and reading the organisation', () => {
  it('creates branches, levels, a rep with upline and level and a back office user with several branches, and reads them back', async () => {
    const nord = await createdId('/api/branches', { name: 'Filiale Nord' })
    const sued = await createdId('/api/branches', { name: 'Filiale Süd' })
    const senior = await createdId('/api/levels', { name: 'Geschäftsstellenleiter', rank: 2, centsPerUnit: 2800 })
    const junior = await createdId('/api/levels', { name: 'Berater', rank: 1, centsPerUnit: 2000 })
    const manager = await createRep('Martin Manager', { levelId: senior, branchIds: [nord] })
    const rep = await createRep('Rita Rep', { uplineId: manager, levelId: junior, branchIds: [nord], validFrom: '2026-02-01' })
    const bo = await createdId('/api/users', { email: 'bo@example.de', name: 'Bea Innendienst', role: 'backoffice', password: 'startpasswort-1', branchIds: [nord, sued] })

    expect(await items<Branch>(await t.req('GET', '/api/branches', { cookie: admin.cookie }))).toEqual([
      { id: nord, name: 'Filiale Nord', userCount: 3 },
      { id: sued, name: 'Filiale Süd', userCount: 1 },
    ])
    expect(await items<Level>(await t.req('GET', '/api/levels', { cookie: admin.cookie }))).toEqual([
      { id: junior, name: 'Berater', rank: 1, centsPerUnit: 2000 },
      { id: senior, name: 'Geschäftsstellenleiter', rank: 2, centsPerUnit: 2800 },
    ])

    const list = (await asAdmin<{ items: User[] }>('GET', '/api/users')).items
    expect(list.map((u) => u.name)).toEqual(['Ada Admin', 'Bea Innendienst', 'Martin Manager', 'Rita Rep'])
    expect(list.find((u) => u.id === rep)).toEqual({
      id: rep,
      email: 'ritarep@example.de',
      name: 'Rita Rep',
      role: 'rep',
      active: true,
      deactivatedFrom: null,
      branchIds: [nord],
      uplineId: manager,
      levelId: junior,
    })
    expect(JSON.stringify(list)).not.toMatch(/password|scrypt/i)

    expect(await getUser(rep)).toMatchObject({
      uplineId: manager,
      levelId: junior,
      placements: [{ uplineId: manager, validFrom: '2026-02-01', validTo: null }],
      levels: [{ levelId: junior, validFrom: '2026-02-01', validTo: null }],
    })
    const boDetail = await getUser(bo)
    expect(boDetail).toMatchObject({ role: 'backoffice', uplineId: null, levelId: null, placements: [], levels: [] })
    expect([...boDetail.branchIds].sort()).toEqual([nord, sued].sort())
  })

  it('answers 404 for an unknown user id and 400 for one that is not an id', async () => {
    const unknown = await t.req('GET', '/api/users/01900000-0000-7000-8000-000000000000', { cookie: admin.cookie })
    expect(unknown.status).toBe(404)
    expect((await errorBody(unknown)).code).toBe('NOT_FOUND')
    expect((await t.req('GET', '/api/users/123', { cookie: admin.cookie })).status).toBe(400)
  })

  it('renames a branch, changes a level and updates a user', async () => {
    const branch = await createdId('/api/branches', { name: 'Nord' })
    const level = await createdId('/api/levels', { name: 'Berater', rank: 1, centsPerUnit: 2000 })
    const rep = await createRep('Rita Rep')
    await asAdmin('PATCH', `/api/branches/${branch}`, { name: 'Nord-Ost' })
    await asAdmin('PATCH', `/api/levels/${level}`, { name: 'Berater I', rank: 3, centsPerUnit: 2100 })
    await asAdmin('PATCH', `/api/users/${rep}`, { name: 'Rita Neu', email: 'rita.neu@example.de', branchIds: [branch] })

    expect((await items<Branch>(await t.req('GET', '/api/branches', { cookie: admin.cookie })))[0]).toMatchObject({ name: 'Nord-Ost', userCount: 1 })
    expect((await items<Level>(await t.req('GET', '/api/levels', { cookie: admin.cookie })))[0]).toEqual({ id: level, name: 'Berater I', rank: 3, centsPerUnit: 2100 })
    expect(await getUser(rep)).toMatchObject({ name: 'Rita Neu', email: 'rita.neu@example.de', branchIds: [branch] })
  })

  it('rejects a rep in two branches and an upline or level for a non-rep', async () => {
    const [a, b] = [makeBranch(t), makeBranch(t)]
    const manager = await createRep('Martin Manager')
    const twoBranches = await t.req('POST', '/api/users', { cookie: admin.cookie, body: { email: 'x@example.de', name: 'X', role: 'rep', password: 'startpasswort-1', branchIds: [a, b] } })
    expect(twoBranches.status).toBe(400)
    expect(await errorBody(twoBranches)).toMatchObject({ code: 'VALIDATION', message: 'Ein Vermittler gehört zu höchstens einer Filiale.' })
    const boWithUpline = await t.req('POST', '/api/users', { cookie: admin.cookie, body: { email: 'y@example.de', name: 'Y', role: 'backoffice', password: 'startpasswort-1', uplineId: manager } })
    expect(boWithUpline.status).toBe(400)
    const patch = await t.req('PATCH', `/api/users/${manager}`, { cookie: admin.cookie, body: { branchIds: [a, b] } })
    expect(patch.status).toBe(400)
    expect((await getUser(manager)).branchIds).toEqual([])
  })
})

describe('uniqueness', () => {
  it('answers a second user with the same e-mail, in any letter case, with 409 EMAIL_TAKEN', async () => {
    await createRep('Rita Rep')
    const res = await t.req('POST', '/api/users', { cookie: admin.cookie, body: { email: 'RitaRep@Example.de', name: 'Zweite Rita', role: 'rep', password: 'startpasswort-1' } })
    expect(res.status).toBe(409)
    expect(await errorBody(res)).toEqual({ code: 'EMAIL_TAKEN', message: 'Diese E-Mail-Adresse ist bereits vergeben.' })
    expect((await asAdmin<{ items: User[] }>('GET', '/api/users')).items.filter((u) => u.email === 'ritarep@example.de')).toHaveLength(1)
  })

  it('answers a change to another user e-mail with 409 EMAIL_TAKEN', async () => {
    await createRep('Rita Rep')
    const other = await createRep('Otto Rep')
    const res = await t.req('PATCH', `/api/users/${other}`, { cookie: admin.cookie, body: { email: 'ritarep@example.de' } })
    expect(res.status).toBe(409)
    expect((await errorBody(res)).code).toBe('EMAIL_TAKEN')
  })

  it('answers a duplicate branch name with 409 NAME_TAKEN, on create and on rename', async () => {
    await createdId('/api/branches', { name: 'Nord' })
    const sued = await createdId('/api/branches', { name: 'Süd' })
    const dup = await t.req('POST', '/api/branches', { cookie: admin.cookie, body: { name: 'Nord' } })
    expect(dup.status).toBe(409)
    expect(await errorBody(dup)).toEqual({ code: 'NAME_TAKEN', message: 'Dieser Name ist bereits vergeben.' })
    const rename = await t.req('PATCH', `/api/branches/${sued}`, { cookie: admin.cookie, body: { name: 'Nord' } })
    expect(rename.status).toBe(409)
    expect((await errorBody(rename)).code).toBe('NAME_TAKEN')
  })

  it('answers a duplicate level rank with 409 RANK_TAKEN, on create and on change', async () => {
    await createdId('/api/levels', { name: 'Berater', rank: 1, centsPerUnit: 2000 })
    const second = await createdId('/api/levels', { name: 'Leiter', rank: 2, centsPerUnit: 2800 })
    const dup = await t.req('POST', '/api/levels', { cookie: admin.cookie, body: { name: 'Anderer', rank: 1, centsPerUnit: 1000 } })
    expect(dup.status).toBe(409)
    expect(await errorBody(dup)).toEqual({ code: 'RANK_TAKEN', message: 'Diese Rangfolge ist bereits vergeben.' })
    const change = await t.req('PATCH', `/api/levels/${second}`, { cookie: admin.cookie, body: { name: 'Leiter', rank: 1, centsPerUnit: 2800 } })
    expect(change.status).toBe(409)
    expect((await errorBody(change)).code).toBe('RANK_TAKEN')
  })
})

describe('moving reps with an effective date', () => {
  it('cuts the period covering the date and replaces later periods', async () => {
    const a = await createRep('Anton Alt')
    const b = await createRep('Berta Bald')
    const c = await createRep('Carl Chef')
    const rep = await createRep('Rita Rep', { uplineId: a })

    expect((await move(rep, b, '2026-06-01')).status).toBe(200)
    expect((await getUser(rep)).placements).toEqual([
      { uplineId: a, validFrom: '2026-01-01', validTo: '2026-06-01' },
      { uplineId: b, validFrom: '2026-06-01', validTo: null },
    ])

    expect((await move(rep, c, NEXT_MONTH)).status).toBe(200)
    expect((await getUser(rep)).placements).toEqual([
      { uplineId: a, validFrom: '2026-01-01', validTo: NEXT_MONTH },
      { uplineId: c, validFrom: NEXT_MONTH, validTo: null },
    ])

    // Moving to the top of the structure: no upline from that date.
    expect((await move(rep, null, '2026-05-01')).status).toBe(200)
    const detail = await getUser(rep)
    expect(detail.placements).toEqual([
      { uplineId: a, validFrom: '2026-01-01', validTo: NEXT_MONTH },
      { uplineId: c, validFrom: NEXT_MONTH, validTo: '2026-05-01' },
      { uplineId: null, validFrom: '2026-05-01', validTo: null },
    ])
    expect(detail.uplineId).toBe(a)
  })

  it('changes nothing in today’s structure for a move effective next month, but does on that date', async () => {
    const a = await createRep('Anton Alt')
    const c = await createRep('Carl Chef')
    const rep = await createRep('Rita Rep', { uplineId: a })
    expect((await move(rep, c, NEXT_MONTH)).status).toBe(200)

    const uplineOf = (nodes: StructureNode[]) => nodes.find((n) => n.id === rep)?.uplineId
    expect(uplineOf(await structureAs(admin.cookie))).toBe(a)
    expect(uplineOf(await structureAs(admin.cookie, '2026-03-31'))).toBe(a)
    expect(uplineOf(await structureAs(admin.cookie, NEXT_MONTH))).toBe(c)
    expect((await getUser(rep)).uplineId).toBe(a)

    t.clock.set('2026-04-01T08:00:00Z')
    const cookie = await signIn(t, admin.email) // the old session has been idle too long by then
    expect(uplineOf(await structureAs(cookie))).toBe(c)
  })

  it('shows a rep in the structure only from their start date', async () => {
    const rep = await createRep('Rita Rep', { validFrom: NEXT_MONTH })
    expect((await structureAs(admin.cookie)).map((n) => n.id)).not.toContain(rep)
    expect((await structureAs(admin.cookie, NEXT_MONTH)).map((n) => n.id)).toContain(rep)
  })

  it('rejects an invalid structure date with 400', async () => {
    expect((await t.req('GET', '/api/structure?date=2026-02-30', { cookie: admin.cookie })).status).toBe(400)
  })

  it('answers moving a rep under themselves or their own downline with 409 HIERARCHY_CYCLE and changes nothing', async () => {
    const a = await createRep('Anton Alt')
    const b = await createRep('Berta Bald', { uplineId: a })
    const c = await createRep('Carl Chef', { uplineId: b })

    const self = await move(a, a, TODAY)
    expect(self.status).toBe(409)
    expect((await errorBody(self)).code).toBe('HIERARCHY_CYCLE')
    const deep = await move(a, c, TODAY)
    expect(deep.status).toBe(409)
    expect(await errorBody(deep)).toEqual({ code: 'HIERARCHY_CYCLE', message: 'Diese Zuordnung würde einen Kreis in der Struktur erzeugen.' })
    expect((await getUser(a)).placements).toEqual([{ uplineId: null, validFrom: '2026-01-01', validTo: null }])
  })

  it('answers a move that closes a cycle only on a later date, through an already scheduled move, with 409 HIERARCHY_CYCLE', async () => {
    const x = await createRep('Xaver')
    const y = await createRep('Yvonne')
    // Scheduled: from next month Yvonne works under Xaver.
    expect((await move(y, x, NEXT_MONTH)).status).toBe(200)

    // Today Xaver under Yvonne is no cycle, but it becomes one next month.
    const res = await move(x, y, TODAY)
    expect(res.status).toBe(409)
    expect((await errorBody(res)).code).toBe('HIERARCHY_CYCLE')
    expect((await getUser(x)).placements).toEqual([{ uplineId: null, validFrom: '2026-01-01', validTo: null }])

    // Any start before the scheduled move runs into the same cycle.
    expect((await move(x, y, '2026-03-20')).status).toBe(409)
  })

  it('accepts a move under a former downline member once they have left it', async () => {
    const x = await createRep('Xaver')
    const y = await createRep('Yvonne', { uplineId: x })
    expect((await move(y, null, NEXT_MONTH)).status).toBe(200)
    expect((await move(x, y, '2026-05-01')).status).toBe(200)
    expect((await move(x, y, TODAY)).status).toBe(409)
  })

  it('answers an upline that is not an active rep with 400 INVALID_UPLINE', async () => {
    const rep = await createRep('Rita Rep')
    const bo = await makeUser(t, { role: 'backoffice' })
    const retired = await createRep('Rudi Ruhestand')
    await asAdmin('POST', `/api/users/${retired}/deactivate`, {})

    for (const upline of [bo.id, admin.id, retired, '01900000-0000-7000-8000-000000000000']) {
      const res = await move(rep, upline, TODAY)
      expect(res.status).toBe(400)
      expect(await errorBody(res)).toEqual({ code: 'INVALID_UPLINE', message: 'Die gewählte Führungskraft ist kein aktiver Vermittler.' })
    }
    expect((await getUser(rep)).placements).toHaveLength(1)
  })

  it('does not create a user whose upline is invalid', async () => {
    const bo = await makeUser(t, { role: 'backoffice' })
    const res = await t.req('POST', '/api/users', { cookie: admin.cookie, body: { email: 'neu@example.de', name: 'Neu', role: 'rep', password: 'startpasswort-1', uplineId: bo.id } })
    expect(res.status).toBe(400)
    expect((await errorBody(res)).code).toBe('INVALID_UPLINE')
    expect((await asAdmin<{ items: User[] }>('GET', '/api/users')).items.map((u) => u.email)).not.toContain('neu@example.de')
  })

  it('answers moving or promoting a user who is not a rep with 400 NOT_A_REP, and an unknown one with 404', async () => {
    const bo = await makeUser(t, { role: 'backoffice' })
    const level = makeLevel(t, 1, 2000)
    const moved = await move(bo.id, null, TODAY)
    expect(moved.status).toBe(400)
    expect((await errorBody(moved)).code).toBe('NOT_A_REP')
    const promoted = await t.req('POST', `/api/users/${bo.id}/promote`, { cookie: admin.cookie, body: { levelId: level, validFrom: TODAY } })
    expect((await errorBody(promoted)).code).toBe('NOT_A_REP')
    expect((await move('01900000-0000-7000-8000-000000000000', null, TODAY)).status).toBe(404)
  })
})

describe('promotion', () => {
  it('changes the level from the effective date only', async () => {
    const junior = makeLevel(t, 1, 2000)
    const senior = makeLevel(t, 2, 2800)
    const rep = await createRep('Rita Rep', { levelId: junior })

    const res = await t.req('POST', `/api/users/${rep}/promote`, { cookie: admin.cookie, body: { levelId: senior, validFrom: NEXT_MONTH } })
    expect(res.status).toBe(200)

    const detail = await getUser(rep)
    expect(detail.levelId).toBe(junior)
    expect(detail.levels).toEqual([
      { levelId: junior, validFrom: '2026-01-01', validTo: NEXT_MONTH },
      { levelId: senior, validFrom: NEXT_MONTH, validTo: null },
    ])
    const levelOn = async (date: string) => (await structureAs(admin.cookie, date)).find((n) => n.id === rep)?.levelId
    expect(await levelOn('2026-03-31')).toBe(junior)
    expect(await levelOn(NEXT_MONTH)).toBe(senior)
  })

  it('rejects an unknown level with 400 VALIDATION', async () => {
    const rep = await createRep('Rita Rep')
    const res = await t.req('POST', `/api/users/${rep}/promote`, { cookie: admin.cookie, body: { levelId: '01900000-0000-7000-8000-000000000000', validFrom: TODAY } })
    expect(res.status).toBe(400)
    expect(await errorBody(res)).toEqual({ code: 'VALIDATION', message: 'Diese Karrierestufe gibt es nicht.' })
    expect((await getUser(rep)).levels).toEqual([])
  })
})

describe('audit trail', () => {
  it('records every change to a user with actor, old and new values, and never the password', async () => {
    const junior = makeLevel(t, 1, 2000)
    const senior = makeLevel(t, 2, 2800)
    const a = await createRep('Anton Alt')
    const rep = await createRep('Rita Rep', { uplineId: a, levelId: junior })
    await asAdmin('PATCH', `/api/users/${rep}`, { name: 'Rita Neu' })
    await move(rep, null, NEXT_MONTH)
    await asAdmin('POST', `/api/users/${rep}/promote`, { levelId: senior, validFrom: NEXT_MONTH })
    await asAdmin('POST', `/api/users/${rep}/deactivate`, { validFrom: '2026-12-31' })
    await asAdmin('POST', `/api/users/${rep}/reactivate`)
    await asAdmin('POST', `/api/users/${rep}/password`, { password: 'geheim-zurueck-1' })

    const entries = await auditOf(rep)
    const byAction = (action: string) => {
      const e = entries.find((x) => x.action === action)
      if (!e) throw new Error(`no audit entry ${action}`)
      return e
    }
    expect(entries.map((e) => e.action).sort()).toEqual(
      ['user.create', 'user.deactivate', 'user.move', 'user.password_reset', 'user.promote', 'user.reactivate', 'user.update'].sort(),
    )
    for (const e of entries) {
      expect(e).toMatchObject({ actorId: admin.id, actorName: 'Ada Admin', entity: 'user', entityId: rep })
      expect(e.at).toBe('2026-03-12T09:00:00.000Z')
    }
    expect(byAction('user.create')).toMatchObject({ before: null, after: { email: 'ritarep@example.de', role: 'rep', uplineId: a, levelId: junior, validFrom: '2026-01-01' } })
    expect(byAction('user.update')).toMatchObject({ before: { name: 'Rita Rep' }, after: { name: 'Rita Neu' } })
    expect(byAction('user.move')).toMatchObject({
      before: { placements: [{ uplineId: a, validFrom: '2026-01-01', validTo: null }] },
      after: { uplineId: null, validFrom: NEXT_MONTH },
    })
    expect(byAction('user.promote')).toMatchObject({
      before: { levels: [{ levelId: junior, validFrom: '2026-01-01', validTo: null }] },
      after: { levelId: senior, validFrom: NEXT_MONTH },
    })
    expect(byAction('user.deactivate')).toMatchObject({ before: { deactivatedFrom: null }, after: { deactivatedFrom: '2026-12-31' } })
    expect(byAction('user.reactivate')).toMatchObject({ before: { deactivatedFrom: '2026-12-31' }, after: { deactivatedFrom: null } })
    expect(JSON.stringify(entries)).not.toMatch(/startpasswort|geheim-zurueck|scrypt/)
  })

  it('records changes to branches, levels and settings with old and new values', async () => {
    const branch = await createdId('/api/branches', { name: 'Nord' })
    await asAdmin('PATCH', `/api/branches/${branch}`, { name: 'Nord-Ost' })
    const level = await createdId('/api/levels', { name: 'Berater', rank: 1, centsPerUnit: 2000 })
    await asAdmin('PATCH', `/api/levels/${level}`, { name: 'Berater', rank: 1, centsPerUnit: 2200 })
    await asAdmin('PATCH', '/api/settings', { reservePermille: 150 })

    const branchLog = await auditOf(branch)
    expect(branchLog.find((e) => e.action === 'branch.create')).toMatchObject({ actorId: admin.id, before: null, after: { name: 'Nord' } })
    expect(branchLog.find((e) => e.action === 'branch.update')).toMatchObject({ actorId: admin.id, before: { name: 'Nord' }, after: { name: 'Nord-Ost' } })
    expect((await auditOf(level)).find((e) => e.action === 'level.update')).toMatchObject({
      before: { centsPerUnit: 2000 },
      after: { centsPerUnit: 2200 },
    })
    expect((await auditOf('organisation')).find((e) => e.action === 'settings.update')).toMatchObject({
      actorId: admin.id,
      before: { reservePermille: 100 },
      after: { reservePermille: 150 },
    })
  })

  it('records a refused change not at all', async () => {
    const a = await createRep('Anton Alt')
    const b = await createRep('Berta Bald', { uplineId: a })
    const before = (await auditOf(a)).length
    expect((await move(a, b, TODAY)).status).toBe(409)
    expect(await auditOf(a)).toHaveLength(before)
  })
})

describe('settings and visibility of the structure', () => {
  it('lets a manager see self and downline, and only self once downline read access is switched off', async () => {
    const top = await makeSignedIn(t, { name: 'Tina Top', validFrom: '2026-01-01' })
    const manager = await makeSignedIn(t, { name: 'Martin Manager', uplineId: top.id, validFrom: '2026-01-01' })
    const rep = await makeUser(t, { name: 'Rita Rep', uplineId: manager.id, validFrom: '2026-01-01' })
    const sibling = await makeUser(t, { name: 'Sven Seite', uplineId: top.id, validFrom: '2026-01-01' })

    const ids = async (cookie: string) => (await structureAs(cookie)).map((n) => n.id).sort()
    expect(await ids(manager.cookie)).toEqual([manager.id, rep.id].sort())
    expect(await ids(top.cookie)).toEqual([top.id, manager.id, rep.id, sibling.id].sort())

    const patched = await t.req('PATCH', '/api/settings', { cookie: admin.cookie, body: { downlineReadAccess: false } })
    expect(patched.status).toBe(200)
    expect(await body<OrgSettings>(patched)).toEqual({ downlineReadAccess: false, reservePermille: 100, minPayoutCents: 5000, requiredConsents: ['privacy'] })
    expect(await body<OrgSettings>(await t.req('GET', '/api/settings', { cookie: manager.cookie }))).toMatchObject({ downlineReadAccess: false })

    expect(await ids(manager.cookie)).toEqual([manager.id])
    expect(await ids(top.cookie)).toEqual([top.id])

    await asAdmin('PATCH', '/api/settings', { downlineReadAccess: true })
    expect(await ids(manager.cookie)).toEqual([manager.id, rep.id].sort())
  })

  it('shows a back office user the reps of their branches only', async () => {
    const [nord, sued, west] = [makeBranch(t), makeBranch(t), makeBranch(t)]
    const bo = await makeSignedIn(t, { role: 'backoffice', branchIds: [nord, sued] })
    const inNord = await makeUser(t, { branchIds: [nord] })
    const inSued = await makeUser(t, { branchIds: [sued] })
    await makeUser(t, { branchIds: [west] })
    await makeUser(t)

    expect((await structureAs(bo.cookie)).map((n) => n.id).sort()).toEqual([inNord.id, inSued.id].sort())
  })

  it('rejects settings out of range with 400 VALIDATION', async () => {
    const res = await t.req('PATCH', '/api/settings', { cookie: admin.cookie, body: { reservePermille: 1001 } })
    expect(res.status).toBe(400)
    expect((await errorBody(res)).code).toBe('VALIDATION')
    expect((await asAdmin<OrgSettings>('GET', '/api/settings')).reservePermille).toBe(100)
  })
})

describe('access control', () => {
  const ID = '01900000-0000-7000-8000-0000000000aa'
  /** Every admin-only endpoint with a valid request, so only the role decides the answer. */
  const ADMIN_ONLY: [method: string, path: string, payload?: unknown][] = [
    ['POST', '/api/branches', { name: 'Neue Filiale' }],
    ['PATCH', `/api/branches/${ID}`, { name: 'Umbenannt' }],
    ['POST', '/api/levels', { name: 'Neue Stufe', rank: 9, centsPerUnit: 1000 }],
    ['PATCH', `/api/levels/${ID}`, { name: 'Stufe', rank: 9, centsPerUnit: 1000 }],
    ['GET', '/api/users'],
    ['GET', `/api/users/${ID}`],
    ['POST', '/api/users', { email: 'eindringling@example.de', name: 'Eindringling', role: 'admin', password: 'startpasswort-1' }],
    ['PATCH', `/api/users/${ID}`, { name: 'Anders' }],
    ['POST', `/api/users/${ID}/move`, { uplineId: null, validFrom: TODAY }],
    ['POST', `/api/users/${ID}/promote`, { levelId: ID, validFrom: TODAY }],
    ['POST', `/api/users/${ID}/deactivate`, {}],
    ['POST', `/api/users/${ID}/reactivate`],
    ['POST', `/api/users/${ID}/password`, { password: 'neues-passwort-1' }],
    ['PATCH', '/api/settings', { downlineReadAccess: false }],
    ['GET', '/api/audit'],
  ]
  const SIGNED_IN_ONLY = ['/api/branches', '/api/levels', '/api/structure', '/api/settings', '/api/auth/me']
  /** Open to everyone. */
  const PUBLIC = ['GET /api/health', 'POST /api/auth/login', 'GET /api/openapi.json']
  /** Any signed-in user acting on their own session or password (covered in auth.test.ts). */
  const SELF_SERVICE = ['POST /api/auth/logout', 'POST /api/auth/password']

  it.each(ADMIN_ONLY)('%s %s answers 401 anonymously and 403 to a rep and to a back office user', async (method, path, payload) => {
    const rep = await makeSignedIn(t)
    const bo = await makeSignedIn(t, { role: 'backoffice', branchIds: [makeBranch(t)] })
    const auditBefore = (await asAdmin<{ items: AuditEntry[] }>('GET', '/api/audit?limit=500')).items.length

    const anonymous = await t.req(method, path, { body: payload })
    expect(anonymous.status).toBe(401)
    expect((await errorBody(anonymous)).code).toBe('UNAUTHENTICATED')
    for (const user of [rep, bo]) {
      const res = await t.req(method, path, { cookie: user.cookie, body: payload })
      expect(res.status).toBe(403)
      expect(await errorBody(res)).toEqual({ code: 'FORBIDDEN', message: 'Dafür fehlt Ihnen die Berechtigung.' })
    }
    // Nothing was written on the way to the refusal.
    expect((await asAdmin<{ items: AuditEntry[] }>('GET', '/api/audit?limit=500')).items).toHaveLength(auditBefore)
  })

  it('classifies every route of the auth and organisation modules, so a new one cannot slip past these checks', () => {
    const classified = [
      ...PUBLIC,
      ...SELF_SERVICE,
      ...SIGNED_IN_ONLY.map((p) => `GET ${p}`),
      ...ADMIN_ONLY.map(([m, p]) => `${m} ${p.replace(ID, ':id')}`),
    ]
    // Other modules (customers, sync) scope by record and carry their own access tests.
    const foundation = /^\w+ \/api\/(health|openapi\.json|auth|branches|levels|users|structure|settings|audit)(\/|$)/
    expect(classified.sort()).toEqual(registeredApiRoutes(t).filter((r) => foundation.test(r)).sort())
  })

  it.each(SIGNED_IN_ONLY)('GET %s answers 401 anonymously and 200 to any signed-in user', async (path) => {
    const anonymous = await t.req('GET', path)
    expect(anonymous.status).toBe(401)
    expect((await errorBody(anonymous)).code).toBe('UNAUTHENTICATED')
    const rep = await makeSignedIn(t)
    const bo = await makeSignedIn(t, { role: 'backoffice' })
    expect((await t.req('GET', path, { cookie: rep.cookie })).status).toBe(200)
    expect((await t.req('GET', path, { cookie: bo.cookie })).status).toBe(200)
  })

  it('serves the health check and the OpenAPI document without a session', async () => {
    expect((await t.req('GET', '/api/health')).status).toBe(200)
    expect((await t.req('GET', '/api/openapi.json')).status).toBe(200)
  })
})

/** `METHOD /api/path` of every route handler; middleware and the catch-all are registered as ALL. */
function registeredApiRoutes(app: TestApp): string[] {
  const routes = app.app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`)
  return [...new Set(routes)]
}

interface OpenApiDoc {
  openapi: string
  servers: { url: string }[]
  paths: Record<string, Record<string, { summary?: string }>>
}

describe('OpenAPI document', () => {
  it('is an OpenAPI 3.1 document that lists every /api route the app registers, and no other', async () => {
    const res = await t.req('GET', '/api/openapi.json')
    expect(res.status).toBe(200)
    const doc = await body<OpenApiDoc>(res)
    expect(doc.openapi).toMatch(/^3\.1\./)
    expect(doc.servers).toEqual([{ url: '/api' }])

    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} /api${p.replace(/\{(\w+)\}/g, ':$1')}`)),
    )
    // The document does not describe itself.
    const registered = new Set(registeredApiRoutes(t).filter((r) => r !== 'GET /api/openapi.json'))
    expect(registered.size).toBeGreaterThan(20)
    expect([...registered].sort()).toEqual([...documented].sort())
  })
})
