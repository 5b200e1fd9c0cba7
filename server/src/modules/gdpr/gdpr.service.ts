import { and, asc, eq, inArray, isNull, not, notInArray, or, sql } from 'drizzle-orm'
import { uuidv7 } from '../../../../shared/ids'
import { CONSENT_TYPE_LABELS, customerDisplayName } from '../../../../shared/labels'
import { PSEUDONYM, type CustomerRow, type GdprExport } from '../../../../shared/schemas'
import { toVCard, vcardFileName } from '../../../../shared/vcard'
import { auditLog, consents, customerFieldHistory, customerRelations, customers, notes, quarantine, relationTypes, users } from '../../db/schema'
import type { Deps } from '../../lib/context'
import { nowIso, today } from '../../lib/clock'
import { AppError, forbidden, notFound } from '../../lib/errors'
import { inTx, type DbOrTx, type Tx } from '../../lib/tx'
import { checkpointTruncate } from '../../db/client'
import { writeAudit } from '../audit/audit.service'
import { refreshContactKeys } from '../customers/contact-keys.service'
import { customerRow } from '../customers/customers.service'
import { indexCustomer } from '../customers/customer-search.service'
import { noteRow } from '../notes/notes.service'
import { orgSnapshot } from '../scope/hierarchy'
import { canSeeRep, type Actor } from '../scope/scope.service'
import { nextRev, pokeViewers } from '../sync/sync.service'

type CustomerRecord = typeof customers.$inferSelect

/**
 * Who may do what (documented in the README's GDPR section):
 * - export (JSON, PDF) and vCard: anyone who may read the customer; a rep only for their own
 *   customers (not the downline they can read), back office and admin within their scope.
 * - restrict: anyone who may write the customer (a rep for their own, when the customer asks them).
 * - lift a restriction, pseudonymise: back office and admin within their write scope.
 * Outside the read scope the customer does not exist (404).
 */
function readableCustomer(db: DbOrTx, actor: Actor, date: string, id: string): CustomerRecord {
  const c = db.select().from(customers).where(eq(customers.id, id)).get()
  if (!c || c.deletedAt || !canSeeRep(db, actor, c.ownerRepId, date, 'read')) throw notFound()
  return c
}

function writableForGdpr(db: DbOrTx, actor: Actor, date: string, id: string, officeOnly: boolean): CustomerRecord {
  const c = readableCustomer(db, actor, date, id)
  if (!canSeeRep(db, actor, c.ownerRepId, date, 'write')) throw forbidden()
  if (officeOnly && actor.role === 'rep') throw forbidden()
  return c
}

/** The customer and every customer merged into it (their old rows still hold the person's data). */
function customerIdsWithMerged(db: DbOrTx, id: string): string[] {
  const ids = [id]
  for (let i = 0; i < ids.length && ids.length < 100; i++) {
    for (const r of db.select({ id: customers.id }).from(customers).where(eq(customers.mergedIntoId, ids[i]!)).all()) ids.push(r.id)
  }
  return ids
}

// ---------------------------------------------------------------- vCard

export function customerVCard(deps: Deps, actor: Actor, id: string): { text: string; fileName: string } {
  const c = readableCustomer(deps.db, actor, today(deps.clock), id)
  if (c.pseudonymisedAt) throw new AppError(409, 'CUSTOMER_PSEUDONYMISED')
  // Handing contact data to an address book is processing, which Art. 18 restricts.
  if (c.restrictedAt) throw new AppError(409, 'CUSTOMER_RESTRICTED')
  const row = customerRow(c)
  return { text: toVCard(row), fileName: vcardFileName(row) }
}

// ---------------------------------------------------------------- export (Art. 15/20)

const EXPORT_REMARKS = [
  'Diese Auskunft enthält alle zum Kunden gespeicherten Stammdaten, Beziehungen, Einwilligungen, Notizen, den Änderungsverlauf und das Zugriffs- und Änderungsprotokoll.',
  'Gelöschte Notizen und entfernte Beziehungen sind nicht enthalten. Ihr Inhalt wird als Nachweis serverseitig aufbewahrt, solange keine Pseudonymisierung erfolgt ist, und kann beim Innendienst angefordert werden.',
  'Provisions- und Abrechnungsdaten unterliegen gesetzlichen Aufbewahrungsfristen (10 Jahre, Handelsbriefe 6 Jahre) und werden auch nach einer Löschanfrage nur eingeschränkt und pseudonymisiert weitergeführt.',
]

