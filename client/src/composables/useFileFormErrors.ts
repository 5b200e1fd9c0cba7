import { nextTick, ref, type Ref } from 'vue'
import { toFileSaveError } from '../stores/customerFile'

/**
 * Errors of a customer-file form (household, consents, notes): a refused save lands next to its
 * field, anything else above the form, and focus moves to the first problem.
 */
export function useFileFormErrors(formEl: Ref<HTMLFormElement | null>) {
  const errors = ref<Record<string, string>>({})
  const formError = ref<string | null>(null)

  function clearErrors(): void {
    errors.value = {}
    formError.value = null
  }

  /** `adjust` may move a message to the field the user actually sees. */
  async function showError(e: unknown, fields: readonly string[], adjust?: (fields: Record<string, string>) => void): Promise<void> {
    const placed = toFileSaveError(e).place(fields)
    adjust?.(placed.fields)
    errors.value = placed.fields
    formError.value = placed.form
    await nextTick()
    formEl.value?.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]')?.focus()
  }

  return { errors, formError, clearErrors, showError }
}
