import { and, eq, lt, sql, type SQL } from 'drizzle-orm'
import Papa from 'papaparse'
import { contactKeys, DUPLICATE_REASON_LABELS, duplicateReasons } from '../../../../shared/duplicates'
import { uuidv7 } from '../../../../shared/ids'
import { customerDisplayName } from '../../../../shared/labels'
import { koelnerPhonetik } from '../../../../shared/phonetic'
import {
  IMPORT_MAX_BYTES,
  IMPORT_PREVIEW_ROWS,
  IMPORT_PROBLEM_ROWS,
  newCustomerRow,
  type CustomerRow,
  type CustomerValues,
  type DuplicateCheck,
  type DuplicateReason,
  type ImportCommitResult,
  type ImportMode,
  type ImportPreview,
  type ImportRow,
  type ImportSummary,
} from '../../../../shared/schemas'
import type { Db } from '../../db/client'
import { counters, customerImports } from '../../db/schema'
import type { Deps } from '../../lib/context'
import { nowIso, today } from '../../lib/clock'
import { AppError, forbidden, notFound } from '../../lib/errors'
import { inTx, type DbOrTx, type Tx } from '../../lib/tx'
import { writeAudit } from '../audit/audit.service'
import { indexCustomer, rebuildCustomerSearch } from '../customers/customer-search.service'
import { formatCustomerNo } from '../customers/customers.mutations'
import { orgSnapshot } from '../scope/hierarchy'
import { canSeeRep, repScope, scopeIncludes, type Actor, type RepScope } from '../scope/scope.service'
import { nextRev, pokeViewers } from '../sync/sync.service'
import { parseCustomerCsv, type ParsedRow } from './customer-imports.csv'

/** What `customer_imports.summary` holds: the counts plus the rows the preview shows, so reading a preview does not parse all rows. */
interface StoredSummary extends ImportSummary {
  preview: ImportRow[]
  problems: ImportRow[]
}

/** Rows of an import are dropped after a day (the preview, or the error report after a commit): they hold personal data of people who are no customers. */
const PREVIEW_TTL_MS = 24 * 3600_000

/** Imports are back-office work: reps import nothing (they capture customers on their device). */
function assertOffice(actor: Actor): void {
  if (actor.role === 'rep') throw forbidden()
}

/** The rep the customers go to must be an active rep within the actor's write scope. */
function assertOwner(db: DbOrTx, actor: Actor, date: string, ownerRepId: string | undefined): string {
  if (!ownerRepId) throw new AppError(400, 'IMPORT_OWNER_REQUIRED')
  const snap = orgSnapshot(db)
  const owner = snap.users.get(ownerRepId)
  if (!owner || owner.role !== 'rep' || !snap.repsAt(date).includes(ownerRepId)) throw new AppError(400, 'NOT_A_REP')
  if (!canSeeRep(db, actor, ownerRepId, date, 'write')) throw forbidden()
  return ownerRepId
}

const toImportRow = (r: ParsedRow): ImportRow => ({ line: r.line, name: r.name, birthDate: r.birthDate, city: r.city, valid: r.errors.length === 0, errors: r.errors, warnings: r.warnings })

const nameKey = (s: string) => s.trim().toLowerCase().normalize('NFC')
const sounds = new Map<string, string>()
/** Kölner Phonetik of each word of a name, memoised: names repeat a lot in a large file. */
function soundOf(name: string): string {
  let code = sounds.get(name)
  if (code === undefined) {
    code = name.trim().split(/[\s-]+/).filter(Boolean).map(koelnerPhonetik).join(' ')
    if (sounds.size > 200_000) sounds.clear()
    sounds.set(name, code)
  }
  return code
}
const checkOf = (v: CustomerValues): DuplicateCheck => ({
  kind: v.kind,
  firstName: v.firstName,
  lastName: v.lastName,
  birthDate: v.birthDate ?? null,
  emails: v.emails.map((e) => e.address),
  phones: v.phones.map((p) => p.number),
  ibans: v.bankAccounts.map((b) => b.iban),
})
const reasonText = (reasons: DuplicateReason[]) => reasons.map((r) => DUPLICATE_REASON_LABELS[r]).join(', ')

/**
 * Duplicates within the file: the same name and birth date (for companies: the same name) as an
 * earlier row is an error — importing both would create the duplicate; a shared e-mail, phone,
 * IBAN or a similar-sounding name is a warning (families share a landline and an account).
 */
