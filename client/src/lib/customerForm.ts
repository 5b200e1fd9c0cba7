import { emailKey, ibanKey, phoneKey } from '@shared/duplicates'
import {
  bicSchema,
  customerValuesSchema,
  ibanSchema,
  type AddressType,
  type CustomerKind,
  type CustomerRow,
  type CustomerStatus,
  type CustomerValuesInput,
  type DuplicateCheck,
  type EmailType,
  type MaritalStatus,
  type PhoneType,
  type Salutation,
} from '@shared/schemas/customers'

/** One address as the form edits it (all text, "" for empty). */
export interface AddressForm {
  type: AddressType
  street: string
  zip: string
  city: string
  country: string
}
export interface PhoneForm {
  type: PhoneType
  number: string
}
export interface EmailForm {
  type: EmailType
  address: string
}
export interface BankAccountForm {
  iban: string
  bic: string
  holder: string
  label: string
}

/** What the customer form edits: texts ("" = no value) and the repeatable lists. */
export interface CustomerFormValues {
  kind: CustomerKind
  status: CustomerStatus
  salutation: Salutation | ''
  title: string
  firstName: string
  lastName: string
  birthName: string
  birthDate: string
  nationality: string
  maritalStatus: MaritalStatus | ''
  occupation: string
  employer: string
  addresses: AddressForm[]
  phones: PhoneForm[]
  emails: EmailForm[]
  bankAccounts: BankAccountForm[]
  tags: string[]
  remarks: string
}

export const LIST_FIELDS = ['addresses', 'phones', 'emails', 'bankAccounts'] as const
export type ListField = (typeof LIST_FIELDS)[number]

export const blankAddress = (): AddressForm => ({ type: 'home', street: '', zip: '', city: '', country: 'DE' })
export const blankPhone = (): PhoneForm => ({ type: 'mobile', number: '' })
export const blankEmail = (): EmailForm => ({ type: 'private', address: '' })
export const blankBankAccount = (): BankAccountForm => ({ iban: '', bic: '', holder: '', label: '' })

/** Fields a company customer does not have; the form hides them and saves them empty. */
export const PERSON_ONLY_FIELDS = ['salutation', 'title', 'firstName', 'birthName', 'birthDate', 'nationality', 'maritalStatus', 'occupation', 'employer'] as const

export function emptyCustomerForm(): CustomerFormValues {
  return {
    kind: 'person',
    status: 'prospect',
    salutation: '',
    title: '',
    firstName: '',
    lastName: '',
    birthName: '',
    birthDate: '',
    nationality: '',
    maritalStatus: '',
    occupation: '',
    employer: '',
    addresses: [],
    phones: [],
    emails: [],
    bankAccounts: [],
    tags: [],
    remarks: '',
  }
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '')
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((e): e is Record<string, unknown> => !!e && typeof e === 'object') : [])

/** Form values of a stored customer, or of a recorded creation's arguments (null becomes ""). */
export function customerFormOf(row: Record<string, unknown>): CustomerFormValues {
  const empty = emptyCustomerForm()
  return {
    kind: row.kind === 'company' ? 'company' : 'person',
    status: (row.status as CustomerStatus | undefined) ?? empty.status,
    salutation: (row.salutation as Salutation | null | undefined) ?? '',
    title: text(row.title),
    firstName: text(row.firstName),
    lastName: text(row.lastName),
    birthName: text(row.birthName),
    birthDate: text(row.birthDate),
    nationality: text(row.nationality),
    maritalStatus: (row.maritalStatus as MaritalStatus | null | undefined) ?? '',
    occupation: text(row.occupation),
    employer: text(row.employer),
    addresses: list(row.addresses).map((a) => ({ type: (a.type as AddressType) ?? 'home', street: text(a.street), zip: text(a.zip), city: text(a.city), country: text(a.country) || 'DE' })),
    phones: list(row.phones).map((p) => ({ type: (p.type as PhoneType) ?? 'mobile', number: text(p.number) })),
    emails: list(row.emails).map((e) => ({ type: (e.type as EmailType) ?? 'private', address: text(e.address) })),
    bankAccounts: list(row.bankAccounts).map((b) => ({ iban: text(b.iban), bic: text(b.bic), holder: text(b.holder), label: text(b.label) })),
    tags: Array.isArray(row.tags) ? row.tags.filter((t): t is string => typeof t === 'string') : [],
    remarks: text(row.remarks),
  }
}

