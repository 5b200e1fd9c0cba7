import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router, watchSession } from './router'
import { useSyncStore } from './stores/sync'
import './styles/tokens.css'
import './styles/base.css'
import './styles/components.css'
import './styles/layout.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
watchSession()
// Opens the signed-in user's device database and starts syncing (also on an offline start).
useSyncStore()
app.mount('#app')
