import { z } from 'zod'
import { idSchema } from './common'

/** CSV import of customers (back office, admin): upload → preview with errors per row → commit. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024
export const IMPORT_MAX_ROWS = 100_000
/** Rows of the file the preview shows, and rows with problems it lists. */
export const IMPORT_PREVIEW_ROWS = 100
export const IMPORT_PROBLEM_ROWS = 200

/**
 * The columns the import understands, with the header names it accepts (German and English,
 * compared without case, spaces, dashes and umlaut spelling). Unknown columns are reported and ignored.
 */
export const IMPORT_COLUMNS = {
  kind: { label: 'Kundenart', aliases: ['Kundenart', 'Art', 'Typ', 'Kind', 'Type'] },
  salutation: { label: 'Anrede', aliases: ['Anrede', 'Salutation'] },
  title: { label: 'Titel', aliases: ['Titel', 'Title', 'Akad. Titel'] },
  firstName: { label: 'Vorname', aliases: ['Vorname', 'Vornamen', 'First name', 'Firstname', 'Given name'] },
  lastName: { label: 'Nachname', aliases: ['Nachname', 'Name', 'Familienname', 'Last name', 'Lastname', 'Surname', 'Family name'] },
  company: { label: 'Firma', aliases: ['Firma', 'Firmenname', 'Unternehmen', 'Company', 'Company name', 'Organisation', 'Organization'] },
  birthName: { label: 'Geburtsname', aliases: ['Geburtsname', 'Birth name', 'Maiden name'] },
  birthDate: { label: 'Geburtsdatum', aliases: ['Geburtsdatum', 'Geb.-Datum', 'Geboren', 'Birth date', 'Birthdate', 'Date of birth', 'Birthday'] },
  nationality: { label: 'Staatsangehörigkeit', aliases: ['Staatsangehörigkeit', 'Nationalität', 'Nationality'] },
  maritalStatus: { label: 'Familienstand', aliases: ['Familienstand', 'Marital status'] },
  occupation: { label: 'Beruf', aliases: ['Beruf', 'Occupation', 'Job'] },
  employer: { label: 'Arbeitgeber', aliases: ['Arbeitgeber', 'Employer'] },
  street: { label: 'Straße', aliases: ['Straße', 'Str.', 'Straße und Hausnummer', 'Anschrift', 'Adresse', 'Street', 'Address'] },
  houseNumber: { label: 'Hausnummer', aliases: ['Hausnummer', 'Hausnr.', 'Nr.', 'House number'] },
  zip: { label: 'PLZ', aliases: ['PLZ', 'Postleitzahl', 'Zip', 'Zip code', 'Postal code', 'Postcode'] },
  city: { label: 'Ort', aliases: ['Ort', 'Wohnort', 'Stadt', 'City', 'Town'] },
  country: { label: 'Land', aliases: ['Land', 'Country'] },
  phone: { label: 'Telefon', aliases: ['Telefon', 'Telefon privat', 'Tel.', 'Telefonnummer', 'Phone', 'Telephone', 'Home phone'] },
  phoneWork: { label: 'Telefon geschäftlich', aliases: ['Telefon geschäftlich', 'Telefon dienstlich', 'Work phone', 'Business phone'] },
  mobile: { label: 'Mobil', aliases: ['Mobil', 'Mobiltelefon', 'Handy', 'Mobile', 'Mobile phone', 'Cell'] },
  fax: { label: 'Fax', aliases: ['Fax', 'Telefax'] },
  email: { label: 'E-Mail', aliases: ['E-Mail', 'Email', 'E-Mail privat', 'Mail', 'E-Mail-Adresse', 'Email address'] },
  emailWork: { label: 'E-Mail geschäftlich', aliases: ['E-Mail geschäftlich', 'E-Mail dienstlich', 'Work email', 'Business email'] },
  iban: { label: 'IBAN', aliases: ['IBAN'] },
  bic: { label: 'BIC', aliases: ['BIC', 'SWIFT', 'SWIFT-BIC'] },
  accountHolder: { label: 'Kontoinhaber', aliases: ['Kontoinhaber', 'Account holder'] },
  status: { label: 'Status', aliases: ['Status', 'Kundenstatus'] },
  tags: { label: 'Schlagworte', aliases: ['Schlagworte', 'Schlagwörter', 'Stichworte', 'Tags', 'Kategorien', 'Categories'] },
  remarks: { label: 'Bemerkung', aliases: ['Bemerkung', 'Bemerkungen', 'Notiz', 'Notizen', 'Kommentar', 'Remarks', 'Notes', 'Comment'] },
} as const
export type ImportColumn = keyof typeof IMPORT_COLUMNS

