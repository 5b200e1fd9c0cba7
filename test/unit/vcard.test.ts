import { describe, expect, it } from 'vitest'
import type { CustomerRow } from '../../shared/schemas/customers'
import { escapeVCardText, foldVCardLine, toVCard, vcardFileName } from '../../shared/vcard'

const base: CustomerRow = {
  id: '0195f3a2-7c00-7000-8000-000000000001',
  customerNo: 'K-000042',
  kind: 'person',
  status: 'customer',
  salutation: 'ms',
  title: 'Dr.',
  firstName: 'Erika',
  lastName: 'Mustermann',
  birthName: 'Gabler',
  birthDate: '1964-08-12',
  nationality: 'DE',
  maritalStatus: 'married',
  occupation: 'Ärztin',
  employer: 'Klinikum Nord',
  addresses: [{ type: 'home', street: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'DE' }],
  phones: [
    { type: 'mobile', number: '0171 2345678' },
    { type: 'home', number: '0221 123456' },
    { type: 'work', number: '0221 999' },
    { type: 'fax', number: '0221 998' },
  ],
  emails: [
    { type: 'private', address: 'erika@example.de' },
    { type: 'work', address: 'e.mustermann@klinikum.example' },
  ],
  bankAccounts: [{ iban: 'DE89370400440532013000', bic: null, holder: null, label: null }],
  tags: ['VIP'],
  remarks: null,
  ownerRepId: '0195f3a2-7c00-7000-8000-0000000000aa',
  branchId: null,
  restrictedAt: null,
  pseudonymisedAt: null,
  createdAt: '2026-01-02T08:00:00.000Z',
  updatedAt: '2026-03-12T09:05:07.123Z',
}

/** Unfolds the text and returns its content lines (RFC 6350 §3.2). */
const contentLines = (card: string) => card.replace(/\r\n /g, '').split('\r\n').filter(Boolean)
const octets = (s: string) => new TextEncoder().encode(s).length

describe('escapeVCardText', () => {
  it.each([
    ['plain', 'plain'],
    ['Müller, Meier', 'Müller\\, Meier'],
    ['a;b', 'a\\;b'],
    ['C:\\Pfad', 'C:\\\\Pfad'],
    ['Zeile 1\nZeile 2', 'Zeile 1\\nZeile 2'],
    ['Zeile 1\r\nZeile 2\rZeile 3', 'Zeile 1\\nZeile 2\\nZeile 3'],
    ['\\,;', '\\\\\\,\\;'],
  ])('%j → %j', (input, expected) => {
    expect(escapeVCardText(input)).toBe(expected)
  })
})

describe('foldVCardLine', () => {
  it.each([
    ['short line stays', 'FN:Erika', 1],
    ['exactly 75 octets stay on one line', `NOTE:${'x'.repeat(70)}`, 1],
    ['76 octets fold once', `NOTE:${'x'.repeat(71)}`, 2],
    ['umlauts count as two octets', `NOTE:${'ä'.repeat(60)}`, 2],
    ['a long note folds several times', `NOTE:${'Wort '.repeat(60)}`, 5],
  ])('%s', (_name, line, parts) => {
    const folded = foldVCardLine(line)
    const pieces = folded.split('\r\n')
    expect(pieces).toHaveLength(parts)
    for (const p of pieces) expect(octets(p)).toBeLessThanOrEqual(75)
    for (const p of pieces.slice(1)) expect(p.startsWith(' ')).toBe(true)
    expect(folded.replace(/\r\n /g, '')).toBe(line)
  })

  it('never splits a multi-byte character (emoji, four octets)', () => {
    const line = `NOTE:${'😀'.repeat(40)}`
    const pieces = foldVCardLine(line).split('\r\n')
    for (const p of pieces) expect(new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(p))).toBe(p)
  })
})

