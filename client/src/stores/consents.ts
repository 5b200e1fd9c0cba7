import { computed, ref, watch, type Ref } from 'vue'
import { defineStore } from 'pinia'
import { DEFAULT_SETTINGS, type OrgSettings } from '@shared/constants'
import { CONSENT_TYPES, consentStates, consentWarnings, type ConsentRow, type ConsentState, type ConsentType, type ConsentWarning } from '@shared/schemas/consents'
import { api } from '../api'
import { recordConsent, withdrawConsent, type RecordConsentInput } from '../mutators/consents'
import type { MutationReceipt } from '../mutators'
import { useAuthStore } from './auth'
import { useCustomerFileStore } from './customerFile'
import { watchDeviceQuery } from './deviceQuery'
import { useSyncStore } from './sync'

export interface ConsentView extends ConsentRow {
  pending: boolean
}

/** One line per consent type: its state and the record that decides it (the latest). */
export interface ConsentLine {
  type: ConsentType
  state: ConsentState
  current: ConsentView | null
  /** Every record of the type, newest first (evidence: older ones stay). */
  records: ConsentView[]
}

// Organisation settings are readable by every user; the last answer is kept so a rep's phone
// warns offline, too (not customer data, like the cached signed-in user in the auth store).
const REQUIRED_CACHE_KEY = 'feldakte.requiredConsents'

function recallRequired(): ConsentType[] {
  try {
    const raw = JSON.parse(localStorage.getItem(REQUIRED_CACHE_KEY) ?? 'null') as unknown
    if (Array.isArray(raw)) return raw.filter((t): t is ConsentType => (CONSENT_TYPES as readonly string[]).includes(t))
  } catch {
    // private mode: defaults
  }
  return [...DEFAULT_SETTINGS.requiredConsents]
}

const newestFirst = (a: ConsentRow, b: ConsentRow) => b.givenOn.localeCompare(a.givenOn) || b.createdAt.localeCompare(a.createdAt)

export function consentLines(rows: ConsentView[]): ConsentLine[] {
  const states = consentStates(rows)
  return CONSENT_TYPES.map((type) => {
    const records = rows.filter((r) => r.type === type).sort(newestFirst)
    return { type, state: states[type], current: records[0] ?? null, records }
  })
}

/**
 * Consents of a customer. Reps read them from the device (liveQuery, offline), back office from
 * the server's customer file; both warn about the organisation's required consents.
 */
export const useConsentsStore = defineStore('consents', () => {
  const auth = useAuthStore()
  const sync = useSyncStore()
  const file = useCustomerFileStore()
  const onDevice = computed(() => auth.me?.role === 'rep')
  const required = ref<ConsentType[]>(recallRequired())
  let requiredLoad: Promise<void> | null = null

  /** The required consents from the organisation settings (once per session; offline: the last known). */
  function loadRequired(): void {
    requiredLoad ??= api
      .get<OrgSettings>('/settings')
      .then((s) => {
        required.value = s.requiredConsents
        try {
          localStorage.setItem(REQUIRED_CACHE_KEY, JSON.stringify(s.requiredConsents))
        } catch {
          // private mode
        }
      })
      .catch(() => {
        requiredLoad = null
      })
  }
  watch(
    () => auth.me?.id,
    () => (requiredLoad = null),
  )

  function watchConsents(customerId: Ref<string>) {
    loadRequired()
    if (!onDevice.value) {
      const { file: serverFile, loading, error } = file.watchServerFile(customerId)
      const rows = computed<ConsentView[]>(() => (serverFile.value?.consents ?? []).map((c) => ({ ...c, pending: false })))
      const warnings = computed<ConsentWarning[]>(() => serverFile.value?.consentWarnings ?? [])
      return { lines: computed(() => consentLines(rows.value)), warnings, loading, error }
    }
    const { value: rows, loading, error } = watchDeviceQuery(
      () => sync.db,
      customerId,
      async (db, id) => (await db.consents.where('customerId').equals(id).toArray()).map(({ pending, ...c }): ConsentView => ({ ...c, pending: !!pending })),
      [] as ConsentView[],
      'Die Einwilligungen konnten auf diesem Gerät nicht gelesen werden.',
    )
    const warnings = computed(() => (loading.value ? [] : consentWarnings(rows.value, required.value)))
    return { lines: computed(() => consentLines(rows.value)), warnings, loading, error }
  }

  function record(input: RecordConsentInput): Promise<MutationReceipt | null> {
    return file.send((db) => recordConsent(db, input))
  }

  function withdraw(consent: ConsentView, withdrawnOn: string): Promise<MutationReceipt | null> {
    return file.send((db) => withdrawConsent(db, consent.id, withdrawnOn, consent.givenOn))
  }

  return { required, watchConsents, record, withdraw }
})
