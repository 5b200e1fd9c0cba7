import { beforeEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../shared/ids'
import type { CustomerFile, Timeline, TimelineItem } from '../../shared/schemas'
import { MINUTE } from '../support/http'
import { getJson, makeWorld, newCustomer, ok, type Person, type World } from '../support/customer-file'

let w: World
beforeEach(async () => {
  w = await makeWorld()
})

/** One step in time between writes, so the timeline order is the order of the test. */
const tick = () => w.t.clock.advance(MINUTE)

async function buildFile() {
  const c = await newCustomer(w.t, w.rep, { firstName: 'Tina', lastName: 'Zeitleiste' })
  tick()
  const relationId = uuidv7()
  await ok(w.t, w.rep, 'addRelation', { id: relationId, customerId: c, type: 'child', person: { firstName: 'Tom', lastName: 'Zeitleiste' } })
  tick()
  const consentId = uuidv7()
  await ok(w.t, w.rep, 'recordConsent', { id: consentId, customerId: c, type: 'privacy', givenOn: '2026-03-12' })
  tick()
  await ok(w.t, w.rep, 'updateCustomer', { id: c, changes: { occupation: { from: null, to: 'Lehrerin' } } }, 2)
  tick()
  const older = { id: uuidv7(), customerId: c, kind: 'memo', occurredAt: w.t.clock.now().toISOString(), text: 'Erstes Memo' }
  await ok(w.t, w.rep, 'createNote', older)
  tick()
  const newer = { id: uuidv7(), customerId: c, kind: 'visit', occurredAt: w.t.clock.now().toISOString(), text: 'Besuch beim Kunden' }
  await ok(w.t, w.rep, 'createNote', newer)
  tick()
  await ok(w.t, w.rep, 'withdrawConsent', { id: consentId, withdrawnOn: '2026-03-12' })
  tick()
  await ok(w.t, w.rep, 'removeRelation', { id: relationId })
  return { c, relationId, consentId, older, newer }
}

const label = (i: TimelineItem) => {
  if (i.kind === 'consent' || i.kind === 'relation') return `${i.kind}:${i.event}`
  if (i.kind === 'change') return `change:${i.field}`
  if (i.kind === 'note') return `note:${i.note.text}`
  return i.kind
}

async function timeline(who: Person, customerId: string, query = ''): Promise<Timeline> {
  const res = await getJson<Timeline>(w.t, who, `/api/customers/${customerId}/timeline${query}`)
  expect(res.status).toBe(200)
  return res.body
}

describe('GET /api/customers/:id/file', () => {
  it('holds the household, consents with warnings and the notes, newest first', async () => {
    const { c, older, newer } = await buildFile()
    await ok(w.t, w.rep, 'addRelation', { id: uuidv7(), customerId: c, type: 'spouse', person: { firstName: 'Udo', lastName: 'Zeitleiste' } })
    const file = (await getJson<CustomerFile>(w.t, w.office, `/api/customers/${c}/file`)).body
    expect(file.relations.map((r) => [r.typeName, r.relatedName])).toEqual([['Ehepartner', 'Udo Zeitleiste']])
    expect(file.consents).toHaveLength(1)
    expect(file.consentWarnings).toEqual([{ type: 'privacy', state: 'withdrawn' }])
    expect(file.notes.map((n) => n.id)).toEqual([newer.id, older.id])
    expect(file.notes[0]).toMatchObject({ kind: 'visit', authorName: 'Rainer Vermittler' })
  })

  it('is readable by the upline with downline read access, not by another structure (404), not anonymously (401)', async () => {
    const { c } = await buildFile()
    expect((await getJson(w.t, w.manager, `/api/customers/${c}/file`)).status).toBe(200)
    expect((await getJson(w.t, w.stranger, `/api/customers/${c}/file`)).status).toBe(404)
    expect((await getJson(w.t, w.otherOffice, `/api/customers/${c}/file`)).status).toBe(404)
    expect((await getJson(w.t, null, `/api/customers/${c}/file`)).status).toBe(401)
    const off = await w.t.req('PATCH', '/api/settings', { cookie: w.admin.cookie, body: { downlineReadAccess: false } })
    expect(off.status).toBe(200)
    expect((await getJson(w.t, w.manager, `/api/customers/${c}/file`)).status).toBe(404)
  })
})

describe('GET /api/customers/:id/timeline', () => {
  it('lists creation, relations, consents, changes and notes, newest first', async () => {
    const { c } = await buildFile()
    const { items, nextBefore } = await timeline(w.office, c)
    expect(items.map(label)).toEqual([
      'relation:removed',
      'consent:withdrawn',
      'note:Besuch beim Kunden',
      'note:Erstes Memo',
      'change:occupation',
      'consent:given',
      'relation:added',
      'created',
    ])
    expect(nextBefore).toBeNull()
    for (const i of items) expect(i.userName).toBe('Rainer Vermittler')
    const change = items.find((i) => i.kind === 'change')
    expect(change).toMatchObject({ entity: 'customer', oldValue: null, newValue: 'Lehrerin' })
    expect(items.find((i) => i.kind === 'relation')).toMatchObject({ relation: { typeName: 'Kind', relatedName: 'Tom Zeitleiste' } })
    expect(items.find((i) => i.kind === 'consent')).toMatchObject({ date: '2026-03-12', consent: { type: 'privacy' } })
  })

  it('pages with limit and the before cursor without gaps or repeats, also across items of the same instant', async () => {
    const { c, newer } = await buildFile()
    // Three field changes in one mutation share their instant.
    await ok(w.t, w.rep, 'updateCustomer', { id: c, changes: { title: { from: null, to: 'Dr.' }, employer: { from: null, to: 'Schule' }, remarks: { from: null, to: 'ruft abends zurück' } } }, 2)
    await ok(w.t, w.rep, 'updateNote', { id: newer.id, changes: { text: { from: newer.text, to: 'Besuch beim Kunden zu Hause' } } })
    const all = (await timeline(w.office, c, '?limit=200')).items
    expect(all).toHaveLength(12)
    // Five items share the last instant (removal, three changes, the note edit): small pages split that group.
    for (const limit of [1, 2, 3, 5]) {
      const paged: TimelineItem[] = []
      let before: string | null = null
      for (let page = 0; page < 20; page++) {
        const res: Timeline = await timeline(w.office, c, `?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`)
        paged.push(...res.items)
        before = res.nextBefore
        if (!before) break
      }
      expect(paged.map((i) => i.id)).toEqual(all.map((i) => i.id))
    }
    expect((await getJson(w.t, w.office, `/api/customers/${c}/timeline?before=kaputt`)).status).toBe(400)
  })

  it('answers 404 outside the read scope and 401 anonymously', async () => {
    const { c } = await buildFile()
    expect((await getJson(w.t, w.manager, `/api/customers/${c}/timeline`)).status).toBe(200)
    expect((await getJson(w.t, w.stranger, `/api/customers/${c}/timeline`)).status).toBe(404)
    expect((await getJson(w.t, w.otherOffice, `/api/customers/${c}/timeline`)).status).toBe(404)
    expect((await getJson(w.t, null, `/api/customers/${c}/timeline`)).status).toBe(401)
  })
})
