import Papa from 'papaparse'
import { isValidIsoDate } from '../../../../shared/dates'
import {
  customerValuesSchema,
  headerKey,
  IMPORT_COLUMNS,
  IMPORT_MAX_ROWS,
  importColumnOf,
  type CustomerValues,
  type ImportColumn,
  type ImportIssue,
} from '../../../../shared/schemas'
import { AppError } from '../../lib/errors'

/** A data row after mapping and validation; `values` only when the row is valid. */
export interface ParsedRow {
  line: number
  name: string
  birthDate: string | null
  city: string | null
  values: CustomerValues | null
  errors: ImportIssue[]
  warnings: ImportIssue[]
}

export interface ParsedFile {
  encoding: 'utf-8' | 'windows-1252'
  delimiter: string
  columns: { header: string; column: ImportColumn | null; label: string | null }[]
  rows: ParsedRow[]
}

/** UTF-8 (a BOM is dropped); bytes that are not valid UTF-8 are read as Windows-1252, what Excel writes on German Windows. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' }
  }
}

// Cell values → codes, compared as header keys ("Frau", "frau", "FRAU" alike).
const lookup = (entries: Record<string, string[]>) => new Map(Object.entries(entries).flatMap(([code, words]) => words.map((w) => [headerKey(w), code] as const)))
const KINDS = lookup({ person: ['Privatperson', 'Person', 'Privat', 'Private'], company: ['Firma', 'Unternehmen', 'Gewerbe', 'Company', 'Organisation', 'Organization'] })
const SALUTATIONS = lookup({ mr: ['Herr', 'Hr.', 'Mr', 'Mr.'], ms: ['Frau', 'Fr.', 'Ms', 'Mrs', 'Ms.', 'Mrs.'], diverse: ['Divers', 'Mx', 'Mx.'], none: ['ohne', 'keine', 'ohne Anrede'] })
const MARITAL = lookup({
  single: ['ledig', 'single'],
  married: ['verheiratet', 'married'],
  civil_partnership: ['eingetragene Lebenspartnerschaft', 'Lebenspartnerschaft', 'verpartnert', 'civil partnership'],
  separated: ['getrennt', 'getrennt lebend', 'separated'],
  divorced: ['geschieden', 'divorced'],
  widowed: ['verwitwet', 'widowed'],
})
const STATUSES = lookup({ prospect: ['Interessent', 'Interessentin', 'prospect', 'lead'], customer: ['Kunde', 'Kundin', 'Bestandskunde', 'customer'], former: ['ehemaliger Kunde', 'ehemalig', 'Ex-Kunde', 'former'] })
const COUNTRIES = lookup({
  DE: ['Deutschland', 'Germany', 'BRD', 'D'],
  AT: ['Österreich', 'Oesterreich', 'Austria', 'A'],
  CH: ['Schweiz', 'Switzerland', 'CH'],
  LU: ['Luxemburg', 'Luxembourg'],
  NL: ['Niederlande', 'Netherlands'],
  FR: ['Frankreich', 'France'],
  IT: ['Italien', 'Italy'],
  PL: ['Polen', 'Poland'],
  TR: ['Türkei', 'Turkey'],
})
const NATIONALITIES = lookup({ DE: ['deutsch', 'Deutschland', 'German'], AT: ['österreichisch', 'Austrian'], CH: ['schweizerisch', 'Swiss'], TR: ['türkisch', 'Turkish'], PL: ['polnisch', 'Polish'], IT: ['italienisch', 'Italian'] })

/** TT.MM.JJJJ (also T.M.JJJJ) or JJJJ-MM-TT → ISO date; null when it is no valid date. */
export function parseImportDate(value: string): string | null {
  const german = value.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/)
  const iso = german ? `${german[3]}-${german[2]!.padStart(2, '0')}-${german[1]!.padStart(2, '0')}` : value
  return isValidIsoDate(iso) ? iso : null
}

const isoOrCode = (value: string, table: Map<string, string>) => table.get(headerKey(value)) ?? (/^[a-z]{2}$/i.test(value) ? value.toUpperCase() : value)

/**
 * One CSV row → the master data the shared schema checks, plus problems found while mapping.
 * `cell` gives a column's trimmed content; `header` the column's name in the file.
 */
