import { beforeEach, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import type { ImportCommitResult, ImportPreview, ImportRow } from '../../shared/schemas'
import { auditLog, counters, customerContactKeys, customerImports, customers } from '../../server/src/db/schema'
import { createTestApp, ORIGIN, type TestApp } from '../support/app'
import { makeBranch, makeCustomer, makeSignedIn } from '../support/factories'
import { errorBody } from '../support/http'
import { TestDevice } from '../support/sync'

type User = { id: string; email: string; cookie: string }
let t: TestApp
let branch: string
let rep: User
let office: User
let admin: User
let otherRep: User
let otherOffice: User

beforeEach(async () => {
  t = createTestApp()
  branch = makeBranch(t)
  rep = await makeSignedIn(t, { branchIds: [branch], name: 'Rainer Rep' })
  office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch], name: 'Olga Office' })
  admin = await makeSignedIn(t, { role: 'admin', name: 'Anna Admin' })
  const other = makeBranch(t)
  otherRep = await makeSignedIn(t, { branchIds: [other], name: 'Xaver Fremd' })
  otherOffice = await makeSignedIn(t, { role: 'backoffice', branchIds: [other], name: 'Fritz Fremdfiliale' })
})

/** Uploads a file as the raw request body (how the app sends it). */
function upload(cookie: string | undefined, file: string | Uint8Array, query: { ownerRepId?: string; fileName?: string } = {}): Promise<Response> {
  const params = new URLSearchParams({ fileName: query.fileName ?? 'kunden.csv', ...(query.ownerRepId ? { ownerRepId: query.ownerRepId } : {}) })
  const headers: Record<string, string> = { origin: ORIGIN, 'content-type': 'text/csv' }
  if (cookie) headers.cookie = cookie
  const body = (typeof file === 'string' ? new TextEncoder().encode(file) : file) as Uint8Array<ArrayBuffer>
  return Promise.resolve(t.app.request(`${ORIGIN}/api/customer-imports?${params}`, { method: 'POST', headers, body }))
}

async function preview(file: string | Uint8Array, ownerRepId = rep.id, cookie = office.cookie): Promise<ImportPreview> {
  const res = await upload(cookie, file, { ownerRepId })
  if (res.status !== 201) throw new Error(`upload ${res.status}: ${await res.text()}`)
  return (await res.json()) as ImportPreview
}

const commit = (id: string, mode: 'all' | 'valid', cookie = office.cookie) => t.req('POST', `/api/customer-imports/${id}/commit`, { cookie, body: { mode } })
const customerCount = () => t.db.select({ n: sql<number>`count(*)` }).from(customers).get()!.n
const counter = () => t.db.select().from(counters).where(eq(counters.name, 'customerNo')).get()?.value ?? 0
const byName = (lastName: string) => t.db.select().from(customers).where(eq(customers.lastName, lastName)).all()
const issues = (r: ImportRow | undefined) => [...(r?.errors ?? []), ...(r?.warnings ?? [])]

const HEADER = 'Anrede;Titel;Vorname;Nachname;Firma;Geburtsdatum;Straße;PLZ;Ort;Telefon;Mobil;E-Mail;IBAN;BIC;Status;Schlagworte;Bemerkung'
const MIXED = [
  HEADER,
  'Frau;Dr.;Anna;Schmidt;;03.04.1975;Hauptstraße 5;1067;Dresden;0351 123456;0171 9876543;anna.schmidt@example.de;DE89 3704 0044 0532 0130 00;COBADEFFXXX;Kunde;VIP, Bausparen;"Ruft abends an; gern per E-Mail"',
  'Herr;;Bernd;Bauer;;1980-01-15;;;;;;;DE00 1234 5678 9012 3456 78;;;;',
  'Herr;;Carl;Clausen;;31.02.1980;;;;;;;;;;;',
  'Frau;;Doris;;;;;;Hamburg;;;;;;;;',
  'Frau;;Anna;Schmidt;;03.04.1975;;;;;;;;;;;',
  ';;;;Muster Bau GmbH;;Industriestr. 1;20457;Hamburg;040 555;;info@musterbau.example;;;Interessent;;',
  'Herr;;Emil;Eckert;;;;;;;;emil(at)example.de;;;;;',
].join('\r\n')

