import { addDays } from '../../../shared/dates'
import { contactKeys } from '../../../shared/duplicates'
import { uuidv7 } from '../../../shared/ids'
import type { ConsentType, CustomerRow, NoteKind, RelatedPerson } from '../../../shared/schemas'
import type { Db } from '../db/client'
import { rebuildCustomerSearch } from '../modules/customers/customer-search.service'
import { formatCustomerNo } from '../modules/customers/customers.mutations'
import {
  BANKS,
  CITIES,
  COMPANY_FORMS,
  EMPLOYERS,
  FEMALE_FIRST_NAMES,
  FIRST_NAMES,
  FOLLOW_UPS,
  LAST_NAMES,
  MEMOS,
  OCCUPATIONS,
  PHONE_NOTES,
  STREETS,
  TAGS,
  TRADES,
  VISITS,
  germanIban,
  pick,
  seededRandom,
} from './names'

/** With these, generateCustomers also writes households, consents and notes (the demo; benchmarks leave them out). */
export interface CustomerFileOptions {
  /** Business date (Berlin) the follow-ups are spread around. */
  today: string
}

type Values = Omit<CustomerRow, 'id' | 'customerNo' | 'ownerRepId' | 'branchId' | 'restrictedAt' | 'pseudonymisedAt' | 'createdAt' | 'updatedAt'>

const DAY = 86_400_000
const FEMALE_NAMES = FIRST_NAMES.filter((n) => FEMALE_FIRST_NAMES.has(n))
const MALE_NAMES = FIRST_NAMES.filter((n) => !FEMALE_FIRST_NAMES.has(n))
const NATIONALITIES = ['TR', 'PL', 'IT', 'AT', 'HR', 'GR'] as const

const ascii = (s: string) =>
  s
    .toLowerCase()
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[^a-z0-9.-]/g, '')

/** Everything that draws from the seeded PRNG, so one seed gives one data set. */
class Draw {
  constructor(readonly random: () => number) {}
  chance(p: number): boolean {
    return this.random() < p
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1))
  }
  pick<T>(list: readonly T[]): T {
    return pick(this.random, list)
  }
  mobile(): string {
    return `01${this.int(5, 7)}${this.int(0, 9)} ${this.int(1_000_000, 9_999_999)}`
  }
  landline(): string {
    return `0${this.int(2, 9)}${this.int(10, 999)} ${this.int(10_000, 9_999_999)}`
  }
  birthDate(today: string, minAge: number, maxAge: number): string {
    const year = Number(today.slice(0, 4)) - this.int(minAge, maxAge)
    return `${year}-${String(this.int(1, 12)).padStart(2, '0')}-${String(this.int(1, 28)).padStart(2, '0')}`
  }
}

