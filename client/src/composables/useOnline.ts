import { onScopeDispose, readonly, ref, type Ref } from 'vue'

const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
let listeners = 0

function update(): void {
  online.value = navigator.onLine
}

/** Whether the browser believes it has a network connection (shared by all callers). */
export function useOnline(): Readonly<Ref<boolean>> {
  if (listeners++ === 0) {
    window.addEventListener('online', update)
    window.addEventListener('offline', update)
    update()
  }
  onScopeDispose(() => {
    if (--listeners === 0) {
      window.removeEventListener('online', update)
      window.removeEventListener('offline', update)
    }
  })
  return readonly(online)
}
