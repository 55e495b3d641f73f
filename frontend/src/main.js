import { createApp, watch } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/base.css'
import './styles.css'
import App from './App.vue'
import { i18n, startLocale } from './i18n'
import { router } from './router'
import { useAuthStore } from './stores/auth'
import { setUnauthorizedHandler } from './api/client'
import { formatFen } from './lib/money'
import { formatDate, formatDateTime } from './lib/time'
import { formatScore } from './lib/decimal'
import { captureFirstView } from './lib/firstView'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(router)

const auth = useAuthStore()
// Tokens live in Pinia and are mirrored to localStorage on every change.
watch(
  () => [auth.accessToken, auth.refreshToken, auth.user],
  () => auth.persist(),
  { deep: true },
)
// Other tabs log in and out too.
window.addEventListener('storage', (e) => {
  if (e.key === 'portal.auth') auth.$patch({ ...(JSON.parse(e.newValue || '{}')) })
})

setUnauthorizedHandler(() => {
  const here = router.currentRoute.value
  if (here.name !== 'login') router.push({ name: 'login', query: { redirect: here.fullPath } })
})

const loc = () => i18n.global.locale.value
app.config.globalProperties.$fen = formatFen
app.config.globalProperties.$dt = (v) => formatDateTime(v, loc())
app.config.globalProperties.$date = (v) => formatDate(v, loc())
app.config.globalProperties.$score = formatScore

// The language's messages (English is fetched on demand) are there before the first render. When the portal
// wrote the page's first screen into index.html, the page's chunk is there too: the app's first render then
// shows that page (with the same text) instead of an empty main between the server's paint and the page's.
const ready = captureFirstView() ? router.isReady().catch(() => {}) : null
Promise.all([startLocale(), ready]).then(() => app.mount('#app'))