function flagDuplicatesInFile(rows: ParsedRow[]): void {
  const exact = new Map<string, ParsedRow>()
  const byContact = new Map<string, ParsedRow[]>()
  const bySound = new Map<string, ParsedRow[]>()
  const add = (map: Map<string, ParsedRow[]>, key: string, row: ParsedRow, max: number) => {
    const list = map.get(key)
    if (!list) map.set(key, [row])
    else if (list.length < max) list.push(row)
  }
  for (const row of rows) {
    const v = row.values
    if (!v) continue
    const exactKey = v.kind === 'company' ? `c|${nameKey(v.lastName)}` : v.birthDate ? `p|${nameKey(v.firstName)}|${nameKey(v.lastName)}|${v.birthDate}` : null
    const first = exactKey ? exact.get(exactKey) : undefined
    if (first) {
      row.errors.push({ column: null, message: `Doppelt in der Datei: gleicher Name${v.kind === 'company' ? '' : ' und gleiches Geburtsdatum'} wie Zeile ${first.line}.` })
      row.values = null
      continue
    }
    const contact = contactKeys(v).map((k) => `${k.kind}:${k.value}`)
    const sound = `${v.kind}|${soundOf(v.lastName)}|${v.kind === 'company' ? '' : soundOf(v.firstName)}`
    const birth = v.birthDate ?? null
    const candidates = new Set<ParsedRow>()
    for (const k of contact) for (const other of byContact.get(k) ?? []) candidates.add(other)
    // A similar name only counts when the birth dates do not contradict (as in duplicateReasons).
    for (const other of bySound.get(sound) ?? []) if (!birth || !other.values!.birthDate || other.values!.birthDate === birth) candidates.add(other)
    const hints: { other: ParsedRow; reasons: DuplicateReason[] }[] = []
    if (candidates.size) {
      const check = checkOf(v)
      for (const other of candidates) {
        const reasons = duplicateReasons(check, { id: `line-${other.line}`, ...other.values!, birthDate: other.values!.birthDate ?? null })
        if (reasons.length) hints.push({ other, reasons })
        if (hints.length === 3) break
      }
    }
    if (hints.length) row.warnings.push({ column: null, message: `Möglicherweise doppelt in der Datei: ${hints.map((h) => `Zeile ${h.other.line} (${reasonText(h.reasons)})`).join('; ')}.` })
    if (exactKey) exact.set(exactKey, row)
    for (const k of contact) add(byContact, k, row, 5)
    add(bySound, sound, row, 50)
  }
}

type Existing = Pick<CustomerRow, 'id' | 'customerNo' | 'kind' | 'firstName' | 'lastName' | 'birthDate' | 'emails' | 'phones' | 'bankAccounts' | 'ownerRepId'>

/** SQL condition text and parameter for "owner in the actor's scope" (raw statements). */
function scopeSql(scope: RepScope): { where: string; params: unknown[] } {
  return scope.all ? { where: '1', params: [] } : { where: 'owner_rep_id IN (SELECT value FROM json_each(?))', params: [JSON.stringify([...scope.repIds])] }
}

/**
 * Duplicates among the customers the actor can see. Names (exact and Kölner Phonetik) are
 * matched against an in-memory index of the scope's names, built in one pass; e-mail, phone and
 * IBAN through the contact-key index. One query per row at most keeps a 100,000-row file fast.
 * Same name and birth date as an existing customer is an error; other reasons are warnings.
 */
