import { ref } from 'vue'
import { notifyError, notifyOk } from '@/lib/feedback'

/**
 * useAction runs one action at a time: busy names the running one (for the
 * button's spinner); on success it toasts okKey and calls reload().
 * act returns true when the action went through.
 */
export function useAction(reload) {
  const busy = ref('')
  async function act(name, fn, okKey) {
    busy.value = name
    try {
      await fn()
      if (okKey) notifyOk(okKey)
      await reload?.()
      return true
    } catch (e) {
      notifyError(e)
      return false
    } finally {
      busy.value = ''
    }
  }
  return { busy, act }
}