function personValues(d: Draw, today: string, opts: { female: boolean; lastName: string; home?: Values['addresses'][number]; homePhone?: string | null; married?: boolean }): Values {
  const firstName = d.pick(opts.female ? FEMALE_NAMES : MALE_NAMES)
  const birthDate = d.birthDate(today, 19, 84)
  const age = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4))
  const maritalStatus = opts.married ? 'married' : age < 28 ? 'single' : d.pick(['single', 'married', 'married', 'divorced', age > 65 ? 'widowed' : 'separated'] as const)
  const [zip, city] = d.pick(CITIES)
  const home = opts.home ?? { type: 'home' as const, street: `${d.pick(STREETS)} ${d.int(1, 120)}`, zip, city, country: 'DE' }
  const addresses = [home]
  if (d.chance(0.08)) addresses.push({ type: 'postal', street: `Postfach ${d.int(1000, 99999)}`, zip: home.zip, city: home.city, country: 'DE' })
  const phones: Values['phones'] = []
  if (d.chance(0.85)) phones.push({ type: 'mobile', number: d.mobile() })
  const homePhone = opts.homePhone !== undefined ? opts.homePhone : d.chance(0.35) ? d.landline() : null
  if (homePhone) phones.push({ type: 'home', number: homePhone })
  const retired = age >= 67
  const occupation = retired ? (opts.female ? 'Rentnerin' : 'Rentner') : age < 24 && d.chance(0.5) ? (opts.female ? 'Studentin' : 'Student') : d.pick(OCCUPATIONS)[opts.female ? 1 : 0]
  const employer = !retired && occupation !== 'Selbstständig' && d.chance(0.6) ? d.pick(EMPLOYERS) : null
  if (employer && d.chance(0.15)) phones.push({ type: 'work', number: d.landline() })
  const local = ascii(`${firstName}.${opts.lastName}`)
  const emails: Values['emails'] = []
  if (d.chance(0.7)) emails.push({ type: 'private', address: `${local}${d.chance(0.5) ? d.int(1, 99) : ''}@example.de` })
  if (employer && d.chance(0.25)) emails.push({ type: 'work', address: `${local}@example.com` })
  return {
    kind: 'person',
    status: 'prospect',
    salutation: opts.female ? 'ms' : 'mr',
    title: d.chance(0.04) ? 'Dr.' : null,
    firstName,
    lastName: opts.lastName,
    birthName: null,
    birthDate,
    nationality: d.chance(0.9) ? 'DE' : d.pick(NATIONALITIES),
    maritalStatus,
    occupation,
    employer,
    addresses,
    phones,
    emails,
    bankAccounts: [],
    tags: [],
    remarks: null,
  }
}

function companyValues(d: Draw): Values {
  const owner = d.pick(LAST_NAMES)
  const [zip, city] = d.pick(CITIES)
  const trade = d.pick(TRADES)
  return {
    kind: 'company',
    status: 'prospect',
    salutation: null,
    title: null,
    firstName: '',
    lastName: `${trade} ${owner} ${d.pick(COMPANY_FORMS)}`,
    birthName: null,
    birthDate: null,
    nationality: null,
    maritalStatus: null,
    occupation: null,
    employer: null,
    addresses: [{ type: 'work', street: `${d.pick(STREETS)} ${d.int(1, 120)}`, zip, city, country: 'DE' }],
    phones: [{ type: 'work', number: d.landline() }, ...(d.chance(0.3) ? [{ type: 'fax' as const, number: d.landline() }] : [])],
    emails: [{ type: 'work', address: `info@${ascii(`${trade}-${owner}`)}.example.de` }],
    bankAccounts: [],
    tags: ['Gewerbe'],
    remarks: null,
  }
}

/** Status, bank account, tags and remarks: the parts that do not depend on the kind. */
function finish(d: Draw, v: Values, holder: string): Values {
  const r = d.random()
  v.status = r < 0.25 ? 'prospect' : r < 0.9 ? 'customer' : 'former'
  if (d.chance(0.5)) {
    const [blz, bic] = d.pick(BANKS)
    v.bankAccounts.push({ iban: germanIban(blz, String(d.int(100_000, 9_999_999_999))), bic: d.chance(0.7) ? bic : null, holder, label: d.chance(0.5) ? 'Lastschrift Beiträge' : null })
  }
  const tags = new Set(v.tags)
  for (let i = d.int(0, 2); i > 0; i--) tags.add(d.pick(TAGS))
  if (v.status === 'customer' && d.chance(0.1)) tags.add('VIP')
  v.tags = [...tags]
  if (d.chance(0.1)) v.remarks = d.pick(['Bevorzugt Termine am Samstagvormittag.', 'Kontakt bitte nur per E-Mail.', 'Über Empfehlung von Familie Becker gekommen.', 'Hund im Haus – bei Besuchen beachten.'])
  return v
}

interface Generated {
  id: string
  ownerRepId: string
  createdAt: string
  rev: number
  v: Values
  /** The customer generated just before, when this one is their spouse. */
  spouseOf: Generated | null
}