function flagExistingDuplicates(db: Db, actor: Actor, date: string, rows: ParsedRow[]): void {
  const client = db.$client
  const inScope = repScope(db, actor, date)
  const scope = scopeSql(inScope)
  // Sound of the names → [id, birth date]: a name match needs birth dates that do not contradict.
  const bySound = new Map<string, [string, string | null][]>()
  const names = client
    .prepare(`SELECT id, kind, first_name, last_name, birth_date FROM customers WHERE deleted_at IS NULL AND pseudonymised_at IS NULL AND ${scope.where}`)
    .raw()
  for (const [id, kind, first, last, birth] of names.iterate(...scope.params) as IterableIterator<[string, string, string, string, string | null]>) {
    const key = `${kind}|${soundOf(last)}|${kind === 'company' ? '' : soundOf(first)}`
    const list = bySound.get(key)
    if (list) list.push([id, birth])
    else bySound.set(key, [[id, birth]])
  }
  const byKey = client.prepare('SELECT customer_id FROM customer_contact_keys WHERE kind = ? AND value = ? LIMIT 20').pluck()
  const load = client.prepare('SELECT id, customer_no, kind, first_name, last_name, birth_date, emails, phones, bank_accounts, owner_rep_id FROM customers WHERE id = ? AND deleted_at IS NULL AND pseudonymised_at IS NULL')
  const cache = new Map<string, Existing>()
  const existing = (id: string): Existing | null => {
    let row = cache.get(id)
    if (row === undefined) {
      const r = load.get(id) as Record<string, string> | undefined
      if (!r) return null
      row = {
        id: r.id!,
        customerNo: r.customer_no ?? null,
        kind: r.kind as Existing['kind'],
        firstName: r.first_name!,
        lastName: r.last_name!,
        birthDate: r.birth_date ?? null,
        emails: JSON.parse(r.emails!),
        phones: JSON.parse(r.phones!),
        bankAccounts: JSON.parse(r.bank_accounts!),
        ownerRepId: r.owner_rep_id!,
      }
      cache.set(id, row)
    }
    return row
  }
  for (const row of rows) {
    const v = row.values
    if (!v) continue
    const birth = v.birthDate ?? null
    const ids = new Set(
      (bySound.get(`${v.kind}|${soundOf(v.lastName)}|${v.kind === 'company' ? '' : soundOf(v.firstName)}`) ?? [])
        .filter(([, b]) => !birth || !b || b === birth)
        .sort((x, y) => Number(y[1] === birth) - Number(x[1] === birth))
        .slice(0, 50)
        .map(([id]) => id),
    )
    for (const k of contactKeys(v)) for (const id of byKey.all(k.kind, k.value) as string[]) ids.add(id)
    if (!ids.size) continue
    const check = checkOf(v)
    const hits = [...ids]
      .map(existing)
      .filter((e): e is Existing => !!e && scopeIncludes(inScope, e.ownerRepId))
      .map((e) => ({ e, reasons: duplicateReasons(check, e) }))
      .filter((h) => h.reasons.length)
    if (!hits.length) continue
    const number = (e: Existing) => e.customerNo ?? customerDisplayName(e)
    const same = hits.find((h) => h.reasons.includes('name_birthdate'))
    if (same) {
      row.errors.push({ column: null, message: `Den Kunden gibt es bereits: ${number(same.e)} (${reasonText(same.reasons)}).` })
      row.values = null
    } else {
      row.warnings.push({ column: null, message: `Möglicherweise bereits vorhanden: ${hits.slice(0, 3).map((h) => `${number(h.e)} (${reasonText(h.reasons)})`).join('; ')}.` })
    }
  }
}

function previewOf(db: DbOrTx, r: Omit<typeof customerImports.$inferSelect, 'rows'>): ImportPreview {
  const { preview, problems, ...summary } = r.summary as StoredSummary
  return {
    id: r.id,
    fileName: r.fileName,
    ownerRepId: r.ownerRepId!,
    ownerName: orgSnapshot(db).users.get(r.ownerRepId ?? '')?.name ?? '',
    status: r.status,
    createdAt: r.createdAt,
    committedAt: r.committedAt,
    summary,
    rows: preview,
    problems,
  }
}

/**
 * Upload → preview: the file is parsed and checked, the rows are stored with their problems,
 * nothing is imported yet. Back office and admin, into a rep of their write scope.
 */
export function createImport(deps: Deps, actor: Actor, input: { bytes: Uint8Array; fileName: string; ownerRepId?: string }): ImportPreview {
  const { db, clock } = deps
  assertOffice(actor)
  const date = today(clock)
  const ownerRepId = assertOwner(db, actor, date, input.ownerRepId)
  if (input.bytes.byteLength > IMPORT_MAX_BYTES) throw new AppError(413, 'IMPORT_TOO_LARGE')
  const file = parseCustomerCsv(input.bytes)
  flagDuplicatesInFile(file.rows)
  flagExistingDuplicates(db, actor, date, file.rows)

  const valid = file.rows.filter((r) => r.errors.length === 0).length
  const summary: StoredSummary = {
    total: file.rows.length,
    valid,
    invalid: file.rows.length - valid,
    withWarnings: file.rows.filter((r) => r.warnings.length > 0).length,
    delimiter: file.delimiter,
    encoding: file.encoding,
    columns: file.columns,
    preview: file.rows.slice(0, IMPORT_PREVIEW_ROWS).map(toImportRow),
    problems: file.rows
      .filter((r) => r.errors.length || r.warnings.length)
      .slice(0, IMPORT_PROBLEM_ROWS)
      .map(toImportRow),
  }
  const at = nowIso(clock)
  const row = inTx(db, (tx) => {
    purgeImports(tx, clock.now())
    // One open preview per user: committing an older preview of the same file later would
    // import its rows a second time, past the duplicate check this preview made.
    discardImports(tx, and(eq(customerImports.userId, actor.id), eq(customerImports.status, 'preview')))
    return tx
      .insert(customerImports)
      .values({ id: uuidv7(), userId: actor.id, fileName: input.fileName.slice(0, 200), ownerRepId, status: 'preview', rows: file.rows, summary, createdAt: at })
      .returning()
      .get()
  })
  return previewOf(db, row)
}

