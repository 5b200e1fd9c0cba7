import { jsPDF } from 'jspdf'
import { autoTable, type RowInput } from 'jspdf-autotable'
import { formatDate, formatDateTime } from '../../../../shared/format'
import {
  ADDRESS_TYPE_LABELS,
  CALL_DIRECTION_LABELS,
  CUSTOMER_KIND_LABELS,
  CUSTOMER_STATUS_LABELS,
  customerDisplayName,
  EMAIL_TYPE_LABELS,
  MARITAL_STATUS_LABELS,
  NOTE_KIND_LABELS,
  PHONE_TYPE_LABELS,
  SALUTATION_LABELS,
} from '../../../../shared/labels'
import type { GdprExport } from '../../../../shared/schemas'

/** Field names of the history and audit trail in German. */
const FIELD_LABELS: Record<string, string> = {
  kind: 'Kundenart',
  status: 'Status',
  salutation: 'Anrede',
  title: 'Titel',
  firstName: 'Vorname',
  lastName: 'Nachname',
  birthName: 'Geburtsname',
  birthDate: 'Geburtsdatum',
  nationality: 'Staatsangehörigkeit',
  maritalStatus: 'Familienstand',
  occupation: 'Beruf',
  employer: 'Arbeitgeber',
  addresses: 'Anschriften',
  phones: 'Telefonnummern',
  emails: 'E-Mail-Adressen',
  bankAccounts: 'Bankverbindungen',
  tags: 'Schlagworte',
  remarks: 'Bemerkungen',
  ownerRepId: 'Betreuer',
  restrictedAt: 'Verarbeitung eingeschränkt',
  pseudonymisedAt: 'Pseudonymisiert',
  text: 'Text',
  subject: 'Betreff',
  person: 'Person',
  type: 'Art',
  validFrom: 'Gültig ab',
  validTo: 'Gültig bis',
  givenOn: 'Erteilt am',
  withdrawnOn: 'Widerrufen am',
  followUpOn: 'Wiedervorlage',
}
const ENTITY_LABELS: Record<string, string> = { customer: 'Kunde', note: 'Notiz', relation: 'Beziehung', consent: 'Einwilligung', customer_import: 'Import' }
const AUDIT_LABELS: Record<string, string> = {
  'gdpr.export': 'Datenauskunft erstellt',
  'gdpr.restrict': 'Verarbeitung eingeschränkt',
  'gdpr.unrestrict': 'Einschränkung aufgehoben',
  'gdpr.pseudonymise': 'Pseudonymisiert',
}

const SPECIALS: Record<string, string> = {
  '„': '"', '“': '"', '”': '"', '‚': "'", '‘': "'", '’': "'", '–': '-', '—': '-', '…': '...', '€': 'EUR', '•': '-', '‰': 'Promille',
  // Letters without a decomposition into base letter and accent.
  Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Œ: 'OE', œ: 'oe', Ħ: 'H', ħ: 'h', Ŧ: 'T', ŧ: 't',
}

/**
 * The PDF's standard font covers Latin-1 only: typographic quotes and dashes are spelled out,
 * other letters lose their accents (ł → l), anything else becomes "?". The JSON export has the exact text.
 */
export function pdfText(value: string): string {
  let out = ''
  for (const ch of value) {
    const cp = ch.codePointAt(0)!
    if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || ch === '\n') out += ch
    else if (SPECIALS[ch]) out += SPECIALS[ch]
    else if (ch === '\t' || ch === '\r') out += ' '
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '')
      out += [...base].every((b) => b.codePointAt(0)! <= 0xff) && base ? base : '?'
    }
  }
  return out
}

const dash = '–'
const text = (v: string | null | undefined) => (v ? v : dash)
const date = (v: string | null | undefined) => (v ? formatDate(v) : dash)

/** A history or audit value in words: dates in de-DE, lists joined, objects by their values. */
function describe(value: unknown): string {
  if (value === null || value === undefined || value === '') return dash
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? formatDateTime(value) : value
  if (typeof value === 'boolean') return value ? 'ja' : 'nein'
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return value.length ? value.map(describe).join('; ') : dash
  if (typeof value === 'object') {
    return Object.values(value as Record<string, unknown>)
      .filter((v) => v !== null && v !== '')
      .map(describe)
      .join(', ')
  }
  return String(value)
}