/** Everything about one customer; the export is audit-logged ('gdpr.export'). */
export function exportCustomerData(deps: Deps, actor: Actor, id: string, format: 'json' | 'pdf'): GdprExport {
  const { db, clock } = deps
  const date = today(clock)
  const c = readableCustomer(db, actor, date, id)
  if (!canSeeRep(db, actor, c.ownerRepId, date, 'write') && actor.role === 'rep') throw forbidden('GDPR_EXPORT_FORBIDDEN')
  const snap = orgSnapshot(db)
  const nameOf = (userId: string | null) => (userId ? (snap.users.get(userId)?.name ?? null) : null)
  const ids = customerIdsWithMerged(db, id)

  const typeNames = new Map(db.select({ code: relationTypes.code, name: relationTypes.name }).from(relationTypes).all().map((t) => [t.code, t.name]))
  const relationRows = db
    .select()
    .from(customerRelations)
    .where(and(eq(customerRelations.customerId, id), isNull(customerRelations.deletedAt)))
    .orderBy(asc(customerRelations.createdAt))
    .all()
  const relatedIds = relationRows.map((r) => r.relatedCustomerId).filter((x): x is string => !!x)
  const related = new Map(
    relatedIds.length ? db.select().from(customers).where(inArray(customers.id, relatedIds)).all().map((r) => [r.id, r] as const) : [],
  )
  const relations = relationRows.map((r) => {
    // A related customer outside the caller's scope stays anonymous, as on the customer page.
    const found = r.relatedCustomerId ? related.get(r.relatedCustomerId) : undefined
    const other = found && !found.deletedAt && canSeeRep(db, actor, found.ownerRepId, date) ? found : undefined
    return {
      id: r.id,
      pairId: r.pairId,
      customerId: r.customerId,
      type: r.type,
      typeName: typeNames.get(r.type) ?? r.type,
      relatedCustomerId: r.relatedCustomerId,
      relatedCustomerName: other ? customerDisplayName(other) : null,
      relatedCustomerNo: other?.customerNo ?? null,
      person: r.person ?? null,
      validFrom: r.validFrom,
      validTo: r.validTo,
      ownerRepId: r.ownerRepId,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }
  })

  const consentRows = db.select().from(consents).where(and(eq(consents.customerId, id), isNull(consents.deletedAt))).orderBy(asc(consents.givenOn)).all()
  const noteRows = db.select().from(notes).where(and(inArray(notes.customerId, ids), isNull(notes.deletedAt))).orderBy(asc(notes.occurredAt)).all()
  const history = db
    .select({
      entity: customerFieldHistory.entity,
      entityId: customerFieldHistory.entityId,
      field: customerFieldHistory.field,
      oldValue: customerFieldHistory.oldValue,
      newValue: customerFieldHistory.newValue,
      overwritten: customerFieldHistory.overwritten,
      at: customerFieldHistory.at,
      userName: users.name,
      clientId: customerFieldHistory.clientId,
      mutationId: customerFieldHistory.mutationId,
    })
    .from(customerFieldHistory)
    .innerJoin(users, eq(users.id, customerFieldHistory.userId))
    .where(inArray(customerFieldHistory.customerId, ids))
    .orderBy(asc(customerFieldHistory.at))
    .all()

  const data: GdprExport = {
    format: 'feldakte-dsgvo-auskunft',
    version: 1,
    generatedAt: nowIso(clock),
    generatedBy: nameOf(actor.id) ?? '',
    customer: { ...customerRow(c), ownerName: nameOf(c.ownerRepId) ?? '' },
    relations,
    consents: consentRows.map((r) => ({
      id: r.id,
      type: r.type,
      typeName: CONSENT_TYPE_LABELS[r.type],
      givenOn: r.givenOn,
      withdrawnOn: r.withdrawnOn,
      note: r.note,
      createdAt: r.createdAt,
    })),
    notes: noteRows.map((r) => noteRow(db, r)),
    history,
    audit: [],
    remarks: [...EXPORT_REMARKS],
  }
  if (ids.length > 1) data.remarks.push(`In diesen Kunden wurden ${ids.length - 1} Dublette(n) zusammengeführt; deren Notizen und Änderungsverlauf sind enthalten.`)
  if (c.restrictedAt) data.remarks.push(`Die Verarbeitung ist seit ${c.restrictedAt.slice(0, 10)} eingeschränkt (Art. 18 DSGVO).`)
  if (c.pseudonymisedAt) data.remarks.push(`Die personenbezogenen Daten wurden am ${c.pseudonymisedAt.slice(0, 10)} pseudonymisiert (Art. 17 DSGVO); erhalten sind nur Kundennummer und Nachweise.`)

  const entityIds = [...ids, ...relationRows.map((r) => r.id), ...consentRows.map((r) => r.id), ...noteRows.map((r) => r.id)]
  inTx(db, (tx) => writeAudit(tx, clock, actor.id, 'gdpr.export', 'customer', id, null, { format }))
  data.audit = db
    .select({ at: auditLog.at, action: auditLog.action, entity: auditLog.entity, entityId: auditLog.entityId, actorName: users.name, before: auditLog.before, after: auditLog.after })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(inArray(auditLog.entityId, entityIds))
    .orderBy(asc(auditLog.at), asc(auditLog.id))
    .all()
  return data
}

