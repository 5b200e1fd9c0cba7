import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { defineStore } from 'pinia'
import { liveQuery } from 'dexie'
import type { Timeline, TimelineItem } from '@shared/schemas/customer-file'
import { api, ApiError } from '../api'
import type { FeldakteDb } from '../db'
import { localRelationView } from './household'
import { useAuthStore } from './auth'
import { useSyncStore } from './sync'

const newestFirst = (a: TimelineItem, b: TimelineItem) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id)

/**
 * The timeline from what the device holds: customer created, notes, consents given and withdrawn,
 * relationships added. Field changes are only known to the server (back office sees them).
 */
async function deviceTimeline(db: FeldakteDb, customerId: string, me: { id: string; name: string } | null): Promise<TimelineItem[]> {
  const [customer, notes, consents, relations, types] = await Promise.all([
    db.customers.get(customerId),
    db.notes.where('customerId').equals(customerId).toArray(),
    db.consents.where('customerId').equals(customerId).toArray(),
    db.relations.where('customerId').equals(customerId).toArray(),
    db.relationTypes.toArray(),
  ])
  if (!customer) return []
  const related = new Map((await db.customers.bulkGet(relations.flatMap((r) => (r.relatedCustomerId ? [r.relatedCustomerId] : [])))).filter((c) => !!c).map((c) => [c.id, c]))
  const typeByCode = new Map(types.map((t) => [t.code, t]))
  const nameOf = (userId: string) => (userId === me?.id ? me.name : null)
  const strip = <T extends { pending?: unknown }>({ pending: _pending, ...row }: T) => row
  const items: TimelineItem[] = [{ kind: 'created', id: `created:${customer.id}`, at: customer.createdAt, userName: null, customerNo: customer.customerNo }]
  for (const n of notes) items.push({ kind: 'note', id: `note:${n.id}`, at: n.occurredAt, userName: n.authorName || nameOf(n.authorId), note: strip(n) })
  for (const c of consents) {
    items.push({ kind: 'consent', event: 'given', id: `consent-given:${c.id}`, at: c.createdAt, userName: nameOf(c.createdBy), date: c.givenOn, consent: strip(c) })
    if (c.withdrawnOn) items.push({ kind: 'consent', event: 'withdrawn', id: `consent-withdrawn:${c.id}`, at: c.updatedAt, userName: null, date: c.withdrawnOn, consent: strip(c) })
  }
  for (const r of relations) {
    const { pending: _pending, ...relation } = localRelationView(r, typeByCode.get(r.type), r.relatedCustomerId ? related.get(r.relatedCustomerId) : undefined)
    items.push({ kind: 'relation', event: 'added', id: `relation-added:${r.id}`, at: r.createdAt, userName: null, relation })
  }
  return items.sort(newestFirst)
}

/** A customer's timeline: reps from the device (offline), back office from the server (with field changes), newest first. */
export const useTimelineStore = defineStore('timeline', () => {
  const auth = useAuthStore()
  const sync = useSyncStore()
  const onDevice = computed(() => auth.me?.role === 'rep')

  function watchTimeline(customerId: Ref<string>) {
    const items = shallowRef<TimelineItem[]>([])
    const nextBefore = ref<string | null>(null)
    const loading = ref(true)
    const error = ref<string | null>(null)
    const stops: (() => void)[] = []
    let sub: { unsubscribe(): void } | null = null
    let request = 0

    /** Server pages; `more` appends the next older page. */
    async function load(more = false): Promise<void> {
      const req = ++request
      loading.value = true
      try {
        const page = await api.get<Timeline>(`/customers/${customerId.value}/timeline`, { limit: 50, before: more ? (nextBefore.value ?? undefined) : undefined })
        if (req !== request) return
        items.value = more ? [...items.value, ...page.items] : page.items
        nextBefore.value = page.nextBefore
        error.value = null
      } catch (e) {
        if (req === request) error.value = e instanceof ApiError ? e.message : 'Die Zeitleiste konnte nicht geladen werden.'
      } finally {
        if (req === request) loading.value = false
      }
    }

    if (onDevice.value) {
      stops.push(
        watch(
          [() => sync.db, customerId],
          ([db, id]) => {
            sub?.unsubscribe()
            sub = null
            if (!db) return
            const me = auth.me ? { id: auth.me.id, name: auth.me.name } : null
            sub = liveQuery(() => deviceTimeline(db, id, me)).subscribe({
              next: (rows) => {
                items.value = rows
                loading.value = false
                error.value = null
              },
              error: (e: unknown) => {
                console.error(e)
                error.value = 'Die Zeitleiste konnte auf diesem Gerät nicht gelesen werden.'
                loading.value = false
              },
            })
          },
          { immediate: true },
        ),
      )
    } else {
      // A poke reloads the newest page; older pages are fetched again on request.
      stops.push(watch(customerId, () => void load(), { immediate: true }), sync.onPoke(() => void load()))
    }
    onScopeDispose(() => {
      stops.forEach((s) => s())
      sub?.unsubscribe()
    })
    return { items, nextBefore, loading, error, loadMore: () => load(true) }
  }

  return { watchTimeline }
})
