import { onBeforeUnmount, onMounted, ref } from 'vue'
import { serverNow } from '@/lib/time'

/** useNow is the portal's clock (server-corrected), ticking every second. */
export function useNow() {
  const now = ref(serverNow())
  let timer
  onMounted(() => {
    timer = setInterval(() => {
      now.value = serverNow()
    }, 1000)
  })
  onBeforeUnmount(() => clearInterval(timer))
  return now
}
