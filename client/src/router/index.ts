import { nextTick, watch } from 'vue'
import { createRouter, createWebHistory, type LocationQueryValue } from 'vue-router'
import { useAuthStore } from '../stores/auth'
import { resetUserData } from '../stores/reset'

// Every view is its own chunk; the initial download is the shell plus the current page.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/anmelden', name: 'login', component: () => import('../views/auth/LoginView.vue'), meta: { public: true, title: 'Anmelden' } },
    { path: '/passwort', name: 'password', component: () => import('../views/auth/PasswordChangeView.vue'), meta: { title: 'Passwort ändern' } },
    { path: '/', name: 'home', component: () => import('../views/home/HomeView.vue'), meta: { title: 'Start' } },
    { path: '/kunden', name: 'customers', component: () => import('../views/customers/CustomerListView.vue'), meta: { title: 'Kunden' } },
    { path: '/kunden/neu', name: 'customer-new', component: () => import('../views/customers/CustomerCreateView.vue'), meta: { title: 'Neuer Kunde' } },
    { path: '/kunden/import', name: 'customer-import', component: () => import('../views/customers/CustomerImportView.vue'), meta: { title: 'Kunden importieren' } },
    {
      path: '/kunden/:id',
      name: 'customer',
      component: () => import('../views/customers/CustomerDetailView.vue'),
      props: true,
      meta: { title: 'Kunde' },
    },
    { path: '/wiedervorlagen', name: 'follow-ups', component: () => import('../views/followUps/FollowUpsView.vue'), meta: { title: 'Wiedervorlagen' } },
    { path: '/synchronisation', name: 'sync', component: () => import('../views/sync/SyncView.vue'), meta: { title: 'Synchronisation' } },
    { path: '/struktur', name: 'structure', component: () => import('../views/structure/StructureView.vue'), meta: { title: 'Struktur' } },
    { path: '/verwaltung', redirect: { name: 'admin-users' } },
    {
      path: '/verwaltung/benutzer',
      name: 'admin-users',
      component: () => import('../views/users/UserListView.vue'),
      meta: { title: 'Benutzer', admin: true },
    },
    {
      path: '/verwaltung/benutzer/:id',
      name: 'admin-user',
      component: () => import('../views/users/UserDetailView.vue'),
      props: true,
      meta: { title: 'Benutzer', admin: true },
    },
    {
      path: '/verwaltung/filialen',
      name: 'admin-branches',
      component: () => import('../views/branches/BranchListView.vue'),
      meta: { title: 'Filialen', admin: true },
    },
    {
      path: '/verwaltung/stufen',
      name: 'admin-levels',
      component: () => import('../views/levels/LevelListView.vue'),
      meta: { title: 'Karrierestufen', admin: true },
    },
    {
      path: '/verwaltung/einstellungen',
      name: 'admin-settings',
      component: () => import('../views/settings/SettingsView.vue'),
      meta: { title: 'Einstellungen', admin: true },
    },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../views/errors/NotFoundView.vue'), meta: { title: 'Seite nicht gefunden' } },
  ],
  scrollBehavior(_to, _from, saved) {
    return saved ?? { top: 0 }
  },
})

/** Only same-app paths are followed after sign-in (no open redirect). */
export function safeRedirect(value: LocationQueryValue | LocationQueryValue[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value
  return typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/anmelden') ? path : '/'
}

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  await auth.ensureLoaded()
  // Offline start: App shows a notice and retries; no redirects while we know nothing.
  if (auth.status === 'unreachable') return true
  if (auth.status !== 'authenticated') {
    if (to.meta.public) return true
    return { name: 'login', query: to.fullPath === '/' ? {} : { weiter: to.fullPath } }
  }
  if (auth.mustChangePassword) return to.name === 'password' ? true : { name: 'password' }
  if (to.meta.public) return safeRedirect(to.query.weiter)
  if (to.meta.admin && !auth.isAdmin) return { name: 'home' }
  return true
})

let firstNavigation = true
router.afterEach((to, from, failure) => {
  if (failure) return
  document.title = to.meta.title ? `${to.meta.title} – Feldakte` : 'Feldakte'
  // Screen readers: after a client-side navigation, start reading at the new page's content.
  // Not when only the query changed (a search box writing its text to the URL keeps its focus).
  if (!firstNavigation && to.path !== from.path) void nextTick(() => document.getElementById('main')?.focus({ preventScroll: true }))
  firstNavigation = false
})

/** Reacts to session changes reported by any API call (401, forced password change). */
export function watchSession(): void {
  const auth = useAuthStore()
  watch(
    () => auth.status,
    (status, previous) => {
      if (status !== 'anonymous' || previous !== 'authenticated') return
      resetUserData()
      const current = router.currentRoute.value
      if (current.meta.public) return
      const query = auth.sessionExpired && current.fullPath !== '/' ? { weiter: current.fullPath } : {}
      void router.replace({ name: 'login', query })
    },
  )
  watch(
    () => auth.mustChangePassword,
    (must) => {
      if (must && router.currentRoute.value.name !== 'password') void router.replace({ name: 'password' })
    },
  )
  // Back online after an offline start: ask again, then let the guard place the user.
  watch(
    () => auth.status,
    (status, previous) => {
      if (previous === 'unreachable' && (status === 'authenticated' || status === 'anonymous')) {
        const { path, query, hash } = router.currentRoute.value
        void router.replace({ path, query, hash, force: true })
      }
    },
  )
}
