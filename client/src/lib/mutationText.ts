import { ERROR_MESSAGES } from '@shared/errors'
import { CUSTOMER_EDITABLE_FIELDS, customerFormOf, displayValue, fieldLabel, type CustomerFormValues } from './customerFields'

/** A recorded change as the device keeps it (outbox or quarantine). */
export interface RecordedMutation {
  id: string
  name: string
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

function fullName(args: Record<string, unknown>): string {
  return [text(args.firstName), text(args.lastName)].filter(Boolean).join(' ')
}

/** Says what a change was, for the outbox and "Benötigt Aufmerksamkeit". `nameOf` names a customer id when known. */
export function describeMutation(m: RecordedMutation, nameOf: (customerId: string) => string | undefined = () => undefined): MutationDescription {
  const args = record(m.args)
  if (m.name === 'createCustomer') {
    const details = CUSTOMER_EDITABLE_FIELDS.filter((f) => args[f] !== undefined && args[f] !== null && args[f] !== '').map((f) => ({
      label: fieldLabel(f),
      value: displayValue(f, args[f]),
    }))
    return { title: `Kunde anlegen: ${fullName(args) || 'ohne Namen'}`, details }
  }
  if (m.name === 'updateCustomer') {
    const changes = record(args.changes)
    const fields = Object.keys(changes)
    const name = nameOf(text(args.id))
    const details = fields.map((f) => {
      const c = record(changes[f])
      return { label: fieldLabel(f), value: `${displayValue(f, c.to)} (vorher: ${displayValue(f, c.from)})` }
    })
    const what = fields.map(fieldLabel).join(', ')
    return { title: name ? `Kunde ändern: ${name} – ${what}` : `Kunde ändern: ${what}`, details }
  }
  if (m.name === 'reassignCustomer') {
    const name = nameOf(text(args.id))
    return { title: name ? `Kunde neu zuordnen: ${name}` : 'Kunde neu zuordnen', details: [] }
  }
  return { title: `Änderung „${m.name}“`, details: [] }
}

/** Why the server refused a change, in German, with what it means for this kind of change. */
export function rejectionReason(entry: RecordedMutation & { code: string; message: string }): string {
  if (entry.code === 'NOT_FOUND' && entry.name !== 'createCustomer') {
    return 'Der Kunde ist für Sie nicht mehr sichtbar – zum Beispiel, weil er inzwischen einem anderen Vermittler zugeordnet wurde. Ihre Änderung wurde nicht übernommen.'
  }
  if (entry.code === 'ID_TAKEN') return 'Dieser Kunde war bereits angelegt; die Änderung wurde nicht doppelt übernommen.'
  if (entry.code === 'VALIDATION') return `Die Eingaben sind ungültig: ${entry.message}`
  if (entry.code in ERROR_MESSAGES) return ERROR_MESSAGES[entry.code as keyof typeof ERROR_MESSAGES]
  return entry.message || ERROR_MESSAGES.INTERNAL
}

export type MutationDraft = { kind: 'create'; values: CustomerFormValues } | { kind: 'edit'; customerId: string; values: Partial<CustomerFormValues> }

/**
 * The form to open for doing a refused change again as a new change: a new customer for a
 * refused creation, the edit form with the refused values for a refused edit. Null where
 * repeating makes no sense (e.g. a reassignment).
 */
export function draftOf(m: RecordedMutation): MutationDraft | null {
  const args = record(m.args)
  if (m.name === 'createCustomer') return { kind: 'create', values: customerFormOf(args as Record<string, string | null>) }
  if (m.name === 'updateCustomer') {
    const values: Partial<CustomerFormValues> = {}
    const changes = record(args.changes)
    for (const f of CUSTOMER_EDITABLE_FIELDS) {
      const to = record(changes[f]).to
      if (f in changes) values[f] = typeof to === 'string' ? to : ''
    }
    return { kind: 'edit', customerId: text(args.id), values }
  }
  return null
}
