import { onScopeDispose, ref, type Ref } from 'vue'
import { berlinDate } from '@shared/dates'

/** Today's business date (Germany) as YYYY-MM-DD; rolls over at midnight in long-open tabs. */
export function useToday(): Ref<string> {
  const today = ref(berlinDate())
  const timer = window.setInterval(() => {
    const now = berlinDate()
    if (now !== today.value) today.value = now
  }, 60_000)
  onScopeDispose(() => window.clearInterval(timer))
  return today
}