// ---------------------------------------------------------------- restriction (Art. 18)

function historyEntry(tx: Tx, actor: Actor, customerId: string, field: string, oldValue: unknown, newValue: unknown, at: string) {
  tx.insert(customerFieldHistory)
    .values({ id: uuidv7(), customerId, entity: 'customer', entityId: customerId, field, oldValue, newValue, baseValue: oldValue, overwritten: false, userId: actor.id, clientId: null, mutationId: null, at })
    .run()
}

/** Sets `restricted_at`: the file becomes read-only for every writer (writableCustomer refuses). */
export function restrictCustomer(deps: Deps, actor: Actor, id: string, reason: string): CustomerRow {
  const { db, clock } = deps
  const row = inTx(db, (tx) => {
    const c = writableForGdpr(tx, actor, today(clock), id, false)
    if (c.pseudonymisedAt) throw new AppError(409, 'CUSTOMER_PSEUDONYMISED')
    if (c.restrictedAt) throw new AppError(409, 'CUSTOMER_ALREADY_RESTRICTED')
    const at = nowIso(clock)
    const rev = nextRev(tx)
    const next = tx.update(customers).set({ restrictedAt: at, updatedAt: at, rev }).where(eq(customers.id, id)).returning().get()
    historyEntry(tx, actor, id, 'restrictedAt', null, at, at)
    writeAudit(tx, clock, actor.id, 'gdpr.restrict', 'customer', id, { restrictedAt: null }, { restrictedAt: at, reason })
    return customerRow(next)
  })
  pokeViewers(deps, [row.ownerRepId])
  return row
}

/** Lifts the restriction (back office, admin). */
export function unrestrictCustomer(deps: Deps, actor: Actor, id: string): CustomerRow {
  const { db, clock } = deps
  const row = inTx(db, (tx) => {
    const c = writableForGdpr(tx, actor, today(clock), id, true)
    if (c.pseudonymisedAt) throw new AppError(409, 'CUSTOMER_PSEUDONYMISED')
    if (!c.restrictedAt) throw new AppError(409, 'CUSTOMER_NOT_RESTRICTED')
    const at = nowIso(clock)
    const rev = nextRev(tx)
    const next = tx.update(customers).set({ restrictedAt: null, updatedAt: at, rev }).where(eq(customers.id, id)).returning().get()
    historyEntry(tx, actor, id, 'restrictedAt', c.restrictedAt, null, at)
    writeAudit(tx, clock, actor.id, 'gdpr.unrestrict', 'customer', id, { restrictedAt: c.restrictedAt }, { restrictedAt: null })
    return customerRow(next)
  })
  pokeViewers(deps, [row.ownerRepId])
  return row
}

// ---------------------------------------------------------------- pseudonymisation (Art. 17 within retention duties)

/** History values that are no personal data and stay as evidence (status changes, owner, GDPR steps, consent dates). */
const KEPT_HISTORY = sql`((${customerFieldHistory.entity} = 'customer' AND ${customerFieldHistory.field} IN ('kind', 'status', 'ownerRepId', 'restrictedAt', 'pseudonymisedAt'))
  OR (${customerFieldHistory.entity} = 'consent' AND ${customerFieldHistory.field} IN ('type', 'givenOn', 'withdrawnOn')))`

/** Audit actions whose values carry no personal data. */
const KEPT_AUDIT = ['gdpr.export', 'gdpr.pseudonymise', 'gdpr.unrestrict']

/**
 * Removes the person from the file, irreversibly: names become "Pseudonymisiert"; birth data,
 * nationality, occupation, contact lists, bank accounts, tags and remarks go; relationships are
 * removed with their person data; notes are deleted and blanked; personal values in the field
 * history, the audit trail and quarantined payloads are cleared. Kept: id, customer number,
 * owner, branch, status and the consents' types and dates (evidence) — what ledger and statements
 * need. Every changed row gets the transaction's rev, so devices converge at their next pull.
 */
