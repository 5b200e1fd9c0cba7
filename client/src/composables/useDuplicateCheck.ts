import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue'
import { useCustomersStore, type DuplicateHit } from '../stores/customers'
import { duplicateCheckKey, duplicateCheckOf, duplicateCheckUseful, type CustomerFormValues } from '../lib/customerForm'

const DEBOUNCE_MS = 400

/**
 * The duplicate check of one customer form: runs after a pause in typing the identifying data
 * (name, birth date, e-mail, phone, IBAN) and again before saving. For an edit, unchanged
 * identifying data is not checked again (the customer was already saved with it).
 */
export function useDuplicateCheck(form: CustomerFormValues, options: { customerId?: string; initialKey?: string } = {}) {
  const customers = useCustomersStore()
  const items = shallowRef<DuplicateHit[]>([])
  const skipped = ref<string | null>(null)
  /** Saving was stopped by the warning; it now offers "Trotzdem speichern". */
  const blocking = ref(false)
  const check = computed(() => duplicateCheckOf(form, options.customerId))
  const key = computed(() => duplicateCheckKey(check.value))
  let checkedKey: string | null = null
  let confirmedKey: string | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let request = 0

  async function run(): Promise<void> {
    const id = ++request
    const k = key.value
    if (!duplicateCheckUseful(check.value) || k === options.initialKey) {
      items.value = []
      skipped.value = null
      checkedKey = k
      return
    }
    try {
      const result = await customers.findDuplicates(check.value)
      if (id !== request) return
      items.value = result.items
      skipped.value = result.skipped
    } catch (e) {
      if (id !== request) return
      console.error(e)
      items.value = []
      skipped.value = 'Die Dublettenprüfung ist fehlgeschlagen; der Kunde kann trotzdem gespeichert werden.'
    }
    checkedKey = k
  }

  watch(key, () => {
    blocking.value = false
    clearTimeout(timer)
    timer = setTimeout(() => void run(), DEBOUNCE_MS)
  })
  onScopeDispose(() => clearTimeout(timer))

  /** Before saving: a current result; false while candidates exist that the user has not confirmed. */
  async function clearToSave(): Promise<boolean> {
    clearTimeout(timer)
    if (checkedKey !== key.value) await run()
    const clear = !items.value.length || confirmedKey === key.value
    blocking.value = !clear
    return clear
  }

  /** "Trotzdem speichern": these candidates were seen; saving with exactly this data may go ahead. */
  function confirm(): void {
    confirmedKey = key.value
  }

  return { items, skipped, blocking, clearToSave, confirm }
}
