import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app'
import { makeBranch, makeCustomer, makeSignedIn } from '../support/factories'

// Finding: after pseudonymisation the name was gone from feldakte.db but still in feldakte.db-wal.
const NAME = 'Quastenbichler'
const CITY = 'Zwieselhausen'
const EMAIL = 'wendelgard.quastenbichler@beispiel.de'

let t: TestApp | undefined
let dir: string

afterEach(() => {
  t?.db.$client.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Every file SQLite keeps for this database, read as raw bytes. */
function rawFiles(file: string): Buffer[] {
  return ['', '-wal', '-shm', '-journal'].map((s) => file + s).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f))
}
const holds = (bufs: Buffer[], text: string) => bufs.some((b) => b.includes(Buffer.from(text, 'utf8')) || b.includes(Buffer.from(text.toLowerCase(), 'utf8')))

describe('pseudonymisation on a file database', () => {
  it('leaves the name, city and e-mail in none of the database files, the WAL included', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'feldakte-wal-'))
    const file = path.join(dir, 'feldakte.db')
    t = createTestApp({}, { dbFile: file })
    const branch = makeBranch(t)
    const rep = await makeSignedIn(t, { branchIds: [branch] })
    const office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch] })
    const id = makeCustomer(t, rep.id, {
      firstName: 'Wendelgard',
      lastName: NAME,
      addresses: [{ type: 'home', street: 'Am Anger 3', zip: '94227', city: CITY, country: 'DE' }],
      emails: [{ type: 'private', address: EMAIL }],
    })
    expect(holds(rawFiles(file), NAME)).toBe(true)

    const customer = await (await t.req('GET', `/api/customers/${id}`, { cookie: office.cookie })).json()
    const res = await t.req('POST', `/api/customers/${id}/pseudonymise`, { cookie: office.cookie, body: { confirm: customer.customerNo } })
    expect(res.status).toBe(200)

    const files = rawFiles(file)
    for (const text of [NAME, CITY, EMAIL]) expect(holds(files, text), text).toBe(false)
  })
})
