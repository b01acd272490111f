import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter } from './router'
import { hydrateAll } from './stores/hydrate'
import './styles.css'

async function boot(): Promise<void> {
  const pinia = createPinia()
  const app = createApp(App).use(pinia)
  // Session state decides the first route, so it loads before the router resolves.
  await hydrateAll()
  app.use(createAppRouter())
  app.mount('#app')
}

void boot()
