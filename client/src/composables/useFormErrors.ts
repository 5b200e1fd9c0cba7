import { nextTick, ref } from 'vue'
import { ApiError } from '../api'

export interface FormIssue {
  path: readonly PropertyKey[] | string
  message: string
}

/**
 * Field and form errors of one form. Client-side zod issues and server issues land in the same
 * place, keyed by the top-level field name, so each field shows its German message.
 */
export function useFormErrors() {
  const fieldErrors = ref<Record<string, string>>({})
  const formError = ref<string | null>(null)

  function clear(): void {
    fieldErrors.value = {}
    formError.value = null
  }

  function fieldOf(path: FormIssue['path']): string {
    const first = typeof path === 'string' ? path.split(/[.[]/)[0] : path[0]
    return first === undefined ? '' : String(first)
  }

  /** Records issues; those not tied to a known field become the form error. */
  function setIssues(issues: readonly FormIssue[], knownFields: readonly string[], fallback?: string): void {
    const next: Record<string, string> = {}
    const unplaced: string[] = []
    for (const issue of issues) {
      const field = fieldOf(issue.path)
      if (knownFields.includes(field)) next[field] ??= issue.message
      else unplaced.push(issue.message)
    }
    fieldErrors.value = next
    formError.value = unplaced.length ? unplaced.join(' ') : Object.keys(next).length ? null : (fallback ?? null)
  }

  /** Shows a failed request: server issues next to fields, otherwise the German message of the code. */
  function setFromError(error: unknown, knownFields: readonly string[] = []): void {
    if (error instanceof ApiError) {
      if (error.issues.length) setIssues(error.issues, knownFields, error.message)
      else {
        fieldErrors.value = {}
        formError.value = error.message
      }
    } else {
      fieldErrors.value = {}
      formError.value = 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es erneut.'
      console.error(error)
    }
  }

  /** Moves focus to the first invalid control inside `root`, so keyboard and screen-reader users land on it. */
  async function focusFirstInvalid(root: HTMLElement | null | undefined): Promise<void> {
    await nextTick()
    root?.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]')?.focus()
  }

  return { fieldErrors, formError, clear, setIssues, setFromError, focusFirstInvalid }
}
