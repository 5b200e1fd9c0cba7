import { computed, onScopeDispose, ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import { defineStore } from 'pinia'
import type { CustomerFile } from '@shared/schemas/customer-file'
import { api, ApiError } from '../api'
import { LocalWriteError, type FeldakteDb } from '../db'
import { MutationArgsError, type MutationReceipt } from '../mutators'
import { rejectionReason } from '../lib/mutationText'
import { useAuthStore } from './auth'
import { useSyncStore } from './sync'

/** A change to the customer file that did not happen; `issues` belong to form fields. Nothing was stored. */
export class FileSaveError extends Error {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message)
    this.name = 'FileSaveError'
  }

  /**
   * The first message per field path among `known` (`validTo`, `person.firstName`) for the form's
   * fields; the rest (or the message itself, when no field matches) for the form as a whole.
   */
  place(known: readonly string[]): { fields: Record<string, string>; form: string | null } {
    const fields: Record<string, string> = {}
    const rest: string[] = []
    for (const issue of this.issues) {
      if (known.includes(issue.path)) fields[issue.path] ??= issue.message
      else rest.push(issue.message)
    }
    return { fields, form: rest.length ? [...new Set(rest)].join(' ') : Object.keys(fields).length ? null : this.message }
  }
}

export function toFileSaveError(e: unknown): FileSaveError {
  if (e instanceof FileSaveError) return e
  if (e instanceof MutationArgsError) return new FileSaveError(e.message, e.issues)
  if (e instanceof LocalWriteError) return new FileSaveError(e.message)
  console.error(e)
  return new FileSaveError('Die Änderung konnte auf dem Gerät nicht gespeichert werden.')
}

export interface ServerFileModel {
  file: Ref<CustomerFile | null>
  loading: Ref<boolean>
  error: Ref<string | null>
}

interface Entry extends ServerFileModel {
  file: ShallowRef<CustomerFile | null>
  users: number
  load(): Promise<void>
  stop(): void
}

const loadError = (e: unknown) => (e instanceof ApiError ? e.message : 'Die Kundenakte konnte nicht geladen werden.')

/**
 * What the customer page shows besides the master data, for back office and admin (who hold no
 * rows on their device): one GET /customers/:id/file per customer, shared by the page's sections
 * and fetched again on every poke. And sending a change through the sync engine, for all roles.
 */
export const useCustomerFileStore = defineStore('customerFile', () => {
  const auth = useAuthStore()
  const sync = useSyncStore()
  const onDevice = computed(() => auth.me?.role === 'rep')
  const entries = new Map<string, Entry>()

  function acquire(id: string): Entry {
    const known = entries.get(id)
    if (known) {
      known.users++
      return known
    }
    let request = 0
    const entry: Entry = {
      file: shallowRef(null),
      loading: ref(true),
      error: ref(null),
      users: 1,
      async load() {
        const req = ++request
        try {
          const file = await api.get<CustomerFile>(`/customers/${id}/file`)
          if (req !== request) return
          entry.file.value = file
          entry.error.value = null
        } catch (e) {
          if (req === request) entry.error.value = loadError(e)
        } finally {
          if (req === request) entry.loading.value = false
        }
      },
      stop: () => undefined,
    }
    entry.stop = sync.onPoke(() => void entry.load())
    entries.set(id, entry)
    void entry.load()
    return entry
  }

  function release(id: string): void {
    const entry = entries.get(id)
    if (!entry || --entry.users > 0) return
    entry.stop()
    entries.delete(id)
  }

  /** The server's file of the customer `id` (follows the ref); ends with the calling scope. */
  function watchServerFile(id: Ref<string>): ServerFileModel {
    const current = shallowRef<Entry | null>(null)
    let held: string | null = null
    const stop = watch(
      id,
      (next) => {
        if (held) release(held)
        held = next || null
        current.value = held ? acquire(held) : null
      },
      { immediate: true },
    )
    onScopeDispose(() => {
      stop()
      if (held) release(held)
    })
    return {
      file: computed(() => current.value?.file.value ?? null),
      loading: computed(() => current.value?.loading.value ?? false),
      error: computed(() => current.value?.error.value ?? null),
    }
  }

  async function reloadFiles(): Promise<void> {
    await Promise.all([...entries.values()].map((e) => e.load()))
  }

  /**
   * Stores a change through the sync engine: on a rep's device it is saved there first; back office
   * sends it at once and waits for the server's verdict (a refusal throws with its reason).
   * Null when nothing changed.
   */
  async function send(run: (db: FeldakteDb) => Promise<MutationReceipt | null>): Promise<MutationReceipt | null> {
    const db = sync.db
    if (!db) throw new FileSaveError(sync.lastError?.message ?? 'Der Speicher auf dem Gerät ist noch nicht bereit. Bitte versuchen Sie es gleich noch einmal.')
    let receipt: MutationReceipt | null
    try {
      receipt = await run(db)
    } catch (e) {
      throw toFileSaveError(e)
    }
    if (!receipt || onDevice.value) return receipt
    await sync.syncNow()
    const refused = await db.quarantine.get(receipt.mutationId)
    if (refused) throw new FileSaveError(rejectionReason(refused))
    await reloadFiles()
    return receipt
  }

  return { onDevice, watchServerFile, send }
})