/**
 * Bulk-writes `perRep` customers for each rep, in one transaction: German persons (some married
 * couples sharing name and address) and about 10 % companies, several addresses, phones and
 * e-mails for some, a valid German IBAN for about half, tags; customer numbers from the counter and
 * contact keys as the mutations write them; the search index rebuilt afterwards. Each customer has its own rev.
 * With `file`, also households, consents and notes (the demo); benchmarks of up to 1,000,000
 * customers leave those out.
 */
export function generateCustomers(
  db: Db,
  repIds: string[],
  perRep: number | ((repId: string, i: number) => number),
  seed: number,
  now: string,
  file?: CustomerFileOptions,
): number {
  const d = new Draw(seededRandom(seed))
  const today = file?.today ?? now.slice(0, 10)
  const $ = db.$client
  const branchOf = $.prepare('SELECT branch_id FROM user_branches WHERE user_id = ?').pluck()
  const insert = $.prepare(
    `INSERT INTO customers (id, customer_no, kind, status, salutation, title, first_name, last_name, birth_name, birth_date, nationality, marital_status,
       occupation, employer, addresses, phones, emails, bank_accounts, tags, remarks, owner_rep_id, branch_id, created_by, created_at, updated_at, rev)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertKey = $.prepare('INSERT INTO customer_contact_keys (customer_id, kind, value) VALUES (?, ?, ?)')
  const bumpRev = $.prepare('INSERT INTO sync_rev (id, rev) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET rev = rev + excluded.rev RETURNING rev')
  const takeNumbers = $.prepare(
    "INSERT INTO counters (name, value) VALUES ('customerNo', ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value RETURNING value",
  )
  const counts = repIds.map((r, i) => (typeof perRep === 'number' ? perRep : perRep(r, i)))
  const sum = counts.reduce((a, b) => a + b, 0)
  const nowMs = Date.parse(now)
  let total = 0
  $.transaction(() => {
    if (!sum) return
    let rev = (bumpRev.get(sum) as { rev: number }).rev - sum
    let no = (takeNumbers.get(sum) as { value: number }).value - sum
    const generated: Generated[] = []
    repIds.forEach((repId, index) => {
      const branchId = (branchOf.get(repId) as string | undefined) ?? null
      let previous: Generated | null = null
      for (let i = 0; i < counts[index]!; i++) {
        // A married person is followed by their spouse now and then: same name and address.
        const spouse: Generated | null = previous && previous.v.kind === 'person' && previous.v.maritalStatus === 'married' && !previous.spouseOf && d.chance(0.6) ? previous : null
        let v: Values
        if (spouse) {
          const female = spouse.v.salutation !== 'ms'
          v = personValues(d, today, { female, lastName: spouse.v.lastName, home: spouse.v.addresses[0], homePhone: null, married: true })
          if (female && d.chance(0.4)) v.birthName = d.pick(LAST_NAMES)
          v = finish(d, v, `${v.firstName} ${v.lastName}`)
          v.status = spouse.v.status === 'prospect' ? 'prospect' : v.status
        } else if (d.chance(0.1)) {
          v = companyValues(d)
          v = finish(d, v, v.lastName)
        } else {
          v = personValues(d, today, { female: d.chance(0.5), lastName: d.pick(LAST_NAMES) })
          v = finish(d, v, `${v.firstName} ${v.lastName}`)
        }
        const id = uuidv7()
        const customerNo = formatCustomerNo(++no)
        // Customers came in over the last three years; their file starts then.
        const createdAt = spouse ? spouse.createdAt : new Date(nowMs - Math.floor(d.random() * 3 * 365) * DAY - d.int(0, 10 * 3600) * 1000).toISOString()
        insert.run(
          id, customerNo, v.kind, v.status, v.salutation, v.title, v.firstName, v.lastName, v.birthName, v.birthDate, v.nationality, v.maritalStatus,
          v.occupation, v.employer, JSON.stringify(v.addresses), JSON.stringify(v.phones), JSON.stringify(v.emails), JSON.stringify(v.bankAccounts),
          JSON.stringify(v.tags), v.remarks, repId, branchId, repId, createdAt, createdAt, ++rev,
        )
        for (const k of contactKeys(v)) insertKey.run(id, k.kind, k.value)
        const g: Generated = { id, ownerRepId: repId, createdAt, rev, v, spouseOf: spouse }
        if (file) generated.push(g)
        previous = g
        total++
      }
    })
    if (file) writeCustomerFiles(db, d, generated, { today, now })
  })()
  // One pass in name order is far cheaper than placing each customer in the search index.
  if (total) rebuildCustomerSearch(db)
  return total
}

/**
 * Households (spouses as customers with both relation rows, children as person records),
 * consents (data protection for most, some withdrawn advertising consents) and notes (phone
 * notes, memos, visit reports) with follow-ups around today, some of them overdue.
 */
function writeCustomerFiles(db: Db, d: Draw, customers: Generated[], at: { today: string; now: string }): void {
  const $ = db.$client
  const insertRelation = $.prepare(
    `INSERT INTO customer_relations (id, pair_id, customer_id, type, related_customer_id, person, valid_from, valid_to, owner_rep_id, created_by, created_at, updated_at, rev)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`,
  )
  const insertConsent = $.prepare(
    `INSERT INTO consents (id, customer_id, type, given_on, withdrawn_on, note, owner_rep_id, created_by, created_at, updated_at, rev)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertNote = $.prepare(
    `INSERT INTO notes (id, customer_id, kind, direction, occurred_at, duration_minutes, subject, text, follow_up_on, assignee_id, follow_up_done_at, author_id, owner_rep_id, created_at, updated_at, rev)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const office = new Map<string, string[]>()
  for (const r of $.prepare("SELECT ub.branch_id AS b, u.id AS id FROM users u JOIN user_branches ub ON ub.user_id = u.id WHERE u.role = 'backoffice'").all() as { b: string; id: string }[]) {
    office.set(r.b, [...(office.get(r.b) ?? []), r.id])
  }
  const branchOf = $.prepare('SELECT branch_id FROM user_branches WHERE user_id = ?').pluck()
  const officeOf = new Map<string, string[]>()
  const nowMs = Date.parse(at.now)
  const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  /** A moment in [from, to], during business hours (UTC) where the range allows. */
  const moment = (from: number, to: number) => {
    const day = Math.floor((from + d.random() * Math.max(0, to - from)) / DAY) * DAY
    return Math.max(from, Math.min(to, day + (7 + d.int(0, 10)) * 3600_000 + d.int(0, 59) * 60_000))
  }

  for (const c of customers) {
    if (!officeOf.has(c.ownerRepId)) officeOf.set(c.ownerRepId, office.get(branchOf.get(c.ownerRepId) as string) ?? [])
    const offices = officeOf.get(c.ownerRepId)!
    const common = (createdAt: string) => [c.ownerRepId, c.ownerRepId, createdAt, createdAt, c.rev] as const

    // Household.
    if (c.spouseOf) {
      const s = c.spouseOf
      const forward = uuidv7()
      const married = d.birthDate(at.today, 2, 30)
      insertRelation.run(forward, forward, s.id, 'spouse', c.id, null, married, s.ownerRepId, s.ownerRepId, c.createdAt, c.createdAt, c.rev)
      insertRelation.run(uuidv7(), forward, c.id, 'spouse', s.id, null, married, ...common(c.createdAt))
    }
    const age = c.v.birthDate ? Number(at.today.slice(0, 4)) - Number(c.v.birthDate.slice(0, 4)) : 0
    if (c.v.kind === 'person' && !c.spouseOf && age >= 28 && age <= 62 && d.chance(0.35)) {
      for (let k = d.int(1, 3); k > 0; k--) {
        const born = `${Number(c.v.birthDate!.slice(0, 4)) + d.int(24, 40)}${c.v.birthDate!.slice(4)}`
        if (born > at.today) continue
        const person: RelatedPerson = { firstName: d.pick(d.chance(0.5) ? FEMALE_NAMES : MALE_NAMES), lastName: c.v.lastName, birthDate: born, occupation: null }
        const id = uuidv7()
        insertRelation.run(id, id, c.id, 'child', null, JSON.stringify(person), born, ...common(c.createdAt))
      }
    }

    // Consents: evidence from the first meeting on; advertising per channel, some withdrawn later.
    const created = Date.parse(c.createdAt)
    const consent = (type: ConsentType, p: number, withdrawP = 0) => {
      if (!d.chance(p)) return
      const given = moment(created, Math.min(nowMs, created + 30 * DAY))
      const withdrawn = d.chance(withdrawP) ? moment(given + DAY, nowMs) : null
      const recorded = new Date(given).toISOString()
      const updated = withdrawn ? new Date(withdrawn).toISOString() : recorded
      insertConsent.run(uuidv7(), c.id, type, dateOf(given), withdrawn ? dateOf(withdrawn) : null, null, c.ownerRepId, c.ownerRepId, recorded, updated, c.rev)
    }
    const isCustomer = c.v.status !== 'prospect'
    consent('privacy', isCustomer ? 0.95 : 0.6)
    if (c.v.emails.length) consent('marketing_email', 0.35, 0.25)
    consent('marketing_phone', 0.2, 0.3)
    if (isCustomer && c.v.kind === 'person') consent('health_data', 0.15)
    if (isCustomer) {
      consent('broker_contract', 0.3)
      consent('broker_mandate', 0.25, 0.05)
    }

    // Notes: a history, and for some customers an open follow-up around today.
    const note = (kind: NoteKind, occurred: number, followUpOn: string | null, done: boolean, subjectOverride?: string) => {
      const author = offices.length && d.chance(0.15) ? d.pick(offices) : c.ownerRepId
      const [subject, text] = d.pick<readonly [string, string]>(kind === 'phone' ? PHONE_NOTES : kind === 'memo' ? MEMOS : VISITS)
      const occurredAt = new Date(occurred).toISOString()
      const assignee = followUpOn && author !== c.ownerRepId ? c.ownerRepId : null
      const doneAt = followUpOn && done ? `${followUpOn}T15:00:00.000Z` : null
      insertNote.run(
        uuidv7(), c.id, kind, kind === 'phone' ? d.pick(['inbound', 'outbound']) : null, occurredAt, kind === 'phone' ? d.int(2, 40) : kind === 'visit' ? d.int(30, 120) : null,
        subjectOverride ?? subject, text, followUpOn, assignee, doneAt, author, c.ownerRepId, occurredAt, occurredAt, c.rev,
      )
    }
    const kindOf = (): NoteKind => {
      const r = d.random()
      return r < 0.55 ? 'phone' : r < 0.8 ? 'memo' : 'visit'
    }
    for (let n = d.int(0, isCustomer ? 4 : 2); n > 0; n--) {
      const occurred = moment(created, nowMs)
      // Follow-ups older than a month were worked off; of the last month's, half are still open.
      const followUp = d.chance(0.2) ? addDays(dateOf(occurred), d.int(3, 21)) : null
      const done = followUp !== null && followUp < at.today && (followUp < addDays(at.today, -30) || d.chance(0.5))
      note(kindOf(), occurred, followUp, done)
    }
    if (d.chance(0.18)) {
      // Written in the two weeks before the follow-up date (and not after now).
      const followUpOn = addDays(at.today, d.int(-7, 14))
      const latest = Math.min(nowMs, Date.parse(`${followUpOn}T00:00:00.000Z`) - 6 * 3600_000)
      if (latest > created) note(kindOf(), moment(Math.max(created, latest - 14 * DAY), latest), followUpOn, false, `Wiedervorlage: ${d.pick(FOLLOW_UPS)}`)
    }
  }
}
