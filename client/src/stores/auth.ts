import { computed, ref, watch } from 'vue'
import { defineStore } from 'pinia'
import type { ChangePasswordInput, LoginInput, Me } from '@shared/schemas'
import { ROLE_LABELS } from '@shared/constants'
import { api, ApiError, onSessionProblem, type Ok } from '../api'

/**
 * - unknown: not asked yet
 * - unreachable: the server could not be asked (offline start); we know nothing about the session
 */
export type AuthStatus = 'unknown' | 'anonymous' | 'authenticated' | 'unreachable'

// The signed-in user (name, role: no secrets; the session itself is an httpOnly cookie) is kept
// so the app still opens offline. It is removed on sign-out and on any 401.
const ME_CACHE_KEY = 'feldakte.me'

function recallMe(): Me | null {
  try {
    const raw = localStorage.getItem(ME_CACHE_KEY)
    const value = raw ? (JSON.parse(raw) as Partial<Me>) : null
    return value && typeof value.id === 'string' && typeof value.name === 'string' && typeof value.role === 'string' ? (value as Me) : null
  } catch {
    return null
  }
}

function rememberMe(me: Me | null): void {
  try {
    if (me) localStorage.setItem(ME_CACHE_KEY, JSON.stringify(me))
    else localStorage.removeItem(ME_CACHE_KEY)
  } catch {
    // Private mode or quota: the app works, only without offline start.
  }
}

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  const status = ref<AuthStatus>('unknown')
  /** Set when a 401 ended a session the user thought was open; the sign-in page explains it. */
  const sessionExpired = ref(false)
  /** Why the session could not be checked (offline start or server failure). */
  const unreachableReason = ref<string | null>(null)
  /** Signed in from the offline copy; the server confirms the session once it is reachable. */
  const unverified = ref(false)
  /** Why the app signed the user out by itself (e.g. deactivated); the sign-in page shows it. */
  const signOutNotice = ref<string | null>(null)
  let pending: Promise<void> | null = null

  const isAdmin = computed(() => me.value?.role === 'admin')
  const roleLabel = computed(() => (me.value ? ROLE_LABELS[me.value.role] : ''))
  const mustChangePassword = computed(() => me.value?.mustChangePassword === true)

  function reset(): void {
    me.value = null
    status.value = 'anonymous'
    unverified.value = false
  }

  async function fetchMe(): Promise<void> {
    try {
      me.value = await api.get<Me>('/auth/me')
      status.value = 'authenticated'
      unreachableReason.value = null
      unverified.value = false
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        reset()
        return
      }
      const cached = recallMe()
      const offline = e instanceof ApiError && (e.status === 0 || e.status >= 500)
      if (offline && cached) {
        me.value = cached
        status.value = 'authenticated'
        unverified.value = true
        return
      }
      status.value = 'unreachable'
      unreachableReason.value = e instanceof ApiError ? e.message : String(e)
    }
  }

  /** Asks the server once who is signed in; later calls reuse the answer. */
  function ensureLoaded(): Promise<void> {
    if (status.value === 'authenticated' || status.value === 'anonymous') return Promise.resolve()
    pending ??= fetchMe().finally(() => {
      pending = null
    })
    return pending
  }

  async function login(input: LoginInput): Promise<void> {
    me.value = await api.post<Me>('/auth/login', input)
    status.value = 'authenticated'
    sessionExpired.value = false
    signOutNotice.value = null
  }

  async function logout(): Promise<void> {
    try {
      await api.post<Ok>('/auth/logout')
    } finally {
      reset()
    }
  }

  /**
   * Signs out on the app's own initiative with a notice for the sign-in page. The server call may
   * fail (offline, or a session the server already ended); this device is signed out either way.
   */
  async function signOutWithNotice(notice: string): Promise<void> {
    try {
      await api.post<Ok>('/auth/logout')
    } catch {
      // See above: nothing to do.
    } finally {
      reset()
      sessionExpired.value = false
      signOutNotice.value = notice
    }
  }

  async function changePassword(input: ChangePasswordInput): Promise<void> {
    await api.post<Ok>('/auth/password', input)
    if (me.value) me.value = { ...me.value, mustChangePassword: false }
  }

  // Any 401 ends the session on this side; the router guard then sends the user to /anmelden.
  const handlers = {
    unauthenticated: () => {
      if (status.value === 'authenticated') sessionExpired.value = true
      reset()
    },
    passwordChangeRequired: () => {
      if (me.value) me.value = { ...me.value, mustChangePassword: true }
    },
  }
  onSessionProblem(handlers)

  /** A 401 seen outside api.ts (the sync engine's own requests). */
  function sessionEnded(): void {
    handlers.unauthenticated()
  }

  watch(me, rememberMe)
  window.addEventListener('online', () => {
    if (unverified.value) void fetchMe()
  })

  return {
    me,
    status,
    sessionExpired,
    unreachableReason,
    unverified,
    signOutNotice,
    isAdmin,
    roleLabel,
    mustChangePassword,
    ensureLoaded,
    fetchMe,
    login,
    logout,
    signOutWithNotice,
    sessionEnded,
    changePassword,
    reset,
  }
})