/** Rows and preview lists go (personal data), counts stay; an open preview becomes discarded. */
function discardImports(tx: Tx, where: SQL | undefined): void {
  tx.update(customerImports)
    .set({
      status: sql`CASE WHEN ${customerImports.status} = 'preview' THEN 'discarded' ELSE ${customerImports.status} END`,
      rows: [],
      summary: sql`json_set(${customerImports.summary}, '$.preview', json('[]'), '$.problems', json('[]'))`,
    })
    .where(and(where, sql`${customerImports.rows} <> '[]'`))
    .run()
}

/** Imported files keep their rows for the error report for a day at most (run at start and with each upload). */
export function purgeImports(tx: Tx, now: Date): void {
  discardImports(tx, lt(customerImports.createdAt, new Date(now.getTime() - PREVIEW_TTL_MS).toISOString()))
}

/** An import of the actor's own (without its rows); anyone else's does not exist for them. */
function ownImport(db: DbOrTx, actor: Actor, id: string) {
  assertOffice(actor)
  const r = db
    .select({
      id: customerImports.id,
      userId: customerImports.userId,
      fileName: customerImports.fileName,
      ownerRepId: customerImports.ownerRepId,
      status: customerImports.status,
      summary: customerImports.summary,
      createdAt: customerImports.createdAt,
      committedAt: customerImports.committedAt,
    })
    .from(customerImports)
    .where(eq(customerImports.id, id))
    .get()
  if (!r || r.userId !== actor.id) throw notFound()
  return r
}

const importRows = (db: DbOrTx, id: string) => (db.select({ rows: customerImports.rows }).from(customerImports).where(eq(customerImports.id, id)).get()?.rows ?? []) as ParsedRow[]

export function getImport(deps: Deps, actor: Actor, id: string): ImportPreview {
  return previewOf(deps.db, ownImport(deps.db, actor, id))
}

/** Cells that a spreadsheet would run as a formula are defused with a leading apostrophe. */
const safeCell = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)

/** The error report: one line per problem, semicolon-separated UTF-8 with BOM (opens correctly in German Excel). */
export function importErrorsCsv(deps: Deps, actor: Actor, id: string): { csv: string; fileName: string } {
  const r = ownImport(deps.db, actor, id)
  const rows = importRows(deps.db, id)
  const data: string[][] = []
  for (const row of rows) {
    // Every cell that comes from the file is defused, not just the value.
    for (const e of row.errors) data.push([String(row.line), safeCell(e.column ?? ''), safeCell(e.value ?? ''), 'Fehler', e.message, safeCell(row.name)])
    for (const w of row.warnings) data.push([String(row.line), safeCell(w.column ?? ''), safeCell(w.value ?? ''), 'Hinweis', w.message, safeCell(row.name)])
  }
  const csv = Papa.unparse({ fields: ['Zeile', 'Spalte', 'Wert', 'Art', 'Meldung', 'Name'], data }, { delimiter: ';', newline: '\r\n' })
  const base = r.fileName.replace(/\.[^.]*$/, '') || 'Import'
  return { csv: `\uFEFF${csv}\r\n`, fileName: `${base}_Fehlerbericht.csv` }
}

