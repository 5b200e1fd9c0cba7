import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { addDays, berlinDate } from '../../../shared/dates'
import { uuidv7 } from '../../../shared/ids'
import { consentWarnings, type ConsentRow } from '../../../shared/schemas/consents'
import { openUserDb, type FeldakteDb } from '../../../client/src/db'
import { localCustomer, MutationArgsError, mutate, replay, settlePushed, toLocal } from '../../../client/src/mutators'
import { recordConsent, withdrawConsent } from '../../../client/src/mutators/consents'
import { serverCustomerRow } from './fake-server'

let db: FeldakteDb
afterEach(() => db?.close())

async function device() {
  db = await openUserDb(uuidv7(), { storage: null })
  const customer = serverCustomerRow({ firstName: 'Anna', lastName: 'Alt', ownerRepId: uuidv7() })
  await db.customers.put(localCustomer(customer))
  return customer
}

const outbox = () => db.outbox.orderBy('seq').toArray()
const rowsOf = (customerId: string) => db.consents.where('customerId').equals(customerId).toArray()

describe('recordConsent on the device', () => {
  it('stores the record for the customer’s rep with the signed-in user as recorder, and the warning goes away', async () => {
    const customer = await device()
    expect(consentWarnings(await rowsOf(customer.id), ['privacy'])).toEqual([{ type: 'privacy', state: 'missing' }])

    const { id } = await recordConsent(db, { customerId: customer.id, type: 'privacy', givenOn: '2026-01-15', note: ' unterschrieben ' })
    expect(await db.consents.get(id)).toMatchObject({
      customerId: customer.id,
      type: 'privacy',
      givenOn: '2026-01-15',
      withdrawnOn: null,
      note: 'unterschrieben',
      ownerRepId: customer.ownerRepId,
      createdBy: db.userId,
      pending: { base: null },
    })
    expect((await outbox())[0]).toMatchObject({ name: 'recordConsent', v: 1, args: { id, customerId: customer.id, type: 'privacy', givenOn: '2026-01-15', note: 'unterschrieben' } })
    expect(consentWarnings(await rowsOf(customer.id), ['privacy'])).toEqual([])
  })

  it('refuses a date in the future with a German message and stores nothing', async () => {
    const customer = await device()
    const error = await recordConsent(db, { customerId: customer.id, type: 'privacy', givenOn: addDays(berlinDate(), 3) }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MutationArgsError)
    expect((error as MutationArgsError).issues).toEqual([{ path: 'givenOn', message: 'Das Datum der Einwilligung liegt in der Zukunft.' }])
    expect(await rowsOf(customer.id)).toEqual([])
    expect(await outbox()).toEqual([])
  })
})

describe('withdrawConsent on the device', () => {
  it('sets the withdrawal date once, and the required consent warns as withdrawn', async () => {
    const customer = await device()
    const { id } = await recordConsent(db, { customerId: customer.id, type: 'privacy', givenOn: '2026-01-15' })
    await withdrawConsent(db, id, '2026-02-01')
    expect(await db.consents.get(id)).toMatchObject({ givenOn: '2026-01-15', withdrawnOn: '2026-02-01' })
    expect(consentWarnings(await rowsOf(customer.id), ['privacy'])).toEqual([{ type: 'privacy', state: 'withdrawn' }])

    const again = await withdrawConsent(db, id, '2026-02-02').catch((e: unknown) => e)
    expect((again as MutationArgsError).issues).toEqual([{ path: 'withdrawnOn', message: 'Diese Einwilligung wurde bereits widerrufen.' }])
    expect(await outbox()).toHaveLength(2)
  })

  it('refuses a withdrawal before the consent was given', async () => {
    const customer = await device()
    const { id } = await recordConsent(db, { customerId: customer.id, type: 'health_data', givenOn: '2026-01-15' })
    const error = await withdrawConsent(db, id, '2026-01-14').catch((e: unknown) => e)
    expect((error as MutationArgsError).issues).toEqual([{ path: 'withdrawnOn', message: 'Der Widerruf kann nicht vor der Einwilligung liegen.' }])
    // Back office holds no row: the given date of the server's record is checked before sending.
    const offDevice = await withdrawConsent(db, uuidv7(), '2026-01-14', '2026-01-15').catch((e: unknown) => e)
    expect(offDevice).toBeInstanceOf(MutationArgsError)
    expect(await outbox()).toHaveLength(1)
  })

  it('replays an already applied withdrawal without throwing', async () => {
    const customer = await device()
    const { id } = await recordConsent(db, { customerId: customer.id, type: 'privacy', givenOn: '2026-01-15' })
    await withdrawConsent(db, id, '2026-02-01')
    await expect(replay(db, await outbox())).resolves.toBeUndefined()
    expect(await db.consents.get(id)).toMatchObject({ withdrawnOn: '2026-02-01' })
  })

  it('restores the server’s record when the server refuses the withdrawal', async () => {
    const customer = await device()
    const server: ConsentRow = {
      id: uuidv7(),
      customerId: customer.id,
      type: 'privacy',
      givenOn: '2026-01-15',
      withdrawnOn: null,
      note: null,
      documentId: null,
      ownerRepId: customer.ownerRepId,
      createdBy: uuidv7(),
      createdAt: '2026-01-15T10:00:00.000Z',
      updatedAt: '2026-01-15T10:00:00.000Z',
    }
    await db.consents.put(toLocal('consents', { ...server }) as never)
    await mutate(db, 'withdrawConsent', { id: server.id, withdrawnOn: '2026-02-01' })
    const [entry] = await outbox()
    await db.transaction('rw', [db.outbox, ...db.syncedTables()], async () => {
      await db.outbox.delete(entry!.seq)
      await settlePushed(db, [{ entry: entry!, status: 'rejected' }], [])
    })
    expect(await db.consents.get(server.id)).toEqual(server)
  })
})