describe('preview', () => {
  it('lists every row with its errors per column, in German, and counts valid and invalid rows', async () => {
    const p = await preview(MIXED)
    expect(p).toMatchObject({ fileName: 'kunden.csv', ownerRepId: rep.id, ownerName: 'Rainer Rep', status: 'preview' })
    expect(p.summary).toMatchObject({ total: 7, valid: 2, invalid: 5, delimiter: ';', encoding: 'utf-8' })
    expect(p.summary.columns.map((c) => c.column)).toEqual(['salutation', 'title', 'firstName', 'lastName', 'company', 'birthDate', 'street', 'zip', 'city', 'phone', 'mobile', 'email', 'iban', 'bic', 'status', 'tags', 'remarks'])
    expect(p.rows.map((r) => [r.line, r.valid])).toEqual([
      [2, true],
      [3, false],
      [4, false],
      [5, false],
      [6, false],
      [7, true],
      [8, false],
    ])
    expect(p.problems.map((r) => r.line)).toEqual([3, 4, 5, 6, 8])
  })

  it.each([
    [3, 'IBAN', 'Die IBAN ist ungültig (Länge oder Prüfziffer stimmt nicht).', 'DE00 1234 5678 9012 3456 78'],
    [4, 'Geburtsdatum', 'Bitte ein gültiges Datum im Format TT.MM.JJJJ oder JJJJ-MM-TT angeben.', '31.02.1980'],
    [5, 'Nachname', 'Bitte den Nachnamen angeben.', ''],
    [6, null, 'Doppelt in der Datei: gleicher Name und gleiches Geburtsdatum wie Zeile 2.', undefined],
    [8, 'E-Mail', 'Bitte eine gültige E-Mail-Adresse angeben.', 'emil(at)example.de'],
  ])('line %i: %s → %s', async (line, column, message, value) => {
    const p = await preview(MIXED)
    const row = p.rows.find((r) => r.line === line)
    expect(row?.valid).toBe(false)
    expect(row?.errors).toContainEqual({ column, message, ...(value !== undefined ? { value } : {}) })
  })

  it('offers the error report as CSV for German Excel (BOM, semicolons, one line per problem)', async () => {
    const p = await preview(MIXED)
    const res = await t.req('GET', `/api/customer-imports/${p.id}/errors.csv`, { cookie: office.cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toContain('filename="kunden_Fehlerbericht.csv"')
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())
    expect(text.charCodeAt(0)).toBe(0xfeff)
    const lines = text.slice(1).trim().split('\r\n')
    expect(lines[0]).toBe('Zeile;Spalte;Wert;Art;Meldung;Name')
    expect(lines).toContain('4;Geburtsdatum;31.02.1980;Fehler;Bitte ein gültiges Datum im Format TT.MM.JJJJ oder JJJJ-MM-TT angeben.;Carl Clausen')
    expect(lines.filter((l) => l.includes(';Fehler;'))).toHaveLength(5)
  })

  it('reads a Windows-1252 file (umlauts) when the bytes are not UTF-8', async () => {
    const bytes = Uint8Array.from(Buffer.from('Vorname;Nachname;Straße;Ort\r\nJürgen;Größe;Königsallee 1;Düsseldorf\r\n', 'latin1'))
    const p = await preview(bytes)
    expect(p.summary.encoding).toBe('windows-1252')
    expect(p.summary.columns.map((c) => c.column)).toEqual(['firstName', 'lastName', 'street', 'city'])
    expect(p.rows[0]).toMatchObject({ name: 'Jürgen Größe', city: 'Düsseldorf', valid: true })
    expect((await commit(p.id, 'all')).status).toBe(200)
    expect(byName('Größe')[0]).toMatchObject({ firstName: 'Jürgen', addresses: [{ type: 'home', street: 'Königsallee 1', zip: '', city: 'Düsseldorf', country: 'DE' }] })
  })

  it('reads UTF-8 with BOM, commas and English headers', async () => {
    const p = await preview('\uFEFFFirst name,Last name,Email,Date of birth\n"Lena","Lang, geb. Kurz",lena@example.de,1990-05-06\n')
    expect(p.summary).toMatchObject({ delimiter: ',', encoding: 'utf-8', valid: 1 })
    expect(p.rows[0]).toMatchObject({ name: 'Lena Lang, geb. Kurz', birthDate: '1990-05-06' })
  })

  it('flags existing customers in scope: same name and birth date is an error, a shared e-mail a warning', async () => {
    const existing = makeCustomer(t, rep.id, { firstName: 'Paula', lastName: 'Petersen', birthDate: '1970-01-01', emails: [{ type: 'private', address: 'familie@petersen.example' }] })
    makeCustomer(t, otherRep.id, { firstName: 'Olaf', lastName: 'Otto', birthDate: '1960-06-06' })
    const no = t.db.select().from(customers).where(eq(customers.id, existing)).get()!.customerNo
    const p = await preview(['Vorname;Nachname;Geburtsdatum;E-Mail', 'Paula;Petersen;01.01.1970;', 'Peter;Petersen;02.02.1972;familie@petersen.example', 'Olaf;Otto;06.06.1960;'].join('\n'))
    expect(p.rows[0]!.errors).toEqual([{ column: null, message: `Den Kunden gibt es bereits: ${no} (gleicher Name und Geburtsdatum).` }])
    expect(p.rows[1]).toMatchObject({ valid: true, warnings: [{ column: null, message: `Möglicherweise bereits vorhanden: ${no} (gleiche E-Mail-Adresse).` }] })
    // A customer of another branch is outside the back office's scope: no hint about it.
    expect(issues(p.rows[2])).toEqual([])
  })

  it('refuses a file without a name column, an empty file, and a missing or wrong owner', async () => {
    for (const [file, ownerRepId, status, code] of [
      ['Ort;PLZ\nBerlin;10115', rep.id, 400, 'IMPORT_NO_NAME_COLUMN'],
      ['Vorname;Nachname\n', rep.id, 400, 'IMPORT_EMPTY'],
      ['Vorname;Nachname\nA;B', undefined, 400, 'IMPORT_OWNER_REQUIRED'],
      ['Vorname;Nachname\nA;B', office.id, 400, 'NOT_A_REP'],
    ] as const) {
      const res = await upload(office.cookie, file, { ownerRepId })
      expect([res.status, (await errorBody(res)).code]).toEqual([status, code])
    }
  })

  it('answers 413 for more than 20 MB or more than 100,000 rows', async () => {
    const big = new Uint8Array(20 * 1024 * 1024 + 70 * 1024).fill(0x41)
    const res = await upload(office.cookie, big, { ownerRepId: rep.id })
    expect(res.status).toBe(413)
    expect((await errorBody(res)).code).toBe('IMPORT_TOO_LARGE')
    const many = `Nachname\n${'Meier\n'.repeat(100_001)}`
    const rows = await upload(office.cookie, many, { ownerRepId: rep.id })
    expect(rows.status).toBe(413)
    expect((await errorBody(rows)).message).toContain('100.000 Zeilen')
  })

  it('accepts multipart/form-data with the fields file and ownerRepId', async () => {
    const form = new FormData()
    form.set('file', new File(['Vorname;Nachname\nMaria;Multipart\n'], 'formular.csv', { type: 'text/csv' }))
    form.set('ownerRepId', rep.id)
    const res = await t.app.request(`${ORIGIN}/api/customer-imports`, { method: 'POST', headers: { origin: ORIGIN, cookie: office.cookie }, body: form })
    expect(res.status).toBe(201)
    expect(((await res.json()) as ImportPreview)).toMatchObject({ fileName: 'formular.csv', summary: { valid: 1 } })
  })
})

describe('commit', () => {
  it("'all' refuses with 409 while any row has an error and imports nothing", async () => {
    const p = await preview(MIXED)
    const before = { customers: customerCount(), counter: counter() }
    const res = await commit(p.id, 'all')
    expect(res.status).toBe(409)
    expect((await errorBody(res)).code).toBe('IMPORT_HAS_ERRORS')
    expect({ customers: customerCount(), counter: counter() }).toEqual(before)
    expect(t.db.select().from(customerImports).where(eq(customerImports.id, p.id)).get()!.status).toBe('preview')
  })

  it("'valid' imports exactly the valid rows in one batch, with numbers, contact keys, search entry, audit and a poke", async () => {
    makeCustomer(t, rep.id, { firstName: 'Vorhanden', lastName: 'Schon' })
    const device = new TestDevice(t, rep.cookie)
    await device.pullAll()
    const p = await preview(MIXED)
    let poked = 0
    t.deps.pokes.add({ user: { id: rep.id, email: rep.email, name: '', role: 'rep', branchIds: [branch], mustChangePassword: false, sessionTokenHash: '', active: true }, poke: () => poked++, close: () => undefined })

    const res = await commit(p.id, 'valid')
    expect(res.status).toBe(200)
    const result = (await res.json()) as ImportCommitResult
    expect(result).toMatchObject({ imported: 2, skipped: 5, firstCustomerNo: 'K-000002', lastCustomerNo: 'K-000003' })
    expect(customerCount()).toBe(3)
    expect(poked).toBe(1)

    const [anna] = byName('Schmidt')
    expect(anna).toMatchObject({
      customerNo: 'K-000002',
      kind: 'person',
      status: 'customer',
      salutation: 'ms',
      title: 'Dr.',
      firstName: 'Anna',
      birthDate: '1975-04-03',
      ownerRepId: rep.id,
      branchId: branch,
      createdBy: office.id,
      addresses: [{ type: 'home', street: 'Hauptstraße 5', zip: '01067', city: 'Dresden', country: 'DE' }],
      phones: [
        { type: 'mobile', number: '0171 9876543' },
        { type: 'home', number: '0351 123456' },
      ],
      emails: [{ type: 'private', address: 'anna.schmidt@example.de' }],
      bankAccounts: [{ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', holder: null, label: null }],
      tags: ['VIP', 'Bausparen'],
      remarks: 'Ruft abends an; gern per E-Mail',
    })
    const [company] = byName('Muster Bau GmbH')
    expect(company).toMatchObject({ kind: 'company', firstName: '', status: 'prospect', customerNo: 'K-000003', addresses: [{ type: 'work', zip: '20457' }], phones: [{ type: 'work', number: '040 555' }] })
    expect(anna!.rev).toBe(company!.rev)
    expect(counter()).toBe(3)
    expect(t.db.select().from(customerContactKeys).where(eq(customerContactKeys.customerId, anna!.id)).all().map((k) => k.kind).sort()).toEqual(['email', 'iban', 'phone', 'phone'])

    const search = await t.req('GET', '/api/customers?q=Schmitt', { cookie: office.cookie })
    expect(((await search.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([anna!.id])
    expect(t.db.select().from(auditLog).where(eq(auditLog.action, 'customer.import')).get()).toMatchObject({ actorId: office.id, entityId: p.id, after: { imported: 2, skipped: 5, mode: 'valid' } })

    await device.pullAll()
    expect([...device.rows.values()].map((r) => r.lastName).sort()).toEqual(['Muster Bau GmbH', 'Schmidt', 'Schon'])

    // The imported rows' data leaves the import record; the error report still has the refused rows.
    const stored = t.db.select().from(customerImports).where(eq(customerImports.id, p.id)).get()!
    expect(stored.status).toBe('committed')
    expect((stored.rows as { line: number }[]).map((r) => r.line)).toEqual([3, 4, 5, 6, 8])
    const again = await commit(p.id, 'valid')
    expect([again.status, (await errorBody(again)).code]).toEqual([409, 'IMPORT_NOT_OPEN'])
  })

  it('is one transaction: a failure in the middle leaves nothing imported', async () => {
    makeCustomer(t, rep.id, { firstName: 'Erster', lastName: 'Kunde' })
    const p = await preview(['Vorname;Nachname', 'A;Eins', 'B;Zwei', 'C;Drei'].join('\n'))
    // Someone took number K-000003 outside the counter: the second imported row collides.
    t.db.update(customers).set({ customerNo: 'K-000003' }).run()
    const before = { customers: customerCount(), counter: counter() }
    const res = await commit(p.id, 'all')
    expect(res.status).toBe(500)
    expect({ customers: customerCount(), counter: counter() }).toEqual(before)
    expect(byName('Eins')).toEqual([])
    expect(t.db.select().from(customerImports).where(eq(customerImports.id, p.id)).get()!.status).toBe('preview')
  })

  it('indexes imported customers for the search, one by one into a larger customer base as well', async () => {
    for (let i = 0; i < 16; i++) makeCustomer(t, rep.id, { firstName: 'Bestand', lastName: `Kunde${i}` })
    const p = await preview('Vorname;Nachname;Ort\nWilhelmine;Wunderlich;Wuppertal\n')
    expect((await commit(p.id, 'all')).status).toBe(200)
    for (const q of ['Wunderlich', 'Wuppertal', 'Wilhelmine Wunderlich']) {
      const res = await t.req('GET', `/api/customers?q=${encodeURIComponent(q)}`, { cookie: office.cookie })
      expect(((await res.json()) as { items: { lastName: string }[] }).items.map((i) => i.lastName), q).toEqual(['Wunderlich'])
    }
  })

  it('drops the rows of previews older than a day (personal data of non-customers); such a preview cannot be committed', async () => {
    const old = await preview(MIXED)
    t.clock.advance(25 * 3600_000)
    await preview('Vorname;Nachname\nNeu;Datei\n')
    const stored = t.db.select().from(customerImports).where(eq(customerImports.id, old.id)).get()!
    expect(stored).toMatchObject({ status: 'discarded', rows: [] })
    expect(stored.summary).toMatchObject({ total: 7, valid: 2, preview: [], problems: [] })
    const res = await commit(old.id, 'valid')
    expect([res.status, (await errorBody(res)).code]).toEqual([409, 'IMPORT_NOT_OPEN'])
    expect(byName('Schmidt')).toEqual([])
  })

  it('admin imports into any rep', async () => {
    const p = await preview('Vorname;Nachname\nOtto;Fremdfiliale\n', otherRep.id, admin.cookie)
    expect((await commit(p.id, 'all', admin.cookie)).status).toBe(200)
    expect(byName('Fremdfiliale')[0]!.ownerRepId).toBe(otherRep.id)
  })
})

describe('scope of every import endpoint', () => {
  it('reps get 403, back office of another branch 403 for a foreign rep and 404 for a foreign import, anonymous 401', async () => {
    const p = await preview('Vorname;Nachname\nA;B\n')
    const file = 'Vorname;Nachname\nA;B\n'
    expect((await upload(rep.cookie, file, { ownerRepId: rep.id })).status).toBe(403)
    expect((await upload(otherOffice.cookie, file, { ownerRepId: rep.id })).status).toBe(403)
    expect((await upload(undefined, file, { ownerRepId: rep.id })).status).toBe(401)
    for (const [method, path, body] of [
      ['GET', `/api/customer-imports/${p.id}`, undefined],
      ['GET', `/api/customer-imports/${p.id}/errors.csv`, undefined],
      ['POST', `/api/customer-imports/${p.id}/commit`, { mode: 'all' }],
    ] as const) {
      expect((await t.req(method, path, { cookie: rep.cookie, body })).status, `${method} ${path} rep`).toBe(403)
      expect((await t.req(method, path, { cookie: otherOffice.cookie, body })).status, `${method} ${path} other office`).toBe(404)
      expect((await t.req(method, path, { body })).status, `${method} ${path} anonymous`).toBe(401)
    }
    expect(byName('B')).toEqual([])
    expect((await t.req('GET', `/api/customer-imports/${p.id}`, { cookie: office.cookie })).status).toBe(200)
  })
})

describe('one open preview per user', () => {
  it('discards an older preview when the same file is uploaded again, so it cannot be imported twice', async () => {
    const file = [HEADER, 'Frau;;Anna;Schmidt;;03.04.1975;;;Dresden;;;;;;;;'].join('\r\n')
    const first = await preview(file)
    const second = await preview(file)
    expect((await commit(second.id, 'all')).status).toBe(200)
    const again = await commit(first.id, 'all')
    expect(again.status).toBeGreaterThanOrEqual(400)
    expect(byName('Schmidt')).toHaveLength(1)
  })
})