describe('toVCard', () => {
  it('starts with BEGIN/VERSION 4.0, ends with END and uses CRLF only', () => {
    const card = toVCard(base)
    expect(card.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\n')).toBe(true)
    expect(card.endsWith('END:VCARD\r\n')).toBe(true)
    expect(card.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  })

  it.each<[string, Partial<CustomerRow>, string[], string[]]>([
    [
      'person: FN, N with title, gender, birthday, employer, occupation',
      {},
      ['FN:Dr. Erika Mustermann', 'N:Mustermann;Erika;;Dr.;', 'GENDER:F', 'BDAY:19640812', 'ORG:Klinikum Nord', 'TITLE:Ärztin'],
      ['KIND:org'],
    ],
    ['home address with country name', {}, ['ADR;TYPE=home:;;Heidestraße 17;Köln;;51147;Deutschland'], []],
    [
      'work and postal addresses',
      { addresses: [{ type: 'work', street: 'Hafen 1', zip: '20457', city: 'Hamburg', country: 'DE' }, { type: 'postal', street: 'Postfach 12', zip: '', city: 'Wien', country: 'AT' }] },
      ['ADR;TYPE=work:;;Hafen 1;Hamburg;;20457;Deutschland', 'ADR:;;Postfach 12;Wien;;;Österreich'],
      [],
    ],
    ['phones by type', {}, ['TEL;TYPE=cell:0171 2345678', 'TEL;TYPE=home:0221 123456', 'TEL;TYPE=work:0221 999', 'TEL;TYPE=fax:0221 998'], []],
    ['e-mails by type', {}, ['EMAIL;TYPE=home:erika@example.de', 'EMAIL;TYPE=work:e.mustermann@klinikum.example'], []],
    ['UID and REV', {}, ['UID:urn:uuid:0195f3a2-7c00-7000-8000-000000000001', 'REV:20260312T090507Z'], []],
    ['customer number in the note, remarks escaped', { remarks: 'Ruft abends an; bitte Rückruf,\nnicht vor 18 Uhr' }, ['NOTE:Kundennummer K-000042\\nRuft abends an\\; bitte Rückruf\\,\\nnicht vor 18 Uhr'], []],
    ['no note without number and remarks', { customerNo: null, remarks: null }, [], ['NOTE:']],
    ['names with separators are escaped in N and FN', { firstName: 'Anna;Lena', lastName: 'Meier, geb. Schulz', title: null }, ['FN:Anna;Lena Meier, geb. Schulz'.replace(/;/g, '\\;').replace(/,/g, '\\,'), 'N:Meier\\, geb. Schulz;Anna\\;Lena;;;'], []],
    ['tags as categories', { tags: ['VIP', 'Bau, Finanzierung'] }, ['CATEGORIES:VIP,Bau\\, Finanzierung'], []],
    ['no birthday, no gender, no org when empty', { birthDate: null, salutation: 'none', employer: null, occupation: null }, [], ['BDAY:', 'GENDER:', 'ORG:', 'TITLE:']],
    [
      'company: KIND org, ORG, FN is the company name, no N and no birthday',
      { kind: 'company', firstName: '', lastName: 'Muster GmbH & Co. KG', title: null, birthDate: null, salutation: null },
      ['KIND:org', 'FN:Muster GmbH & Co. KG', 'ORG:Muster GmbH & Co. KG'],
      ['N:', 'BDAY:', 'GENDER:'],
    ],
  ])('%s', (_name, overrides, present, absent) => {
    const lines = contentLines(toVCard({ ...base, ...overrides }))
    for (const p of present) expect(lines).toContain(p)
    for (const a of absent) expect(lines.some((l) => l.startsWith(a))).toBe(false)
  })

  it('folds long lines at 75 octets and unfolds to the original', () => {
    const remarks = 'Sehr lange Bemerkung über die Familie Müller-Lüdenscheidt, die gern über Bausparverträge spricht. '.repeat(4)
    const card = toVCard({ ...base, remarks })
    for (const physical of card.split('\r\n')) expect(octets(physical)).toBeLessThanOrEqual(75)
    expect(contentLines(card).find((l) => l.startsWith('NOTE:'))).toBe(`NOTE:Kundennummer K-000042\\n${escapeVCardText(remarks)}`)
  })
})

describe('vcardFileName', () => {
  it.each<[Partial<CustomerRow>, string]>([
    [{}, 'Erika_Mustermann.vcf'],
    [{ firstName: 'Jürgen', lastName: 'Groß/Klein' }, 'Jürgen_GroßKlein.vcf'],
    [{ kind: 'company', firstName: '', lastName: 'Muster GmbH & Co. KG' }, 'Muster_GmbH_Co._KG.vcf'],
    [{ firstName: '"', lastName: '<>' }, 'K-000042.vcf'],
  ])('%j → %s', (overrides, expected) => {
    expect(vcardFileName({ ...base, ...overrides })).toBe(expected)
  })
})
