import { ERROR_MESSAGES } from '@shared/errors'
import { CONSENT_TYPE_LABELS, customerDisplayName, NOTE_KIND_LABELS } from '@shared/labels'
import type { ConsentType } from '@shared/schemas/consents'
import type { NoteKind } from '@shared/schemas/notes'
import { applyV1Values, CUSTOMER_EDITABLE_FIELDS, CUSTOMER_V1_FIELDS, type CustomerRow } from '@shared/schemas/customers'
import { displayValue, fieldLabel } from './customerFields'
import { customerFormOf, type CustomerFormValues } from './customerForm'

/** A recorded change as the device keeps it (outbox or quarantine). */
export interface RecordedMutation {
  id: string
  name: string
  /** Version of the mutation; old outboxes hold version 1 of the customer mutations. */
  v?: number
  args: unknown
}

export interface MutationDescription {
  /** e.g. "Kunde anlegen: Erika Mustermann" */
  title: string
  /** The content, field by field, in German. */
  details: { label: string; value: string }[]
}

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {})
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '')
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)

function nameIn(args: Record<string, unknown>): string {
  return customerDisplayName({ kind: args.kind === 'company' ? 'company' : 'person', title: text(args.title) || null, firstName: text(args.firstName), lastName: text(args.lastName) })
}

// Both versions' fields: version 1 had phone, email, street, zip, city as plain fields.
const DESCRIBED_FIELDS: string[] = [...new Set<string>([...CUSTOMER_EDITABLE_FIELDS, ...CUSTOMER_V1_FIELDS])]
// What every new customer has unless chosen otherwise; not worth a line.
const DEFAULTS: Record<string, unknown> = { kind: 'person', status: 'prospect' }

/** Says what a change was, for the outbox and "Benötigt Aufmerksamkeit". `nameOf` names a customer id when known. */
export function describeMutation(m: RecordedMutation, nameOf: (customerId: string) => string | undefined = () => undefined): MutationDescription {
  const args = record(m.args)
  if (m.name === 'createCustomer') {
    const details = DESCRIBED_FIELDS.filter((f) => !isEmpty(args[f]) && DEFAULTS[f] !== args[f]).map((f) => ({ label: fieldLabel(f, args.kind === 'company' ? 'company' : 'person'), value: displayValue(f, args[f]) }))
    return { title: `Kunde anlegen: ${nameIn(args) || 'ohne Namen'}`, details }
  }
  if (m.name === 'updateCustomer') {
    const changes = record(args.changes)
    const fields = Object.keys(changes)
    const name = nameOf(text(args.id))
    const details = fields.map((f) => {
      const c = record(changes[f])
      return { label: fieldLabel(f), value: `${displayValue(f, c.to)} (vorher: ${displayValue(f, c.from)})` }
    })
    const what = fields.map((f) => fieldLabel(f)).join(', ')
    return { title: name ? `Kunde ändern: ${name} – ${what}` : `Kunde ändern: ${what}`, details }
  }
  if (m.name === 'reassignCustomer') {
    const name = nameOf(text(args.id))
    return { title: name ? `Kunde neu zuordnen: ${name}` : 'Kunde neu zuordnen', details: [] }
  }
  if (m.name === 'mergeCustomers') {
    const survivor = nameOf(text(args.survivorId))
    const merged = nameOf(text(args.mergedId))
    return {
      title: survivor && merged ? `Kunden zusammenführen: ${merged} in ${survivor}` : 'Kunden zusammenführen',
      details: [
        { label: 'Bleibt erhalten', value: survivor ?? text(args.survivorId) },
        { label: 'Wird entfernt', value: merged ?? text(args.mergedId) },
      ],
    }
  }
  return describeFileMutation(m.name, args, nameOf) ?? { title: `Änderung „${m.name}“`, details: [] }
}

const forCustomer = (title: string, customerId: unknown, nameOf: (id: string) => string | undefined) => {
  const name = nameOf(text(customerId))
  return name ? `${title} bei ${name}` : title
}

/** Household, consents and notes: what the rep did, in the words of the customer page. */
function describeFileMutation(name: string, args: Record<string, unknown>, nameOf: (id: string) => string | undefined): MutationDescription | null {
  const person = record(args.person)
  const personName = [text(person.firstName), text(person.lastName)].filter(Boolean).join(' ')
  switch (name) {
    case 'addRelation':
      return {
        title: forCustomer('Haushalt: Person hinzufügen', args.customerId, nameOf),
        details: [
          { label: 'Beziehung', value: RELATION_FALLBACK[text(args.type)] ?? text(args.type) },
          { label: 'Person', value: personName || nameOf(text(args.relatedCustomerId)) || 'Kunde' },
        ],
      }
    case 'updateRelation':
      return { title: 'Haushalt: Beziehung ändern', details: Object.keys(record(args.changes)).map((f) => ({ label: RELATION_FIELD_LABELS[f] ?? f, value: displayValue(f, record(record(args.changes)[f]).to) })) }
    case 'removeRelation':
      return { title: 'Haushalt: Beziehung entfernen', details: [] }
    case 'recordConsent':
      return {
        title: forCustomer('Einwilligung erfassen', args.customerId, nameOf),
        details: [
          { label: 'Art', value: CONSENT_TYPE_LABELS[text(args.type) as ConsentType] ?? text(args.type) },
          { label: 'Erteilt am', value: displayValue('birthDate', args.givenOn) },
        ],
      }
    case 'withdrawConsent':
      return { title: 'Einwilligung widerrufen', details: [{ label: 'Widerrufen am', value: displayValue('birthDate', args.withdrawnOn) }] }
    case 'createNote':
      return {
        title: forCustomer(`${NOTE_KIND_LABELS[text(args.kind) as NoteKind] ?? 'Notiz'} anlegen`, args.customerId, nameOf),
        details: [
          ...(text(args.subject) ? [{ label: 'Betreff', value: text(args.subject) }] : []),
          { label: 'Text', value: text(args.text) },
          ...(text(args.followUpOn) ? [{ label: 'Wiedervorlage', value: displayValue('birthDate', args.followUpOn) }] : []),
        ],
      }
    case 'updateNote':
      return { title: 'Notiz ändern', details: Object.keys(record(args.changes)).map((f) => ({ label: NOTE_FIELD_LABELS[f] ?? f, value: String(record(record(args.changes)[f]).to ?? '–') })) }
    case 'deleteNote':
      return { title: 'Notiz löschen', details: [] }
    case 'completeFollowUp':
      return { title: args.done ? 'Wiedervorlage erledigt' : 'Wiedervorlage wieder öffnen', details: [] }
    default:
      return null
  }
}