/** Header text → comparable key: "E-Mail geschäftlich" and "email geschaeftlich" are the same column. */
export function headerKey(header: string): string {
  return header
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '')
}

const ALIASES = new Map<string, ImportColumn>(
  (Object.entries(IMPORT_COLUMNS) as [ImportColumn, { aliases: readonly string[] }][]).flatMap(([column, def]) => def.aliases.map((a) => [headerKey(a), column] as const)),
)

/** The import column a header means, or null when the import does not know it. */
export function importColumnOf(header: string): ImportColumn | null {
  return ALIASES.get(headerKey(header)) ?? null
}

/** POST /customer-imports?fileName=…&ownerRepId=… with the file as body (text/csv) or as multipart field `file`. */
export const importUploadQuerySchema = z.object({
  fileName: z.string().trim().min(1).max(200).optional(),
  ownerRepId: idSchema.optional(),
})

export const importIssueSchema = z.object({
  /** The column header as in the file (or the label of the import column); null for the whole row. */
  column: z.string().nullable(),
  message: z.string(),
  /** The cell's content, when the issue is about one cell. */
  value: z.string().optional(),
})
export type ImportIssue = z.infer<typeof importIssueSchema>

export const importRowSchema = z.object({
  /** Line number in the file; the header is line 1. */
  line: z.number().int(),
  name: z.string(),
  birthDate: z.string().nullable(),
  city: z.string().nullable(),
  valid: z.boolean(),
  errors: z.array(importIssueSchema),
  warnings: z.array(importIssueSchema),
})
export type ImportRow = z.infer<typeof importRowSchema>

export const CUSTOMER_IMPORT_STATUSES = ['preview', 'committed', 'discarded'] as const
export const importSummarySchema = z.object({
  total: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  withWarnings: z.number().int(),
  delimiter: z.string(),
  encoding: z.enum(['utf-8', 'windows-1252']),
  columns: z.array(z.object({ header: z.string(), column: z.string().nullable(), label: z.string().nullable() })),
  /** After the commit. */
  imported: z.number().int().optional(),
  firstCustomerNo: z.string().nullable().optional(),
  lastCustomerNo: z.string().nullable().optional(),
})
export type ImportSummary = z.infer<typeof importSummarySchema>

export const importPreviewSchema = z.object({
  id: idSchema,
  fileName: z.string(),
  ownerRepId: idSchema,
  ownerName: z.string(),
  status: z.enum(CUSTOMER_IMPORT_STATUSES),
  createdAt: z.string(),
  committedAt: z.string().nullable(),
  summary: importSummarySchema,
  /** The first IMPORT_PREVIEW_ROWS rows of the file. */
  rows: z.array(importRowSchema),
  /** The first IMPORT_PROBLEM_ROWS rows with errors or warnings. */
  problems: z.array(importRowSchema),
})
export type ImportPreview = z.infer<typeof importPreviewSchema>

export const IMPORT_MODES = ['all', 'valid'] as const
export type ImportMode = (typeof IMPORT_MODES)[number]
export const commitImportSchema = z.object({ mode: z.enum(IMPORT_MODES) })
export type CommitImportInput = z.infer<typeof commitImportSchema>

export const importCommitResultSchema = z.object({
  id: idSchema,
  imported: z.number().int(),
  skipped: z.number().int(),
  firstCustomerNo: z.string().nullable(),
  lastCustomerNo: z.string().nullable(),
  /** Ids of the first imported customers (for links). */
  customerIds: z.array(idSchema),
})
export type ImportCommitResult = z.infer<typeof importCommitResultSchema>