/**
 * The form shows one empty address, phone and e-mail to fill in right away (one tap less on the
 * phone); empty entries are dropped when saving.
 */
export function withBlankEntries(form: CustomerFormValues): CustomerFormValues {
  return {
    ...form,
    addresses: form.addresses.length ? form.addresses : [blankAddress()],
    phones: form.phones.length ? form.phones : [blankPhone()],
    emails: form.emails.length ? form.emails : [blankEmail()],
  }
}

const blank: Record<ListField, (e: never) => boolean> = {
  addresses: (a: AddressForm) => !a.street.trim() && !a.zip.trim() && !a.city.trim(),
  phones: (p: PhoneForm) => !p.number.trim(),
  emails: (e: EmailForm) => !e.address.trim(),
  bankAccounts: (b: BankAccountForm) => !b.iban.trim() && !b.bic.trim() && !b.holder.trim() && !b.label.trim(),
}

const orNull = (v: string): string | null => (v.trim() === '' ? null : v)

/**
 * The values to save (the input of the shared schema) and, per list, the form position of each
 * kept entry, so issues of the schema can be shown next to the right input.
 */
export function formToValues(form: CustomerFormValues): { values: CustomerValuesInput; positions: Record<ListField, number[]> } {
  const positions = {} as Record<ListField, number[]>
  const kept = <K extends ListField>(field: K): CustomerFormValues[K] => {
    const entries = form[field] as unknown[]
    positions[field] = entries.flatMap((e, i) => (blank[field](e as never) ? [] : [i]))
    return positions[field].map((i) => entries[i]) as CustomerFormValues[K]
  }
  const person = form.kind === 'person'
  const values: CustomerValuesInput = {
    kind: form.kind,
    status: form.status,
    salutation: person && form.salutation ? form.salutation : null,
    title: person ? orNull(form.title) : null,
    firstName: person ? form.firstName : '',
    lastName: form.lastName,
    birthName: person ? orNull(form.birthName) : null,
    birthDate: person ? orNull(form.birthDate) : null,
    nationality: person ? orNull(form.nationality) : null,
    maritalStatus: person && form.maritalStatus ? form.maritalStatus : null,
    occupation: person ? orNull(form.occupation) : null,
    employer: person ? orNull(form.employer) : null,
    addresses: kept('addresses').map((a) => ({ ...a })),
    phones: kept('phones').map((p) => ({ ...p })),
    emails: kept('emails').map((e) => ({ ...e })),
    bankAccounts: kept('bankAccounts').map((b) => ({ iban: b.iban, bic: orNull(b.bic), holder: orNull(b.holder), label: orNull(b.label) })),
    tags: form.tags.map((t) => t.trim()).filter(Boolean),
    remarks: orNull(form.remarks),
  }
  return { values, positions }
}

export interface FormIssue {
  /** Path in the form: `lastName`, `phones.1.number`, `tags`. */
  path: string
  message: string
}

/** Schema issue paths point at kept entries; this maps them back to form positions. */
export function toFormPath(path: readonly PropertyKey[], positions: Record<ListField, number[]>): string {
  const [field, index, ...rest] = path.map(String)
  if (field === 'tags') return 'tags'
  if (field && (LIST_FIELDS as readonly string[]).includes(field) && index !== undefined && /^\d+$/.test(index)) {
    const at = positions[field as ListField][Number(index)] ?? Number(index)
    return [field, String(at), ...rest].join('.')
  }
  return [field, index, ...rest].filter((p) => p !== undefined).join('.')
}

