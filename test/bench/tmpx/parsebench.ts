import { generateImportCsv } from '../import'
import { parseCustomerCsv } from '../../../server/src/modules/customer-imports/customer-imports.csv.ts'
const bytes = generateImportCsv(100_000, 77)
let t = performance.now()
const f = parseCustomerCsv(bytes)
console.log('parse', (performance.now() - t).toFixed(0), f.rows.length)
