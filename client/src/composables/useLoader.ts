import { ref } from 'vue'
import { ApiError } from '../api'

/** Loading and error state around a store action that fetches what a view shows. */
export function useLoader(load: () => Promise<unknown>) {
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function run(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      await load()
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : 'Die Daten konnten nicht geladen werden.'
      if (!(e instanceof ApiError)) console.error(e)
    } finally {
      loading.value = false
    }
  }

  return { loading, error, run }
}