/** Checks the whole form with the shared schema (the server's rules); German messages, form paths. */
export function validateCustomerForm(form: CustomerFormValues): FormIssue[] {
  const { values, positions } = formToValues(form)
  const parsed = customerValuesSchema.safeParse(values)
  if (parsed.success) return []
  const seen = new Set<string>()
  const issues: FormIssue[] = []
  for (const issue of parsed.error.issues) {
    const path = toFormPath(issue.path, positions)
    if (seen.has(path)) continue
    seen.add(path)
    // A company's name lives in lastName; the schema's message asks for a "Nachname".
    const message = path === 'lastName' && form.kind === 'company' && !form.lastName.trim() ? 'Bitte den Firmennamen angeben.' : issue.message
    issues.push({ path, message })
  }
  return issues
}

/** First message per path, for showing next to the inputs. */
export function errorsByPath(issues: readonly FormIssue[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const i of issues) out[i.path] ??= i.message
  return out
}

/** Live check of one bank account while typing: the shared IBAN and BIC rules, German messages. */
export function bankAccountErrors(entry: BankAccountForm): { iban: string | null; bic: string | null } {
  const iban = entry.iban.trim() ? ibanSchema.safeParse(entry.iban) : null
  const bic = entry.bic.trim() ? bicSchema.safeParse(entry.bic) : null
  const missingIban = !entry.iban.trim() && !blank.bankAccounts(entry as never)
  return {
    iban: iban && !iban.success ? (iban.error.issues[0]?.message ?? null) : missingIban ? 'Bitte die IBAN angeben.' : null,
    bic: bic && !bic.success ? (bic.error.issues[0]?.message ?? null) : null,
  }
}

/** The identifying data of the form for the duplicate check (server and device). */
export function duplicateCheckOf(form: CustomerFormValues, id?: string): DuplicateCheck {
  const { values } = formToValues(form)
  return {
    ...(id ? { id } : {}),
    kind: form.kind,
    firstName: values.firstName ?? '',
    lastName: values.lastName ?? '',
    birthDate: values.birthDate ?? null,
    emails: (values.emails ?? []).map((e) => e.address.trim()).filter(Boolean),
    phones: (values.phones ?? []).map((p) => p.number.trim()).filter(Boolean),
    ibans: (values.bankAccounts ?? []).map((b) => b.iban.trim()).filter(Boolean),
  }
}

/**
 * A stable key of the check's content, in the forms the comparison uses (so formatting an IBAN
 * or a phone number neither runs the check again nor voids a "Trotzdem speichern").
 */
export const duplicateCheckKey = (check: DuplicateCheck): string =>
  JSON.stringify([
    check.kind,
    check.firstName?.trim().toLowerCase(),
    check.lastName?.trim().toLowerCase(),
    check.birthDate ?? null,
    (check.emails ?? []).map(emailKey),
    (check.phones ?? []).map(phoneKey),
    (check.ibans ?? []).map(ibanKey),
  ])

/** Whether the check has enough to find anything (a last name, or a contact detail). */
export const duplicateCheckUseful = (check: DuplicateCheck): boolean =>
  (check.lastName ?? '').trim().length >= 2 || !!check.emails?.length || !!check.phones?.length || !!check.ibans?.length

/** The duplicate check for a stored customer (the merge dialog looks for its twins). */
export function duplicateCheckOfRow(row: Pick<CustomerRow, 'id' | 'kind' | 'firstName' | 'lastName' | 'birthDate' | 'emails' | 'phones' | 'bankAccounts'>): DuplicateCheck {
  return {
    id: row.id,
    kind: row.kind,
    firstName: row.firstName,
    lastName: row.lastName,
    birthDate: row.birthDate,
    emails: row.emails.map((e) => e.address).slice(0, 10),
    phones: row.phones.map((p) => p.number).slice(0, 10),
    ibans: row.bankAccounts.map((b) => b.iban).slice(0, 10),
  }
}