// The device knows the type names from its relationTypes table; the attention list works without it.
const RELATION_FALLBACK: Record<string, string> = { spouse: 'Ehepartner', partner: 'Lebensgefährte', civil_partner: 'Eingetragener Lebenspartner', child: 'Kind', parent: 'Elternteil' }
const RELATION_FIELD_LABELS: Record<string, string> = { type: 'Beziehung', person: 'Person', validFrom: 'Gültig ab', validTo: 'Gültig bis' }
const NOTE_FIELD_LABELS: Record<string, string> = {
  kind: 'Art',
  direction: 'Richtung',
  occurredAt: 'Zeitpunkt',
  durationMinutes: 'Dauer (Min.)',
  subject: 'Betreff',
  text: 'Text',
  followUpOn: 'Wiedervorlage',
  assigneeId: 'Zuständig',
}

/** Why the server refused a change, in German, with what it means for this kind of change. */
export function rejectionReason(entry: RecordedMutation & { code: string; message: string }): string {
  if (entry.code === 'NOT_FOUND' && entry.name === 'mergeCustomers') {
    return 'Einer der beiden Kunden ist für Sie nicht (mehr) sichtbar oder wurde bereits zusammengeführt. Es wurde nichts zusammengeführt.'
  }
  if (entry.code === 'NOT_FOUND' && entry.name !== 'createCustomer') {
    return 'Der Kunde ist für Sie nicht mehr sichtbar – zum Beispiel, weil er inzwischen einem anderen Vermittler zugeordnet wurde. Ihre Änderung wurde nicht übernommen.'
  }
  if (entry.code === 'ID_TAKEN') {
    return entry.name === 'createCustomer'
      ? 'Dieser Kunde war bereits angelegt; die Änderung wurde nicht doppelt übernommen.'
      : 'Dieser Eintrag war bereits gespeichert; die Änderung wurde nicht doppelt übernommen.'
  }
  if (entry.code === 'VALIDATION') return `Die Eingaben sind ungültig: ${entry.message}`
  if (entry.code in ERROR_MESSAGES) return ERROR_MESSAGES[entry.code as keyof typeof ERROR_MESSAGES]
  return entry.message || ERROR_MESSAGES.INTERNAL
}

type RowLists = Pick<CustomerRow, 'phones' | 'emails' | 'addresses'>

export type MutationDraft =
  | { kind: 'create'; values: CustomerFormValues }
  | {
      kind: 'edit'
      customerId: string
      /** The refused values applied to a customer (the current row, or an empty one for a new customer). */
      apply(row: Record<string, unknown> & RowLists): Record<string, unknown>
    }

const EMPTY_ROW: Record<string, unknown> & RowLists = { phones: [], emails: [], addresses: [] }

/**
 * The form to open for doing a refused change again as a new change: a new customer for a
 * refused creation, the edit form with the refused values for a refused edit. Null where
 * repeating makes no sense (e.g. a reassignment or a merge).
 */
export function draftOf(m: RecordedMutation): MutationDraft | null {
  const args = record(m.args)
  const v1 = m.v === 1 || CUSTOMER_V1_FIELDS.some((f) => f in args && !(CUSTOMER_EDITABLE_FIELDS as readonly string[]).includes(f))
  if (m.name === 'createCustomer') {
    return { kind: 'create', values: customerFormOf(v1 ? { ...args, ...applyV1Values(EMPTY_ROW, args as Record<string, string | null>) } : args) }
  }
  if (m.name === 'updateCustomer') {
    const changes = record(args.changes)
    const to: Record<string, unknown> = {}
    for (const [f, c] of Object.entries(changes)) to[f] = record(c).to ?? null
    const isV1 = m.v === 1 || Object.keys(to).some((f) => !(CUSTOMER_EDITABLE_FIELDS as readonly string[]).includes(f))
    return {
      kind: 'edit',
      customerId: text(args.id),
      apply: (row) => ({ ...row, ...(isV1 ? applyV1Values(row, to as Record<string, string | null>) : to) }),
    }
  }
  return null
}

/** The form values a draft opens with: on the customer's current row, or as a new customer. */
export function draftForm(draft: MutationDraft, row: (Record<string, unknown> & RowLists) | null): CustomerFormValues {
  if (draft.kind === 'create') return draft.values
  return customerFormOf(draft.apply(row ?? EMPTY_ROW))
}
