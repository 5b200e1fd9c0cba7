import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { defineStore } from 'pinia'
import { liveQuery } from 'dexie'
import { customerDisplayName } from '@shared/labels'
import type { CustomerDetail, CustomerListItem, CustomerRow, DuplicateCandidate, DuplicateCheck } from '@shared/schemas/customers'
import { api, ApiError } from '../api'
import { DeviceCustomerSearch, LocalWriteError, type FeldakteDb, type LocalCustomer } from '../db'
import { findLocalDuplicates } from '../db/duplicates'
import { createCustomer, customerChanges, mergeCustomers, mutate, MutationArgsError, reassignCustomer, updateCustomer } from '../mutators'
import { formToValues, type CustomerFormValues } from '../lib/customerForm'
import { rejectionReason } from '../lib/mutationText'
import { useAuthStore } from './auth'
import { useSyncStore } from './sync'

/** A customer as the screens show it, from the device or from the server. */
export interface CustomerView extends CustomerRow {
  /** Name of the owning rep (server lists only). */
  ownerName: string | null
  /** Changed on this device, not yet confirmed by the server. */
  pending: boolean
}

export type CustomerHistory = CustomerDetail['history']

/** A save that did not happen; `issues` belong to form fields. Nothing was stored. */
export class CustomerSaveError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message)
    this.name = 'CustomerSaveError'
  }
}

export interface CustomerListModel {
  rows: Ref<CustomerView[]>
  total: Ref<number>
  /** The server stopped counting: there are more than `total` matches. */
  totalCapped: Ref<boolean>
  /** More rows exist than shown (device: raise the limit; server: next page). */
  more: Ref<boolean>
  loading: Ref<boolean>
  error: Ref<string | null>
  /** The query the rows belong to (they lag behind typing). */
  shownQuery: Ref<string>
}

export interface CustomerDetailModel {
  customer: Ref<CustomerView | null>
  history: Ref<CustomerHistory>
  loading: Ref<boolean>
  error: Ref<string | null>
  reload(): Promise<void>
}

export const SERVER_PAGE_SIZE = 50

/** A possible duplicate as the warning shows it; `ownerName` is empty on a rep's device. */
export type DuplicateHit = DuplicateCandidate

export interface DuplicateResult {
  items: DuplicateHit[]
  /** Why no check ran (back office offline); null when it ran. */
  skipped: string | null
}

function duplicateOf(c: LocalCustomer): Omit<DuplicateHit, 'reasons'> {
  return { id: c.id, customerNo: c.customerNo, firstName: c.firstName, lastName: c.lastName, birthDate: c.birthDate, city: c.addresses[0]?.city || null, ownerName: '' }
}

function fromDevice(c: LocalCustomer): CustomerView {
  const { words: _words, nameKey: _nameKey, pending, ...row } = c
  return { ...row, ownerName: null, pending: !!pending }
}
const fromServer = (c: CustomerListItem): CustomerView => ({ ...c, pending: false })

function toSaveError(e: unknown): CustomerSaveError {
  if (e instanceof CustomerSaveError) return e
  if (e instanceof MutationArgsError) return new CustomerSaveError(e.message, e.issues)
  if (e instanceof LocalWriteError) return new CustomerSaveError(e.message)
  console.error(e)
  return new CustomerSaveError('Die Änderung konnte auf dem Gerät nicht gespeichert werden.')
}

const loadError = (e: unknown) => (e instanceof ApiError ? e.message : 'Die Kunden konnten nicht geladen werden.')

/**
 * Customers. Reps work on their device: lists and details are live queries over Dexie, writes are
 * mutations (durable on the device first). Back office and admin hold no customers on the device:
 * they read server pages that refresh on every poke, and write through their own sync engine.
 */
