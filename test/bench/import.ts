import { openMigratedDb } from '../../server/src/db/client'
import { generateOrganisation } from '../../server/src/demo/demo.service'
import { CITIES, FIRST_NAMES, LAST_NAMES, pick, seededRandom, STREETS } from '../../server/src/demo/names'
import { DEMO_LEVELS } from '../../server/src/demo/seed'
import { createDeps } from '../../server/src/deps'
import { parseEnv } from '../../server/src/env'
import { systemClock } from '../../server/src/lib/clock'
import { commitImport, createImport } from '../../server/src/modules/customer-imports/customer-imports.service'
import type { Row } from './sync'

/** A valid German IBAN for a bank code and account (ISO 13616 check digits). */
function germanIban(blz: string, account: string): string {
  const bban = blz + account.padStart(10, '0')
  const check = 98n - (BigInt(`${bban}131400`) % 97n)
  return `DE${String(check).padStart(2, '0')}${bban}`
}

/**
 * A CSV file as back office gets it from a previous system: `;`-separated, German headers and
 * dates, every 50th row broken (IBAN, date or name), every 200th a repeat of an earlier row.
 */
export function generateImportCsv(rows: number, seed: number): Uint8Array {
  const random = seededRandom(seed)
  const lines = ['Anrede;Vorname;Nachname;Geburtsdatum;Straße;PLZ;Ort;Telefon;Mobil;E-Mail;IBAN;Status;Schlagworte;Bemerkung']
  for (let i = 0; i < rows; i++) {
    if (i % 200 === 199) {
      lines.push(lines[lines.length - 150]!)
      continue
    }
    const first = pick(random, FIRST_NAMES)
    const last = pick(random, LAST_NAMES)
    const [zip, city] = pick(random, CITIES)
    const day = String(1 + Math.floor(random() * 28)).padStart(2, '0')
    const month = String(1 + Math.floor(random() * 12)).padStart(2, '0')
    let birth = `${day}.${month}.${1940 + Math.floor(random() * 65)}`
    let iban = random() < 0.6 ? germanIban('37040044', String(Math.floor(random() * 1e10))) : ''
    let lastName: string = last
    if (i % 50 === 7) iban = 'DE00123456789012345678'
    if (i % 50 === 23) birth = '31.02.1980'
    if (i % 50 === 41) lastName = ''
    const phone = `0${2 + Math.floor(random() * 8)}${Math.floor(random() * 100)} ${Math.floor(100_000 + random() * 899_999)}`
    const mobile = random() < 0.5 ? `01${5 + Math.floor(random() * 3)}${Math.floor(random() * 10)} ${Math.floor(1_000_000 + random() * 8_999_999)}` : ''
    const mail = random() < 0.7 ? `${first}.${last}${i}@example.de`.toLowerCase().replace(/[^a-z0-9.@-]/g, '') : ''
    lines.push(
      [
        random() < 0.5 ? 'Frau' : 'Herr',
        first,
        lastName,
        birth,
        `${pick(random, STREETS)} ${1 + Math.floor(random() * 120)}`,
        zip,
        city,
        phone,
        mobile,
        mail,
        iban,
        random() < 0.8 ? 'Kunde' : 'Interessent',
        random() < 0.2 ? 'Bestand, Altvertrag' : '',
        random() < 0.1 ? '"Übernommen aus Altbestand; bitte prüfen"' : '',
      ].join(';'),
    )
  }
  return new TextEncoder().encode(lines.join('\r\n') + '\r\n')
}

/** CSV import of 100,000 customers through the service: preview (parse, check, duplicates), then commit. */
export async function benchImport(rows: Row[], total = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000)): Promise<void> {
  const db = openMigratedDb(':memory:')
  const now = new Date().toISOString()
  const org = generateOrganisation(db, {
    branchNames: ['Nord'],
    levels: DEMO_LEVELS,
    repsPerBranch: 20,
    depth: 3,
    passwordHash: 'x',
    validFrom: '2020-01-01',
    seed: 31,
    emailDomain: 'bench.example',
    backofficePerBranch: 1,
    now,
  })
  const deps = createDeps(db, parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), systemClock)
  const office = org.users.find((u) => u.role === 'backoffice')!
  const actor = { id: office.id, role: 'backoffice' as const, branchIds: office.branchIds }
  const [owner, other] = org.repIds.slice(-2) as [string, string]

  // Existing customers in scope, so the duplicate check has something to look through.
  const seeded = createImport(deps, actor, { bytes: generateImportCsv(20_000, 5), fileName: 'bestand.csv', ownerRepId: other })
  commitImport(deps, actor, seeded.id, 'valid')

  const file = generateImportCsv(total, 77)
  let t = performance.now()
  const preview = createImport(deps, actor, { bytes: file, fileName: 'import.csv', ownerRepId: owner })
  const previewMs = performance.now() - t
  t = performance.now()
  const result = commitImport(deps, actor, preview.id, 'valid')
  const commitMs = performance.now() - t
  const seconds = (previewMs + commitMs) / 1000
  const mb = (file.byteLength / 1024 / 1024).toFixed(1)
  const n = total.toLocaleString('de-DE')
  rows.push({
    metric: `CSV-Import Vorschau: ${n} Zeilen (${mb} MB), ${preview.summary.invalid.toLocaleString('de-DE')} fehlerhaft`,
    value: `${(previewMs / 1000).toFixed(1)} s`,
    target: '–',
    ok: true,
  })
  rows.push({ metric: `CSV-Import ausführen: ${result.imported.toLocaleString('de-DE')} Kunden in einer Transaktion`, value: `${(commitMs / 1000).toFixed(1)} s`, target: '–', ok: true })
  rows.push({ metric: `CSV-Import von ${n} Kunden gesamt (Vorschau + Import)`, value: `${seconds.toFixed(1)} s`, target: '≤ 60 s', ok: seconds <= 60 })
  db.$client.close()
}

if (process.argv[1]?.endsWith('import.ts')) {
  const rows: Row[] = []
  await benchImport(rows)
  console.table(rows)
}
