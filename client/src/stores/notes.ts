import { computed, type Ref } from 'vue'
import { defineStore } from 'pinia'
import type { NoteRow } from '@shared/schemas/notes'
import { completeFollowUp, createNote, deleteNote, updateNote, type CreateNoteInput, type NoteChanges } from '../mutators/notes'
import type { MutationReceipt } from '../mutators'
import { useAuthStore } from './auth'
import { useCustomerFileStore } from './customerFile'
import { watchDeviceQuery } from './deviceQuery'
import { useSyncStore } from './sync'

export interface NoteView extends NoteRow {
  /** Changed on this device, not yet confirmed by the server. */
  pending: boolean
  /** Written by the signed-in user: only they may edit or delete it. */
  mine: boolean
}

const newestFirst = (a: NoteRow, b: NoteRow) => b.occurredAt.localeCompare(a.occurredAt) || b.id.localeCompare(a.id)

/**
 * Notes of a customer (phone notes, memos, visit reports, each with an optional follow-up). Reps
 * read and write on the device (offline); back office reads the server's customer file. Notes
 * are append-only for everybody but their author.
 */
export const useNotesStore = defineStore('notes', () => {
  const auth = useAuthStore()
  const sync = useSyncStore()
  const file = useCustomerFileStore()
  const onDevice = computed(() => auth.me?.role === 'rep')

  const view = (n: NoteRow, pending: boolean): NoteView => ({ ...n, authorName: n.authorName || (n.authorId === auth.me?.id ? auth.me.name : ''), pending, mine: n.authorId === auth.me?.id })

  function watchNotes(customerId: Ref<string>) {
    if (!onDevice.value) {
      const { file: serverFile, loading, error } = file.watchServerFile(customerId)
      const notes = computed(() => (serverFile.value?.notes ?? []).map((n) => view(n, false)).sort(newestFirst))
      return { notes, loading, error }
    }
    const { value: notes, loading, error } = watchDeviceQuery(
      () => sync.db,
      customerId,
      async (db, id) => (await db.notes.where('customerId').equals(id).toArray()).map(({ pending, ...n }) => view(n, !!pending)).sort(newestFirst),
      [] as NoteView[],
      'Die Notizen konnten auf diesem Gerät nicht gelesen werden.',
    )
    return { notes, loading, error }
  }

  function create(input: Omit<CreateNoteInput, 'authorName'>): Promise<MutationReceipt | null> {
    return file.send((db) => createNote(db, { ...input, authorName: auth.me?.name }))
  }

  function update(note: NoteView, values: NoteChanges): Promise<MutationReceipt | null> {
    const { pending: _pending, mine: _mine, ...row } = note
    return file.send((db) => updateNote(db, note.id, values, row))
  }

  function remove(note: NoteView): Promise<MutationReceipt | null> {
    return file.send((db) => deleteNote(db, note.id))
  }

  function setFollowUpDone(note: Pick<NoteRow, 'id'>, done: boolean): Promise<MutationReceipt | null> {
    return file.send((db) => completeFollowUp(db, note.id, done))
  }

  return { onDevice, watchNotes, create, update, remove, setFollowUpDone }
})
