import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'

const clientDir = decodeURIComponent(new URL('.', import.meta.url).pathname)
const sharedDir = decodeURIComponent(new URL('../shared', import.meta.url).pathname)
const repoDir = decodeURIComponent(new URL('..', import.meta.url).pathname)

const THEME_COLOR = '#1d4e89'
const API_TARGET = 'http://localhost:3000'

export default defineConfig({
  root: clientDir,
  resolve: {
    alias: { '@shared': sharedDir },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Keep every asset a file: the server's CSP allows no inline data besides 'self'.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // Stable, readable vendor chunks: the framework loads with the shell, zod only with forms.
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/ },
            { name: 'zod', test: /node_modules[\\/]zod[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': {
        target: API_TARGET,
        changeOrigin: true,
        // The server's CSRF check wants its own origin on writes; the dev page runs on another port.
        configure: (proxy) => {
          proxy.on('proxyReq', (req) => {
            if (req.getHeader('origin')) req.setHeader('origin', API_TARGET)
          })
        },
      },
    },
    fs: { allow: [repoDir] },
  },
  plugins: [
    vue(),
    VitePWA({
      registerType: 'prompt',
      // Registered from App code (useRegisterSW): no inline script, which the CSP would block.
      injectRegister: false,
      includeAssets: ['icons/favicon-32.png', 'icons/apple-touch-icon-180.png'],
      manifest: {
        name: 'Feldakte',
        short_name: 'Feldakte',
        description: 'Kunden, Verträge und Provisionen für den Strukturvertrieb',
        lang: 'de',
        dir: 'ltr',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        theme_color: THEME_COLOR,
        background_color: '#f4f6f9',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,ico,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        // The first worker takes over the open page at once, so a rep who goes offline right after
        // the first sign-in can still open lazily loaded screens. Updates still wait for "Neu laden".
        clientsClaim: true,
        // Deliberately no runtimeCaching: customer data must never land in service-worker caches.
        runtimeCaching: [],
      },
    }),
  ],
})