function rowValues(
  cell: (c: ImportColumn) => string,
  header: (c: ImportColumn) => string,
): { input: Record<string, unknown>; errors: ImportIssue[]; warnings: ImportIssue[]; sources: Map<string, ImportColumn> } {
  const errors: ImportIssue[] = []
  const warnings: ImportIssue[] = []
  const sources = new Map<string, ImportColumn>()
  const issue = (c: ImportColumn, message: string, list = errors) => list.push({ column: header(c), message, value: cell(c) })
  const code = (c: ImportColumn, table: Map<string, string>, message: string): string | null => {
    const v = cell(c)
    if (!v) return null
    const found = table.get(headerKey(v))
    if (!found) issue(c, message)
    return found ?? null
  }

  const kindCell = code('kind', KINDS, 'Unbekannte Kundenart (Privatperson oder Firma).')
  const salutationCell = cell('salutation')
  const companyBySalutation = headerKey(salutationCell) === 'firma'
  const salutation = companyBySalutation ? null : code('salutation', SALUTATIONS, 'Unbekannte Anrede (Herr, Frau, Divers).')
  const company = cell('company')
  const kind = kindCell ?? (companyBySalutation || (company && !cell('firstName') && !cell('lastName')) ? 'company' : 'person')

  const input: Record<string, unknown> = { kind, salutation: kind === 'company' ? null : salutation }
  input.status = code('status', STATUSES, 'Unbekannter Status (Interessent, Kunde, ehemaliger Kunde).') ?? undefined
  if (kind === 'company') {
    input.firstName = ''
    input.lastName = company || cell('lastName')
    sources.set('lastName', company ? 'company' : 'lastName')
  } else {
    input.firstName = cell('firstName')
    input.lastName = cell('lastName')
    input.employer = cell('employer') || company || null
    sources.set('firstName', 'firstName').set('lastName', 'lastName').set('employer', cell('employer') ? 'employer' : 'company')
  }
  input.title = cell('title') || null
  input.birthName = cell('birthName') || null
  input.occupation = cell('occupation') || null
  input.remarks = cell('remarks') || null
  const birth = cell('birthDate')
  if (birth) {
    input.birthDate = parseImportDate(birth)
    if (!input.birthDate) issue('birthDate', 'Bitte ein gültiges Datum im Format TT.MM.JJJJ oder JJJJ-MM-TT angeben.')
  }
  const nationality = cell('nationality')
  if (nationality) input.nationality = isoOrCode(nationality, NATIONALITIES)
  input.maritalStatus = code('maritalStatus', MARITAL, 'Unbekannter Familienstand (ledig, verheiratet, geschieden …).')
  for (const [k, c] of [['title', 'title'], ['birthName', 'birthName'], ['occupation', 'occupation'], ['remarks', 'remarks'], ['birthDate', 'birthDate'], ['nationality', 'nationality'], ['status', 'status']] as const) sources.set(k, c)

  const street = [cell('street'), cell('houseNumber')].filter(Boolean).join(' ')
  if (street || cell('zip') || cell('city')) {
    const country = cell('country') ? isoOrCode(cell('country'), COUNTRIES) : 'DE'
    // Spreadsheets drop the leading zero of eastern German postcodes (01067 → 1067).
    const zip = country === 'DE' && /^\d{4}$/.test(cell('zip')) ? `0${cell('zip')}` : cell('zip')
    input.addresses = [{ type: kind === 'company' ? 'work' : 'home', street, zip, city: cell('city'), country }]
    sources.set('addresses.0.street', 'street').set('addresses.0.zip', 'zip').set('addresses.0.city', 'city').set('addresses.0.country', 'country').set('addresses.0', 'street')
  }
  const phones: { type: string; number: string }[] = []
  for (const [c, type] of [['mobile', 'mobile'], ['phone', kind === 'company' ? 'work' : 'home'], ['phoneWork', 'work'], ['fax', 'fax']] as const) {
    if (cell(c)) {
      sources.set(`phones.${phones.length}`, c)
      phones.push({ type, number: cell(c) })
    }
  }
  input.phones = phones
  const emails: { type: string; address: string }[] = []
  for (const [c, type] of [['email', kind === 'company' ? 'work' : 'private'], ['emailWork', 'work']] as const) {
    if (cell(c)) {
      sources.set(`emails.${emails.length}`, c)
      emails.push({ type, address: cell(c) })
    }
  }
  input.emails = emails
  if (cell('iban')) {
    input.bankAccounts = [{ iban: cell('iban'), bic: cell('bic') || null, holder: cell('accountHolder') || null, label: null }]
    sources.set('bankAccounts.0.iban', 'iban').set('bankAccounts.0.bic', 'bic').set('bankAccounts.0.holder', 'accountHolder').set('bankAccounts.0', 'iban')
  } else if (cell('bic')) {
    issue('bic', 'Eine BIC ohne IBAN wird nicht übernommen.', warnings)
  }
  input.tags = cell('tags')
    ? cell('tags')
        .split(/[,;|]/)
        .map((t) => t.trim())
        .filter(Boolean)
    : []
  sources.set('tags', 'tags')
  return { input, errors, warnings, sources }
}

