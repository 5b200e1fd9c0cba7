import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import { defineStore } from 'pinia'
import { liveQuery } from 'dexie'
import { customerDisplayName } from '@shared/labels'
import type { CustomerListItem } from '@shared/schemas/customers'
import { HIDDEN_RELATED_CUSTOMER_LABEL, type RelationRow, type RelationTypeRow, type RelationView } from '@shared/schemas/household'
import { api } from '../api'
import { searchCustomers, type LocalCustomer, type LocalRelation } from '../db'
import { addRelation, removeRelation, updateRelation, type AddRelationInput, type RelationChanges } from '../mutators/household'
import type { MutationReceipt } from '../mutators'
import { useAuthStore } from './auth'
import { useCustomerFileStore } from './customerFile'
import { watchDeviceQuery } from './deviceQuery'
import { useSyncStore } from './sync'

/** A household member as the customer page shows it; `pending` = changed on this device, not yet confirmed. */
export interface HouseholdMember extends RelationView {
  pending: boolean
}

/** A customer offered in "Bestehender Kunde". */
export interface RelationCandidate {
  id: string
  name: string
  customerNo: string | null
  birthDate: string | null
  city: string | null
}

/** Household types first (partner, children), then by the types' order. */
export const byTypeOrder = (types: RelationTypeRow[]) => [...types].sort((a, b) => Number(b.household) - Number(a.household) || a.sort - b.sort || a.code.localeCompare(b.code))

/**
 * The device's relation row as the page shows it: a related customer on the device is named and
 * may be linked; one that is not (another structure) is only "Kunde einer anderen Struktur".
 */
export function localRelationView(row: LocalRelation, type: RelationTypeRow | undefined, related: LocalCustomer | undefined): HouseholdMember {
  const { pending, ...rest } = row
  const base = { ...(rest as RelationRow), typeName: type?.name ?? row.type, household: type?.household ?? false, pending: !!pending }
  if (row.person) return { ...base, relatedVisible: false, relatedName: `${row.person.firstName} ${row.person.lastName}`, relatedCustomerNo: null }
  if (!related) return { ...base, relatedVisible: false, relatedName: HIDDEN_RELATED_CUSTOMER_LABEL, relatedCustomerNo: null }
  return { ...base, relatedVisible: true, relatedName: customerDisplayName(related), relatedCustomerNo: related.customerNo }
}

/**
 * The household. Reps read it from the device (liveQuery: works offline, shows their own
 * unconfirmed changes); back office from the server's customer file. Writes are sync mutations.
 */
export const useHouseholdStore = defineStore('household', () => {
  const auth = useAuthStore()
  const sync = useSyncStore()
  const file = useCustomerFileStore()
  const onDevice = computed(() => auth.me?.role === 'rep')
  const serverTypes = shallowRef<RelationTypeRow[]>([])
  let serverTypesLoad: Promise<void> | null = null

  /** The relation types (reference data): from the device for reps, from the server (once) otherwise. */
  function watchRelationTypes(): Ref<RelationTypeRow[]> {
    if (!onDevice.value) {
      serverTypesLoad ??= api
        .get<{ items: RelationTypeRow[] }>('/relation-types')
        .then((r) => void (serverTypes.value = byTypeOrder(r.items)))
        .catch((e: unknown) => {
          serverTypesLoad = null
          console.error(e)
        })
      return serverTypes
    }
    const types = shallowRef<RelationTypeRow[]>([])
    let sub: { unsubscribe(): void } | null = null
    const stop = watch(
      () => sync.db,
      (db) => {
        sub?.unsubscribe()
        sub = db ? liveQuery(() => db.relationTypes.toArray()).subscribe({ next: (rows) => (types.value = byTypeOrder(rows)), error: (e: unknown) => console.error(e) }) : null
      },
      { immediate: true },
    )
    onScopeDispose(() => {
      stop()
      sub?.unsubscribe()
    })
    return types
  }

  function watchHousehold(customerId: Ref<string>) {
    if (!onDevice.value) {
      const { file: serverFile, loading, error } = file.watchServerFile(customerId)
      const members = computed<HouseholdMember[]>(() => (serverFile.value?.relations ?? []).map((r) => ({ ...r, pending: false })))
      return { members, loading, error }
    }
    const { value: members, loading, error } = watchDeviceQuery(
      () => sync.db,
      customerId,
      async (db, id) => {
        const [rows, types] = await Promise.all([db.relations.where('customerId').equals(id).toArray(), db.relationTypes.toArray()])
        const relatedIds = rows.flatMap((r) => (r.relatedCustomerId ? [r.relatedCustomerId] : []))
        const related = await db.customers.bulkGet(relatedIds)
        const byId = new Map(related.filter((c) => !!c).map((c) => [c.id, c]))
        const typeByCode = new Map(types.map((t) => [t.code, t]))
        const order = new Map(byTypeOrder(types).map((t, i) => [t.code, i]))
        return rows
          .map((r) => localRelationView(r, typeByCode.get(r.type), r.relatedCustomerId ? byId.get(r.relatedCustomerId) : undefined))
          .sort((a, b) => (order.get(a.type) ?? 999) - (order.get(b.type) ?? 999) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      },
      [] as HouseholdMember[],
      'Der Haushalt konnte auf diesem Gerät nicht gelesen werden.',
    )
    return { members, loading, error }
  }

  /** Customers to relate to: the device's (offline) for reps, the server's search otherwise. */
  async function searchCandidates(q: string, exceptId: string): Promise<RelationCandidate[]> {
    if (!q.trim()) return []
    if (onDevice.value) {
      const db = sync.db
      if (!db) return []
      const rows = await searchCustomers(db, q, 11)
      return rows
        .filter((c) => c.id !== exceptId)
        .slice(0, 10)
        .map((c) => ({ id: c.id, name: customerDisplayName(c), customerNo: c.customerNo, birthDate: c.birthDate, city: c.addresses[0]?.city || null }))
    }
    const res = await api.get<{ items: CustomerListItem[] }>('/customers', { q, page: 1, pageSize: 11 })
    return res.items
      .filter((c) => c.id !== exceptId)
      .slice(0, 10)
      .map((c) => ({ id: c.id, name: customerDisplayName(c), customerNo: c.customerNo, birthDate: c.birthDate, city: c.addresses[0]?.city || null }))
  }

  function add(input: AddRelationInput): Promise<MutationReceipt | null> {
    return file.send((db) => addRelation(db, input))
  }

  /** Changes type, validity or the person; the base values come from the row shown. */
  function update(member: HouseholdMember, values: RelationChanges): Promise<MutationReceipt | null> {
    return file.send((db) => updateRelation(db, member.id, values, member))
  }

  function remove(member: HouseholdMember): Promise<MutationReceipt | null> {
    return file.send((db) => removeRelation(db, member.id))
  }

  return { onDevice, watchRelationTypes, watchHousehold, searchCandidates, add, update, remove }
})