export const useCustomersStore = defineStore('customers', () => {
  const auth = useAuthStore()
  const sync = useSyncStore()
  const onDevice = computed(() => auth.me?.role === 'rep')
  /** The last change saved here, so the screen can follow it from "gespeichert" to "synchronisiert". */
  const lastSave = ref<{ customerId: string; mutationId: string; seq: number } | null>(null)
  const lastSaveState = computed(() => (lastSave.value ? sync.saveState(lastSave.value.mutationId, lastSave.value.seq) : null))
  watch(
    () => sync.userId,
    () => (lastSave.value = null),
  )

  function requireDb(): FeldakteDb {
    if (sync.db) return sync.db
    throw new CustomerSaveError(sync.lastError?.message ?? 'Der Speicher auf dem Gerät ist noch nicht bereit. Bitte versuchen Sie es gleich noch einmal.')
  }

  /** The device's customers, sorted by name, or on-device search results (scope-bound). */
  function watchDeviceList(query: Ref<string>, limit: Ref<number>): CustomerListModel {
    const model = listModel()
    let sub: { unsubscribe(): void } | null = null
    let search: DeviceCustomerSearch | null = null
    // Bumped by the live count whenever the device's customers change: the list is read again.
    const changes = ref(0)
    let request = 0
    let warmTimer: ReturnType<typeof setTimeout> | undefined
    // The same row object gives the same view object: list items that stay between keystrokes are not re-rendered.
    const views = new WeakMap<LocalCustomer, CustomerView>()
    const view = (c: LocalCustomer) => views.get(c) ?? views.set(c, fromDevice(c)).get(c)!
    const stopDb = watch(
      () => sync.db,
      (db) => {
        sub?.unsubscribe()
        sub = null
        search = null
        clearTimeout(warmTimer)
        if (!db) return
        const current = (search = new DeviceCustomerSearch(db))
        sub = liveQuery(() => db.customers.count()).subscribe({
          next: (total) => {
            model.total.value = total
            current.invalidate()
            // The search index is rebuilt once the customers stop changing (not for every page of a
            // sync); the list is read again now and once more from the new index.
            clearTimeout(warmTimer)
            warmTimer = setTimeout(() => {
              current
                .ready()
                .then(() => changes.value++)
                .catch((e: unknown) => console.error(e))
            }, 500)
            changes.value++
          },
          error: (e: unknown) => {
            console.error(e)
            model.error.value = 'Die Kunden auf diesem Gerät konnten nicht gelesen werden.'
            model.loading.value = false
          },
        })
      },
      { immediate: true },
    )
    const stop = watch([query, limit, changes], async ([q, n]) => {
      const current = search
      if (!current) return
      const id = ++request
      const term = q.trim()
      try {
        const rows = term ? await current.search(term, n + 1) : await current.list(n + 1)
        if (id !== request) return
        model.rows.value = rows.slice(0, n).map(view)
        model.more.value = rows.length > n
        model.shownQuery.value = term
        model.loading.value = false
        model.error.value = null
      } catch (e) {
        if (id !== request) return
        console.error(e)
        model.error.value = 'Die Kunden auf diesem Gerät konnten nicht gelesen werden.'
        model.loading.value = false
      }
    })
    onScopeDispose(() => {
      stopDb()
      stop()
      sub?.unsubscribe()
      clearTimeout(warmTimer)
    })
    return model
  }

  /** One page of the server's list; fetched again whenever the server pokes (someone changed data). */
  function watchServerList(query: Ref<string>, page: Ref<number>): CustomerListModel {
    const model = listModel()
    let request = 0
    let timer: ReturnType<typeof setTimeout> | null = null
    async function load(): Promise<void> {
      const id = ++request
      const q = query.value.trim()
      model.loading.value = true
      try {
        const res = await api.get<{ items: CustomerListItem[]; total: number; totalCapped?: boolean }>('/customers', { q: q || undefined, page: page.value, pageSize: SERVER_PAGE_SIZE })
        if (id !== request) return
        model.rows.value = res.items.map(fromServer)
        model.total.value = res.total
        model.totalCapped.value = res.totalCapped ?? false
        model.more.value = page.value * SERVER_PAGE_SIZE < res.total
        model.shownQuery.value = q
        model.error.value = null
      } catch (e) {
        if (id === request) model.error.value = loadError(e)
      } finally {
        if (id === request) model.loading.value = false
      }
    }
    const schedule = (ms: number) => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => void load(), ms)
    }
    const stops = [watch(query, () => schedule(250)), watch(page, () => void load()), sync.onPoke(() => schedule(50))]
    onScopeDispose(() => {
      for (const stop of stops) stop()
      if (timer) clearTimeout(timer)
    })
    void load()
    return model
  }

  function watchCustomer(id: Ref<string>): CustomerDetailModel {
    const customer = shallowRef<CustomerView | null>(null)
    const history = shallowRef<CustomerHistory>([])
    const loading = ref(true)
    const error = ref<string | null>(null)
    let sub: { unsubscribe(): void } | null = null
    let request = 0

    async function reload(): Promise<void> {
      if (onDevice.value) return
      const req = ++request
      try {
        const detail = await api.get<CustomerDetail>(`/customers/${id.value}`)
        if (req !== request) return
        const { history: h, ...row } = detail
        customer.value = { ...row, pending: false }
        history.value = h
        error.value = null
      } catch (e) {
        if (req !== request) return
        if (e instanceof ApiError && e.status === 404) customer.value = null
        error.value = e instanceof ApiError && e.status === 404 ? null : loadError(e)
      } finally {
        if (req === request) loading.value = false
      }
    }

    const stops = [
      watch(
        [() => sync.db, id, onDevice],
        ([db, customerId, local], previous) => {
          sub?.unsubscribe()
          sub = null
          // Back office: the device database opening later changes nothing about the server's
          // customer; clearing it would unmount the whole page under the user.
          if (!local && previous && previous[1] === customerId && !previous[2]) return void reload()
          loading.value = true
          customer.value = null
          history.value = []
          if (!local) return void reload()
          if (!db) return
          sub = liveQuery(() => db.customers.get(customerId)).subscribe({
            next: (row) => {
              customer.value = row ? fromDevice(row) : null
              loading.value = false
            },
            error: (e: unknown) => {
              console.error(e)
              error.value = 'Der Kunde konnte auf diesem Gerät nicht gelesen werden.'
              loading.value = false
            },
          })
        },
        { immediate: true },
      ),
      sync.onPoke(() => void reload()),
    ]
    onScopeDispose(() => {
      for (const stop of stops) stop()
      sub?.unsubscribe()
    })
    return { customer, history, loading, error, reload }
  }

  /** Creates a customer on the device; resolves with its id once it is stored there. */
  async function create(form: CustomerFormValues, ownerRepId?: string): Promise<string> {
    try {
      const db = requireDb()
      const { values } = formToValues(form)
      const receipt = await createCustomer(db, ownerRepId ? { ...values, ownerRepId } : values)
      lastSave.value = { customerId: receipt.id, mutationId: receipt.mutationId, seq: receipt.seq }
      if (!onDevice.value) void sync.syncNow()
      return receipt.id
    } catch (e) {
      throw toSaveError(e)
    }
  }

  /**
   * Stores the changed fields as one mutation; false when nothing changed. On the device the base
   * values come from the stored row; back office passes the server's row it edited.
   */
  async function update(id: string, form: CustomerFormValues, serverRow?: CustomerRow): Promise<boolean> {
    try {
      const db = requireDb()
      const { values } = formToValues(form)
      let receipt
      if (serverRow) {
        const changes = customerChanges(serverRow, values)
        if (!changes) return false
        receipt = await mutate(db, 'updateCustomer', { id, changes })
      } else {
        receipt = await updateCustomer(db, id, values)
        if (!receipt) return false
      }
      lastSave.value = { customerId: id, mutationId: receipt.mutationId, seq: receipt.seq }
      if (serverRow) void sync.syncNow()
      return true
    } catch (e) {
      throw toSaveError(e)
    }
  }

  /** Runs a back-office change through the sync engine and waits for the server's verdict. */
  async function sendAndWait(run: (db: FeldakteDb) => Promise<{ mutationId: string; seq: number }>): Promise<'synced' | 'queued'> {
    let db: FeldakteDb
    let receipt
    try {
      db = requireDb()
      receipt = await run(db)
    } catch (e) {
      throw toSaveError(e)
    }
    await sync.syncNow()
    const refused = await db.quarantine.get(receipt.mutationId)
    if (refused) throw new CustomerSaveError(rejectionReason(refused))
    return (await db.outbox.get(receipt.seq)) ? 'queued' : 'synced'
  }

  /**
   * Back office: hands the customer to another rep through the sync engine and waits for the
   * server. 'queued' when offline (it is sent later); a refusal throws with the server's reason.
   */
  function reassign(id: string, ownerRepId: string): Promise<'synced' | 'queued'> {
    return sendAndWait((db) => reassignCustomer(db, id, ownerRepId))
  }

  /** Back office: merges `mergedId` into `survivorId` (notes, consents, relations move); waits like reassign. */
  function merge(survivorId: string, mergedId: string): Promise<'synced' | 'queued'> {
    return sendAndWait((db) => mergeCustomers(db, survivorId, mergedId))
  }

  /**
   * Customers that may be the one being entered. Reps check their device (works offline); back
   * office asks the server, and says so when it cannot (`skipped`), rather than claiming "none".
   */
  async function findDuplicates(check: DuplicateCheck): Promise<DuplicateResult> {
    if (onDevice.value) {
      const db = sync.db
      if (!db) return { items: [], skipped: 'Der Speicher auf dem Gerät ist noch nicht bereit; die Dublettenprüfung wurde übersprungen.' }
      const found = await findLocalDuplicates(db, check)
      return { items: found.map(({ customer, reasons }) => ({ ...duplicateOf(customer), reasons })), skipped: null }
    }
    try {
      const res = await api.post<{ items: DuplicateCandidate[] }>('/customers/duplicates', check)
      return { items: res.items, skipped: null }
    } catch (e) {
      if (e instanceof ApiError && e.status === 0) return { items: [], skipped: 'Ohne Verbindung kann der Innendienst nicht auf Dubletten prüfen.' }
      throw e
    }
  }

  /** Back office: server search for the merge dialog (same endpoint as the list). */
  async function searchServer(q: string, pageSize = 10): Promise<CustomerListItem[]> {
    return (await api.get<{ items: CustomerListItem[] }>('/customers', { q, page: 1, pageSize })).items
  }

  /** Back office: one customer from the server (404 → null). */
  async function fetchCustomer(id: string): Promise<CustomerView | null> {
    try {
      const { history: _history, ...row } = await api.get<CustomerDetail>(`/customers/${id}`)
      return { ...row, pending: false }
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null
      throw e
    }
  }

  /** Names of the given customers as far as this device holds them (for describing changes). */
  function watchNames(ids: Ref<string[]>): Ref<Map<string, string>> {
    const names = shallowRef(new Map<string, string>())
    let sub: { unsubscribe(): void } | null = null
    const stop = watch(
      [() => sync.db, ids],
      ([db, wanted]) => {
        sub?.unsubscribe()
        sub = null
        if (!db || !wanted.length) return void (names.value = new Map())
        sub = liveQuery(() => db.customers.bulkGet(wanted)).subscribe({
          next: (rows) => (names.value = new Map(rows.filter((r) => !!r).map((r) => [r.id, customerDisplayName(r)]))),
          error: (e: unknown) => console.error(e),
        })
      },
      { immediate: true },
    )
    onScopeDispose(() => {
      stop()
      sub?.unsubscribe()
    })
    return names
  }

  return {
    onDevice,
    lastSave,
    lastSaveState,
    watchDeviceList,
    watchServerList,
    watchCustomer,
    watchNames,
    create,
    update,
    reassign,
    merge,
    findDuplicates,
    searchServer,
    fetchCustomer,
  }
})

function listModel(): CustomerListModel {
  return { rows: shallowRef([]), total: ref(0), totalCapped: ref(false), more: ref(false), loading: ref(true), error: ref(null), shownQuery: ref('') }
}