/** The column an issue path belongs to: the longest known prefix ("phones.1.number" → "phones.1"). */
function sourceOf(path: PropertyKey[], sources: Map<string, ImportColumn>): ImportColumn | null {
  for (let n = path.length; n > 0; n--) {
    const found = sources.get(path.slice(0, n).join('.'))
    if (found) return found
  }
  return null
}

/**
 * The separator is the one the header line uses most (`;` from German Excel, `,`, tab, `|`).
 * Judging by the header alone is sturdier than guessing from data rows, whose free texts carry commas.
 */
export function detectDelimiter(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/)).replace(/"[^"]*"/g, '')
  let best = ','
  let most = 0
  for (const d of [';', ',', '\t', '|']) {
    const n = header.split(d).length - 1
    if (n > most) [best, most] = [d, n]
  }
  return best
}

/**
 * Parses the file: delimiter detected (`;`, `,`, tab), the first row names the columns, each
 * further non-empty row is mapped and checked with the shared customer schema. Errors name the
 * column as the file calls it and the cell's content, in German.
 */
export function parseCustomerCsv(bytes: Uint8Array): ParsedFile {
  const { text, encoding } = decodeCsv(bytes)
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false, delimiter: detectDelimiter(text) })
  const records = parsed.data
  const headerRow = records[0]?.map((h) => h.trim()) ?? []
  const taken = new Set<ImportColumn>()
  const columns = headerRow.map((header) => {
    const column = importColumnOf(header)
    if (!column || taken.has(column)) return { header, column: null, label: null }
    taken.add(column)
    return { header, column, label: IMPORT_COLUMNS[column].label }
  })
  const dataRows = records.length - 1
  if (!headerRow.some(Boolean) || dataRows < 1) throw new AppError(400, 'IMPORT_EMPTY')
  if (!taken.has('lastName') && !taken.has('company')) throw new AppError(400, 'IMPORT_NO_NAME_COLUMN')

  const isBlank = (cells: string[]) => cells.every((v) => !v.trim())
  // Counted before any row is checked: a too large file is refused at once.
  if (dataRows > IMPORT_MAX_ROWS && records.slice(1).filter((r) => !isBlank(r)).length > IMPORT_MAX_ROWS) throw new AppError(413, 'IMPORT_TOO_LARGE')
  const indexOf = new Map(columns.flatMap((c, i) => (c.column ? [[c.column, i] as const] : [])))
  const badLines = new Map<number, string>()
  for (const e of parsed.errors) if (e.row !== undefined) badLines.set(e.row, e.message)

  const rows: ParsedRow[] = []
  for (let r = 1; r < records.length; r++) {
    const cells = records[r]!
    if (isBlank(cells)) continue
    const cell = (c: ImportColumn) => {
      const i = indexOf.get(c)
      return i === undefined ? '' : (cells[i] ?? '').trim()
    }
    const header = (c: ImportColumn) => columns[indexOf.get(c) ?? -1]?.header ?? IMPORT_COLUMNS[c].label
    const { input, errors, warnings, sources } = rowValues(cell, header)
    if (badLines.has(r)) errors.push({ column: null, message: 'Die Zeile ist kein gültiges CSV (Anführungszeichen prüfen).' })
    let values: CustomerValues | null = null
    const result = customerValuesSchema.safeParse(input)
    if (result.success) values = result.data
    else {
      for (const zi of result.error.issues) {
        const c = sourceOf(zi.path, sources)
        // A bad date was reported while mapping; the schema only sees null for it.
        if (c && errors.some((e) => e.column === header(c))) continue
        errors.push({ column: c ? header(c) : null, message: zi.message, ...(c ? { value: cell(c) } : {}) })
      }
    }
    const name = kindName(input)
    rows.push({
      line: r + 1,
      name,
      birthDate: typeof input.birthDate === 'string' ? input.birthDate : null,
      city: cell('city') || null,
      values: errors.length ? null : values,
      errors,
      warnings,
    })
  }
  if (!rows.length) throw new AppError(400, 'IMPORT_EMPTY')
  return { encoding, delimiter: parsed.meta.delimiter, columns, rows }
}

const kindName = (input: Record<string, unknown>) => [input.firstName, input.lastName].filter((v) => typeof v === 'string' && v).join(' ')