const INSERT_CUSTOMER = `INSERT INTO customers (id, customer_no, kind, status, salutation, title, first_name, last_name, birth_name, birth_date, nationality,
  marital_status, occupation, employer, addresses, phones, emails, bank_accounts, tags, remarks, owner_rep_id, branch_id, created_by, created_at, updated_at, rev)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

/**
 * Search entries for the new customers: one by one (indexCustomer places each in name order, about
 * half a millisecond apiece), or one rebuild of the whole index (a few hundredths of a millisecond
 * per customer) when the batch is large against the customers already there.
 */
function indexImported(db: Db, tx: Tx, ids: string[]): void {
  const total = db.$client.prepare('SELECT count(*) FROM customers WHERE deleted_at IS NULL').pluck().get() as number
  if (total > 15 * ids.length) for (const id of ids) indexCustomer(tx, id)
  else rebuildCustomerSearch(db)
}

/**
 * Imports the rows in ONE transaction: all of them ('all', refused while any row has an error)
 * or the valid ones ('valid'). Customer numbers come from one counter update, the batch gets one
 * rev, contact keys and the search index are written alongside; then the owner's devices are poked.
 */
export function commitImport(deps: Deps, actor: Actor, id: string, mode: ImportMode): ImportCommitResult {
  const { db, clock } = deps
  const date = today(clock)
  const imp = ownImport(db, actor, id)
  if (imp.status !== 'preview') throw new AppError(409, 'IMPORT_NOT_OPEN')
  const ownerRepId = assertOwner(db, actor, date, imp.ownerRepId ?? undefined)
  const rows = importRows(db, id)
  const valid = rows.filter((r) => r.errors.length === 0 && r.values)
  if (mode === 'all' && valid.length !== rows.length) throw new AppError(409, 'IMPORT_HAS_ERRORS')
  if (!valid.length) throw new AppError(409, 'IMPORT_NOTHING_VALID')

  const client = db.$client
  const insertCustomer = client.prepare(INSERT_CUSTOMER)
  const insertKey = client.prepare('INSERT INTO customer_contact_keys (customer_id, kind, value) VALUES (?, ?, ?)')
  const at = nowIso(clock)
  const ids: string[] = []
  const result = inTx(db, (tx) => {
    const rev = nextRev(tx)
    const n = valid.length
    const last = tx
      .insert(counters)
      .values({ name: 'customerNo', value: n })
      .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + ${n}` } })
      .returning({ value: counters.value })
      .get().value
    const first = last - n + 1
    const branchId = orgSnapshot(tx).users.get(ownerRepId)?.branchIds[0] ?? null
    const json = JSON.stringify
    valid.forEach((r, i) => {
      const c = newCustomerRow(uuidv7(), r.values!, { ownerRepId, branchId, customerNo: formatCustomerNo(first + i), at })
      insertCustomer.run(
        c.id, c.customerNo, c.kind, c.status, c.salutation, c.title, c.firstName, c.lastName, c.birthName, c.birthDate, c.nationality,
        c.maritalStatus, c.occupation, c.employer, json(c.addresses), json(c.phones), json(c.emails), json(c.bankAccounts), json(c.tags), c.remarks,
        ownerRepId, branchId, actor.id, at, at, rev,
      )
      for (const k of contactKeys(c)) insertKey.run(c.id, k.kind, k.value)
      ids.push(c.id)
    })
    indexImported(db, tx, ids)
    const firstNo = formatCustomerNo(first)
    const lastNo = formatCustomerNo(last)
    const summary = { ...(imp.summary as StoredSummary), imported: n, firstCustomerNo: firstNo, lastCustomerNo: lastNo }
    // The imported rows now live as customers; only the rows that were not imported stay for the error report.
    const closed = tx
      .update(customerImports)
      .set({ status: 'committed', committedAt: at, rows: rows.filter((r) => r.errors.length > 0 || !r.values), summary })
      .where(and(eq(customerImports.id, id), eq(customerImports.status, 'preview')))
      .run()
    // Checked again inside the write transaction: a second commit of the same preview imports nothing.
    if (closed.changes !== 1) throw new AppError(409, 'IMPORT_NOT_OPEN')
    writeAudit(tx, clock, actor.id, 'customer.import', 'customer_import', id, null, {
      fileName: imp.fileName,
      ownerRepId,
      mode,
      imported: n,
      skipped: rows.length - n,
      firstCustomerNo: firstNo,
      lastCustomerNo: lastNo,
    })
    return { id, imported: n, skipped: rows.length - n, firstCustomerNo: firstNo, lastCustomerNo: lastNo, customerIds: ids.slice(0, 20) }
  })
  pokeViewers(deps, [ownerRepId])
  return result
}