export function pseudonymiseCustomer(deps: Deps, actor: Actor, id: string, confirm: string): CustomerRow {
  const { db, clock } = deps
  const touched = new Set<string>()
  const row = inTx(db, (tx) => {
    const c = writableForGdpr(tx, actor, today(clock), id, true)
    if (c.pseudonymisedAt) throw new AppError(409, 'CUSTOMER_PSEUDONYMISED')
    const expected = (c.customerNo ?? c.id).toUpperCase()
    if (confirm.trim().toUpperCase() !== expected) throw new AppError(400, 'PSEUDONYMISE_CONFIRM_MISMATCH')
    const at = nowIso(clock)
    const rev = nextRev(tx)
    const ids = customerIdsWithMerged(tx, id)
    touched.add(c.ownerRepId)

    for (const cid of ids) {
      tx.update(customers)
        .set({
          firstName: '',
          lastName: PSEUDONYM,
          salutation: null,
          title: null,
          birthName: null,
          birthDate: null,
          nationality: null,
          maritalStatus: null,
          occupation: null,
          employer: null,
          addresses: [],
          phones: [],
          emails: [],
          bankAccounts: [],
          tags: [],
          remarks: null,
          pseudonymisedAt: at,
          updatedAt: at,
          rev,
        })
        .where(eq(customers.id, cid))
        .run()
      refreshContactKeys(tx, cid)
      // The index keeps the customer number only; the old names and contact data leave it.
      indexCustomer(tx, cid)
    }

    // Relationships on both sides (reverse rows live on the other customer) with their person data.
    const pairIds = tx
      .select({ pairId: customerRelations.pairId })
      .from(customerRelations)
      .where(or(inArray(customerRelations.customerId, ids), inArray(customerRelations.relatedCustomerId, ids)))
      .all()
      .map((r) => r.pairId)
    const relations = pairIds.length ? tx.select().from(customerRelations).where(inArray(customerRelations.pairId, pairIds)).all() : []
    for (const r of relations) touched.add(r.ownerRepId)
    if (relations.length) {
      tx.update(customerRelations)
        .set({ person: null, deletedAt: sql`coalesce(${customerRelations.deletedAt}, ${at})`, updatedAt: at, rev })
        .where(inArray(customerRelations.pairId, pairIds))
        .run()
    }

    const noteIds = tx.select({ id: notes.id }).from(notes).where(inArray(notes.customerId, ids)).all().map((r) => r.id)
    tx.update(notes)
      .set({ text: '', subject: null, followUpOn: null, assigneeId: null, deletedAt: sql`coalesce(${notes.deletedAt}, ${at})`, updatedAt: at, rev })
      .where(inArray(notes.customerId, ids))
      .run()

    // Consents stay as evidence (type, given, withdrawn); their free-text note goes.
    const consentIds = tx.select({ id: consents.id }).from(consents).where(inArray(consents.customerId, ids)).all().map((r) => r.id)
    tx.update(consents).set({ note: null, updatedAt: at, rev }).where(and(inArray(consents.customerId, ids), not(isNull(consents.note)))).run()

    tx.update(customerFieldHistory)
      .set({ oldValue: null, newValue: null, baseValue: null })
      .where(and(inArray(customerFieldHistory.customerId, ids), not(KEPT_HISTORY)))
      .run()

    const entityIds = [...ids, ...relations.map((r) => r.id), ...noteIds, ...consentIds]
    tx.update(auditLog)
      .set({ before: null, after: null })
      .where(and(inArray(auditLog.entityId, entityIds), notInArray(auditLog.action, KEPT_AUDIT)))
      .run()
    // Refused device writes keep their payload for the rep (sync.md), but not a pseudonymised person's data.
    const idList = JSON.stringify(entityIds)
    tx.update(quarantine)
      .set({ args: sql`json_object('id', json_extract(${quarantine.args}, '$.id'), 'customerId', json_extract(${quarantine.args}, '$.customerId'), 'pseudonymisiert', json('true'))` })
      .where(
        sql`json_valid(${quarantine.args}) AND (json_extract(${quarantine.args}, '$.id') IN (SELECT value FROM json_each(${idList})) OR json_extract(${quarantine.args}, '$.customerId') IN (SELECT value FROM json_each(${idList})))`,
      )
      .run()

    historyEntry(tx, actor, id, 'pseudonymisedAt', null, at, at)
    writeAudit(tx, clock, actor.id, 'gdpr.pseudonymise', 'customer', id, null, {
      customerNo: c.customerNo,
      pseudonymisedAt: at,
      mergedRecords: ids.length - 1,
      relationsRemoved: relations.length,
      notesRemoved: noteIds.length,
    })
    return customerRow(tx.select().from(customers).where(eq(customers.id, id)).get()!)
  })
  // The personal data must leave every database file at once, the WAL included.
  checkpointTruncate(db)
  pokeViewers(deps, [...touched])
  return row
}
