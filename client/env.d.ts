/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/vue" />

import 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title (German), shown as "<title> – Feldakte". */
    title?: string
    /** Reachable without a session. */
    public?: boolean
    /** Only for role admin. */
    admin?: boolean
  }
}
