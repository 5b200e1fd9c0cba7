import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { router, watchSession } from './router'
import './styles/tokens.css'
import './styles/base.css'
import './styles/components.css'
import './styles/layout.css'

const app = createApp(App)
app.use(createPinia())
app.use(router)
watchSession()
app.mount('#app')
