import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { defineStore } from 'pinia'
import { liveQuery } from 'dexie'
import { customerDisplayName } from '@shared/labels'
import type { FollowUpItem, NoteRow } from '@shared/schemas/notes'
import { api, ApiError } from '../api'
import type { FeldakteDb } from '../db'
import { useAuthStore } from './auth'
import { useNotesStore } from './notes'
import { useSyncStore } from './sync'

/** An open follow-up with its customer; the bucket (overdue, today, upcoming) is the view's, by today's date. */
export interface FollowUpView extends NoteRow {
  customerName: string
  customerNo: string | null
  pending: boolean
}

export type FollowUpScope = 'me' | 'all'

const byDate = (a: FollowUpView, b: FollowUpView) => (a.followUpOn ?? '').localeCompare(b.followUpOn ?? '') || a.customerName.localeCompare(b.customerName, 'de')

/** Open follow-ups the signed-in user is responsible for: assigned to them, or written by them without an assignee. */
async function deviceFollowUps(db: FeldakteDb, userId: string): Promise<FollowUpView[]> {
  // Notes without a follow-up date are not in the index (null is no IndexedDB key).
  const notes = (await db.notes.where('followUpOn').above('').toArray()).filter(
    (n) => !n.followUpDoneAt && (n.assigneeId === userId || (n.assigneeId === null && n.authorId === userId)),
  )
  const customers = await db.customers.bulkGet([...new Set(notes.map((n) => n.customerId))])
  const byId = new Map(customers.filter((c) => !!c).map((c) => [c.id, c]))
  return notes.map(({ pending, ...n }) => {
    const c = byId.get(n.customerId)
    return { ...n, customerName: c ? customerDisplayName(c) : 'Unbekannter Kunde', customerNo: c?.customerNo ?? null, pending: !!pending }
  })
}

/**
 * "Wiedervorlagen": reps from their device (offline, their own and assigned follow-ups), back
 * office and admin from GET /api/follow-ups (their own or all in their branches), refreshed on pokes.
 */
export const useFollowUpsStore = defineStore('followUps', () => {
  const auth = useAuthStore()
  const sync = useSyncStore()
  const notes = useNotesStore()
  const onDevice = computed(() => auth.me?.role === 'rep')

  function watchFollowUps(scope: Ref<FollowUpScope>) {
    const items = shallowRef<FollowUpView[]>([])
    const loading = ref(true)
    const error = ref<string | null>(null)
    const stops: (() => void)[] = []
    let sub: { unsubscribe(): void } | null = null
    let request = 0

    async function load(): Promise<void> {
      if (onDevice.value) return
      const req = ++request
      try {
        const res = await api.get<{ items: FollowUpItem[] }>('/follow-ups', { assignee: scope.value })
        if (req !== request) return
        items.value = res.items.map(({ bucket: _bucket, ...n }) => ({ ...n, pending: false })).sort(byDate)
        error.value = null
      } catch (e) {
        if (req === request) error.value = e instanceof ApiError ? e.message : 'Die Wiedervorlagen konnten nicht geladen werden.'
      } finally {
        if (req === request) loading.value = false
      }
    }

    if (onDevice.value) {
      stops.push(
        watch(
          () => sync.db,
          (db) => {
            sub?.unsubscribe()
            sub = null
            if (!db) return
            sub = liveQuery(() => deviceFollowUps(db, db.userId)).subscribe({
              next: (rows) => {
                items.value = rows.sort(byDate)
                loading.value = false
                error.value = null
              },
              error: (e: unknown) => {
                console.error(e)
                error.value = 'Die Wiedervorlagen konnten auf diesem Gerät nicht gelesen werden.'
                loading.value = false
              },
            })
          },
          { immediate: true },
        ),
      )
    } else {
      stops.push(watch(scope, () => void load(), { immediate: true }), sync.onPoke(() => void load()))
    }
    onScopeDispose(() => {
      stops.forEach((s) => s())
      sub?.unsubscribe()
    })

    /** "Erledigt": on the device at once; back office waits for the server and reloads the list. */
    async function complete(item: FollowUpView, done = true) {
      const receipt = await notes.setFollowUpDone(item, done)
      await load()
      return receipt
    }

    return { items, loading, error, reload: load, complete }
  }

  return { onDevice, watchFollowUps }
})
