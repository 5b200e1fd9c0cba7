import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { defineStore } from 'pinia'
import { liveQuery } from 'dexie'
import type { CustomerDetail, CustomerListItem, CustomerRow } from '@shared/schemas/customers'
import { api, ApiError } from '../api'
import { LocalWriteError, searchCustomers, type FeldakteDb, type LocalCustomer } from '../db'
import { createCustomer, mutate, MutationArgsError, reassignCustomer, updateCustomer } from '../mutators'
import { CUSTOMER_EDITABLE_FIELDS, type CustomerFormValues } from '../lib/customerFields'
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

function fromDevice(c: LocalCustomer): CustomerView {
  const { words: _words, nameKey: _nameKey, pending, ...row } = c
  return { ...row, ownerName: null, pending: !!pending }
}
const fromServer = (c: CustomerListItem): CustomerView => ({ ...c, pending: false })

/** '' is "no value"; names stay as typed so the schema can ask for them. */
function toArgs(values: CustomerFormValues): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const f of CUSTOMER_EDITABLE_FIELDS) {
    const v = values[f].trim()
    out[f] = v === '' && f !== 'firstName' && f !== 'lastName' ? null : v
  }
  return out
}

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
    const stop = watch(
      [() => sync.db, query, limit],
      ([db, q, n]) => {
        sub?.unsubscribe()
        sub = null
        if (!db) return
        const term = q.trim()
        sub = liveQuery(async () => {
          const [rows, total] = await Promise.all([
            term ? searchCustomers(db, term, n + 1) : db.customers.orderBy('nameKey').limit(n + 1).toArray(),
            db.customers.count(),
          ])
          return { rows, total }
        }).subscribe({
          next: ({ rows, total }) => {
            model.rows.value = rows.slice(0, n).map(fromDevice)
            model.more.value = rows.length > n
            model.total.value = total
            model.shownQuery.value = term
            model.loading.value = false
            model.error.value = null
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
    onScopeDispose(() => {
      stop()
      sub?.unsubscribe()
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
        const res = await api.get<{ items: CustomerListItem[]; total: number }>('/customers', { q: q || undefined, page: page.value, pageSize: SERVER_PAGE_SIZE })
        if (id !== request) return
        model.rows.value = res.items.map(fromServer)
        model.total.value = res.total
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
        ([db, customerId, local]) => {
          sub?.unsubscribe()
          sub = null
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
  async function create(values: CustomerFormValues, ownerRepId?: string): Promise<string> {
    try {
      const db = requireDb()
      const args = toArgs(values) as Parameters<typeof createCustomer>[1]
      const receipt = await createCustomer(db, ownerRepId ? { ...args, ownerRepId } : args)
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
  async function update(id: string, values: CustomerFormValues, serverRow?: CustomerRow): Promise<boolean> {
    try {
      const db = requireDb()
      const next = toArgs(values)
      let receipt
      if (serverRow) {
        const changes: Record<string, { from: unknown; to: unknown }> = {}
        for (const f of CUSTOMER_EDITABLE_FIELDS) if ((serverRow[f] ?? null) !== next[f]) changes[f] = { from: serverRow[f] ?? null, to: next[f] }
        if (!Object.keys(changes).length) return false
        receipt = await mutate(db, 'updateCustomer', { id, changes })
      } else {
        receipt = await updateCustomer(db, id, next)
        if (!receipt) return false
      }
      lastSave.value = { customerId: id, mutationId: receipt.mutationId, seq: receipt.seq }
      if (serverRow) void sync.syncNow()
      return true
    } catch (e) {
      throw toSaveError(e)
    }
  }

  /**
   * Back office: hands the customer to another rep through the sync engine and waits for the
   * server. 'queued' when offline (it is sent later); a refusal throws with the server's reason.
   */
  async function reassign(id: string, ownerRepId: string): Promise<'synced' | 'queued'> {
    let db: FeldakteDb
    let receipt
    try {
      db = requireDb()
      receipt = await reassignCustomer(db, id, ownerRepId)
    } catch (e) {
      throw toSaveError(e)
    }
    await sync.syncNow()
    const refused = await db.quarantine.get(receipt.mutationId)
    if (refused) throw new CustomerSaveError(rejectionReason(refused))
    return (await db.outbox.get(receipt.seq)) ? 'queued' : 'synced'
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
          next: (rows) => (names.value = new Map(rows.filter((r) => !!r).map((r) => [r.id, `${r.firstName} ${r.lastName}`]))),
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

  return { onDevice, lastSave, lastSaveState, watchDeviceList, watchServerList, watchCustomer, watchNames, create, update, reassign }
})

function listModel(): CustomerListModel {
  return { rows: shallowRef([]), total: ref(0), more: ref(false), loading: ref(true), error: ref(null), shownQuery: ref('') }
}