const MARGIN = 15

/** The readable GDPR export: A4, German headings, de-DE dates, page numbers, customer number on every page. */
export function renderGdprPdf(data: GdprExport): Uint8Array {
  const doc = new jsPDF({ format: 'a4', unit: 'mm', orientation: 'portrait' })
  const c = data.customer
  const pageWidth = doc.internal.pageSize.getWidth()
  const pageHeight = doc.internal.pageSize.getHeight()
  doc.setProperties({ title: pdfText(`Datenauskunft ${c.customerNo ?? ''}`), subject: 'Auskunft nach Art. 15 DSGVO', creator: 'Feldakte' })

  let y = MARGIN + 5
  doc.setFont('helvetica', 'bold').setFontSize(16)
  doc.text('Auskunft über gespeicherte personenbezogene Daten', MARGIN, y)
  y += 7
  doc.setFont('helvetica', 'normal').setFontSize(10)
  doc.text('nach Art. 15 und Art. 20 DSGVO', MARGIN, y)
  y += 4

  autoTable(doc, {
    startY: y,
    theme: 'plain',
    styles: { fontSize: 10, cellPadding: 1 },
    columnStyles: { 0: { fontStyle: 'bold', cellWidth: 45 } },
    body: [
      ['Kunde', pdfText(customerDisplayName(c))],
      ['Kundennummer', text(c.customerNo)],
      ['Erstellt am', formatDateTime(data.generatedAt)],
      ['Erstellt von', pdfText(text(data.generatedBy))],
    ],
    margin: { left: MARGIN, right: MARGIN },
  })

  const section = (title: string, head: string[], body: RowInput[], widths: Record<number, number> = {}) => {
    const last = (doc as unknown as { lastAutoTable?: { finalY: number } }).lastAutoTable
    let top = (last?.finalY ?? y) + 9
    if (top > pageHeight - 40) {
      doc.addPage()
      top = MARGIN + 8
    }
    doc.setFont('helvetica', 'bold').setFontSize(12)
    doc.text(title, MARGIN, top)
    const rows = body.length ? body.map((r) => (Array.isArray(r) ? r.map((cell) => (typeof cell === 'string' ? pdfText(cell) : cell)) : r)) : [[{ content: 'Keine Einträge.', colSpan: head.length }]]
    autoTable(doc, {
      startY: top + 2,
      head: [head],
      body: rows,
      theme: 'grid',
      styles: { fontSize: 8.5, cellPadding: 1.5, overflow: 'linebreak', valign: 'top' },
      headStyles: { fillColor: [35, 70, 110], textColor: 255, fontStyle: 'bold' },
      columnStyles: Object.fromEntries(Object.entries(widths).map(([k, w]) => [k, { cellWidth: w }])),
      margin: { left: MARGIN, right: MARGIN, top: MARGIN + 8, bottom: 18 },
    })
  }

  section(
    'Stammdaten',
    ['Feld', 'Wert'],
    [
      ['Kundenart', CUSTOMER_KIND_LABELS[c.kind]],
      ['Status', CUSTOMER_STATUS_LABELS[c.status]],
      ['Anrede', c.salutation ? SALUTATION_LABELS[c.salutation] : dash],
      ['Titel', text(c.title)],
      [c.kind === 'company' ? 'Firma' : 'Nachname', text(c.lastName)],
      ['Vorname', text(c.firstName)],
      ['Geburtsname', text(c.birthName)],
      ['Geburtsdatum', date(c.birthDate)],
      ['Staatsangehörigkeit', text(c.nationality)],
      ['Familienstand', c.maritalStatus ? MARITAL_STATUS_LABELS[c.maritalStatus] : dash],
      ['Beruf', text(c.occupation)],
      ['Arbeitgeber', text(c.employer)],
      ['Schlagworte', c.tags.length ? c.tags.join(', ') : dash],
      ['Bemerkungen', text(c.remarks)],
      ['Betreuer', text(c.ownerName)],
      ['Angelegt am', formatDateTime(c.createdAt)],
      ['Zuletzt geändert', formatDateTime(c.updatedAt)],
      ['Verarbeitung eingeschränkt seit', c.restrictedAt ? formatDateTime(c.restrictedAt) : dash],
      ['Pseudonymisiert am', c.pseudonymisedAt ? formatDateTime(c.pseudonymisedAt) : dash],
    ],
    { 0: 55 },
  )
  section('Anschriften', ['Art', 'Straße', 'PLZ', 'Ort', 'Land'], c.addresses.map((a) => [ADDRESS_TYPE_LABELS[a.type], text(a.street), text(a.zip), text(a.city), a.country]))
  section('Telefonnummern', ['Art', 'Nummer'], c.phones.map((p) => [PHONE_TYPE_LABELS[p.type], p.number]), { 0: 55 })
  section('E-Mail-Adressen', ['Art', 'Adresse'], c.emails.map((e) => [EMAIL_TYPE_LABELS[e.type], e.address]), { 0: 55 })
  section('Bankverbindungen', ['IBAN', 'BIC', 'Kontoinhaber', 'Bezeichnung'], c.bankAccounts.map((b) => [b.iban, text(b.bic), text(b.holder), text(b.label)]))
  section(
    'Haushalt und Beziehungen',
    ['Beziehung', 'Person oder Kunde', 'Geburtsdatum', 'Gültig ab', 'Gültig bis'],
    data.relations.map((r) => [
      r.typeName,
      r.person ? `${r.person.firstName} ${r.person.lastName}` : `${text(r.relatedCustomerName)}${r.relatedCustomerNo ? ` (${r.relatedCustomerNo})` : ''}`,
      date(r.person?.birthDate),
      date(r.validFrom),
      date(r.validTo),
    ]),
  )
  section('Einwilligungen', ['Einwilligung', 'Erteilt am', 'Widerrufen am', 'Bemerkung'], data.consents.map((k) => [k.typeName, date(k.givenOn), date(k.withdrawnOn), text(k.note)]))
  section(
    'Notizen',
    ['Datum', 'Art', 'Betreff und Text', 'Wiedervorlage', 'Verfasser'],
    data.notes.map((n) => [
      formatDateTime(n.occurredAt),
      `${NOTE_KIND_LABELS[n.kind]}${n.direction ? ` (${CALL_DIRECTION_LABELS[n.direction]})` : ''}`,
      n.subject ? `${n.subject}\n${n.text}` : n.text,
      date(n.followUpOn),
      n.authorName,
    ]),
    { 0: 28, 1: 26, 3: 24, 4: 28 },
  )
  section(
    'Änderungsverlauf',
    ['Zeitpunkt', 'Bereich', 'Feld', 'Bisher', 'Neu', 'Benutzer'],
    data.history.map((h) => [formatDateTime(h.at), ENTITY_LABELS[h.entity] ?? h.entity, FIELD_LABELS[h.field] ?? h.field, describe(h.oldValue), describe(h.newValue), h.userName]),
    { 0: 28, 1: 20, 2: 26, 5: 26 },
  )
  section(
    'Protokoll (Zugriffe und Änderungen)',
    ['Zeitpunkt', 'Vorgang', 'Bereich', 'Benutzer'],
    data.audit.map((a) => [formatDateTime(a.at), AUDIT_LABELS[a.action] ?? a.action, ENTITY_LABELS[a.entity] ?? a.entity, text(a.actorName)]),
    { 0: 32 },
  )
  section('Hinweise', ['Hinweis'], data.remarks.map((r) => [r]))

  // Footer on every page, once the page count is known.
  const pages = doc.getNumberOfPages()
  for (let i = 1; i <= pages; i++) {
    doc.setPage(i)
    doc.setFont('helvetica', 'normal').setFontSize(8).setTextColor(90)
    const footerY = pageHeight - 8
    doc.text(pdfText(`Datenauskunft Kundennummer ${c.customerNo ?? dash} – erstellt am ${formatDateTime(data.generatedAt)}`), MARGIN, footerY)
    doc.text(`Seite ${i} von ${pages}`, pageWidth - MARGIN, footerY, { align: 'right' })
    doc.setTextColor(0)
  }
  return new Uint8Array(doc.output('arraybuffer'))
}
